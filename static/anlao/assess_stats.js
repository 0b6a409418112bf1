// Assessment statistics: ECharts from the json_script block (CSP forbids inline scripts).
(function () {
  "use strict";
  var source = document.getElementById("assess-stats-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var levelColours = ["#5b8c5a", "#a3a03a", "#e0a030", "#d9622b", "#9a2b1f"];
  var charts = [];

  function levels(el) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    var series = data.levels.map(function (name, i) {
      return { type: "bar", name: name, stack: "levels", data: data.counts[i], barMaxWidth: 40,
               emphasis: { focus: "series" } };
    });
    series.push({ type: "line", name: data.share_name, yAxisIndex: 1, data: data.share,
                  symbolSize: 6, color: "#3d7ea6", label: { show: data.areas.length <= 12,
                  position: "top", formatter: "{c}%" } });
    chart.setOption({
      color: levelColours,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 8, right: 8, top: 24, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: data.areas, axisLabel: { interval: 0, rotate: data.areas.length > 8 ? 40 : 0 } },
      yAxis: [{ type: "value", minInterval: 1 },
              { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } }],
      series: series
    });
    charts.push(chart);
  }

  function agencies(el) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    var part = data.agency_months;
    chart.setOption({
      color: ["#b4483a", "#3d7ea6", "#5b8c5a", "#e0b341", "#7a5c99", "#8c8c8c"],
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: part.months },
      yAxis: { type: "value", minInterval: 1 },
      series: part.series.map(function (s) {
        return { type: "bar", name: s.name, data: s.data, barMaxWidth: 28 };
      })
    });
    charts.push(chart);
  }

  var el = document.getElementById("chart-levels");
  if (el) { levels(el); }
  el = document.getElementById("chart-agencies");
  if (el) { agencies(el); }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
