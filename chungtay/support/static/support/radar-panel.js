// The unit page's "no one left behind" card: the five counts come from the API after the page has
// loaded (a province's radar takes about a second; the page itself must not wait for it). Without
// script, or when the call fails, each count links to the radar page, which shows it.
// The card says which results year the counts are from ("Kết quả rà soát năm 2025", the API's
// latest_year: the newest final year by default) and, when that year is provisional, the
// "Số liệu tạm tính" badge with the coverage (issue 7 §5). Every text goes in through
// textContent / text nodes, never as markup.
(function () {
  var card = document.querySelector("[data-radar-src]");
  if (!card || !window.fetch) return;
  var en = String(document.documentElement.getAttribute("lang") || "").slice(0, 2) === "en";
  var T = function (vi, e) { return en ? e : vi; };
  var fmt = function (n) { return typeof n === "number" ? n.toLocaleString(en ? "en" : "vi-VN") : "–"; };
  var text = function (el, s) { el.appendChild(document.createTextNode(String(s))); };
  var bold = function (el, s) { var b = document.createElement("b"); b.textContent = String(s); el.appendChild(b); };

  function showYear(data) {
    var el = card.querySelector("[data-radar-year]");
    if (!el) return;
    el.textContent = "";
    var year = data.latest_year;
    if (typeof year !== "number") {
      text(el, T("Đơn vị chưa có kết quả rà soát định kỳ.", "The unit has no periodic review result yet."));
    } else {
      text(el, T("Kết quả rà soát năm ", "Results of the periodic review of "));
      bold(el, year);
      text(el, data.provisional ? T(" (tạm tính)", " (provisional)") : T(" (chính thức)", " (final)"));
      var newest = data.newest_year;
      if (typeof newest === "number" && newest > year) {
        text(el, T("; năm " + newest + " đang rà soát, chưa được công nhận: chưa tính",
                   "; the " + newest + " review is under way and not yet recognised: not counted"));
      }
      text(el, ".");
    }
    el.hidden = false;
    var badge = card.querySelector("[data-radar-provisional]");
    if (!badge) return;
    badge.textContent = "";
    if (typeof year === "number" && data.provisional) {
      bold(badge, T("Số liệu tạm tính", "Provisional"));
      text(badge, T(" – đã rà soát " + fmt(data.reviewed) + "/" + fmt(data.expected) + " hộ. Kết quả rà soát năm " +
                    year + " chưa được Chủ tịch UBND xã công nhận: các số liệu còn thay đổi.",
                    " – " + fmt(data.reviewed) + " of " + fmt(data.expected) + " households reviewed. The review of " +
                    year + " is not yet recognised by the commune chairman: the figures may still change."));
      badge.setAttribute("data-reviewed", String(data.reviewed));
      badge.setAttribute("data-expected", String(data.expected));
      badge.hidden = false;
    } else {
      badge.hidden = true;
    }
  }

  fetch(card.getAttribute("data-radar-src"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) {
      card.querySelectorAll("[data-radar-count]").forEach(function (b) {
        var n = data.counts[b.getAttribute("data-radar-count")];
        b.textContent = typeof n === "number" ? n.toLocaleString(en ? "en" : "vi-VN") : "–";
      });
      showYear(data);
      card.setAttribute("data-radar-loaded", "1");
    })
    .catch(function () {
      card.querySelectorAll("[data-radar-count]").forEach(function (b) { b.textContent = "–"; });
      card.setAttribute("data-radar-loaded", "error");
    });
})();
