"""Who does which step of the annual review (docs/roles.md, Decision 24/2021/QĐ-TTg): the
commune poverty officer runs the round, the village head surveys and holds the meeting of
their own village only, the commune chairman alone recognises and locks."""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from chungtay.accounts.models import AuditEvent
from chungtay.households.models import Household
from chungtay.reviews import actions
from chungtay.reviews.models import ReviewRound, RoundHousehold

YEAR = 2026
POOR3 = ["employment", "nutrition", "latrine"]


@pytest.fixture
def own_village(village_head):
    return village_head.assignments.get().unit


@pytest.fixture
def surveying(commune_officer, my_commune):
    rnd = actions.open_round(commune_officer, my_commune, YEAR)
    actions.start_survey(commune_officer, rnd)
    return rnd


def _entry(rnd, village, inside=True):
    qs = rnd.members.select_related("household__village")
    qs = qs.filter(household__village=village) if inside else qs.exclude(household__village=village)
    return qs.order_by("household__code").first().household


def test_it_refuses_village_head_opening_a_round(village_head, my_commune):
    with pytest.raises(PermissionDenied, match="Cán bộ giảm nghèo xã"):
        actions.open_round(village_head, my_commune, YEAR)
    assert not ReviewRound.objects.filter(commune=my_commune, year=YEAR).exists()


@pytest.mark.parametrize("who", ["commune_chairman", "province_officer", "admin_user", "village_head"])
def test_it_refuses_everyone_but_the_commune_officer_running_the_round(request, who, commune_officer, my_commune):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        actions.open_round(user, my_commune, YEAR)
    rnd = actions.open_round(commune_officer, my_commune, YEAR)
    hh = Household.objects.filter(commune=my_commune, status="active").exclude(
        id__in=rnd.members.values("household_id")).order_by("id").first()
    with pytest.raises(PermissionDenied):
        actions.add_household(user, rnd, hh, "requested")
    with pytest.raises(PermissionDenied):
        actions.start_survey(user, rnd)
    rnd.refresh_from_db()
    assert rnd.state == ReviewRound.LISTING


def test_it_lets_the_village_head_survey_in_own_village(village_head, surveying, own_village):
    hh = _entry(surveying, own_village)
    a = actions.record_survey(village_head, surveying, hh, income=1_000_000, deprived=POOR3)
    assert a.category == "poor" and a.recorded_by == village_head
    assert surveying.members.get(household=hh).step == RoundHousehold.SURVEYED
    assert AuditEvent.objects.filter(action="assessment.record", actor=village_head,
                                     object_id=str(hh.pk)).exists()


def test_it_refuses_village_head_survey_in_other_village(village_head, surveying, own_village):
    hh = _entry(surveying, own_village, inside=False)
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        actions.record_survey(village_head, surveying, hh, income=1_000_000, deprived=POOR3)
    assert surveying.members.get(household=hh).step == RoundHousehold.LISTED
    assert not hh.assessments.filter(year=YEAR).exists()


def test_it_refuses_the_chairman_entering_a_survey(commune_chairman, surveying, own_village):
    hh = _entry(surveying, own_village)
    with pytest.raises(PermissionDenied, match="Cán bộ giảm nghèo xã, Trưởng thôn"):
        actions.record_survey(commune_chairman, surveying, hh, income=1_000_000, deprived=POOR3)


def test_it_lets_the_village_head_hold_only_own_village_meeting(commune_officer, village_head, surveying,
                                                                 own_village):
    for rh in surveying.members.all():
        actions.record_survey(commune_officer, surveying, rh.household, income=1_000_000, deprived=POOR3)
    with pytest.raises(PermissionDenied):
        actions.start_meetings(village_head, surveying)
    actions.start_meetings(commune_officer, surveying)
    own = {rh.household_id: 20 for rh in surveying.members.filter(household__village=own_village)}
    other = surveying.members.exclude(household__village=own_village).select_related("household__village").first()
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        actions.record_meeting(village_head, surveying, other.household.village, held_on=date(YEAR, 10, 1),
                               chaired_by="A Thút", attendees=20, minutes="Họp", votes={other.household_id: 20})
    m = actions.record_meeting(village_head, surveying, own_village, held_on=date(YEAR, 10, 1),
                               chaired_by="A Thút", attendees=20, minutes="Họp dân", votes=own)
    assert m.recorded_by == village_head
    assert set(surveying.members.filter(step=RoundHousehold.AGREED).values_list("household_id", flat=True)) == set(own)
    with pytest.raises(PermissionDenied):
        actions.post_lists(village_head, surveying, posted_from=date(YEAR, 10, 5), places="Nhà văn hóa")


def _regular_round_ready(officer, commune):
    rnd = actions.open_round(officer, commune, YEAR, kind=ReviewRound.REGULAR, month=5)
    hh = Household.objects.filter(commune=commune, status="active").order_by("id").first()
    actions.add_household(officer, rnd, hh, "shock")
    actions.start_survey(officer, rnd)
    actions.record_survey(officer, rnd, hh, income=700_000, deprived=POOR3)
    return rnd


@pytest.mark.parametrize("who", ["commune_officer", "province_officer", "admin_user", "village_head",
                                 "other_commune_officer"])
def test_it_lets_only_the_chairman_recognise(request, who, commune_officer, commune_chairman, my_commune):
    rnd = _regular_round_ready(commune_officer, my_commune)
    with pytest.raises(PermissionDenied):
        actions.recognise(request.getfixturevalue(who), rnd, decision_no="7/QĐ-UBND",
                          decision_date=date(YEAR, 5, 20), decided_by="Chủ tịch")
    rnd.refresh_from_db()
    assert rnd.state == ReviewRound.SURVEYING and not rnd.decision_no
    actions.recognise(commune_chairman, rnd, decision_no="7/QĐ-UBND", decision_date=date(YEAR, 5, 20),
                      decided_by="Chủ tịch")
    with pytest.raises(PermissionDenied, match="Chủ tịch UBND xã"):
        actions.lock(request.getfixturevalue(who), rnd)
    actions.lock(commune_chairman, rnd)
    rnd.refresh_from_db()
    assert rnd.state == ReviewRound.LOCKED
    assert list(AuditEvent.objects.filter(action="round.state", object_id=str(rnd.pk), changes__to__in=[
        "recognised", "locked"]).values_list("actor__username", flat=True)) == ["chutich", "chutich"]
