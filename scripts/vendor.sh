#!/usr/bin/env bash
# Re-vendor the front-end assets from the npm registry into static/vendor/.
set -euo pipefail
V="$(cd "$(dirname "$0")/.." && pwd)/static/vendor"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T"
npm pack --silent bootstrap@5.3.9 htmx.org@2.0.11 echarts@5.6.0 leaflet@1.9.4 bootstrap-icons@1.13.2 >/dev/null
for f in *.tgz; do mkdir -p "x/${f%.tgz}"; tar xzf "$f" -C "x/${f%.tgz}"; done
cp x/bootstrap-5.3.9/package/dist/css/bootstrap.min.css x/bootstrap-5.3.9/package/dist/js/bootstrap.bundle.min.js "$V/bootstrap/"
cp x/htmx.org-2.0.11/package/dist/htmx.min.js "$V/htmx/"
cp x/echarts-5.6.0/package/dist/echarts.min.js "$V/echarts/"
cp -r x/leaflet-1.9.4/package/dist/leaflet.js x/leaflet-1.9.4/package/dist/leaflet.css x/leaflet-1.9.4/package/dist/images "$V/leaflet/"
cp -r x/bootstrap-icons-1.13.2/package/font/bootstrap-icons.min.css x/bootstrap-icons-1.13.2/package/font/fonts "$V/bootstrap-icons/"
