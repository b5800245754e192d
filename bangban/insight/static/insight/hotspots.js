/* 堵点 page: the heat chart (ECharts, vendored by supervision) and the progress of a run in progress. */
(function () {
  "use strict";
  var node = document.getElementById("hotspot-chart-data");
  var el = document.getElementById("hotspot-chart");
  if (node && el && typeof echarts !== "undefined") {
    var data = JSON.parse(node.textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 180, right: 20, top: 30, bottom: 20 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: data.categories, inverse: true, axisLabel: { interval: 0 } },
      series: [
        { name: "热度", type: "bar", data: data.heat },
        { name: "诉求数", type: "bar", data: data.cases }
      ]
    });
  }
  var box = document.getElementById("hotspot-progress");
  if (box && box.querySelector("[data-progress]")) {
    var timer = setInterval(function () {
      fetch(box.getAttribute("data-url"), { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          box.innerHTML = html;
          if (!box.querySelector("[data-progress]")) { clearInterval(timer); window.location.reload(); }
        });
    }, 3000);
  }
})();
