// The unit page's "no one left behind" card: the five counts come from the API after the page has
// loaded (a province's radar takes about a second; the page itself must not wait for it). Without
// script, or when the call fails, each count links to the radar page, which shows it.
(function () {
  var card = document.querySelector("[data-radar-src]");
  if (!card || !window.fetch) return;
  fetch(card.getAttribute("data-radar-src"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) {
      card.querySelectorAll("[data-radar-count]").forEach(function (b) {
        var n = data.counts[b.getAttribute("data-radar-count")];
        b.textContent = typeof n === "number" ? n.toLocaleString("vi-VN") : "–";
      });
      card.setAttribute("data-radar-loaded", "1");
    })
    .catch(function () {
      card.querySelectorAll("[data-radar-count]").forEach(function (b) { b.textContent = "–"; });
      card.setAttribute("data-radar-loaded", "error");
    });
})();
