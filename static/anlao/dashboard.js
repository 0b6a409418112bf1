// Home dashboard: draws the ECharts from the json_script block (CSP forbids inline scripts).
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#b4483a", "#d9822b", "#e0b341", "#5b8c5a", "#3d7ea6", "#7a5c99", "#8c8c8c"];
  var charts = [];

  function grid(horizontal) {
    return { left: 8, right: horizontal ? 48 : 16, top: 16, bottom: 8, containLabel: true };
  }

  function bar(id, part, horizontal) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    var category = { type: "category", data: part.labels, axisTick: { show: false },
                     axisLabel: { interval: 0, hideOverlap: false } };
    // Horizontal bars carry their value as a label; an axis of numbers would only crowd phones.
    var value = horizontal
      ? { type: "value", minInterval: 1, axisLabel: { show: false }, splitLine: { show: false } }
      : { type: "value", minInterval: 1 };
    if (horizontal) { category.inverse = true; }
    chart.setOption({
      color: palette,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: grid(horizontal),
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ type: "bar", name: data.series_name, data: part.values, barMaxWidth: 36,
                 label: { show: true, position: horizontal ? "right" : "top" } }]
    });
    charts.push(chart);
  }

  function pie(id, part) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    var slices = part.labels.map(function (label, i) {
      return { name: label, value: part.values[i] };
    }).filter(function (s) { return s.value > 0; });
    chart.setOption({
      color: ["#5b8c5a", "#e0b341", "#d9822b", "#b4483a", "#7a1f16", "#adb5bd"],
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, itemGap: 8, itemWidth: 14 },
      series: [{ type: "pie", name: data.series_name, radius: ["38%", "66%"],
                 center: ["50%", "42%"], data: slices,
                 label: { formatter: "{c}" } }]
    });
    charts.push(chart);
  }

  bar("chart-area", data.area, true);
  bar("chart-age", data.age, false);
  pie("chart-ability", data.ability);
  bar("chart-category", data.category, true);

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
