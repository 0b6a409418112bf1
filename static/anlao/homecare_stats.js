// Home-care dashboard: ECharts bars (volume by category and street) and a Leaflet map of
// today's visits. Data comes from json_script blocks (CSP forbids inline scripts). The map has
// no tiles unless the deployment configures MAP_TILE_URL (same base layer as the facility map).
(function () {
  "use strict";
  var source = document.getElementById("homecare-stats-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function bars(el, rows, colour) {
    if (!el || typeof echarts === "undefined") { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      color: [colour],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }) },
      series: [{ type: "bar", data: rows.map(function (r) { return r.count; }), barMaxWidth: 22,
                 label: { show: true, position: "right" } }]
    });
    charts.push(chart);
  }

  function text(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }

  function todayMap(el, m) {
    if (!el || typeof L === "undefined" || !m.points.length) { return; }
    var colours = {};
    m.states.forEach(function (s) { colours[s.code] = s.colour; });
    var labels = {};
    m.states.forEach(function (s) { labels[s.code] = s.label; });
    var map = L.map(el, { zoomSnap: 0.5, attributionControl: !!m.tile_url });
    if (m.tile_url) { L.tileLayer(m.tile_url, { maxZoom: 18 }).addTo(map); }
    (m.areas || []).forEach(function (a) {  // as on the facility map: street rings and names
      L.circle([a.lat, a.lng], { radius: 700, color: "#8c8c8c", weight: 1, dashArray: "4 4",
        fill: false, interactive: false }).addTo(map);
      L.tooltip({ permanent: true, direction: "center", className: "area-label" })
        .setLatLng([a.lat, a.lng]).setContent(text(a.name)).addTo(map);
    });
    var bounds = [];
    m.points.forEach(function (p) {
      L.circleMarker([p.lat, p.lng], { radius: 6, color: "#ffffff", weight: 1,
        fillColor: colours[p.state] || "#666", fillOpacity: 0.9,
        className: "visit-marker visit-" + p.state })
        .bindPopup("<strong>" + text(p.time) + " " + text(p.item) + "</strong><br>" +
                   text(labels[p.state] || p.state) + (p.caregiver ? " · " + text(p.caregiver) : ""))
        .addTo(map);
      bounds.push([p.lat, p.lng]);
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    window.addEventListener("resize", function () { map.invalidateSize(); });
  }

  bars(document.getElementById("chart-category"), data.by_category, "#3d7ea6");
  bars(document.getElementById("chart-street"), data.by_street, "#5b8c5a");
  todayMap(document.getElementById("today-map"), data.map);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
