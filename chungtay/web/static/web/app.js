// Behaviour that used to sit in inline handlers (the Content-Security-Policy allows no inline
// script): <select data-autosubmit> submits its form on change, [data-print] prints the page,
// [data-back] goes back in the history (its href is the fallback without script).
(function () {
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t && t.matches && t.matches("select[data-autosubmit]") && t.form) t.form.submit();
  });
  document.addEventListener("click", function (e) {
    var t = e.target && e.target.closest ? e.target.closest("[data-print]") : null;
    if (t) { e.preventDefault(); window.print(); return; }
    var b = e.target && e.target.closest ? e.target.closest("[data-back]") : null;
    if (b && window.history.length > 1) { e.preventDefault(); window.history.back(); }
  });
})();
