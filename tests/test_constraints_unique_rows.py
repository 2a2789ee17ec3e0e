"""The database itself makes duplicates impossible: one current assessment per household, year
and kind; one version number each; one summary row per year and village."""
import pytest
from django.db import IntegrityError, transaction

from chungtay.households.models import Assessment, YearSummary


def _current(my_commune):
    return Assessment.objects.filter(commune=my_commune, year=2025, kind="periodic", is_current=True).order_by("id").first()


def _copy(a, **changes):
    a.pk = None
    for k, v in changes.items():
        setattr(a, k, v)
    return a


@pytest.mark.django_db
def test_it_refuses_a_second_current_assessment(my_commune):
    a = _current(my_commune)
    with pytest.raises(IntegrityError), transaction.atomic():
        _copy(a, version=a.version + 1).save()       # a new version left current beside the old one


@pytest.mark.django_db
def test_it_accepts_a_second_version_once_the_first_is_not_current(my_commune):
    a = _current(my_commune)
    Assessment.objects.filter(pk=a.pk).update(is_current=False)
    _copy(a, version=a.version + 1).save()
    assert Assessment.objects.filter(household_id=a.household_id, year=2025, kind="periodic").count() == 2


@pytest.mark.django_db
def test_it_refuses_a_repeated_version_number(my_commune):
    a = _current(my_commune)
    with pytest.raises(IntegrityError), transaction.atomic():
        _copy(a, is_current=False).save()


@pytest.mark.django_db
def test_it_refuses_a_second_summary_row_for_a_village_and_year(my_commune):
    row = YearSummary.objects.filter(commune=my_commune, year=2025).order_by("id").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        _copy(row, legacy_commune=None, district=None, legacy_province=None).save()   # NULLs must not slip through


@pytest.mark.django_db
def test_a_refresh_keeps_one_row_per_village(my_commune):
    from chungtay.households import summary
    villages = list(YearSummary.objects.filter(commune=my_commune, year=2025).values_list("village_id", flat=True))
    before = list(YearSummary.objects.filter(commune=my_commune, year=2025).order_by("village_id")
                  .values_list("village_id", "total", "poor"))
    summary.refresh(2025, villages)
    summary.refresh(2025, villages)
    after = list(YearSummary.objects.filter(commune=my_commune, year=2025).order_by("village_id")
                 .values_list("village_id", "total", "poor"))
    assert after == before and len(after) == len(set(villages))


def test_a_new_result_after_a_move_leaves_the_old_village_count(commune_officer, my_commune):
    """A household moved to another village and re-surveyed is counted once, in its new village."""
    from django.db.models import Sum

    from chungtay.households import actions as hh_actions
    from chungtay.households.models import Assessment, Household, YearSummary
    from chungtay.units.models import Unit
    year = 2026
    hh = Household.objects.filter(commune=my_commune, status="active").order_by("id").first()
    hh_actions.record_assessment(commune_officer, hh, year=year, kind="periodic", income=900_000, _round_ok=True)
    other = Unit.objects.filter(parent=my_commune, level="village").exclude(pk=hh.village_id).order_by("id").first()
    Household.objects.filter(pk=hh.pk).update(village=other)
    hh.refresh_from_db()
    hh_actions.record_assessment(commune_officer, hh, year=year, kind="periodic", income=950_000, _round_ok=True)
    counted = YearSummary.objects.filter(year=year, commune=my_commune).aggregate(n=Sum("total"))["n"]
    assert counted == Assessment.objects.filter(year=year, commune=my_commune, kind="periodic", is_current=True).count() == 1
