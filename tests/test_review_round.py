"""A periodic review round, step by step, through the actions."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungtay.accounts.models import AuditEvent
from chungtay.households import actions as hh_actions
from chungtay.households.models import Assessment, Household
from chungtay.households.stats import unit_report
from chungtay.reviews import actions
from chungtay.reviews.models import Complaint, ReviewRound, RoundHousehold

YEAR = 2026
POOR3 = ["employment", "nutrition", "latrine"]


@pytest.fixture
def rnd(commune_officer, my_commune):
    return actions.open_round(commune_officer, my_commune, YEAR)


def _survey_all(officer, rnd, income=1_000_000, deprived=POOR3):
    for rh in rnd.members.filter(step__in=["listed", "returned"]):
        actions.record_survey(officer, rnd, rh.household, income=income, deprived=deprived)


def test_listing_proposes_last_years_poor_and_near_poor(rnd, my_commune):
    expected = set(Assessment.objects.filter(commune=my_commune, year=YEAR - 1, is_current=True, kind="periodic",
                                             category__in=["poor", "near_poor"], household__status="active")
                   .values_list("household_id", flat=True))
    assert set(rnd.members.values_list("household_id", flat=True)) == expected and expected
    assert {r.reason for r in rnd.members.all()} <= {"poor_last_year", "near_poor_last_year"}
    assert AuditEvent.objects.filter(action="round.open", object_id=str(rnd.pk)).exists()


def test_requests_are_added_once(commune_officer, rnd, my_commune):
    hh = Household.objects.filter(commune=my_commune).exclude(id__in=rnd.members.values("household_id")).first()
    actions.add_household(commune_officer, rnd, hh, "requested")
    with pytest.raises(ValidationError, match="đã có"):
        actions.add_household(commune_officer, rnd, hh, "requested")


def test_steps_must_come_in_order(commune_officer, rnd):
    with pytest.raises(ValidationError, match="Bước này"):
        actions.start_meetings(commune_officer, rnd)
    actions.start_survey(commune_officer, rnd)
    with pytest.raises(ValidationError, match="chưa rà soát"):
        actions.start_meetings(commune_officer, rnd)


def test_other_commune_cannot_touch_the_round(other_commune_officer, rnd):
    with pytest.raises(PermissionDenied):
        actions.start_survey(other_commune_officer, rnd)
    assert not actions.rounds_for(other_commune_officer).filter(pk=rnd.pk).exists()


def test_full_round_with_a_vote_below_half_and_a_complaint(commune_officer, commune_chairman, rnd, my_commune):
    o, ch = commune_officer, commune_chairman          # the officer runs the round, the chairman decides
    hh_extra = Household.objects.filter(commune=my_commune, status="active").exclude(
        id__in=rnd.members.values("household_id")).order_by("id").first()
    actions.add_household(o, rnd, hh_extra, "requested")
    actions.start_survey(o, rnd)
    _survey_all(o, rnd)
    actions.start_meetings(o, rnd)
    entries = list(rnd.members.select_related("household__village"))
    villages = {e.household.village for e in entries}
    sent_back = entries[0].household
    for v in villages:
        votes = {e.household_id: 30 for e in entries if e.household.village_id == v.id}
        if v.id == sent_back.village_id:
            votes[sent_back.id] = 14                       # 14/30 < 50%: surveyed again
        actions.record_meeting(o, rnd, v, held_on=date(YEAR, 10, 1), chaired_by="Trưởng thôn",
                               attendees=30, minutes="Thống nhất danh sách", votes=votes)
    assert rnd.members.get(household=sent_back).step == RoundHousehold.RETURNED
    with pytest.raises(ValidationError, match="chưa được họp dân"):
        actions.post_lists(o, rnd, posted_from=date(YEAR, 10, 5), places="UBND xã")
    actions.record_survey(o, rnd, sent_back, income=2_000_000, deprived=[])   # re-survey
    actions.record_meeting(o, rnd, sent_back.village, held_on=date(YEAR, 10, 3), chaired_by="Trưởng thôn",
                           attendees=20, minutes="Họp lại", votes={sent_back.id: 15})
    assert rnd.members.get(household=sent_back).surveys == 2
    actions.post_lists(o, rnd, posted_from=date(YEAR, 10, 5), places="UBND xã")
    rnd.refresh_from_db()
    assert rnd.posted_to == date(YEAR, 10, 5) + timedelta(days=3)
    c = actions.record_complaint(o, rnd, hh_extra, received_on=date(YEAR, 10, 6), complainant="Người dân",
                                 content="Hộ có thu nhập cao hơn")
    with pytest.raises(ValidationError, match="khiếu nại chưa giải quyết"):
        actions.recognise(ch, rnd, decision_no="123/QĐ-UBND", decision_date=date(YEAR, 10, 20), decided_by="Chủ tịch")
    actions.resolve_complaint(o, c, outcome=Complaint.UPHELD, resolution="Phúc tra: thu nhập đủ sống",
                              recheck={"income": 2_600_000, "deprived": []})
    assert hh_extra.assessments.get(year=YEAR, is_current=True).category == "above_average"
    with pytest.raises(ValidationError, match="Chưa hết thời gian niêm yết"):
        actions.recognise(ch, rnd, decision_no="123/QĐ-UBND", decision_date=date(YEAR, 10, 6), decided_by="Chủ tịch")
    actions.recognise(ch, rnd, decision_no="123/QĐ-UBND", decision_date=date(YEAR, 10, 20), decided_by="Chủ tịch")
    carried = actions.lock(ch, rnd)
    rnd.refresh_from_db()
    assert rnd.state == ReviewRound.LOCKED and carried > 0
    # a locked result is never edited: only a regular review may change it
    with pytest.raises(ValidationError, match="khóa"):
        hh_actions.record_assessment(o, sent_back, year=YEAR, income=500_000, deprived=POOR3)
    with pytest.raises(ValidationError, match="khóa"):
        actions.record_survey(o, rnd, sent_back, income=1, deprived=[])
    regular = hh_actions.record_assessment(o, sent_back, year=YEAR, income=500_000, deprived=POOR3, kind="regular")
    assert regular.kind == "regular" and sent_back.assessments.get(year=YEAR, kind="periodic", is_current=True).category != "poor"
    # the year's figures cover every household of the commune (reviewed + carried over)
    rep = unit_report(o, my_commune, YEAR).total
    assert rep.total == Assessment.objects.filter(commune=my_commune, year=YEAR, is_current=True,
                                                  kind="periodic").count()
    assert rep.total == rep.poor + rep.near_poor + rep.average + rep.above_average
    steps = list(AuditEvent.objects.filter(action="round.state", object_id=str(rnd.pk)).order_by("id")
                 .values_list("changes__to", flat=True))
    assert steps == ["surveying", "meeting", "posting", "recognised", "locked"]


def test_a_regular_monthly_review_is_decided_by_the_chairman(commune_officer, commune_chairman, my_commune):
    rnd = actions.open_round(commune_officer, my_commune, YEAR, kind="regular", month=3)
    assert rnd.members.count() == 0                                   # only households that ask or suffer a shock
    hh = Household.objects.filter(commune=my_commune, status="active").order_by("id").first()
    actions.add_household(commune_officer, rnd, hh, "shock")
    actions.start_survey(commune_officer, rnd)
    a = actions.record_survey(commune_officer, rnd, hh, income=700_000, deprived=POOR3)
    assert a.kind == "regular" and a.category == "poor"
    actions.recognise(commune_chairman, rnd, decision_no="5/QĐ-UBND", decision_date=date(YEAR, 3, 20),
                      decided_by="Chủ tịch")
    actions.lock(commune_chairman, rnd)
    rnd.refresh_from_db()
    assert rnd.state == ReviewRound.LOCKED
    # a second regular round for another month is allowed, the same month twice is not
    actions.open_round(commune_officer, my_commune, YEAR, kind="regular", month=4)
    with pytest.raises(ValidationError, match="tháng 4/2026"):
        actions.open_round(commune_officer, my_commune, YEAR, kind="regular", month=4)
