// Simulation and budget charts, from json_script blocks (CSP forbids inline scripts).
(function () {
  "use strict";

  function grid() { return { left: 8, right: 16, top: 36, bottom: 8, containLabel: true }; }

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") { return; }
    el.style.height = "320px";  // set from script: CSP allows no inline style attributes
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function data(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  var sim = data("sim-data");
  if (sim) {
    draw("sim-chart", {
      color: ["#8c8c8c", "#b4483a"],
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: grid(),
      xAxis: { type: "category", data: sim.streets, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", name: sim.labels.unit },
      series: [{ type: "bar", name: sim.labels.current, data: sim.current, barMaxWidth: 28 },
               { type: "bar", name: sim.labels.draft, data: sim.draft, barMaxWidth: 28 }]
    });
  }

  var budget = data("budget-data");
  if (budget) {
    draw("budget-chart", {
      color: ["#3d7ea6", "#b4483a", "#5b8c5a"],
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      grid: grid(),
      xAxis: { type: "category", data: budget.months },
      yAxis: { type: "value", name: budget.labels.unit },
      series: [{ type: "line", name: budget.labels.budget, data: budget.budget, step: "middle" },
               { type: "bar", name: budget.labels.actual, data: budget.actual, barMaxWidth: 24 },
               { type: "bar", name: budget.labels.exported, data: budget.exported,
                 barMaxWidth: 24 }]
    });
  }

  // A parse error names a line: put the cursor there so the user sees what to fix.
  var draft = document.getElementById("id_draft");
  var line = draft ? parseInt(draft.getAttribute("data-error-line"), 10) : NaN;
  if (draft && line > 0) {
    var lines = draft.value.split("\n");
    var start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    draft.focus();
    draft.setSelectionRange(start, start + (lines[line - 1] || "").length);
    draft.scrollTop = Math.max(0, (line - 3) * 18);
  }
})();
