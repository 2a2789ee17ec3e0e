"""Periodic results are written only through their round's steps: the household page (and
record_assessment without the round) may write them only for a year without a round record,
and only until the commune has a later year."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chungtay.households import actions
from chungtay.households.models import Assessment, Household
from chungtay.reviews import actions as ra
from chungtay.reviews.models import ReviewRound

POOR3 = ["employment", "nutrition", "latrine"]


def _hh(commune):
    return Household.objects.filter(commune=commune, status="active").order_by("id").first()


@pytest.mark.django_db
def test_it_refuses_a_direct_periodic_write_while_the_round_is_open(commune_officer, my_commune):
    rnd = ra.open_round(commune_officer, my_commune, 2026)
    hh = _hh(my_commune)
    with pytest.raises(ValidationError, match="chỉ ghi qua các bước của đợt rà soát"):
        actions.record_assessment(commune_officer, hh, year=2026, income=500_000, deprived=POOR3)
    assert not Assessment.objects.filter(household=hh, year=2026).exists()
    # the round's own step writes it
    if not rnd.members.filter(household=hh).exists():
        ra.add_household(commune_officer, rnd, hh)
    ra.start_survey(commune_officer, rnd)
    a = ra.record_survey(commune_officer, rnd, hh, income=500_000, deprived=POOR3)
    assert (a.kind, a.year, a.category) == ("periodic", 2026, "poor")


@pytest.mark.django_db
def test_it_refuses_the_household_page_for_a_village_head_while_the_round_is_open(client, village_head, commune_officer):
    commune = village_head.assignments.get().unit.parent
    ra.open_round(commune_officer, commune, 2026)
    hh = Household.objects.filter(village=village_head.assignments.get().unit).order_by("id").first()
    client.force_login(village_head)
    r = client.post(reverse("assessment_new", args=[hh.pk]) + "?year=2026",
                    {"year": 2026, "kind": "periodic", "basis": "income", "value": 500_000})
    assert r.status_code in (200, 403)
    assert not Assessment.objects.filter(household=hh, year=2026).exists()


@pytest.mark.django_db
def test_a_recognised_year_changes_only_through_a_regular_review(commune_officer, my_commune):
    assert ReviewRound.objects.filter(commune=my_commune, year=2025, kind="periodic").exists()   # the demo's
    hh = _hh(my_commune)
    with pytest.raises(ValidationError, match="rà soát thường xuyên"):
        actions.record_assessment(commune_officer, hh, year=2025, income=500_000, deprived=POOR3)
    a = actions.record_assessment(commune_officer, hh, year=2025, income=500_000, deprived=POOR3, kind="regular")
    assert a.kind == "regular"


@pytest.mark.django_db
def test_a_year_without_a_round_is_closed_once_a_later_year_exists(commune_officer, my_commune):
    ReviewRound.objects.filter(commune=my_commune, year=2024).delete()      # a year loaded without a round
    hh = _hh(my_commune)
    with pytest.raises(ValidationError, match="đã chốt"):
        actions.record_assessment(commune_officer, hh, year=2024, income=500_000, deprived=POOR3)
    # the latest year without a round stays open to the household page
    a = actions.record_assessment(commune_officer, hh, year=2026, income=500_000, deprived=POOR3)
    assert (a.kind, a.version) == ("periodic", 1)


@pytest.mark.django_db
def test_the_household_page_offers_only_the_regular_review_where_a_round_exists(as_commune_officer, my_commune):
    hh = _hh(my_commune)
    page = as_commune_officer.get(reverse("assessment_new", args=[hh.pk]) + "?year=2025").content.decode()
    assert 'value="regular"' in page and 'value="periodic"' not in page
    assert 'id="periodic-note"' in page
    page = as_commune_officer.get(reverse("assessment_new", args=[hh.pk]) + "?year=2026").content.decode()
    assert 'value="periodic"' in page and 'id="periodic-note"' not in page
