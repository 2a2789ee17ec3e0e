"""A province's radar and outcomes are read from their prepared figures while the data they came
from is unchanged, and never stale: a support, a pledge, a result or a household that ends moves
the stamp, and the next read (or the worker) computes them again (support/prepared.py)."""
import datetime as dt

import pytest
from django.utils import timezone

from chungtay.households import actions as hh_actions
from chungtay.households.models import Assessment, Household
from chungtay.support import actions, people, prepared
from chungtay.support.models import PreparedAnalysis
from chungtay.support.radar import compute_outcomes, compute_radar, outcomes_for, radar_for
from tests.support_helpers import facts, when_ready

LISTS = ("persistent", "unsupported", "fell_back", "pledges", "near_escape")


@pytest.fixture
def province(my_commune):
    return my_commune.parent


def _same_radar(got, want):
    assert (got.latest_year, got.year) == (want.latest_year, want.year)
    for name in LISTS:
        assert getattr(got, name) == getattr(want, name), name
    assert got.fell_back_by_year == want.fell_back_by_year


def _row(kind, province, params="latest=2025&year=2025"):      # the results year: the newest final one
    return PreparedAnalysis.objects.get(kind=kind, unit=province, params=params)


def test_the_first_read_stores_the_figures_and_the_next_reads_them(province_officer, province):
    want = compute_radar(province_officer, province, 2025)
    assert want.unsupported and want.persistent, "the demo province has households on the radar"
    _same_radar(radar_for(province_officer, province, 2025), want)
    row = _row("radar", province)
    assert row.stamp == prepared.stamp(province) and row.params == "latest=2025&year=2025"
    # the next read answers from the row: what the row holds is what comes back
    row.payload["persistent"] = [column[:1] for column in row.payload["persistent"]]
    row.save(update_fields=["payload"])
    assert radar_for(province_officer, province, 2025).persistent == want.persistent[:1]


def test_the_province_figures_are_those_of_every_reader(province_officer, admin_user, province):
    """Computed without a user (the unit is checked by the views): the same as each reader's scoped rows."""
    for user in (province_officer, admin_user):
        _same_radar(compute_radar(None, province, 2025), compute_radar(user, province, 2025))


def test_a_support_moves_the_stamp_and_the_radar_follows(province_officer, commune_officer, province, my_commune):
    radar_for(province_officer, province, 2025)
    st = prepared.stamp(province)
    unsupported = dict(compute_radar(province_officer, province, 2025).unsupported)
    hh = Household.objects.get(pk=next(h for h in unsupported if Household.objects.filter(pk=h, commune=my_commune).exists()))
    actions.record_support(commune_officer, hh, facts(hh, date=dt.date(2025, 3, 1)))
    assert prepared.stamp(province) != st
    got = radar_for(province_officer, province, 2025)
    assert hh.pk not in dict(got.unsupported)
    _same_radar(got, compute_radar(province_officer, province, 2025))
    assert _row("radar", province).stamp == prepared.stamp(province)


def test_a_pledge_moves_the_stamp(province_officer, commune_officer, province, my_commune):
    radar_for(province_officer, province, 2025)
    st = prepared.stamp(province)
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None).exclude(
        pledges__year=2025).order_by("-id")[0]
    people.record_pledge(commune_officer, hh, year=2025, plan="Trồng cà phê xen canh")
    assert prepared.stamp(province) != st
    _same_radar(radar_for(province_officer, province, 2025), compute_radar(province_officer, province, 2025))


def test_a_result_moves_the_stamp(province_officer, commune_officer, province, my_commune):
    radar_for(province_officer, province, 2026)
    st = prepared.stamp(province)
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None,
                                  assessments__year=2025, assessments__category="above_average").order_by("id")[0]
    hh_actions.record_assessment(commune_officer, hh, year=2025, income=900_000,
                                 deprived=["employment", "nutrition", "latrine"], _round_ok=True)
    assert prepared.stamp(province) != st
    got = radar_for(province_officer, province, 2026)
    assert hh.pk in dict(got.unsupported) or hh.pk in {r[0] for r in got.fell_back}
    _same_radar(got, compute_radar(province_officer, province, 2026))


def test_a_household_that_ends_moves_the_stamp(province_officer, commune_officer, province, my_commune):
    before = radar_for(province_officer, province, 2025)
    st = prepared.stamp(province)
    h = next(h for h, _ in before.unsupported if Household.objects.filter(pk=h, commune=my_commune).exists())
    hh_actions.close_household(commune_officer, Household.objects.get(pk=h), status="moved_away", year=2026,
                               reason="Chuyển đến xã Ngọk Bay")
    assert prepared.stamp(province) != st
    assert h not in dict(radar_for(province_officer, province, 2025).unsupported)


def test_outcomes_with_the_comparison_come_back_whole(province_officer, commune_officer, province):
    latest = Assessment.objects.filter(province=province, kind="periodic", is_current=True).order_by("-year")[0].year
    poor = Assessment.objects.filter(commune__parent=province, year=latest - 2, category="poor", kind="periodic",
                                     is_current=True, household__status="active").order_by("household_id")
    mine = poor.filter(commune=commune_officer.assignments.get().unit)[:12]
    for a in mine:
        actions.record_support(commune_officer, a.household, facts(a.household, date=dt.date(latest - 1, 5, 1)))
    want = compute_outcomes(province_officer, province, latest - 1, latest)
    assert want.supported == len(mine) >= 5 and want.effect is not None
    first = outcomes_for(province_officer, province, latest - 1, latest)
    again = outcomes_for(province_officer, province, latest - 1, latest)          # from the row
    _row("outcomes", province, f"first={latest - 1}&kind=&last={latest}&programme=&through={latest}")
    for got in (first, again):
        assert got == want
        assert got.escape_rate == want.escape_rate and got.effect.n_strata_matched == want.effect.n_strata_matched


def test_the_worker_refreshes_a_stale_row(province_officer, commune_officer, province, my_commune):
    radar_for(province_officer, province, 2025)
    assert prepared.refresh_stale() == 0                                # nothing written: nothing to do
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None).exclude(
        pledges__year=2025).order_by("-id")[1]
    # every row of the province computed just now (the module's earlier tests computed some of them,
    # minutes ago on a slow machine: past FRESHEN_AFTER, the worker would rightly refresh those)
    _age(province, 0)
    people.record_pledge(commune_officer, hh, year=2025, plan="Nuôi bò sinh sản")
    assert prepared.refresh_stale() == 0          # computed a moment ago and nobody asked: not yet
    _age(province, prepared.FRESHEN_AFTER + 1)
    assert prepared.refresh_stale() == PreparedAnalysis.objects.filter(unit=province).count() >= 2
    assert prepared.refresh_stale() == 0
    row = _row("radar", province)
    assert row.stamp == prepared.stamp(province)
    assert hh.pk in {h for _, h, _ in prepared._radar_in(row.payload).pledges}


def _age(unit, seconds: int) -> None:
    """As if the unit's rows had been computed ``seconds`` ago."""
    PreparedAnalysis.objects.filter(unit=unit).update(computed_at=timezone.now() - dt.timedelta(seconds=seconds))


def test_the_worker_recomputes_a_busy_province_once_in_a_while(province_officer, commune_officer, province,
                                                                my_commune):
    """Saves every few seconds move the stamp all day: the worker recomputes each row at most every
    FRESHEN_AFTER seconds, unless a read asked for it."""
    radar_for(province_officer, province, 2025)
    hhs = list(Household.objects.filter(commune=my_commune, status="active", end_year=None).exclude(
        pledges__year=2025).order_by("-id")[3:6])
    people.record_pledge(commune_officer, hhs[0], year=2025, plan="Nuôi dê")
    _age(province, prepared.FRESHEN_AFTER - 30)
    assert prepared.refresh_stale() == 0
    _age(province, prepared.FRESHEN_AFTER + 30)
    assert prepared.refresh_stale() >= 2
    people.record_pledge(commune_officer, hhs[1], year=2025, plan="Nuôi gà")
    assert prepared.refresh_stale() == 0                   # just recomputed: the next write waits
    asked = PreparedAnalysis.objects.filter(unit=province, kind="radar").update(asked_at=timezone.now())
    assert prepared.refresh_stale() == asked >= 1          # a read asked for the radar: at once


def test_the_worker_leaves_rows_nobody_reads(province_officer, commune_officer, province, my_commune):
    radar_for(province_officer, province, 2025)
    PreparedAnalysis.objects.update(read_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None).exclude(
        pledges__year=2025).order_by("-id")[2]
    people.record_pledge(commune_officer, hh, year=2025, plan="Trồng bơ")
    assert prepared.refresh_stale() == 0


def test_the_province_page_shows_the_prepared_figures(client, province_officer, province):
    client.force_login(province_officer)
    page = when_ready(client, f"/support/radar/?unit={province.pk}&year=2025").content.decode()
    want = compute_radar(province_officer, province, 2025).counts()
    for name, n in want.items():
        assert f'data-count="{name}">{n:,}'.replace(",", ".") in page or f'data-count={name}>{n}' in page, name
    assert PreparedAnalysis.objects.filter(kind="radar", unit=province).exists()


def test_communes_are_computed_live(commune_officer, my_commune):
    radar_for(commune_officer, my_commune, 2025)
    outcomes_for(commune_officer, my_commune, 2023, 2025)
    assert not PreparedAnalysis.objects.filter(unit=my_commune).exists()


def test_an_empty_radar_comes_back_empty():
    from chungtay.core import radar as rc
    empty = rc.Radar(latest_year=None, year=2026)
    assert prepared._radar_in(prepared._radar_out(empty)) == empty


def test_the_worker_loop_freshens_them(province_officer, commune_officer, province, my_commune):
    from chungtay.jobs.worker import Worker
    radar_for(province_officer, province, 2025)
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None).exclude(
        pledges__year=2025).order_by("-id")[3]
    people.record_pledge(commune_officer, hh, year=2025, plan="Nuôi dê")
    _age(province, prepared.FRESHEN_AFTER + 1)
    w = Worker("test-freshen")
    w.freshen()
    assert _row("radar", province).stamp == prepared.stamp(province)
    hh2 = Household.objects.filter(commune=my_commune, status="active", end_year=None).exclude(
        pledges__year=2025).order_by("-id")[4]
    people.record_pledge(commune_officer, hh2, year=2025, plan="Nuôi vịt")
    w.freshen()                                   # within FRESHEN_EVERY of the last: not yet
    assert _row("radar", province).stamp != prepared.stamp(province)
