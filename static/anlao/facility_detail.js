// Facility detail: occupancy-over-time chart from the json_script block (CSP: no inline JS).
(function () {
  "use strict";
  var source = document.getElementById("facility-chart-data");
  var el = document.getElementById("chart-occupancy");
  if (!source || !el || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    color: ["#8c8c8c", "#3d7ea6", "#b4483a"],
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: data.dates },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { type: "line", name: data.labels.beds, data: data.beds, step: "end", symbol: "none" },
      { type: "line", name: data.labels.occupied, data: data.occupied, areaStyle: { opacity: 0.15 } },
      { type: "line", name: data.labels.occupied_nursing, data: data.occupied_nursing }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
