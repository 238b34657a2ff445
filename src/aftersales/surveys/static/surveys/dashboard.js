// The scores dashboard's chart (R-9.6): the five dimensions' means per period from the page's
// JSON (json_script); a period that is not analysable is a gap. No inline script (CSP).
(function () {
  "use strict";
  var holder = document.getElementById("survey-chart");
  var source = document.getElementById("survey-chart-data");
  if (!holder || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    grid: { left: 36, right: 12, top: 48, bottom: 28 },
    legend: { top: 0, type: "scroll" },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.periods },
    yAxis: { type: "value", min: 1, max: 10 },
    series: data.series.map(function (s) {
      return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 6 };
    }),
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
