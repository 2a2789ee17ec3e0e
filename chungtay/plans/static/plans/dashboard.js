// Dashboard charts with the vendored Apache ECharts (no CDN). Data comes as JSON written by
// json_script (<script type="application/json">, never executed); URLs in data attributes.
// Tooltips are HTML: every name goes through esc() before it is put into one.
(function () {
  var d = JSON.parse(document.getElementById("dash-data").textContent);
  var urls = document.getElementById("dash-urls").dataset;
  var unitUrl = function (id) { return urls.unitUrl.replace("/0/", "/" + encodeURIComponent(id) + "/") + "?year=" + encodeURIComponent(d.year); };
  var esc = function (s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  };
  var en = d.lang === "en";
  var T = function (vi, e) { return en ? e : vi; };
  var fmt = function (v) { return v == null ? "–" : v.toLocaleString(en ? "en" : "vi-VN"); };
  var base = { animation: false, textStyle: { fontFamily: "inherit" }, tooltip: { trigger: "axis" } };
  var charts = [];
  function make(id, opt) {
    var el = document.getElementById(id);
    if (!el) return null;
    var c = echarts.init(el);
    c.setOption(Object.assign({}, base, opt));
    charts.push(c);
    return c;
  }
  // a year whose review is not yet recognised is labelled provisional, with its coverage
  var years = d.trend.map(function (r) {
    return r.provisional ? r.year + "*" : String(r.year);
  });
  var provNote = d.trend.filter(function (r) { return r.provisional; }).map(function (r) {
    return "* " + r.year + ": " + T("tạm tính, đã rà soát ", "provisional, ") + fmt(r.reviewed) + "/" + fmt(r.expected) + T(" hộ", " households reviewed");
  }).join("; ");
  make("chart-trend", {
    legend: { top: 0 }, grid: { top: 36, left: 44, right: 16, bottom: provNote ? 48 : 28 },
    title: provNote ? { text: provNote, bottom: 0, left: "center", textStyle: { fontSize: 11, fontWeight: "normal", color: "#9a5d00" } } : undefined,
    xAxis: { type: "category", data: years }, yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    series: [
      { name: T("Hộ nghèo", "Poor"), type: "line", data: d.trend.map(function (r) { return r.poverty_rate; }), color: "#c8102e" },
      { name: T("Cận nghèo", "Near-poor"), type: "line", data: d.trend.map(function (r) { return r.near_poverty_rate; }), color: "#e08a00" },
      { name: T("Nghèo DTTS", "EM poor"), type: "line", data: d.trend.map(function (r) { return r.em_poverty_rate; }), color: "#7a4fa0" }
    ]
  });
  make("chart-movements", {
    legend: { top: 0 }, grid: { top: 36, left: 56, right: 16, bottom: 28 },
    xAxis: { type: "category", data: d.movements.map(function (m) { return m.from + "→" + m.to; }) },
    yAxis: { type: "value" },
    series: [
      { name: T("Thoát nghèo", "Escaped"), type: "bar", data: d.movements.map(function (m) { return m.escaped_poverty + m.poor_to_near_poor; }), color: "#2f7d4f" },
      { name: T("Nghèo phát sinh", "Newly poor"), type: "bar", data: d.movements.map(function (m) { return m.newly_poor; }), color: "#e08a00" },
      { name: T("Tái nghèo", "Re-poor"), type: "bar", data: d.movements.map(function (m) { return m.re_poor; }), color: "#c8102e" }
    ]
  });
  var kids = d.children.slice().sort(function (a, b) { return (a.poverty_rate || 0) - (b.poverty_rate || 0); });
  var byName = {};
  d.children.forEach(function (c) { byName[c.name] = c; byName[c.code] = c; });
  // one readable row per unit: a province's 40 communes get a taller chart, not squeezed labels
  var kidsEl = document.getElementById("chart-children");
  if (kidsEl && kids.length > 16) kidsEl.style.height = (40 + 20 * kids.length) + "px";
  var ch = make("chart-children", {
    grid: { left: 150, right: 40, top: 10, bottom: 24 }, tooltip: { trigger: "item", formatter: function (p) {
      var c = kids[p.dataIndex]; return esc(c.name) + "<br>" + fmt(c.poor) + " / " + fmt(c.total) + " " + T("hộ", "households") + ": " + p.value + "%"; } },
    xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: kids.map(function (c) { return c.name; }), axisLabel: { fontSize: 11 } },
    series: [{ type: "bar", data: kids.map(function (c) { return c.poverty_rate; }), color: "#0b5c7a" }]
  });
  if (ch) ch.on("click", function (p) { var c = kids[p.dataIndex]; window.location = unitUrl(c.id); });
  var deps = d.deprivations.slice().sort(function (a, b) { return a.contribution - b.contribution; });
  make("chart-deprivations", {
    grid: { left: 190, right: 40, top: 10, bottom: 24 }, tooltip: { trigger: "item", formatter: function (p) {
      var x = deps[p.dataIndex]; return esc(en ? x.name_en : x.name_vi) + "<br>" + fmt(x.poor_deprived) + " " + T("hộ nghèo thiếu hụt", "poor households deprived") + "<br>" + T("đóng góp", "contribution") + " " + x.contribution + "%"; } },
    xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: deps.map(function (x) { return en ? x.name_en : x.name_vi; }), axisLabel: { fontSize: 11 } },
    series: [{ type: "bar", data: deps.map(function (x) { return x.contribution; }), color: "#c8102e" }]
  });
  // Map: commune boundaries where the deployment has a boundary layer, else points at centroids.
  var mapEl = document.getElementById("chart-map");
  var metricSel = document.getElementById("map-metric");
  function mapOption(geo) {
    var m = metricSel.value;
    var vals = d.children.map(function (c) { return c[m]; }).filter(function (v) { return v != null; });
    var vm = { min: Math.min.apply(null, vals.concat([0])), max: Math.max.apply(null, vals.concat([1])), left: 10, bottom: 10,
               calculable: true, inRange: { color: ["#e1f2e7", "#ffe3a3", "#e08a00", "#c8102e"] } };
    if (geo) {
      return { tooltip: { trigger: "item", formatter: function (p) { var c = byName[p.name]; return c ? esc(c.name) + ": " + fmt(c[m]) : esc(p.name); } },
               visualMap: vm, series: [{ type: "map", map: "units", nameProperty: "code", roam: true,
               data: d.children.map(function (c) { return { name: c.code, value: c[m] }; }) }] };
    }
    var pts = d.children.filter(function (c) { return c.lat != null; });
    return { tooltip: { trigger: "item", formatter: function (p) { return esc(p.data.n) + ": " + fmt(p.data.value[2]); } },
             visualMap: Object.assign(vm, { dimension: 2 }),
             xAxis: { type: "value", scale: true, show: false }, yAxis: { type: "value", scale: true, show: false },
             series: [{ type: "scatter", symbolSize: 14, data: pts.map(function (c) { return { n: c.name, id: c.id, value: [c.lon, c.lat, c[m]] }; }) }] };
  }
  var map = mapEl ? echarts.init(mapEl) : null;
  if (map) {
    charts.push(map);
    var draw = function (geo) { map.setOption(mapOption(geo), true); };
    map.on("click", function (p) {
      var c = p.data && p.data.id ? { id: p.data.id } : byName[p.name];
      if (c) window.location = unitUrl(c.id);
    });
    if (d.has_map) {
      fetch(urls.geoUrl).then(function (r) { return r.json(); }).then(function (geo) {
        echarts.registerMap("units", geo); var g = true; draw(g);
        metricSel.addEventListener("change", function () { draw(g); });
      });
    } else {
      draw(false);
      metricSel.addEventListener("change", function () { draw(false); });
    }
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
