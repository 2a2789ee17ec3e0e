// A plan target: the planned path against the actual figures (vendored ECharts). Data from
// json_script; the series labels from data attributes (escaped by the template).
(function () {
  var el = document.getElementById("target-chart");
  var data = document.getElementById("chart-data");
  if (!el || !data) return;
  var d = JSON.parse(data.textContent);
  var years = Array.from(new Set(d.plan.map(function (p) { return p.year; })
    .concat(d.actual.map(function (p) { return p.year; })))).sort();
  var c = echarts.init(el);
  c.setOption({
    animation: false, tooltip: { trigger: "axis" }, legend: {},
    xAxis: { type: "category", data: years.map(String) }, yAxis: { type: "value" },
    series: [
      { name: el.dataset.planLabel, type: "line", lineStyle: { type: "dashed" },
        data: d.plan.map(function (p) { return [String(p.year), p.value]; }) },
      { name: el.dataset.actualLabel, type: "line", data: d.actual.map(function (p) { return [String(p.year), p.value]; }) }
    ]
  });
  window.addEventListener("resize", function () { c.resize(); });
})();
