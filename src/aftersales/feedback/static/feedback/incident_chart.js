// The incident page's chart: fault reports of the batch per day, one line, from the
// page's JSON (json_script); no inline script (the Content-Security-Policy allows none).
(function () {
  "use strict";
  var holder = document.getElementById("incident-chart");
  var source = document.getElementById("incident-chart-data");
  if (!holder || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    grid: { left: 36, right: 12, top: 16, bottom: 48 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.days, axisLabel: { formatter: function (v) { return v.slice(5); } } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: holder.dataset.label || "", type: "line", data: data.counts, smooth: false, symbolSize: 6, areaStyle: { opacity: 0.08 } }],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
