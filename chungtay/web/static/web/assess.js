// Live classification preview on the survey form: asks the server (same engine as on save).
(function () {
  var form = document.getElementById("assess");
  if (!form) return;
  var out = document.getElementById("preview");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  // The same formats as the server (and the Excel import): 1.200.000 / 1.200.000,5 / 12,5 / 1200000.
  function parseNumber(text) {
    var s = text.replace(/[\s\u00a0]/g, "").replace(/(đồng|đ|vnd)$/i, "");
    if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) s = s.replace(/\./g, "").replace(",", ".");
    else if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
    else if (/^-?\d+,\d+$/.test(s)) s = s.replace(",", ".");
    return s === "" ? NaN : Number(s);
  }
  // Answers can come back out of order on a slow link: only the latest request may write the preview.
  var latest = 0;
  function update() {
    var ticket = ++latest;
    var value = form.elements["value"].value;
    if (value === "") { out.textContent = ""; return; }
    var body = { year: form.elements["year"].value, area: form.dataset.area, deprived: [] };
    var number = parseNumber(value);
    if (isNaN(number)) { out.textContent = ""; return; }   // the server says what is wrong on save
    body[form.elements["basis"].value] = number;
    form.querySelectorAll("input[data-code]").forEach(function (c) { if (c.checked) body.deprived.push(c.dataset.code); });
    fetch(form.dataset.api || "/api/v1/classify", { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (ticket !== latest) return;
        out.textContent = d.error || d.explanation; out.className = "preview " + (d.category || "");
      });
  }
  // The indicator list depends on the standard of the year: reload the form for another year.
  form.elements["year"].addEventListener("change", function () {
    var y = form.elements["year"].value;
    if (y && y !== form.dataset.year) window.location.search = "?year=" + encodeURIComponent(y);
  });
  // Pre-filled from the previous result: mark what the officer changed.
  function markChanged() {
    if (!document.getElementById("prefill")) return;
    form.querySelectorAll("input[data-code]").forEach(function (c) {
      c.closest("label").classList.toggle("changed", c.checked !== c.defaultChecked);
    });
    var v = form.elements["value"];
    v.closest("label").classList.toggle("changed", v.value !== v.defaultValue);
    var b = form.elements["basis"], first = b.querySelector("option[selected]") || b.options[0];
    b.closest("label").classList.toggle("changed", b.value !== first.value);
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("input", markChanged);
  form.addEventListener("change", markChanged);
  update();
})();
