// Village meeting form: show only the chosen village's households (votes are per village).
(function () {
  var form = document.getElementById("meeting");
  if (!form) return;
  var select = form.elements["village"];
  function filter() {
    form.querySelectorAll("tr[data-village]").forEach(function (tr) {
      var mine = tr.dataset.village === select.value;
      tr.hidden = !mine;
      if (!mine) tr.querySelector("input").value = "";
    });
  }
  select.addEventListener("change", filter);
  filter();
})();
