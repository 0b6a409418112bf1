// Dispatcher map: the served streets' outline (GeoJSON), one coloured polyline per caregiver
// through their numbered stops, grey hollow markers for visits nobody could take. No tiles unless
// the deployment configures MAP_TILE_URL (pages may not load anything from the internet) — the
// same base layer as the facility map.
(function () {
  "use strict";
  var source = document.getElementById("dispatch-map-data");
  var el = document.getElementById("dispatch-map");
  if (!source || !el || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(el, { zoomSnap: 0.5, attributionControl: !!data.tile_url });
  if (data.tile_url) { L.tileLayer(data.tile_url, { maxZoom: 18 }).addTo(map); }

  function text(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }

  // The view is set before anything is drawn: labels placed on a map without a view throw.
  var outline = L.geoJSON(data.outline, {
    style: { color: "#8c8c8c", weight: 1, dashArray: "4 4", fill: false }, interactive: false
  });
  var points = [];
  data.routes.forEach(function (r) {
    if (r.home) { points.push(r.home); }
    r.stops.forEach(function (s) { points.push([s.lat, s.lng]); });
  });
  data.unassigned.forEach(function (s) { points.push([s.lat, s.lng]); });
  if (points.length) {
    map.fitBounds(points, { padding: [24, 24], maxZoom: 15 });
  } else if (data.outline.features.length) {
    map.fitBounds(outline.getBounds());
  } else {
    map.setView([30.32, 120.15], 12);
  }
  outline.addTo(map);
  outline.eachLayer(function (layer) {
    L.tooltip({ permanent: true, direction: "center", className: "area-label" })
      .setLatLng(layer.getBounds().getCenter())
      .setContent(text(layer.feature.properties.name)).addTo(map);
  });

  data.routes.forEach(function (r) {
    if (r.line.length > 1) {
      L.polyline(r.line, { color: r.colour, weight: 3, opacity: 0.85,
        className: "route-line" }).addTo(map);
    }
    if (r.home) {
      L.marker(r.home, { icon: L.divIcon({ className: "home-icon", iconSize: [12, 12],
        html: "<div style='width:100%;height:100%;background:" + r.colour + "'></div>" }),
        title: r.name + " · " + data.labels.home }).addTo(map);
    }
    r.stops.forEach(function (s) {
      var icon = L.divIcon({ className: "", iconSize: [20, 20],
        html: "<div class='stop-icon" + (s.pinned ? " is-pinned" : "") + "' style='background:" +
          r.colour + "'>" + text(String(s.seq || "")) + "</div>" });
      L.marker([s.lat, s.lng], { icon: icon, title: s.time + " " + s.elder })
        .bindPopup("<strong>" + text(s.time + " " + s.elder) + "</strong><br>" + text(s.item) +
          "<br>" + text(r.name) + (s.pinned ? " · " + text(data.labels.pinned) : "") +
          "<br><a href='#visit-" + s.id + "'>↓</a>")
        .addTo(map);
    });
  });
  data.unassigned.forEach(function (s) {
    L.circleMarker([s.lat, s.lng], { radius: 7, color: "#6c757d", weight: 2, fill: true,
      fillColor: "#fff", fillOpacity: 1, className: "loose-marker" })
      .bindPopup("<strong>" + text(s.elder) + "</strong><br>" + text(s.item) + "<br>" +
        text(data.labels.unassigned) + "<br><a href='#visit-" + s.id + "'>↓</a>")
      .addTo(map);
  });
  window.addEventListener("resize", function () { map.invalidateSize(); });
})();
