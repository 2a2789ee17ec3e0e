"""Prepared figures (chungtay.prepared) stay equal to a recount after every kind of write:
a recorded result, a correction of an earlier year, a household assessed in another village,
the round's carry-over at lock, an import, a change of the head's ethnic group."""
from collections import Counter

import pytest

from chungtay.households import actions as hh_actions
from chungtay.households.models import Assessment, Household, Member
from chungtay.households.movements import live_movements, unit_movements
from chungtay.prepared.models import (DeprivationCount, EscapeCandidate, HouseholdMovement, IncomeGap, MovementCount,
                                     ProvinceDeprivation,
                                     UnitMovement)
from chungtay.prepared.refresh import refresh
from chungtay.reviews import actions as rv
from chungtay.reviews.models import ReviewRound
from chungtay.units.models import Unit
from tests.test_import_support import good_rows, run, villages_of, write_xlsx

POOR3 = ["employment", "nutrition", "latrine"]
TABLES = (DeprivationCount, IncomeGap, MovementCount, UnitMovement, ProvinceDeprivation, EscapeCandidate,
          HouseholdMovement)


def _snapshot() -> dict:
    """Each table's rows (every column but the id, floats to 9 places), as a multiset."""
    out = {}
    for model in TABLES:
        names = sorted(f.attname for f in model._meta.concrete_fields if not f.primary_key)
        rows = Counter()
        for row in model.objects.values_list(*names).iterator(chunk_size=10_000):
            rows[tuple(round(v, 9) if isinstance(v, float) else v for v in row)] += 1
        out[model.__name__] = rows
    return out


def assert_equal_to_a_recount():
    kept = _snapshot()
    refresh()                                    # everything recounted from the results
    again = _snapshot()
    for name in kept:
        assert kept[name] == again[name], f"{name}: prepared rows differ from a recount"


def _poor_now(actor, household, year, **kw):
    return hh_actions.record_assessment(actor, household, year=year, income=900_000, deprived=POOR3,
                                        _round_ok=True, **kw)


@pytest.fixture
def household(my_commune):
    return (Household.objects.filter(commune=my_commune, status="active",
                                     assessments__year=2025, assessments__category="above_average")
            .order_by("id").first())


def test_the_demo_load_leaves_them_equal_to_a_recount(db):
    assert MovementCount.objects.exists() and DeprivationCount.objects.exists() and UnitMovement.objects.exists()
    assert_equal_to_a_recount()


def test_a_recorded_result_shows_on_the_next_read(province_officer, commune_officer, household):
    province = household.province
    before = unit_movements(province_officer, province, 2024, 2025).counts
    _poor_now(commune_officer, household, 2025)
    after = unit_movements(province_officer, province, 2024, 2025)
    assert after.counts["newly_poor"] + after.counts["re_poor"] == before["newly_poor"] + before["re_poor"] + 1
    assert after.counts == live_movements(province_officer, province, 2024, 2025).counts
    assert_equal_to_a_recount()


def test_a_correction_of_an_earlier_year_reaches_the_later_pairs(admin_user, commune_officer, my_commune):
    # never poor under 2021–2025, made poor in 2025 ("newly poor"); correcting its 2022 result to
    # poor makes it "re-poor" in 2024 → 2025
    ever = Assessment.objects.filter(year__range=(2021, 2025), category="poor").values("household_id")
    hh = (Household.objects.filter(commune=my_commune, status="active", assessments__year=2022)
          .filter(assessments__year=2024).exclude(id__in=ever).order_by("id").first())
    _poor_now(commune_officer, hh, 2025)
    before = unit_movements(admin_user, my_commune, 2024, 2025).counts
    _poor_now(commune_officer, hh, 2022)
    after = unit_movements(admin_user, my_commune, 2024, 2025).counts
    assert after["re_poor"] == before["re_poor"] + 1 and after["newly_poor"] == before["newly_poor"] - 1
    assert after == live_movements(admin_user, my_commune, 2024, 2025).counts
    assert_equal_to_a_recount()


def test_a_household_assessed_in_another_village_counts_in_both(admin_user, commune_officer, my_commune):
    villages = villages_of(my_commune)
    ever = Assessment.objects.filter(year__range=(2021, 2025), category="poor").values("household_id")
    hh = (Household.objects.filter(village=villages[0], status="active", assessments__year=2022)
          .filter(assessments__year=2024).exclude(id__in=ever).order_by("id").first())
    _poor_now(commune_officer, hh, 2022)                                   # poor earlier, in the first village
    Household.objects.filter(pk=hh.pk).update(village=villages[1])        # then moved to the next village
    hh.refresh_from_db()
    _poor_now(commune_officer, hh, 2025)
    row = MovementCount.objects.get(year_to=2025, household=hh)
    assert (row.from_village_id, row.to_village_id, row.poor_earlier) == (villages[0].id, villages[1].id, 2)
    assert unit_movements(admin_user, my_commune, 2024, 2025).by_household[hh.id] == "re_poor"
    assert unit_movements(admin_user, villages[1], 2024, 2025).by_household[hh.id] == "newly_poor"
    for unit in (villages[0], villages[1], my_commune):
        assert unit_movements(admin_user, unit, 2024, 2025).counts == \
            live_movements(admin_user, unit, 2024, 2025).counts, unit
    assert_equal_to_a_recount()


def test_the_carry_over_at_lock_is_counted(commune_officer, commune_chairman, my_commune):
    rnd = rv.open_round(commune_officer, my_commune, 2026)
    ReviewRound.objects.filter(pk=rnd.pk).update(state=ReviewRound.RECOGNISED)
    rnd.refresh_from_db()
    carried = rv.lock(commune_chairman, rnd)
    assert carried > 0
    assert DeprivationCount.objects.filter(year=2026, commune=my_commune).exists()
    r = unit_movements(commune_officer, my_commune, 2025, 2026)
    assert r.counts == live_movements(commune_officer, my_commune, 2025, 2026).counts
    assert r.counts["stayed_above"] > 0        # the carried results (the round lists the poor)
    assert_equal_to_a_recount()


def test_an_import_is_counted(commune_officer, my_commune, tmp_path):
    from chungtay.imports.engine import Villages
    vs = villages_of(my_commune)
    f = write_xlsx(tmp_path / "ds.xlsx", good_rows(Villages.of(my_commune).label(vs[0].id), vs[1].code))
    out = run(commune_officer, my_commune, f)
    assert not out.problems
    assert_equal_to_a_recount()


def test_a_new_head_ethnic_group_moves_the_household(admin_user, household):
    head = Member.objects.get(household=household, relation="head")
    head.ethnicity = "Xơ Đăng" if head.ethnicity != "Xơ Đăng" else "Kinh"
    head.save()
    assert DeprivationCount.objects.filter(village=household.village, year=2025,
                                           head_ethnicity=head.ethnicity).exists()
    assert_equal_to_a_recount()


def test_a_village_is_counted_from_its_own_rows(village_head):
    village = village_head.assignments.get().unit
    for y in (2017, 2021, 2025):
        assert unit_movements(village_head, village, y - 1, y).counts == \
            live_movements(village_head, village, y - 1, y).counts
    assert Unit.objects.get(pk=village.pk).level == Unit.VILLAGE
