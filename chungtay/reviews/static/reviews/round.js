// Village meeting form: the vote table holds the chosen village's households (votes are per
// village); choosing another village reloads the page for that village.
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
  select.addEventListener("change", function () {
    var url = new URL(window.location.href);
    url.searchParams.set("village", select.value);
    url.searchParams.delete("page");
    url.hash = "meeting";
    window.location.assign(url.toString());
  });
  filter();
})();
