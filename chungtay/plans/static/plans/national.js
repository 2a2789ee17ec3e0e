// National map of the provinces (vendored ECharts). Data from json_script, URLs from data
// attributes; the tooltip is HTML, so the province name is escaped.
(function () {
  var d = JSON.parse(document.getElementById("dash-data").textContent);
  var urls = document.getElementById("national-urls").dataset;
  var esc = function (s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  };
  var byCode = {};
  d.children.forEach(function (c) { byCode[c.code] = c; });
  var el = document.getElementById("chart-map");
  if (!el) return;
  var c = echarts.init(el);
  fetch(urls.geoUrl).then(function (r) { return r.json(); }).then(function (g) {
    echarts.registerMap("vn", g);
    var vals = d.children.map(function (x) { return x.poverty_rate || 0; });
    c.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) {
        var x = byCode[p.name]; return x ? esc(x.name) + ": " + esc(x.poverty_rate) + "%" : esc(p.name); } },
      visualMap: { min: 0, max: Math.max.apply(null, vals.concat([1])), left: 10, bottom: 10, calculable: true,
                   inRange: { color: ["#e1f2e7", "#ffe3a3", "#e08a00", "#c8102e"] } },
      series: [{ type: "map", map: "vn", nameProperty: "code", roam: true,
                 data: d.children.map(function (x) { return { name: x.code, value: x.poverty_rate }; }) }]
    });
    c.on("click", function (p) {
      var x = byCode[p.name];
      if (x) window.location = urls.dashboardUrl.replace("/0/", "/" + encodeURIComponent(x.id) + "/") + "?year=" + encodeURIComponent(d.year);
    });
  });
  window.addEventListener("resize", function () { c.resize(); });
})();
