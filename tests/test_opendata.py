"""Open data (docs/opendata.md): public page, CSV and JSON of the recognised figures per unit and
year, with small cells suppressed. Anonymous access, recognised years only, suppression that
cannot be undone, the same figures as the drill-down, no personal data, a stable schema."""
from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from chungtay.households.models import Household, Member, YearSummary
from chungtay.households.stats import unit_report
from chungtay.opendata import figures
from chungtay.opendata.views import COLUMNS
from chungtay.reviews import actions as round_actions
from chungtay.reviews.models import ReviewRound

YEAR = 2025
ROW_KEYS = set(COLUMNS) | {"suppressed"}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon():
    return Client(raise_request_exception=True)


def get_json(client, **params):
    r = client.get(reverse("opendata:json"), params)
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"].startswith("application/json")
    return json.loads(r.content)


def get_csv(client, **params):
    r = client.get(reverse("opendata:csv"), params)
    assert r.status_code == 200
    text = r.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text))), text


def row_of(doc, code):
    return next(r for r in doc["rows"] if r["unit_code"] == code)


# --- anonymous access, headers -------------------------------------------------------------------

def test_anonymous_reads_the_page_csv_and_json_with_cache_headers(anon, my_commune):
    province = my_commune.parent
    r = anon.get(reverse("opendata:page"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "Số liệu mở" in body and province.name in body and "CC BY 4.0" in body
    assert r["Cache-Control"] == "public, max-age=300" and "Cookie" in r["Vary"]
    for name in ("opendata:csv", "opendata:json"):
        r = anon.get(reverse(name), {"year": YEAR, "unit": province.code})
        assert r.status_code == 200
        assert r["Cache-Control"] == "public, max-age=300" and r["ETag"]
        again = anon.get(reverse(name), {"year": YEAR, "unit": province.code}, HTTP_IF_NONE_MATCH=r["ETag"])
        assert again.status_code == 304 and not again.content


def test_english_when_switched_and_private_cache_when_signed_in(anon, commune_officer, my_commune):
    anon.cookies["chungtay_lang"] = "en"
    body = anon.get(reverse("opendata:page"), {"unit": my_commune.parent.code}).content.decode()
    assert "Open data: poor and near-poor households" in body and "Communes" in body
    c = Client()
    c.force_login(commune_officer)
    r = c.get(reverse("opendata:page"), {"unit": my_commune.parent.code})
    assert r.status_code == 200 and r["Cache-Control"] == "private, max-age=300"


# --- recognised years only -------------------------------------------------------------------------

def test_only_recognised_years_are_published(anon, commune_officer, my_commune):
    province = my_commune.parent
    # a round of 2026 with a result recorded, not recognised: 2026 has results but is not published
    rnd = round_actions.open_round(commune_officer, my_commune, 2026)
    hh = rnd.members.select_related("household").first().household
    round_actions.start_survey(commune_officer, rnd)
    round_actions.record_survey(commune_officer, rnd, hh, income=900_000)
    assert YearSummary.objects.filter(year=2026, commune=my_commune).exists()
    doc = get_json(anon, unit=province.code)
    assert 2026 not in doc["years"] and doc["year"] == YEAR and YEAR in doc["years"]
    assert 2026 not in get_json(anon)["years"]
    for code in (province.code, my_commune.code, ""):
        assert anon.get(reverse("opendata:json"), {"year": 2026, "unit": code}).status_code == 404
        assert anon.get(reverse("opendata:page"), {"year": 2026, "unit": code}).status_code == 404
    page = anon.get(reverse("opendata:page"), {"unit": province.code}).content.decode()
    assert '<option value="2026"' not in page and f'<option value="{YEAR}"' in page


def test_a_year_with_results_but_no_recognition_is_absent(anon, my_commune):
    province = my_commune.parent
    rnd = ReviewRound.objects.get(commune=my_commune, year=2024, kind=ReviewRound.PERIODIC)
    ReviewRound.objects.filter(pk=rnd.pk).update(state=ReviewRound.POSTING)   # not recognised (yet)
    assert YearSummary.objects.filter(year=2024, commune=my_commune).exists()
    assert 2024 not in figures.published_years(province.id)
    assert 2024 not in get_json(anon, unit=province.code)["years"]
    # the whole province waits for its last commune; the other years stay published
    assert anon.get(reverse("opendata:csv"), {"year": 2024, "unit": province.code}).status_code == 404
    assert anon.get(reverse("opendata:csv"), {"year": 2024, "unit": my_commune.code}).status_code == 404
    assert {2023, 2025} <= set(get_json(anon, unit=province.code)["years"])
    assert 2024 not in get_json(anon)["years"]                 # no province of 2024 is published
    assert anon.get(reverse("opendata:json"), {"year": 2024}).status_code == 404
    tables = figures.year_tables(2024)
    assert tables.country is None and not tables.provinces
    (waiting,) = tables.pending
    assert waiting.code == province.code and waiting.communes_recognised == waiting.communes - 1
    # the chairman recognises it: published at once
    ReviewRound.objects.filter(pk=rnd.pk).update(state=ReviewRound.RECOGNISED)
    assert 2024 in get_json(anon, unit=province.code)["years"]
    assert row_of(get_json(anon, year=2024), "VN")["role"] == "unit"


def test_a_commune_without_a_round_holds_its_province_back(anon, my_commune):
    ReviewRound.objects.filter(commune=my_commune, year=2023, kind=ReviewRound.PERIODIC).delete()
    assert 2023 not in figures.published_years(my_commune.parent_id)
    assert 2023 not in figures.published_years()


# --- suppression ------------------------------------------------------------------------------------

def _set_commune_poor(commune, year, poor, em_poor):
    """Rewrite the commune's summary rows so that it has exactly ``poor`` poor households (the
    others become average), ``em_poor`` of them ethnic-minority: a small unit, like a ward."""
    rows = list(YearSummary.objects.filter(year=year, commune=commune).order_by("id"))
    for r in rows:
        r.average += r.poor
        r.poor = r.em_poor = 0
    first = next(r for r in rows if r.total - r.near_poor >= poor and r.em_total >= em_poor)
    first.average -= poor
    first.poor, first.em_poor = poor, em_poor
    for r in rows:
        r.save()


def test_three_poor_households_are_not_shown_and_cannot_be_recovered(anon, my_commune):
    province = my_commune.parent
    _set_commune_poor(my_commune, YEAR, 3, 1)
    doc = get_json(anon, year=YEAR, unit=province.code)
    mine = row_of(doc, my_commune.code)
    assert mine["poor"] is None and mine["suppressed"]["poor"] == "<5"
    assert mine["poverty_rate"] is None and mine["suppressed"]["poverty_rate"] == "x"
    assert mine["em_poor"] is None and mine["suppressed"]["em_poor"] == "<5"
    # the attacker: province total minus every shown commune, with what the marks give away
    prov = row_of(doc, province.code)
    assert prov["poor"] is not None
    kids = [r for r in doc["rows"] if r["role"] == "child"]
    hidden = [r for r in kids if r["poor"] is None]
    assert len(hidden) >= 2
    rest = prov["poor"] - sum(r["poor"] for r in kids if r["poor"] is not None)
    others = [r for r in hidden if r is not mine]
    lo = sum(1 if r["suppressed"]["poor"] == "<5" else 5 for r in others)
    possible = [v for v in range(1, 5) if rest - v >= lo]
    assert len(possible) >= 2, (rest, lo)
    # nowhere in the answers: not the CSV, not the page
    rows, _ = get_csv(anon, year=YEAR, unit=province.code)
    mine_csv = next(r for r in rows if r["unit_code"] == my_commune.code)
    assert mine_csv["poor"] == "<5" and mine_csv["poverty_rate"] == "x"
    commune_doc = get_json(anon, year=YEAR, unit=my_commune.code)
    assert commune_doc["rows"][0]["poor"] is None
    page = anon.get(reverse("opendata:page"), {"year": YEAR, "unit": my_commune.code}).content.decode()
    kpi = page.split('class="kpi poor"')[1].split("</div>")[0]
    assert "&lt;5" in kpi and ">3<" not in kpi


def test_every_small_count_is_marked_and_no_cell_is_recoverable(anon, my_commune):
    """The published tables of the demo (many small communes): every 1–4 count is ``<5`` and the
    independent attacker of test_opendata_suppress recovers nothing from the JSON alone."""
    from tests.test_opendata_suppress import attack_published
    province = my_commune.parent
    for year in (2016, YEAR):
        doc = get_json(anon, year=year, unit=province.code)
        for r in doc["rows"]:
            for m in ("households", "poor", "near_poor", "em_households", "em_poor"):
                v = r[m]
                assert v is None or v == 0 or v >= 5, (r["unit_code"], m, v)
        assert attack_published(doc) == []


# --- the same figures as the drill-down ------------------------------------------------------------

def test_figures_equal_the_drill_down(anon, admin_user, my_commune):
    province = my_commune.parent
    doc = get_json(anon, year=YEAR, unit=province.code)
    report = unit_report(admin_user, province, YEAR)
    compared = 0
    by_code = {f.unit.code: f for f in report.children} | {province.code: report.total}
    for r in doc["rows"]:
        f = by_code[r["unit_code"]]
        web = {"households": f.total, "poor": f.poor, "near_poor": f.near_poor, "em_households": f.em_total,
               "em_poor": f.em_poor, "poverty_rate": f.poverty_rate, "near_poverty_rate": f.near_poverty_rate,
               "em_poverty_rate": f.em_poverty_rate}
        for k, v in web.items():
            if r[k] is not None:
                compared += 1
                assert r[k] == (round(v, 2) if isinstance(v, float) else v), (r["unit_code"], k)
            else:
                assert k in r["suppressed"]
    assert compared > 100
    total = row_of(doc, province.code)
    assert total["households"] == report.total.total and total["poor"] == report.total.poor
    assert len(doc["rows"]) == 1 + len(report.children)
    # the commune's own answer has the same row as in its province's table
    assert get_json(anon, year=YEAR, unit=my_commune.code)["rows"][0] == {
        **row_of(doc, my_commune.code), "role": "unit"}


# --- no personal data ---------------------------------------------------------------------------------

def test_no_household_code_name_or_income_in_any_answer(anon, my_commune):
    province = my_commune.parent
    bodies = [anon.get(reverse(n), q).content.decode("utf-8", "replace")
              for n in ("opendata:page", "opendata:csv", "opendata:json")
              for q in ({}, {"unit": province.code, "year": YEAR}, {"unit": my_commune.code, "year": YEAR})]
    text = "\n".join(bodies)
    hh = list(Household.objects.filter(commune=my_commune).values_list("code", "head_name"))
    assert hh
    for code, head in hh:
        assert code not in text
        assert not head or head not in text
    names = set(Member.objects.filter(household__commune=my_commune).values_list("full_name", flat=True)[:200])
    assert not any(n in text for n in names if len(n) > 8)
    for word in ("income", "thu_nhap", "citizen", "household_id", "head_name"):
        assert word not in text.lower()


# --- schema ---------------------------------------------------------------------------------------------

def test_csv_and_json_keep_the_documented_schema(anon, my_commune):
    province = my_commune.parent
    doc = get_json(anon, year=YEAR, unit=province.code)
    assert set(doc) == {"schema", "year", "years", "unit", "licence", "suppression", "rows", "not_published"}
    assert doc["schema"] == "chungtay.opendata/1" and doc["unit"] == {
        "code": province.code, "name": province.name, "level": "province"}
    assert doc["years"] == sorted(doc["years"], reverse=True) and doc["years"][-1] == 2016
    roles = [r["role"] for r in doc["rows"]]
    assert roles[0] == "unit" and set(roles[1:]) == {"child"}
    for r in doc["rows"]:
        assert set(r) == ROW_KEYS
        assert r["year"] == YEAR
        for k in ("households", "poor", "near_poor", "em_households", "em_poor"):
            assert r[k] is None or isinstance(r[k], int)
            assert (r[k] is None) == (k in r["suppressed"])
        for k in ("poverty_rate", "near_poverty_rate", "em_poverty_rate", "em_share_of_poor"):
            assert r[k] is None or isinstance(r[k], float)
        assert set(r["suppressed"].values()) <= {"<5", "x"}
    rows, text = get_csv(anon, year=YEAR, unit=province.code)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert [r["unit_code"] for r in rows] == [r["unit_code"] for r in doc["rows"]]
    for c, j in zip(rows, doc["rows"]):
        for k in ("households", "poor", "near_poor", "em_households", "em_poor"):
            assert c[k] == (j["suppressed"].get(k) or str(j[k]))
        for k in ("poverty_rate", "em_poverty_rate"):
            assert c[k] == (j["suppressed"].get(k) or ("" if j[k] is None else f"{j[k]:.2f}"))
    country = get_json(anon, year=YEAR)
    assert country["unit"]["level"] == "country" and row_of(country, "VN")["level"] == "country"
    assert row_of(country, province.code)["role"] == "child"


# --- drill-down, bad parameters ------------------------------------------------------------------------

def test_drill_down_country_province_commune(anon, my_commune):
    province = my_commune.parent
    page = anon.get(reverse("opendata:page"), {"year": YEAR}).content.decode()
    assert f"?unit={province.code}&year={YEAR}" in page
    page = anon.get(reverse("opendata:page"), {"year": YEAR, "unit": province.code}).content.decode()
    assert f"?unit={my_commune.code}&year={YEAR}" in page
    assert f"figures.csv?year={YEAR}&amp;unit={province.code}" in page
    page = anon.get(reverse("opendata:page"), {"year": YEAR, "unit": my_commune.code}).content.decode()
    assert "Số liệu theo thôn không công bố" in page and province.full_name in page
    village = my_commune.children.first()
    assert anon.get(reverse("opendata:page"), {"unit": village.code}).status_code in (400, 404)


@pytest.mark.parametrize("params,status", [
    ({"year": "abc"}, 400), ({"year": "1800"}, 400), ({"year": "2030"}, 404), ({"year": "1e308"}, 400),
    ({"year": "٢٠٢٥"}, 400), ({"unit": "xyz"}, 400), ({"unit": "99"}, 404), ({"unit": "51' OR 1=1"}, 400),
    ({"unit": "1" * 5000}, 400),
])
def test_nonsense_parameters_answer_400_or_404_in_vietnamese(db, anon, params, status):
    r = anon.get(reverse("opendata:page"), params)
    assert r.status_code == status
    assert "Mã lỗi" in r.content.decode() and r["Cache-Control"] == "no-store"
    r = anon.get(reverse("opendata:json"), params)
    assert r.status_code == status and json.loads(r.content)["error"]["message_vi"]
    assert anon.get(reverse("opendata:csv"), params).status_code == status
    assert anon.post(reverse("opendata:page")).status_code == 405


def test_pages_stay_fast_from_the_prepared_tables(anon, my_commune, monkeypatch, django_assert_max_num_queries):
    """Warm answers read the cached tables: a handful of small queries (the rounds' fingerprint and
    the unit), whatever the number of households. (Tests run inside a transaction, where nothing
    is cached: the request of a real server is not.)"""
    monkeypatch.setattr(figures, "_may_cache", lambda: True)
    province = my_commune.parent
    anon.get(reverse("opendata:page"), {"unit": province.code})            # fills the cache
    anon.get(reverse("opendata:page"))
    for params in ({"unit": province.code}, {"unit": my_commune.code}, {}):
        for name in ("opendata:page", "opendata:json", "opendata:csv"):
            with django_assert_max_num_queries(8):
                assert anon.get(reverse(name), params).status_code == 200


def test_nothing_recognised_yet_answers_an_empty_page_and_404_files(anon, db):
    ReviewRound.objects.filter(kind=ReviewRound.PERIODIC).update(state=ReviewRound.POSTING)
    r = anon.get(reverse("opendata:page"))
    assert r.status_code == 200 and "Chưa có năm nào có số liệu được công nhận" in r.content.decode()
    assert anon.get(reverse("opendata:json")).status_code == 404
    assert anon.get(reverse("opendata:csv")).status_code == 404
