"""The Alkire–Foster page's prepared parts (issue 8, every page fast): the list of poor households
one step from leaving poverty (EscapeCandidate) and the province histogram by commune
(ProvinceDeprivation) give the same answer as the household-by-household analysis, are up to date
on the next read after a recorded result and after a round's lock, and the page no longer asks
the database once per listed household."""
import math

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chungtay.core.escape import escape_arrays
from chungtay.core.measures import near_escape
from chungtay.core.standards import get_standard
from chungtay.households import actions as hh_actions
from chungtay.households.models import Assessment, Household
from chungtay.plans.analysis import analyse, load, load_live
from chungtay.prepared.models import EscapeCandidate, ProvinceDeprivation
from chungtay.prepared.refresh import refresh
from chungtay.reviews import actions as rv
from chungtay.reviews.models import ReviewRound
from chungtay.units.models import Unit

S21 = get_standard("2021-2025")


def _norm(x):
    if isinstance(x, float):
        return "nan" if math.isnan(x) else round(x, 9)
    if isinstance(x, dict):
        return {k: _norm(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_norm(v) for v in x]
    return x


def _near(out):
    return [(n.id, n.value, n.deprivations_to_remove, n.removable, n.line,
             None if n.gap_share is None else round(n.gap_share, 12), n.one_deprivation, n.small_gap)
            for n in out["near"]]


def _same(user, unit, year, group="all", limit=60):
    prepared = analyse(load(user, unit, year, group), near_limit=limit)
    live = analyse(load_live(user, unit, year, group), near_limit=limit)
    assert prepared["n"] == live["n"], (unit, year, group)
    if not live["n"]:
        return prepared
    assert prepared["near_total"] == live["near_total"], (unit, year, group)
    assert _near(prepared) == _near(live), (unit, year, group)
    return prepared


def _units(user):
    from chungtay.accounts.access import scope_for
    return [u for u in (Unit.objects.get(system="2025", level="province", code="51"),
                        Unit.objects.get(system="legacy", level="province", code="62"),
                        Unit.objects.filter(system="legacy", level="district").order_by("code").first(),
                        user.assignments.get().unit) if scope_for(user).covers(u)]


def test_near_escape_limit_builds_the_first_of_the_same_list():
    rng = np.random.default_rng(7)
    n = 3000
    income = rng.integers(800_000, 2_200_000, n).astype(float)
    urban = rng.random(n) < 0.3
    deps = (rng.random((n, len(S21.indicators))) < 0.35).astype(np.uint8)
    full = near_escape(income, urban, deps, S21, ids=np.arange(n) + 100)
    assert len(full) > 60
    assert near_escape(income, urban, deps, S21, ids=np.arange(n) + 100, limit=60) == full[:60]
    assert near_escape(income, urban, deps, S21, limit=0) == []
    e = escape_arrays(income, urban, deps, S21)
    assert [int(r) for r in e.rows] == [x.index for x in full]
    assert [bool(b) for b in e.one_deprivation & e.small_gap] == [x.one_deprivation and x.small_gap for x in full]


@pytest.mark.parametrize("username", ["tinh", "xa", "thon", "admin"])
def test_the_prepared_list_equals_the_household_by_household_one(db, username):
    user = get_user_model().objects.get(username=username)
    units = _units(user) if username != "admin" else [Unit.objects.get(system="2025", level="province", code="51")]
    for unit in units:
        for year in (2017, 2025):
            for group in ("all", "ethnic_minority", "kinh"):
                _same(user, unit, year, group)
            _same(user, unit, year, limit=5)
            _same(user, unit, year, limit=None)


def test_the_province_histogram_equals_the_village_rows(province_officer):
    province = Unit.objects.get(system="2025", level="province", code="51")
    assert ProvinceDeprivation.objects.filter(unit=province).exists()
    for year in (2018, 2025):
        for group in ("all", "ethnic_minority"):
            weights = [2] + [1] * (len(load(province_officer, province, year).standard.indicators) - 1)
            for w, k in ((None, None), (weights, 0.25)):
                a = analyse(load(province_officer, province, year, group), w, k, near_limit=10)
                b = analyse(load_live(province_officer, province, year, group), w, k, near_limit=10)
                assert _norm(a["af"].to_dict()) == _norm(b["af"].to_dict())
                for part in ("by_child", "by_em", "by_area", "by_ethnicity"):
                    assert {str(g): _norm(r.to_dict()) for g, r in a[part].items()} == \
                        {str(g): _norm(r.to_dict()) for g, r in b[part].items()}, part
            # the comparison year reads the patterns only: same overall figures
            brief = analyse(load(province_officer, province, year, detail=False), detail=False)["af"]
            assert _norm(brief.to_dict()) == _norm(analyse(load_live(province_officer, province, year))["af"].to_dict())


def _one_step_poor(actor, household, year):
    """Poor under 2021–2025 with exactly three deprivations and an income 5 % under the line:
    listed first (both routes)."""
    line = S21.lines["poverty"].value("urban" if household.is_urban else "rural")
    return hh_actions.record_assessment(actor, household, year=year, income=int(line * 0.95),
                                        deprived=["employment", "nutrition", "latrine"], _round_ok=True)


def test_a_recorded_result_is_in_the_list_on_the_next_read(commune_officer, my_commune):
    hh = (Household.objects.filter(commune=my_commune, status="active", assessments__year=2025,
                                   assessments__category="above_average").order_by("id").first())
    before = analyse(load(commune_officer, my_commune, 2025), near_limit=60)
    assert hh.id not in [n.id for n in before["near"]]
    _one_step_poor(commune_officer, hh, 2025)
    after = _same(commune_officer, my_commune, 2025)
    assert after["near_total"] == before["near_total"] + 1
    first = next(n for n in after["near"] if n.id == hh.id)
    assert first.one_deprivation and first.small_gap
    # and it leaves the list when a better result is recorded
    hh_actions.record_assessment(commune_officer, hh, year=2025, income=5_000_000, deprived=[],
                                 _round_ok=True)
    again = _same(commune_officer, my_commune, 2025, limit=None)
    assert hh.id not in [n.id for n in again["near"]] and again["near_total"] == before["near_total"]


def test_the_page_shows_a_new_result_at_once(as_province_officer, commune_officer, my_commune):
    province = my_commune.parent
    hh = (Household.objects.filter(commune=my_commune, status="active", assessments__year=2025,
                                   assessments__category="above_average").order_by("id").first())
    url = reverse("analysis", args=[province.pk]) + "?year=2025"
    n_before = as_province_officer.get(url).context["near_total"]
    _one_step_poor(commune_officer, hh, 2025)
    r = as_province_officer.get(url)
    assert r.context["near_total"] == n_before + 1
    assert hh.id in [n.id for n, _h, _g in r.context["near"]]
    assert hh.code in r.content.decode()


def test_a_round_survey_then_the_lock_keep_the_new_year_fresh(commune_officer, commune_chairman, my_commune):
    rnd = rv.open_round(commune_officer, my_commune, 2026)
    rv.start_survey(commune_officer, rnd)
    hh = rnd.members.order_by("household_id").first().household
    line = S21.lines["poverty"].value("urban" if hh.is_urban else "rural")
    rv.record_survey(commune_officer, rnd, hh, income=int(line * 0.97), deprived=["employment", "nutrition", "latrine"])
    out = _same(commune_officer, my_commune, 2026)       # the survey shows on the next read
    assert [n.id for n in out["near"]] == [hh.id] and out["near_total"] == 1
    ReviewRound.objects.filter(pk=rnd.pk).update(state=ReviewRound.RECOGNISED)
    rnd.refresh_from_db()
    assert rv.lock(commune_chairman, rnd) > 0             # the others' results are carried over
    after = _same(commune_officer, my_commune, 2026)
    assert after["n"] > out["n"] and hh.id in [n.id for n in after["near"]]
    province = my_commune.parent
    assert ProvinceDeprivation.objects.filter(unit=province, year=2026, child=my_commune).exists()
    kept = sorted(EscapeCandidate.objects.filter(year=2026).values_list("household_id", "both", "share"))
    kept_h = sorted(ProvinceDeprivation.objects.filter(year=2026).values_list("child_id", "pattern", "head_ethnicity", "n"))
    refresh()                                      # a full recount gives the same rows
    assert sorted(EscapeCandidate.objects.filter(year=2026).values_list("household_id", "both", "share")) == kept
    assert sorted(ProvinceDeprivation.objects.filter(year=2026)
                  .values_list("child_id", "pattern", "head_ethnicity", "n")) == kept_h


def test_the_stored_order_is_the_lists_order(db):
    rows = list(EscapeCandidate.objects.filter(year=2025).order_by("-both", "share", "household_id")
                .values_list("both", "share"))
    assert rows and all(not math.isnan(s) for _b, s in rows)
    assert rows == sorted(rows, key=lambda r: (not r[0], r[1]))
    # only poor households with an income are listed
    ids = EscapeCandidate.objects.filter(year=2025).values("household_id")
    assert not Assessment.objects.filter(year=2025, kind="periodic", is_current=True, household_id__in=ids) \
        .exclude(category="poor").exists()


def test_the_province_page_asks_a_fixed_number_of_queries(as_province_officer, province_officer):
    province = Unit.objects.get(system="2025", level="province", code="51")
    url = reverse("analysis", args=[province.pk]) + "?year=2025&compare=2024"
    with CaptureQueriesContext(connection) as q:
        r = as_province_officer.get(url)
    assert r.status_code == 200
    listed = r.context["near"]
    assert len(listed) == min(60, r.context["near_total"]) and len(listed) > 5
    assert len(q) < 40, [x["sql"][:120] for x in q]
    html = r.content.decode()
    for _n, h, _g in listed[:5]:
        assert h.village.name in html
