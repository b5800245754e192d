/* Dashboard charts: ECharts (vendored), PNG export from the chart canvas, click → the cases. */
(function () {
  "use strict";
  var script = document.currentScript;
  var casesUrl = script ? script.getAttribute("data-cases") : "/supervision/cases/";
  var node = document.getElementById("chart-data");
  if (!node || typeof echarts === "undefined") { return; }
  var charts = JSON.parse(node.textContent);
  var instances = {};
  charts.forEach(function (c) {
    var el = document.getElementById("chart-" + c.key);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    instances[c.key] = chart;
    var horizontal = c.kind === "hbar";
    // Long unit names are cut to the label's width (the tooltip shows them whole); the grid grows to
    // hold the labels instead of clipping them at the chart's edge.
    var axisCat = {
      type: "category", data: c.categories, inverse: horizontal,
      axisLabel: { interval: 0, rotate: horizontal ? 0 : 30, width: horizontal ? 110 : 90, overflow: "truncate" }
    };
    var axisVal = { type: "value", minInterval: 1 };
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 30, bottom: 8, containLabel: true },
      xAxis: horizontal ? axisVal : axisCat,
      yAxis: horizontal ? axisCat : axisVal,
      series: c.series.map(function (s) {
        return { name: s.name, type: c.kind === "line" ? "line" : "bar", stack: c.stack ? "total" : undefined, data: s.data, connectNulls: true };
      })
    });
    chart.on("click", function (p) {
      if (!c.drill) { return; }
      var series = c.series[p.seriesIndex] || {};
      var code = c.codes ? c.codes[p.dataIndex] : (series.code || "");
      var target = c.drill.replace("{category}", encodeURIComponent(p.name)).replace("{code}", encodeURIComponent(code));
      window.location.href = target.charAt(0) === "?" ? casesUrl + target : target;
    });
  });
  document.querySelectorAll("[data-png]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var chart = instances[btn.getAttribute("data-png")];
      if (!chart) { return; }
      var a = document.createElement("a");
      a.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
      a.download = btn.closest("[data-testid]").querySelector("strong").textContent + ".png";
      document.body.appendChild(a); a.click(); a.remove();
    });
  });
  window.addEventListener("resize", function () { Object.keys(instances).forEach(function (k) { instances[k].resize(); }); });
})();
