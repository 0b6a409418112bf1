// Certification-rate chart: one bar per facility, a dashed line at the target (seed 003: 95%).
(function () {
  "use strict";
  var el = document.getElementById("kpi-chart");
  var src = document.getElementById("kpi-data");
  if (!el || !src || !window.echarts) { return; }
  var d = JSON.parse(src.textContent);
  var chart = window.echarts.init(el);
  chart.setOption({
    grid: { left: 44, right: 40, top: 24, bottom: 90 },
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    xAxis: { type: "category", data: d.names, axisLabel: { rotate: 35, interval: 0, fontSize: 10 } },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{
      type: "bar", data: d.values.map(function (v) {
        return { value: v, itemStyle: { color: v >= d.target ? "#198754" : "#dc3545" } };
      }),
      markLine: { symbol: "none", lineStyle: { type: "dashed", color: "#0d6efd" },
        label: { formatter: d.target + "%" }, data: [{ yAxis: d.target }] }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
