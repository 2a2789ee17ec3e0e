"""The unit page's radar card says which results year its counts are from (issue 7 §5): "Kết quả
rà soát năm 2025" — the API's latest_year, the newest final year — and, for a provisional year,
the "Số liệu tạm tính" badge with the coverage. The card's script (support/radar-panel.js) is
run here under Node with a small stand-in for the DOM, on the real API answers; it writes text
only (text nodes, textContent), never markup."""
import html
import json
import re
import subprocess
from pathlib import Path


from chungtay.households.completeness import exists_in
from chungtay.households.models import Household
from chungtay.reviews.models import ReviewRound
from tests.provisional_helpers import NEW

JS = Path(__file__).resolve().parent.parent / "chungtay/support/static/support/radar-panel.js"

# A stand-in for the few DOM calls the script makes; prints what the card shows.
HARNESS = r"""
const fs = require("fs");
const [data, lang] = JSON.parse(fs.readFileSync(0, "utf8"));
function el(tag) {
  return {tag, children: [], attrs: {}, hidden: tag === "p",
    set textContent(v) { this.children = [{text: String(v)}]; },
    get textContent() { return this.children.map(c => c.text !== undefined ? c.text : c.textContent).join(""); },
    set innerHTML(v) { throw new Error("innerHTML used"); },
    appendChild(c) { this.children.push(c); return c; },
    setAttribute(k, v) { this.attrs[k] = String(v); }, getAttribute(k) { return this.attrs[k]; }};
}
const card = el("section"); card.attrs["data-radar-src"] = "/api/v1/radar";
const year = el("p"), badge = el("p"), counts = {};
for (const name of Object.keys(data.counts)) { counts[name] = el("b"); counts[name].attrs["data-radar-count"] = name; }
card.querySelector = s => s === "[data-radar-year]" ? year : s === "[data-radar-provisional]" ? badge : null;
card.querySelectorAll = s => s === "[data-radar-count]" ? Object.values(counts) : [];
global.window = {fetch: true};
global.document = {documentElement: {getAttribute: () => lang},
  querySelector: s => s === "[data-radar-src]" ? card : null,
  createElement: t => el(t), createTextNode: t => ({text: String(t)})};
global.fetch = () => Promise.resolve({ok: true, json: () => Promise.resolve(data)});
require(process.argv[2]);
setTimeout(() => {
  const bolds = x => x.children.filter(c => c.tag === "b").map(c => c.textContent);
  console.log(JSON.stringify({loaded: card.attrs["data-radar-loaded"], year: year.textContent, year_hidden: year.hidden,
    year_bold: bolds(year), badge: badge.textContent, badge_hidden: badge.hidden, badge_attrs: badge.attrs,
    counts: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v.textContent]))}));
}, 50);
"""


def run_card(tmp_path, data: dict, lang: str = "vi") -> dict:
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS)
    out = subprocess.run(["node", str(harness), str(JS)], input=json.dumps([data, lang]), capture_output=True,
                         text=True, timeout=30, check=True)
    return json.loads(out.stdout)


def _src(client, unit):
    page = client.get(f"/units/{unit.pk}/").content.decode()
    assert 'data-radar-year hidden' in page and 'data-radar-provisional hidden' in page
    return html.unescape(re.search(r'data-radar-src="([^"]+)"', page).group(1))


def test_the_card_names_the_final_results_year(one_surveyed, client, commune_officer, my_commune, tmp_path):
    client.force_login(commune_officer)
    data = client.get(_src(client, my_commune)).json()
    assert (data["latest_year"], data["provisional"]) == (2025, False)
    shown = run_card(tmp_path, data)
    assert shown["loaded"] == "1" and not shown["year_hidden"]
    assert shown["year"].startswith("Kết quả rà soát năm 2025 (chính thức)") and shown["year_bold"] == ["2025"]
    assert f"năm {NEW} đang rà soát" in shown["year"]           # the open round is named, not counted
    assert shown["badge_hidden"] and shown["badge"] == ""
    assert shown["counts"] == {k: f"{v:,}".replace(",", ".") for k, v in data["counts"].items()}
    en = run_card(tmp_path, data, "en")
    assert en["year"].startswith("Results of the periodic review of 2025 (final)")


def test_a_provisional_year_carries_the_badge(client, commune_officer, my_commune, tmp_path):
    """No final year at all (every round reopened): the card's year is the newest, provisional."""
    ReviewRound.objects.filter(commune=my_commune, kind=ReviewRound.PERIODIC).update(state="survey")
    client.force_login(commune_officer)
    data = client.get(_src(client, my_commune)).json()
    assert data["provisional"], "every round of the commune reopened: its newest year is provisional"
    shown = run_card(tmp_path, data)
    y = data["latest_year"]
    n = f"{data['reviewed']:,}/{data['expected']:,}".replace(",", ".")
    assert shown["year"].startswith(f"Kết quả rà soát năm {y} (tạm tính)")
    assert not shown["badge_hidden"] and shown["badge"].startswith(f"Số liệu tạm tính – đã rà soát {n} hộ")
    assert shown["badge_attrs"] == {"data-reviewed": str(data["reviewed"]), "data-expected": str(data["expected"])}


def test_the_provisional_answer_of_an_open_round(one_surveyed, client, commune_officer, my_commune, tmp_path):
    client.force_login(commune_officer)
    data = client.get(f"/api/v1/radar?unit={my_commune.pk}&results_year={NEW}").json()
    shown = run_card(tmp_path, data)
    expected = Household.objects.filter(exists_in(NEW), commune=my_commune).count()
    assert shown["year"] == f"Kết quả rà soát năm {NEW} (tạm tính)."
    assert shown["badge"].startswith(f"Số liệu tạm tính – đã rà soát 1/{expected:,} hộ".replace(",", "."))
    en = run_card(tmp_path, data, "en")
    assert en["badge"].startswith(f"Provisional – 1 of {expected:,} households reviewed")


def test_text_is_never_markup(tmp_path):
    """A hostile value stays text (the stand-in throws on innerHTML), and the script has no innerHTML."""
    assert "innerHTML" not in JS.read_text() and "insertAdjacentHTML" not in JS.read_text()
    data = {"counts": {"unsupported": 3}, "latest_year": "<img src=x onerror=alert(1)>", "provisional": True,
            "reviewed": 1, "expected": 2, "newest_year": None}
    shown = run_card(tmp_path, data)
    assert "<img" not in shown["year"] and shown["badge_hidden"]
