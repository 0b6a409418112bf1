// Facility map: Leaflet markers coloured by type, popup with free beds. No tiles unless the
// deployment configures MAP_TILE_URL (pages may not load anything from the internet).
(function () {
  "use strict";
  var source = document.getElementById("facility-map-data");
  var el = document.getElementById("facility-map");
  if (!source || !el || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = {};
  data.types.forEach(function (t) { colours[t.code] = t.colour; });
  var map = L.map(el, { zoomSnap: 0.5, attributionControl: !!data.tile_url });
  if (data.tile_url) { L.tileLayer(data.tile_url, { maxZoom: 18 }).addTo(map); }

  function text(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }

  data.areas.forEach(function (a) {
    L.circle([a.lat, a.lng], { radius: 700, color: "#8c8c8c", weight: 1, dashArray: "4 4",
      fill: false, interactive: false }).addTo(map);
    L.tooltip({ permanent: true, direction: "center", className: "area-label" })
      .setLatLng([a.lat, a.lng]).setContent(text(a.name)).addTo(map);
  });

  var bounds = [];
  data.points.forEach(function (p) {
    var radius = 5 + Math.min(14, Math.sqrt(p.beds || 0));
    var marker = L.circleMarker([p.lat, p.lng], {
      radius: radius, color: p.findings ? "#9a2b1f" : "#ffffff", weight: p.findings ? 2 : 1,
      fillColor: colours[p.type] || "#666", fillOpacity: 0.85,
      className: "facility-marker facility-marker-" + p.type
    }).addTo(map);
    var html = "<strong>" + text(p.name) + "</strong><br>" + text(p.type_label);
    if (p.beds) {
      html += "<br>" + data.labels.beds + ": " + p.beds + " · <span class='free-beds'>" +
        data.labels.free + ": " + p.free + "</span><br>" + data.labels.free_nursing + ": " +
        p.free_nursing;
    }
    if (p.findings) { html += "<br><span class='text-danger'>" + data.labels.findings + ": " + p.findings + "</span>"; }
    html += "<br><a href='" + data.detail_url.replace("/0/", "/" + p.id + "/") + "'>" +
      data.labels.open + "</a>";
    marker.bindPopup(html);
    bounds.push([p.lat, p.lng]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 }); }
  window.addEventListener("resize", function () { map.invalidateSize(); });
})();
