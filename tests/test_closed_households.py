"""A household that moved away, merged or died out leaves the lists and counts of the later
years (close_household), with its history kept and the change audited."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chungtay.accounts.models import AuditEvent
from chungtay.households import actions
from chungtay.households.completeness import year_status
from chungtay.households.models import Assessment, Household
from chungtay.reviews import actions as r_actions
from chungtay.reviews.models import RoundHousehold


@pytest.fixture
def poor_2025(my_commune):
    a = Assessment.objects.filter(commune=my_commune, year=2025, kind="periodic", is_current=True, category="poor",
                                  household__status="active", household__end_year__isnull=True).order_by("id").first()
    return a.household


def test_it_ends_the_household_before_a_year_it_was_not_reviewed(commune_officer, my_commune, poor_2025):
    before = year_status(commune_officer, my_commune, 2026).expected
    actions.close_household(commune_officer, poor_2025, status="moved_away", year=2026, reason="Chuyển vào TP.HCM")
    poor_2025.refresh_from_db()
    assert poor_2025.status == "moved_away" and poor_2025.end_year == 2025
    assert year_status(commune_officer, my_commune, 2026).expected == before - 1
    ev = AuditEvent.objects.get(action="household.close", object_id=str(poor_2025.pk))
    assert ev.actor == commune_officer and ev.changes["reason"] == "Chuyển vào TP.HCM"
    assert poor_2025.assessments.filter(year=2025).exists()          # history stays


def test_it_keeps_the_year_it_was_already_reviewed(commune_officer, poor_2025):
    actions.close_household(commune_officer, poor_2025, status="died_out", year=2025, reason="Chủ hộ mất, không còn ai")
    poor_2025.refresh_from_db()
    assert poor_2025.end_year == 2025


def test_a_closed_household_is_not_listed_in_the_next_round(commune_officer, my_commune, poor_2025):
    actions.close_household(commune_officer, poor_2025, status="merged", year=2026, reason="Nhập vào hộ con trai")
    rnd = r_actions.open_round(commune_officer, my_commune, 2026)
    assert not rnd.members.filter(household=poor_2025).exists()
    assert rnd.members.exists()


def test_it_withdraws_the_household_from_an_open_round(commune_officer, my_commune, poor_2025):
    rnd = r_actions.open_round(commune_officer, my_commune, 2026)
    assert rnd.members.filter(household=poor_2025, step=RoundHousehold.LISTED).exists()
    actions.close_household(commune_officer, poor_2025, status="moved_away", year=2026, reason="Chuyển đi tỉnh khác")
    assert not rnd.members.filter(household=poor_2025).exists()


@pytest.mark.parametrize("kw, field", [
    ({"status": "active", "year": 2026, "reason": "x"}, "status"),
    ({"status": "moved_away", "year": 2026, "reason": "  "}, "reason"),
    ({"status": "moved_away", "year": 2024, "reason": "x"}, "year"),      # it has a 2025 result
    ({"status": "moved_away", "year": 1990, "reason": "x"}, "year"),
])
def test_it_rejects_bad_input(commune_officer, poor_2025, kw, field):
    with pytest.raises(ValidationError) as e:
        actions.close_household(commune_officer, poor_2025, **kw)
    assert field in e.value.message_dict
    poor_2025.refresh_from_db()
    assert poor_2025.status == "active"


def test_it_rejects_closing_twice(commune_officer, poor_2025):
    actions.close_household(commune_officer, poor_2025, status="moved_away", year=2026, reason="Chuyển đi")
    with pytest.raises(ValidationError):
        actions.close_household(commune_officer, poor_2025, status="died_out", year=2026, reason="x")


def test_it_rejects_other_commune(other_commune_officer, poor_2025):
    with pytest.raises(PermissionDenied):
        actions.close_household(other_commune_officer, poor_2025, status="moved_away", year=2026, reason="x")


def test_the_household_page_records_and_shows_the_closing(as_commune_officer, poor_2025):
    url = reverse("household", args=[poor_2025.pk])
    assert "Ghi nhận hộ chuyển đi" in as_commune_officer.get(url).content.decode()
    r = as_commune_officer.post(url, {"action": "close", "status": "moved_away", "year": "2026",
                                      "reason": "Chuyển đến xã Đăk Hà"})
    assert r.status_code == 302
    html = as_commune_officer.get(url).content.decode()
    assert "Hộ đã kết thúc" in html and "Chuyển đến xã Đăk Hà" in html
    assert Household.objects.get(pk=poor_2025.pk).end_year == 2025


def test_the_household_page_shows_a_clear_error(as_commune_officer, poor_2025):
    r = as_commune_officer.post(reverse("household", args=[poor_2025.pk]),
                                {"action": "close", "status": "moved_away", "year": "2026", "reason": ""})
    assert r.status_code == 200
    assert Household.objects.get(pk=poor_2025.pk).status == "active"


def test_it_refuses_a_result_for_a_year_after_the_household_left(commune_officer, poor_2025):
    actions.close_household(commune_officer, poor_2025, status="moved_away", year=2026, reason="Chuyển đi")
    poor_2025.refresh_from_db()
    with pytest.raises(ValidationError) as e:
        actions.record_assessment(commune_officer, poor_2025, year=2026, kind="regular", income=900_000)
    assert "không còn trong địa bàn sau năm 2025" in " ".join(e.value.messages)
    assert not poor_2025.assessments.filter(year=2026).exists()


def test_a_result_for_an_earlier_year_moves_the_start_back(commune_officer, my_commune):
    from chungtay.units.models import Unit
    village = Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).order_by("id").first()
    hh = actions.create_household(commune_officer, code="NEW-START-2", village=village, head={
        "full_name": "Y Blơng", "sex": "F", "birth_year": 1979, "ethnicity": "Xơ Đăng"})
    Household.objects.filter(pk=hh.pk).update(start_year=2026)      # e.g. an imported start year
    hh.refresh_from_db()
    actions.record_assessment(commune_officer, hh, year=2025, kind="regular", income=1_200_000)
    assert Household.objects.get(pk=hh.pk).start_year == 2025
