"""The radar ("Không để ai bị bỏ lại phía sau") is built from the newest year whose figures are
final: one household surveyed in a 2026 round still open does not become the commune's radar.
Asked for, the provisional year is shown with the "Số liệu tạm tính" badge and the coverage on the
page, the `tam_tinh` / `reviewed` / `expected` columns in the CSV and the `provisional`,
`reviewed`, `expected` fields of /api/v1/radar (issue 7, point 5)."""
import csv
import io


from chungtay.households.completeness import exists_in
from chungtay.households.models import Household
from chungtay.reviews.models import ReviewRound
from chungtay.support import radar as reads
from tests.provisional_helpers import NEW


def _expected(commune):
    return Household.objects.filter(exists_in(NEW), commune=commune).count()


def _csv(resp):
    assert resp.status_code == 200
    return list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig"))))


def test_the_default_results_year_is_the_newest_final_one(one_surveyed, commune_officer, my_commune):
    ry = reads.results_year(commune_officer, my_commune)
    assert (ry.newest, ry.final, ry.year) == (NEW, 2025, 2025)
    assert not ry.provisional and ry.newer_provisional.reviewed == 1
    r = reads.radar_for(commune_officer, my_commune, NEW)
    assert r.latest_year == 2025
    assert sum(r.counts().values()) > 10, "the commune's radar, not one household's"


def test_the_page_uses_the_final_year_and_says_the_new_one_is_under_review(one_surveyed, as_commune_officer, my_commune):
    resp = as_commune_officer.get(f"/support/radar/?unit={my_commune.pk}")
    html = resp.content.decode()
    assert resp.context["r"].latest_year == 2025
    assert 'class="provisional"' not in html                    # the lists are of a final year
    assert 'id="newer-provisional"' in html and "đã rà soát 1/" in html
    assert f"results_year={NEW}" in html


def test_the_page_of_the_provisional_year_carries_the_badge(one_surveyed, as_commune_officer, my_commune):
    html = as_commune_officer.get(f"/support/radar/?unit={my_commune.pk}&results_year={NEW}").content.decode()
    n = _expected(my_commune)
    assert "Số liệu tạm tính" in html and f"đã rà soát 1/{n:,} hộ".replace(",", ".") in html
    assert f'data-reviewed="1" data-expected="{n}"' in html
    assert f'href="/households/{one_surveyed.pk}/"' in html     # the one surveyed household, poor, unsupported
    as_commune_officer.cookies["chungtay_lang"] = "en"
    en = as_commune_officer.get(f"/support/radar/?unit={my_commune.pk}&results_year={NEW}").content.decode()
    assert "Provisional" in en and "1 of " in en


def test_the_csv_says_which_year_and_how_complete(one_surveyed, as_commune_officer, my_commune):
    base = f"/support/radar/?unit={my_commune.pk}&format=csv&list=unsupported"
    final = _csv(as_commune_officer.get(base))
    assert final and {(r["results_year"], r["tam_tinh"]) for r in final} == {("2025", "0")}
    resp = as_commune_officer.get(base + f"&results_year={NEW}")
    rows = _csv(resp)
    assert [r["household_code"] for r in rows] == [one_surveyed.code]
    assert (rows[0]["results_year"], rows[0]["tam_tinh"], rows[0]["reviewed"]) == (str(NEW), "1", "1")
    assert int(rows[0]["expected"]) == _expected(my_commune)
    assert "tam-tinh" in resp["Content-Disposition"]


def test_the_api_gives_the_completeness(one_surveyed, as_commune_officer, commune_officer, my_commune):
    body = as_commune_officer.get(f"/api/v1/radar?unit={my_commune.pk}").json()
    assert (body["latest_year"], body["newest_year"], body["provisional"]) == (2025, NEW, False)
    assert body["reviewed"] == body["expected"] > 100
    body = as_commune_officer.get(f"/api/v1/radar?unit={my_commune.pk}&results_year={NEW}").json()
    assert (body["latest_year"], body["provisional"], body["reviewed"]) == (NEW, True, 1)
    assert body["expected"] == _expected(my_commune)
    assert body["counts"] == reads.radar_for(commune_officer, my_commune, NEW, NEW).counts()
    assert body["counts"]["unsupported"] == 1


def test_recognition_makes_the_new_year_the_default(one_surveyed, commune_officer, as_commune_officer, my_commune):
    ReviewRound.objects.filter(commune=my_commune, year=NEW).update(state="recognised")
    ry = reads.results_year(commune_officer, my_commune)
    assert ry.year == NEW and not ry.provisional
    html = as_commune_officer.get(f"/support/radar/?unit={my_commune.pk}").content.decode()
    assert 'class="provisional"' not in html and 'id="newer-provisional"' not in html


def test_only_provisional_years_give_the_newest_with_the_badge(commune_officer, as_commune_officer, my_commune):
    """No year of the commune is final (every round reopened): the newest year, marked."""
    ReviewRound.objects.filter(commune=my_commune, kind=ReviewRound.PERIODIC).update(state="survey")
    ry = reads.results_year(commune_officer, my_commune)
    assert ry.final is None, "every round of the commune reopened: no year is final"
    assert ry.year == ry.newest and ry.provisional
    html = as_commune_officer.get(f"/support/radar/?unit={my_commune.pk}").content.decode()
    assert "Số liệu tạm tính" in html
    body = as_commune_officer.get(f"/api/v1/radar?unit={my_commune.pk}").json()
    assert body["provisional"] is True and body["latest_year"] == ry.newest


def test_a_year_without_results_falls_back_to_the_default(one_surveyed, as_commune_officer, my_commune):
    resp = as_commune_officer.get(f"/support/radar/?unit={my_commune.pk}&results_year=2003")
    assert resp.status_code == 200 and resp.context["r"].latest_year == 2025
