"""Review rounds and their steps: rounds within the area (reviews.actions.rounds_for), the
households of a round as the round page shows them (a village head: their own village only),
and the survey step through reviews.actions.record_survey."""

from datetime import date, datetime
from typing import Literal, Optional

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from chungtay.households.models import Household
from chungtay.reviews import actions
from chungtay.reviews.models import ReviewRound, RoundHousehold
from chungtay.reviews.views import _visible

from .assessments import AssessmentOut, out as assessment_out
from .base import Page, page, write
from .common import CURSOR, LIMIT, READ_ERRORS, SINCE, UNIT, WRITE_ERRORS, YEAR, aware, unit_in_area

router = Router(tags=["rounds"])

State = Literal["listing", "surveying", "meeting", "posting", "recognised", "locked"]
Step = Literal["listed", "surveyed", "agreed", "returned", "recognised"]


class StepOut(Schema):
    state: str
    name_vi: str
    name_en: str
    done: bool
    current: bool


class RoundOut(Schema):
    id: int
    commune_id: int
    province_id: int
    year: int
    kind: str
    month: Optional[int]
    state: str
    posting_days: int
    posted_from: Optional[date]
    posted_to: Optional[date]
    decision_no: str
    decision_date: Optional[date]
    created_at: datetime
    locked_at: Optional[datetime]


class RoundDetail(RoundOut):
    steps: list[StepOut]
    households_by_step: dict[str, int] = Field(description="households of the round in each step "
                                                           "(those you may see)")


class RoundPage(Page):
    items: list[RoundOut]


@router.get("/rounds", response={200: RoundPage, 304: None, **READ_ERRORS}, url_name="rounds")
def list_rounds(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
                year: Optional[int] = YEAR, kind: Optional[Literal["periodic", "regular"]] = None,
                state: Optional[State] = None):
    """Rounds of your area by id (a village head: the rounds of their commune)."""
    user = request.auth
    qs = actions.rounds_for(user)
    if (u := unit_in_area(user, unit)) is not None:
        col = {"province": "province_id", "commune": "commune_id", "village": "commune_id"}.get(u.level)
        qs = qs.filter(**{col: u.parent_id if u.level == "village" else u.id}) if col and u.system == "2025" \
            else qs.none()
    for name, value in (("year", year), ("kind", kind), ("state", state)):
        if value is not None:
            qs = qs.filter(**{name: value})
    rows, nxt = page(qs, cursor, limit)
    return {"items": rows, "next_cursor": nxt, "limit": limit}


def _round(user, round_id: int) -> ReviewRound:
    return get_object_or_404(actions.rounds_for(user), pk=round_id)


@router.get("/rounds/{int:round_id}", response={200: RoundDetail, 304: None, **READ_ERRORS}, url_name="round")
def get_round(request, round_id: int):
    """One round with its steps (listing → survey → meeting → posting → recognised → locked)."""
    from django.db.models import Count
    rnd = _round(request.auth, round_id)
    members, _ = _visible(request.auth, rnd)
    counts = dict(members.values_list("step").annotate(n=Count("id")))
    i = rnd.step_index()
    steps = [{"state": s, "name_vi": name, "name_en": ReviewRound.STATE_EN[s], "done": k < i or rnd.is_locked,
              "current": k == i} for k, (s, name) in enumerate(ReviewRound.STATES)]
    base = RoundOut.model_validate(rnd, from_attributes=True).model_dump()
    return {**base, "steps": steps, "households_by_step": {s: counts.get(s, 0) for s, _ in RoundHousehold.STEPS}}


class EntryOut(Schema):
    id: int
    household_id: int
    household_code: str
    village_id: int
    reason: str
    step: str
    assessment_id: Optional[int]
    surveys: int
    meeting_attendees: Optional[int]
    meeting_agree: Optional[int]
    updated_at: datetime


class EntryPage(Page):
    items: list[EntryOut]


def _entry(e: RoundHousehold) -> dict:
    return {"id": e.id, "household_id": e.household_id, "household_code": e.household.code,
            "village_id": e.household.village_id, "reason": e.reason, "step": e.step,
            "assessment_id": e.assessment_id, "surveys": e.surveys, "meeting_attendees": e.meeting_attendees,
            "meeting_agree": e.meeting_agree, "updated_at": e.updated_at}


@router.get("/rounds/{int:round_id}/households", response={200: EntryPage, 304: None, **READ_ERRORS},
            url_name="round_households")
def list_round_households(request, round_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                          step: Optional[Step] = None, changed_since: Optional[datetime] = SINCE,
                          village: Optional[int] = Query(None, ge=1, le=2 ** 62)):
    """The households of the round with their step (a village head sees their own village's only)."""
    rnd = _round(request.auth, round_id)
    qs, _ = _visible(request.auth, rnd)
    qs = qs.select_related("household")
    if step is not None:
        qs = qs.filter(step=step)
    if village is not None:
        qs = qs.filter(household__village_id=village)
    if changed_since is not None:
        qs = qs.filter(updated_at__gte=aware(changed_since))
    rows, nxt = page(qs, cursor, limit)
    return {"items": [_entry(e) for e in rows], "next_cursor": nxt, "limit": limit}


class SurveyIn(Schema):
    household_id: int = Field(ge=1, le=2 ** 62)
    income: Optional[float] = Field(None, description="VND per person per month (or score_a)")
    score_a: Optional[float] = None
    deprived: list[str] = Field([], max_length=12)
    pledged_escape: bool = False
    reason: str = Field("", max_length=300)


@router.post("/rounds/{int:round_id}/surveys", response={201: AssessmentOut, **WRITE_ERRORS},
             url_name="round_survey")
@write
def record_survey(request, round_id: int, payload: SurveyIn):
    """The survey step (Phiếu B) of one household of the round: reviews.actions.record_survey (the
    round's state, the role — a village head in their own village — and the audit)."""
    user = request.auth
    rnd = _round(user, round_id)
    members, _ = _visible(user, rnd)
    entry = get_object_or_404(members.select_related("household"), household_id=payload.household_id)
    hh = get_object_or_404(Household.objects.for_user(user), pk=entry.household_id)
    a = actions.record_survey(user, rnd, hh, income=payload.income, score_a=payload.score_a,
                              deprived=payload.deprived, pledged_escape=payload.pledged_escape, reason=payload.reason)
    a.household = hh
    return Status(201, assessment_out(a))


