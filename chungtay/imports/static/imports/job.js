// Poll the import job until it ends, moving the progress bar; then reload for the result.
(function () {
  var box = document.getElementById("import-status");
  if (!box || box.dataset.finished === "1") return;
  var fill = document.getElementById("import-fill"), pct = document.getElementById("import-pct"),
      msg = document.getElementById("import-message"), label = document.getElementById("import-label"),
      bar = box.querySelector(".import-bar"), note = document.getElementById("import-note"),
      waiting = document.getElementById("import-waiting");
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (j) {
        fill.style.width = j.progress + "%"; pct.textContent = j.progress; bar.setAttribute("aria-valuenow", j.progress);
        msg.textContent = j.message || ""; label.textContent = j.status_label;
        note.textContent = j.note || ""; note.hidden = !j.note; waiting.hidden = !j.waiting;
        label.className = "tag import-" + j.status;
        if (j.finished) { window.location.reload(); } else { setTimeout(poll, 800); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
