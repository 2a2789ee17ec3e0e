"""The emulation movement (docs/emulation.md, issue 12): movements of your area with their
launching decision, contents and goals; each movement's participants, clusters and blocks with
their members by year, registrations with their targets, pacts, activities, criteria sets and
scorings; each scoring's scores with the figures and the formula behind every criterion's points;
nomination dossiers (checklist, steps, the council's vote in figures) and the decision register
(bonus, revocation, recovery).

Reads start from ``Movement.objects.for_user`` as the pages do (a commune's users: the commune's
movements and those of the province and the nation above it; another commune's movement: 404 on
it and on everything under it). Two rules are stricter than the pages:

- the scores of a scoring that is **not published** are answered only to its board, those who may
  score or publish on the movement's unit (``scoring_run`` / ``scoring_publish``); anyone else gets
  403 ``scores_not_published`` (the list of scorings, with their step, stays visible);
- a household outside your area (``Household.objects.for_user``) is shown by its code only, with
  ``household_id`` null; the council's members are answered as counts, not names; restrictions
  (discipline, complaints) are not answered.

Writes go only through ``chungtay.emulation.actions`` / ``actions_awards``: the movement (404
outside the area), then ``actions.check`` with the page's action (403 with the page's message),
then the objects named in the body (400 on the API's field), then the action (its checks, 400 with
its Vietnamese and English message, and its AuditEvent): add a participant, a cluster, a cluster
member; register; sign a pact (without the scan: upload it on the page); report an activity
(without evidence file); create a nomination dossier. Evidence files are not served here."""

import datetime as dt
from typing import Any, Literal, Optional, Union

from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from typing_extensions import Annotated

from chungtay.emulation import actions
from chungtay.emulation import actions_awards as awards
from chungtay.emulation import commendation as rules
from chungtay.emulation.models import (ACTIVITY_KINDS, ACTIVITY_NAMES, LEVEL_NAMES, PUBLISHED, RUN_STATE_NAMES,
                                       RUN_STATES, STATE_NAMES, STATES, Activity, AwardDecision, BonusRecovery,
                                       Cluster, ClusterMember, CouncilVote, CriteriaSet, Movement, Nomination, Pact,
                                       Participant, Registration, Score, ScoreRun, ScoreTotal)
from chungtay.households.models import Household
from chungtay.units.models import Unit

from .base import Page, page, write
from .common import CURSOR, LIMIT, MAX_YEAR, MIN_YEAR, READ_ERRORS, UNIT, WRITE_ERRORS, unit_in_area
from .errors import ApiError
from .revolving import _renamed

router = Router(tags=["emulation"])

ID = dict(ge=1, le=2 ** 62)
Id = Annotated[int, Field(**ID)]
YEAR_Q = dict(ge=MIN_YEAR, le=MAX_YEAR)

Level = Literal["national", "province", "commune"]
State = Literal["launched", "running", "interim_review", "final_review", "closed"]
RunState = Literal["self_assessment", "cluster_recheck", "council", "published"]
ParticipantKind = Literal["unit", "partner", "household"]
ClusterKind = Literal["cluster", "block"]
MemberRole = Literal["member", "head", "deputy"]
ActivityKind = Literal["communication", "training", "model", "support", "exemplary"]
SubjectKind = Literal["collective", "individual", "household"]
NominationState = Literal["draft", "submitted", "received", "appraised", "council_vote", "submitted_upward",
                          "decided", "returned"]
assert set(Level.__args__) == set(LEVEL_NAMES)
assert set(State.__args__) == {k for k, *_ in STATES}
assert set(RunState.__args__) == {k for k, *_ in RUN_STATES}
assert set(ParticipantKind.__args__) == {k for k, *_ in Participant.KINDS}
assert set(ClusterKind.__args__) == {k for k, *_ in Cluster.KINDS}
assert set(MemberRole.__args__) == {k for k, *_ in ClusterMember.ROLES}
assert set(ActivityKind.__args__) == {k for k, *_ in ACTIVITY_KINDS}
assert set(SubjectKind.__args__) == set(rules.SUBJECT_NAMES)
assert set(NominationState.__args__) == set(rules.NOMINATION_STATE_NAMES)

PARTICIPANT_NAMES = {k: (vi, en) for k, vi, en in Participant.KINDS}
CLUSTER_NAMES = {k: (vi, en) for k, vi, en in Cluster.KINDS}
ROLE_NAMES = {k: (vi, en) for k, vi, en in ClusterMember.ROLES}
NOT_PUBLISHED = ("Kết quả chấm điểm chưa công bố: chỉ cán bộ chấm điểm và người công bố của đơn vị phát động "
                 "được xem", "The scores are not published yet: only those who score or publish them for the "
                 "launching unit may see them")


# --- schemas -------------------------------------------------------------------------------

class MovementOut(Schema):
    id: int
    name: str
    level: Level
    level_vi: str
    level_en: str
    decision_no: str = Field(description="the launching decision or plan, e.g. 2736/KH-UBND")
    decision_date: dt.date
    issuer: str
    unit_id: Optional[int] = Field(description="the launching unit (null: a national movement, reference data)")
    province_id: Optional[int]
    commune_id: Optional[int]
    parent_id: Optional[int] = Field(description="the movement it derives from")
    start_year: int
    end_year: int
    state: State
    state_vi: str
    state_en: str
    goal_text: str


class MovementPage(Page):
    items: list[MovementOut]


class ContentOut(Schema):
    id: int
    number: int
    title: str


class CountsOut(Schema):
    participants: int
    clusters: int
    registrations: int
    activities: int
    criteria_sets: int
    score_runs: int
    nominations: int
    decisions: int


class MovementDetail(MovementOut):
    contents: list[ContentOut]
    goal_target_ids: list[int] = Field(description="its goals: targets of the plans (GET /targets/{target_id})")
    derived_ids: list[int] = Field(description="movements of your area derived from it")
    counts: CountsOut
    report_url: str = Field(description="the review report page (a signed-in browser; .docx and PDF from there)")


class ParticipantOut(Schema):
    id: int
    movement_id: int
    kind: ParticipantKind
    kind_vi: str
    kind_en: str
    name: str = Field(description="a household outside your area: its code only")
    unit_id: Optional[int]
    partner_id: Optional[int]
    household_id: Optional[int] = Field(description="null for a household outside your area")
    household_code: Optional[str]
    joined_on: Optional[dt.date]


class ParticipantPage(Page):
    items: list[ParticipantOut]


class MemberOut(Schema):
    id: int
    cluster_id: int
    participant_id: int
    participant_name: str
    year: int
    role: MemberRole
    role_vi: str
    role_en: str


class ClusterOut(Schema):
    id: int
    movement_id: int
    name: str
    kind: ClusterKind
    kind_vi: str
    kind_en: str
    members: list[MemberOut] = Field(description="every year's members, with the year's head and deputy")


class ClusterPage(Page):
    items: list[ClusterOut]


class TargetOut(Schema):
    content: str
    unit_of_measure: str
    planned_value: str = Field(description="decimal, up to 3 places, as a string")
    note: str


class RegistrationOut(Schema):
    id: int
    participant_id: int
    participant_name: str
    year: int
    titles: list[str] = Field(description="the titles aimed for")
    registered_on: dt.date
    note: str
    targets: list[TargetOut]


class RegistrationPage(Page):
    items: list[RegistrationOut]


class PactOut(Schema):
    id: int
    cluster_id: int
    cluster_name: str
    year: int
    title: str
    clauses: str
    signed_on: dt.date
    party_ids: list[int] = Field(description="the participants that signed")
    has_scan: bool = Field(description="the signed scan is attached (served on the pacts page)")


class PactPage(Page):
    items: list[PactOut]


class ActivityOut(Schema):
    id: int
    movement_id: int
    participant_id: int
    participant_name: str
    content_id: Optional[int]
    content_number: Optional[int]
    kind: ActivityKind
    kind_vi: str
    kind_en: str
    title: str
    date: dt.date
    year: int
    quantity: Optional[str] = Field(description="decimal as a string, e.g. 350 (posters)")
    unit_of_measure: str
    reached: Optional[int] = Field(description="training: communes that sent staff…")
    invited: Optional[int] = Field(description="…of those invited")
    story: str = Field(description="an exemplary person's or collective's story")
    support_entry_ids: list[int] = Field(description="support mobilised: the supports recorded "
                                                     "(GET /supports/{entry_id})")
    donation_ids: list[int] = Field(description="support mobilised: donations of the Fund for the Poor")
    has_evidence: bool


class ActivityPage(Page):
    items: list[ActivityOut]


class CriterionOut(Schema):
    code: str
    name_vi: str
    name_en: str
    column: str
    kind: str
    points: float
    source: Optional[str] = Field(description="computed from the platform's data (docs/emulation.md); null: entered")


class BandOut(Schema):
    min: float
    label: str


class CriteriaSetOut(Schema):
    id: int
    movement_id: int
    code: str
    version: int
    name: str
    criteria: list[CriterionOut]
    bands: list[BandOut]
    table: dict[str, Any] = Field(description="the table in the export format of `chungtay emulation score`")
    created_at: dt.datetime


class CriteriaSetPage(Page):
    items: list[CriteriaSetOut]


class RunOut(Schema):
    id: int
    movement_id: int
    criteria_set_id: int
    year: int
    state: RunState
    state_vi: str
    state_en: str
    computed_at: Optional[dt.datetime]
    published_on: Optional[dt.date]
    comment_until: Optional[dt.date] = Field(description="the end of the public-comment period")
    scores_visible: bool = Field(description="you may read its scores (published, or you score / publish them)")


class RunPage(Page):
    items: list[RunOut]


class ScoreOut(Schema):
    criterion: str
    name_vi: str
    name_en: str
    source: Optional[str]
    value: Optional[float] = Field(description="the value used: computed, else the council's, re-check's or "
                                               "self-assessment's")
    points: Optional[float] = Field(description="unrounded")
    figures_vi: str = Field(description="where the value comes from")
    figures_en: str
    explanation_vi: str = Field(description="the formula of the points, with the figures")
    explanation_en: str
    has_evidence: bool


class TotalOut(Schema):
    id: int
    run_id: int
    participant_id: int
    participant_name: str
    cluster: str
    total: float
    rank: int = Field(description="within the cluster (1, 2, 2, 4)")
    band: Optional[str]
    scores: list[ScoreOut] = Field(description="one per criterion, in the table's order")


class TotalPage(Page):
    items: list[TotalOut]


class ItemOut(Schema):
    code: str
    name_vi: str
    name_en: str
    has_file: bool
    checked: bool


class VoteOut(Schema):
    council: str
    held_on: dt.date
    members_total: int
    present: int
    approvals: int = Field(description="counted (members with a conflict of interest left out by the rule)")
    rejections: int
    conflicts: int = Field(description="members flagged with a conflict of interest")
    quorum_met: bool
    approved: bool
    outcome_vi: str
    outcome_en: str
    rule: dict[str, Any] = Field(description="the rule used (quorum, approval share), as data")


class EventOut(Schema):
    before: str
    after: str
    reason: str
    at: dt.datetime


class NominationOut(Schema):
    id: int
    movement_id: int
    participant_id: int
    subject_kind: SubjectKind
    subject_kind_vi: str
    subject_kind_en: str
    subject_name: str = Field(description="the collective, household or person (a household outside your area: "
                                          "its code)")
    year: int
    form_code: str
    form_vi: str
    form_en: str
    achievements: str
    run_id: Optional[int]
    state: NominationState
    state_vi: str
    state_en: str
    returned_reason: str
    items: list[ItemOut] = Field(description="the checklist of Law 06/2022/QH15 Art. 84")
    vote: Optional[VoteOut]
    decision_id: Optional[int]
    created_at: dt.datetime


class NominationPage(Page):
    items: list[NominationOut]


class NominationDetail(NominationOut):
    events: list[EventOut] = Field(description="every step, oldest first")


class RevocationOut(Schema):
    number: str
    decided_on: dt.date
    issuer: str
    reason: str
    recover_bonus: bool


class DecisionOut(Schema):
    id: int
    movement_id: int
    nomination_id: int
    number: str = Field(description="empty for a draft")
    decided_on: dt.date
    issuer: str
    signer: str
    form_code: str
    form_vi: str
    form_en: str
    form_level: str
    subject_kind: SubjectKind
    subject_name: str
    unit_id: Optional[int]
    partner_id: Optional[int]
    household_id: Optional[int] = Field(description="null for a household outside your area")
    year: int
    citation: str
    coefficient: str = Field(description="of the base salary, as a decimal string")
    base_salary_vnd: int = Field(description="in force on the decision's date")
    salary_source: str
    bonus_vnd: int
    final: bool = Field(description="issued (false: a draft, printed with the draft mark)")
    issued_at: Optional[dt.datetime]
    revocation: Optional[RevocationOut]
    recovered_vnd: int
    due_vnd: int = Field(description="bonus still to be paid back after a revocation with recovery")
    certificate_url: Optional[str] = Field(description="the Giấy khen / Bằng khen PDF (a signed-in browser)")


class DecisionPage(Page):
    items: list[DecisionOut]


# --- reading ---------------------------------------------------------------------------------

def _pair(names: dict, key: str, prefix: str = "") -> dict:
    vi, en = names.get(key, (key, key))
    return {f"{prefix}vi": vi, f"{prefix}en": en}


def _movement(user, movement_id: int) -> Movement:
    if not 1 <= movement_id < 2 ** 62:
        raise Http404
    return get_object_or_404(Movement.objects.for_user(user).select_related("unit"), pk=movement_id)


class Seen:
    """Which households of the answer lie in the user's area (one query for the page)."""

    def __init__(self, user, household_ids):
        ids = {i for i in household_ids if i}
        self.ids = set(Household.objects.for_user(user).filter(pk__in=ids).values_list("pk", flat=True)) \
            if ids else set()

    def name(self, p: Participant) -> str:
        if p.household_id and p.household_id not in self.ids:
            return p.household.code
        return p.name

    def household(self, household_id):
        return household_id if household_id in self.ids else None


def _seen_parts(user, parts) -> Seen:
    return Seen(user, [p.household_id for p in parts])


def _movement_out(m: Movement) -> dict:
    return {**{k: getattr(m, k) for k in ("id", "name", "level", "decision_no", "decision_date", "issuer", "unit_id",
                                          "province_id", "commune_id", "parent_id", "start_year", "end_year",
                                          "state", "goal_text")},
            **_pair(LEVEL_NAMES, m.level, "level_"), **_pair(STATE_NAMES, m.state, "state_")}


@router.get("/emulation-movements", response={200: MovementPage, 304: None, **READ_ERRORS},
            url_name="emulation_movements")
def list_movements(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
                   level: Optional[Level] = Query(None), state: Optional[State] = Query(None),
                   year: Optional[int] = Query(None, **YEAR_Q, description="running that year")):
    """Movements of your area and of the units above it (the movement list page: a commune sees
    its province's movement and the national ones). `unit`: a 2025 province (its movements and
    its communes') or commune (its movements)."""
    user = request.auth
    qs = Movement.objects.for_user(user)
    if (u := unit_in_area(user, unit)) is not None:
        if u.system != Unit.SYSTEM_2025 or u.level not in (Unit.PROVINCE, Unit.COMMUNE):
            qs = qs.none()
        else:
            qs = qs.filter(province=u) if u.level == Unit.PROVINCE else qs.filter(commune=u)
    if level is not None:
        qs = qs.filter(level=level)
    if state is not None:
        qs = qs.filter(state=state)
    if year is not None:
        qs = qs.filter(start_year__lte=year, end_year__gte=year)
    rows, nxt = page(qs, cursor, limit)
    return {"items": [_movement_out(m) for m in rows], "next_cursor": nxt, "limit": limit}


@router.get("/emulation-movements/{int:movement_id}", response={200: MovementDetail, 304: None, **READ_ERRORS},
            url_name="emulation_movement")
def get_movement(request, movement_id: int):
    """One movement (its page): the decision, contents, goals, derived movements of your area,
    the counts (``registrations``: the typed ones plus the participating households' pledges to
    escape poverty in the period, which count as their registrations)."""
    from chungtay.emulation.registrations import summary as registration_summary
    user = request.auth
    m = _movement(user, movement_id)
    counts = {"participants": m.participants.count(), "clusters": m.clusters.count(),
              "registrations": registration_summary(m).total,     # typed + the households' pledges
              "activities": m.activities.count(), "criteria_sets": m.criteria_sets.count(),
              "score_runs": m.runs.count(), "nominations": m.nominations.count(), "decisions": m.decisions.count()}
    return {**_movement_out(m), "contents": [{"id": c.id, "number": c.number, "title": c.title}
                                             for c in m.contents.all()],
            "goal_target_ids": sorted(m.goals.values_list("pk", flat=True)),
            "derived_ids": sorted(Movement.objects.for_user(user).filter(parent=m).values_list("pk", flat=True)),
            "counts": counts, "report_url": reverse("emulation:report", args=[m.pk])}


def _participant(p: Participant, seen: Seen) -> dict:
    return {**{k: getattr(p, k) for k in ("id", "movement_id", "kind", "unit_id", "partner_id", "joined_on")},
            **_pair(PARTICIPANT_NAMES, p.kind, "kind_"), "name": seen.name(p),
            "household_id": seen.household(p.household_id),
            "household_code": p.household.code if p.household_id else None}


@router.get("/emulation-movements/{int:movement_id}/participants",
            response={200: ParticipantPage, 304: None, **READ_ERRORS}, url_name="emulation_participants")
def list_participants(request, movement_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                      kind: Optional[ParticipantKind] = Query(None)):
    """The movement's participants: units, partners (departments, mass organisations, enterprises,
    armed-forces units…) and households."""
    user = request.auth
    m = _movement(user, movement_id)
    qs = m.participants.select_related("household")
    if kind is not None:
        qs = qs.filter(kind=kind)
    rows, nxt = page(qs, cursor, limit)
    seen = _seen_parts(user, rows)
    return {"items": [_participant(p, seen) for p in rows], "next_cursor": nxt, "limit": limit}


def _member(x: ClusterMember, seen: Seen) -> dict:
    return {"id": x.id, "cluster_id": x.cluster_id, "participant_id": x.participant_id,
            "participant_name": seen.name(x.participant), "year": x.year, "role": x.role,
            **_pair(ROLE_NAMES, x.role, "role_")}


def _cluster(c: Cluster, seen: Seen) -> dict:
    members = sorted(c.members.all(), key=lambda x: (x.year, x.id))
    return {"id": c.id, "movement_id": c.movement_id, "name": c.name, "kind": c.kind,
            **_pair(CLUSTER_NAMES, c.kind, "kind_"), "members": [_member(x, seen) for x in members]}


@router.get("/emulation-movements/{int:movement_id}/clusters", response={200: ClusterPage, 304: None, **READ_ERRORS},
            url_name="emulation_clusters")
def list_clusters(request, movement_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                  kind: Optional[ClusterKind] = Query(None)):
    """Clusters and blocks (cụm, khối thi đua) with their members for each year, one head and one
    deputy a year (rotation)."""
    user = request.auth
    m = _movement(user, movement_id)
    qs = m.clusters.prefetch_related("members__participant__household")
    if kind is not None:
        qs = qs.filter(kind=kind)
    rows, nxt = page(qs, cursor, limit)
    seen = _seen_parts(user, [x.participant for c in rows for x in c.members.all()])
    return {"items": [_cluster(c, seen) for c in rows], "next_cursor": nxt, "limit": limit}


def _registration(r: Registration, seen: Seen) -> dict:
    return {"id": r.id, "participant_id": r.participant_id, "participant_name": seen.name(r.participant),
            "year": r.year, "titles": list(r.titles or []), "registered_on": r.registered_on, "note": r.note,
            "targets": [{"content": t.content, "unit_of_measure": t.unit_of_measure,
                         "planned_value": format(t.planned_value.normalize(), "f"), "note": t.note}
                        for t in r.targets.all()]}


@router.get("/emulation-movements/{int:movement_id}/registrations",
            response={200: RegistrationPage, 304: None, **READ_ERRORS}, url_name="emulation_registrations")
def list_registrations(request, movement_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                       year: Optional[int] = Query(None, **YEAR_Q),
                       participant: Optional[int] = Query(None, **ID, description="one participant's")):
    """The yearly registrations (đăng ký thi đua): titles aimed for and targets with unit of
    measure and planned value. A household's pledge to escape poverty counts as its registration:
    read it with `GET /pledges?household=`."""
    user = request.auth
    m = _movement(user, movement_id)
    qs = Registration.objects.filter(participant__movement=m)
    if year is not None:
        qs = qs.filter(year=year)
    if participant is not None:
        qs = qs.filter(participant_id=participant)
    rows, nxt = page(qs.select_related("participant__household").prefetch_related("targets"), cursor, limit)
    seen = _seen_parts(user, [r.participant for r in rows])
    return {"items": [_registration(r, seen) for r in rows], "next_cursor": nxt, "limit": limit}


def _pact(p: Pact) -> dict:
    return {"id": p.id, "cluster_id": p.cluster_id, "cluster_name": p.cluster.name, "year": p.year, "title": p.title,
            "clauses": p.clauses, "signed_on": p.signed_on, "party_ids": sorted(x.pk for x in p.parties.all()),
            "has_scan": p.scan_id is not None}


@router.get("/emulation-movements/{int:movement_id}/pacts", response={200: PactPage, 304: None, **READ_ERRORS},
            url_name="emulation_pacts")
def list_pacts(request, movement_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
               year: Optional[int] = Query(None, **YEAR_Q),
               cluster: Optional[int] = Query(None, **ID, description="one cluster's")):
    """The clusters' pacts (giao ước thi đua): parties, clauses, signing date."""
    m = _movement(request.auth, movement_id)
    qs = Pact.objects.filter(cluster__movement=m)
    if year is not None:
        qs = qs.filter(year=year)
    if cluster is not None:
        qs = qs.filter(cluster_id=cluster)
    rows, nxt = page(qs.select_related("cluster").prefetch_related("parties"), cursor, limit)
    return {"items": [_pact(p) for p in rows], "next_cursor": nxt, "limit": limit}


def _activity(a: Activity, seen: Seen) -> dict:
    return {**{k: getattr(a, k) for k in ("id", "movement_id", "participant_id", "content_id", "kind", "title",
                                          "date", "year", "unit_of_measure", "reached", "invited", "story")},
            **_pair(ACTIVITY_NAMES, a.kind, "kind_"), "participant_name": seen.name(a.participant),
            "content_number": a.content.number if a.content_id else None,
            "quantity": None if a.quantity is None else format(a.quantity.normalize(), "f"),
            "support_entry_ids": sorted(s.pk for s in a.supports.all()),
            "donation_ids": sorted(int(i) for i in (a.donation_ids or [])), "has_evidence": a.evidence_id is not None}


@router.get("/emulation-movements/{int:movement_id}/activities",
            response={200: ActivityPage, 304: None, **READ_ERRORS}, url_name="emulation_activities")
def list_activities(request, movement_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                    year: Optional[int] = Query(None, **YEAR_Q), kind: Optional[ActivityKind] = Query(None),
                    participant: Optional[int] = Query(None, **ID, description="one participant's"),
                    content: Optional[int] = Query(None, **ID, description="under one content (its id)")):
    """What the participants reported (the activities page): communication, training (reached of
    invited), models replicated, support mobilised (the supports and donations already recorded,
    never typed again), exemplary people with their story."""
    user = request.auth
    m = _movement(user, movement_id)
    qs = m.activities.all()
    if year is not None:
        qs = qs.filter(year=year)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if participant is not None:
        qs = qs.filter(participant_id=participant)
    if content is not None:
        qs = qs.filter(content_id=content)
    rows, nxt = page(qs.select_related("participant__household", "content").prefetch_related("supports"),
                     cursor, limit)
    seen = _seen_parts(user, [a.participant for a in rows])
    return {"items": [_activity(a, seen) for a in rows], "next_cursor": nxt, "limit": limit}


def _names(name, fallback: str) -> tuple[str, str]:
    if isinstance(name, dict):
        vi = str(name.get("vi") or next(iter(name.values()), "") or fallback)
        return vi, str(name.get("en") or vi)
    return (str(name), str(name)) if name else (fallback, fallback)


def _criteria(table: dict) -> list[dict]:
    out = []
    for c in table.get("criteria", []):
        vi, en = _names(c.get("name"), str(c.get("code", "")))
        out.append({"code": str(c.get("code", "")), "name_vi": vi, "name_en": en, "column": str(c.get("column", "")),
                    "kind": str(c.get("kind", "")), "points": float(c.get("points", 0)), "source": c.get("source")})
    return out


def _criteria_set(cs: CriteriaSet) -> dict:
    table = cs.table or {}
    return {"id": cs.id, "movement_id": cs.movement_id, "code": cs.code, "version": cs.version, "name": cs.name,
            "criteria": _criteria(table), "bands": [{"min": float(b["min"]), "label": str(b["label"])}
                                                    for b in table.get("bands", [])],
            "table": table, "created_at": cs.created_at}


@router.get("/emulation-movements/{int:movement_id}/criteria-sets",
            response={200: CriteriaSetPage, 304: None, **READ_ERRORS}, url_name="emulation_criteria_sets")
def list_criteria_sets(request, movement_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                       code: Optional[str] = Query(None, max_length=60)):
    """The criteria sets (versioned): each criterion with its points, kind and data source, the
    bands, and the whole table in the format of `chungtay emulation score`."""
    m = _movement(request.auth, movement_id)
    qs = m.criteria_sets.all()
    if code is not None:
        qs = qs.filter(code=code)
    rows, nxt = page(qs, cursor, limit)
    return {"items": [_criteria_set(cs) for cs in rows], "next_cursor": nxt, "limit": limit}


def board(user, m: Movement) -> bool:
    """Those who may see a scoring before it is published: who scores or publishes it."""
    return awards.may(user, "scoring_run", m) or awards.may(user, "scoring_publish", m)


def _run(r: ScoreRun, on_board: bool) -> dict:
    return {**{k: getattr(r, k) for k in ("id", "movement_id", "criteria_set_id", "year", "state", "computed_at",
                                          "published_on", "comment_until")},
            **_pair(RUN_STATE_NAMES, r.state, "state_"), "scores_visible": r.state == PUBLISHED or on_board}


@router.get("/emulation-movements/{int:movement_id}/score-runs", response={200: RunPage, 304: None, **READ_ERRORS},
            url_name="emulation_score_runs")
def list_runs(request, movement_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
              year: Optional[int] = Query(None, **YEAR_Q), state: Optional[RunState] = Query(None)):
    """The scorings (the criteria page): criteria set, year, step — self-assessment, cluster
    re-check, council, published with its public-comment period."""
    user = request.auth
    m = _movement(user, movement_id)
    qs = m.runs.all()
    if year is not None:
        qs = qs.filter(year=year)
    if state is not None:
        qs = qs.filter(state=state)
    rows, nxt = page(qs, cursor, limit)
    on_board = board(user, m)
    return {"items": [_run(r, on_board) for r in rows], "next_cursor": nxt, "limit": limit}


@router.get("/emulation-runs/{int:run_id}/scores", response={200: TotalPage, 304: None, **READ_ERRORS},
            url_name="emulation_scores")
def list_scores(request, run_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                participant: Optional[int] = Query(None, **ID, description="one participant's")):
    """The scores of a scoring, one item per participant: total, rank within the cluster, band,
    and per criterion the value, the points, the figures behind the value and the formula of the
    points. A scoring not yet published: 403 `scores_not_published` unless you score or publish
    it."""
    user = request.auth
    if not 1 <= run_id < 2 ** 62:
        raise Http404
    run = get_object_or_404(ScoreRun.objects.filter(movement__in=Movement.objects.for_user(user))
                            .select_related("movement__unit", "criteria_set"), pk=run_id)
    if not awards.may_see_scores(user, run):
        raise ApiError(403, "scores_not_published", *NOT_PUBLISHED)
    qs = ScoreTotal.objects.filter(run=run)
    if participant is not None:
        qs = qs.filter(participant_id=participant)
    rows, nxt = page(qs.select_related("participant__household"), cursor, limit)
    crit = _criteria(run.criteria_set.table or {})
    scores = {}
    for s in Score.objects.filter(run=run, participant_id__in=[t.participant_id for t in rows]):
        scores[(s.participant_id, s.criterion)] = s
    seen = _seen_parts(user, [t.participant for t in rows])

    def one(t: ScoreTotal, c: dict) -> dict:
        s = scores.get((t.participant_id, c["code"]))
        return {"criterion": c["code"], "name_vi": c["name_vi"], "name_en": c["name_en"], "source": c["source"],
                "value": s.value if s else None, "points": s.points if s else None,
                "figures_vi": s.figures_vi if s else "", "figures_en": s.figures_en if s else "",
                "explanation_vi": s.explanation_vi if s else "", "explanation_en": s.explanation_en if s else "",
                "has_evidence": bool(s and s.evidence_id)}
    return {"items": [{"id": t.id, "run_id": t.run_id, "participant_id": t.participant_id,
                       "participant_name": seen.name(t.participant), "cluster": t.cluster, "total": t.total,
                       "rank": t.rank, "band": t.band or None, "scores": [one(t, c) for c in crit]} for t in rows],
            "next_cursor": nxt, "limit": limit}


def _subject_name(n, seen: Seen) -> str:
    p = n.participant
    if p.household_id and p.household_id not in seen.ids:
        return p.household.code
    return n.subject_name


def _vote(v: Optional[CouncilVote]) -> Optional[dict]:
    if v is None:
        return None
    return {**{k: getattr(v, k) for k in ("council", "held_on", "members_total", "present", "approvals", "rejections",
                                          "quorum_met", "approved", "outcome_vi", "outcome_en", "rule")},
            "conflicts": sum(1 for x in v.members.all() if x.conflict)}


def _nomination(n: Nomination, seen: Seen) -> dict:
    form = rules.FORMS_BY_CODE.get(n.form_code)
    vote = n.vote if hasattr(n, "vote") else None
    decision = n.decision if hasattr(n, "decision") else None
    return {**{k: getattr(n, k) for k in ("id", "movement_id", "participant_id", "subject_kind", "year", "form_code",
                                          "achievements", "run_id", "state", "returned_reason", "created_at")},
            **_pair(rules.SUBJECT_NAMES, n.subject_kind, "subject_kind_"),
            **_pair(rules.NOMINATION_STATE_NAMES, n.state, "state_"),
            "form_vi": form.vi if form else n.form_code, "form_en": form.en if form else n.form_code,
            "subject_name": _subject_name(n, seen),
            "items": [{"code": i.code, **_pair(rules.CHECKLIST_NAMES, i.code, "name_"),
                       "has_file": i.evidence_id is not None, "checked": i.checked} for i in n.items.all()],
            "vote": _vote(vote), "decision_id": decision.pk if decision else None}


def _nominations(qs):
    return qs.select_related("participant__household", "vote", "decision").prefetch_related("items", "vote__members")


@router.get("/emulation-movements/{int:movement_id}/nominations",
            response={200: NominationPage, 304: None, **READ_ERRORS}, url_name="emulation_nominations")
def list_nominations(request, movement_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                     year: Optional[int] = Query(None, **YEAR_Q), state: Optional[NominationState] = Query(None),
                     participant: Optional[int] = Query(None, **ID, description="one participant's")):
    """The movement's nomination dossiers: subject, form proposed, state, the Art. 84 checklist
    (file, checked), the council's vote in figures, the decision."""
    user = request.auth
    m = _movement(user, movement_id)
    qs = m.nominations.all()
    if year is not None:
        qs = qs.filter(year=year)
    if state is not None:
        qs = qs.filter(state=state)
    if participant is not None:
        qs = qs.filter(participant_id=participant)
    rows, nxt = page(_nominations(qs), cursor, limit)
    seen = _seen_parts(user, [n.participant for n in rows])
    return {"items": [_nomination(n, seen) for n in rows], "next_cursor": nxt, "limit": limit}


@router.get("/emulation-nominations/{int:nomination_id}", response={200: NominationDetail, 304: None, **READ_ERRORS},
            url_name="emulation_nomination")
def get_nomination(request, nomination_id: int):
    """One dossier (its page), with every step it took."""
    user = request.auth
    if not 1 <= nomination_id < 2 ** 62:
        raise Http404
    n = get_object_or_404(_nominations(Nomination.objects.filter(movement__in=Movement.objects.for_user(user))),
                          pk=nomination_id)
    seen = _seen_parts(user, [n.participant])
    return {**_nomination(n, seen), "events": [{"before": e.before, "after": e.after, "reason": e.reason, "at": e.at}
                                              for e in n.events.all()]}


def _decision(d: AwardDecision, seen: Seen, recovered: dict) -> dict:
    form = rules.FORMS_BY_CODE.get(d.form_code)
    rev = d.revocation if hasattr(d, "revocation") else None
    back = recovered.get(d.pk, 0)
    hidden = d.household_id is not None and d.household_id not in seen.ids
    return {**{k: getattr(d, k) for k in ("id", "movement_id", "nomination_id", "number", "decided_on", "issuer",
                                          "signer", "form_code", "form_level", "subject_kind", "unit_id",
                                          "partner_id", "year", "citation", "salary_source", "bonus_vnd", "final",
                                          "issued_at")},
            "form_vi": form.vi if form else d.form_code, "form_en": form.en if form else d.form_code,
            "subject_name": d.household.code if hidden else d.subject_name,
            "household_id": seen.household(d.household_id), "coefficient": format(d.coefficient, "f"),
            "base_salary_vnd": d.base_salary,
            "revocation": None if rev is None else {k: getattr(rev, k) for k in ("number", "decided_on", "issuer",
                                                                                 "reason", "recover_bonus")},
            "recovered_vnd": back, "due_vnd": (d.bonus_vnd - back) if rev is not None and rev.recover_bonus else 0,
            "certificate_url": reverse("emulation:certificate", args=[d.pk]) if form and form.certificate else None}


@router.get("/emulation-movements/{int:movement_id}/decisions",
            response={200: DecisionPage, 304: None, **READ_ERRORS}, url_name="emulation_decisions")
def list_decisions(request, movement_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                   year: Optional[int] = Query(None, **YEAR_Q, description="of the achievements"),
                   participant: Optional[int] = Query(None, **ID, description="decisions on one participant"),
                   final: Optional[bool] = Query(None, description="issued (true) or drafts (false)")):
    """The decision register (the awards): number, date, issuer, form or title and its level,
    subject, citation, the bonus = coefficient × the base salary in force on the date (integer
    VND), revocation and the money recovered."""
    user = request.auth
    m = _movement(user, movement_id)
    qs = m.decisions.all()
    if year is not None:
        qs = qs.filter(year=year)
    if participant is not None:
        qs = qs.filter(nomination__participant_id=participant)
    if final is not None:
        qs = qs.filter(final=final)
    rows, nxt = page(qs.select_related("revocation", "household"), cursor, limit)
    recovered = {r["decision_id"]: r["s"] for r in BonusRecovery.objects
                 .filter(decision_id__in=[d.pk for d in rows]).values("decision_id").annotate(s=Sum("amount_vnd"))
                 .order_by()}
    seen = Seen(user, [d.household_id for d in rows])
    return {"items": [_decision(d, seen, recovered) for d in rows], "next_cursor": nxt, "limit": limit}


# --- writes --------------------------------------------------------------------------------

def _bad(field: str, vi: str, en: str):
    return ApiError(400, "invalid", vi, en, [(field, vi, en)])


def _kept(request, movement_id: int, action: str) -> Movement:
    """The movement (404 outside the area), then the role on its unit as the page checks it (403)."""
    m = _movement(request.auth, movement_id)
    actions.check(request.auth, action, m)
    return m


def _part(m: Movement, pk: int, field: str = "participant_id") -> Participant:
    p = m.participants.select_related("household").filter(pk=pk).first()
    if p is None:
        raise _bad(field, "Đối tượng không tham gia phong trào này", "Not a participant of this movement")
    return p


def _cluster_of(m: Movement, pk: int) -> Cluster:
    c = m.clusters.filter(pk=pk).first()
    if c is None:
        raise _bad("cluster_id", "Không có cụm, khối này trong phong trào", "No such cluster in this movement")
    return c


RENAMED = {"unit": "unit_id", "partner": "partner_id", "household": "household_id", "participant": "participant_id",
           "content": "content_id", "supports": "support_ids", "donations": "donation_ids", "parties": "party_ids",
           "run": "run_id", "cluster": "cluster_id"}
Decimalish = Union[float, str]


class ParticipantIn(Schema):
    unit_id: Optional[int] = Field(None, **ID, description="a 2025 unit inside the movement's unit")
    partner_id: Optional[int] = Field(None, **ID, description="a support partner of your area (GET /partners)")
    household_id: Optional[int] = Field(None, **ID, description="a household of your area")
    joined_on: Optional[dt.date] = None


@router.post("/emulation-movements/{int:movement_id}/participants", response={201: ParticipantOut, **WRITE_ERRORS},
             url_name="emulation_participant_create")
@write
def create_participant(request, movement_id: int, payload: ParticipantIn):
    """Add a participant: exactly one of a unit, a partner or a household
    (emulation.actions.add_participant; emulation_manage)."""
    from chungtay.support.models import Partner
    user = request.auth
    m = _kept(request, movement_id, "emulation_manage")
    kw = {}
    if payload.unit_id is not None:
        kw["unit"] = Unit.objects.filter(pk=payload.unit_id).first()
        if kw["unit"] is None:
            raise _bad("unit_id", "Đơn vị không thuộc địa bàn của phong trào",
                       "The unit is outside the movement's area")
    if payload.partner_id is not None:
        kw["partner"] = Partner.objects.for_user(user).filter(pk=payload.partner_id).first()
        if kw["partner"] is None:
            raise _bad("partner_id", "Tổ chức không có trong danh sách của địa bàn", "Unknown partner in this area")
    if payload.household_id is not None:
        kw["household"] = Household.objects.for_user(user).filter(pk=payload.household_id).first()
        if kw["household"] is None:
            raise _bad("household_id", "Hộ không thuộc địa bàn của phong trào",
                       "The household is outside the movement's area")
    with _renamed(RENAMED):
        p = actions.add_participant(user, m, joined_on=payload.joined_on, **kw)
    p = Participant.objects.select_related("household").get(pk=p.pk)
    return Status(201, _participant(p, _seen_parts(user, [p])))


class ClusterIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: ClusterKind = "cluster"


@router.post("/emulation-movements/{int:movement_id}/clusters", response={201: ClusterOut, **WRITE_ERRORS},
             url_name="emulation_cluster_create")
@write
def create_cluster(request, movement_id: int, payload: ClusterIn):
    """Add a cluster (cụm) or block (khối) (emulation.actions.add_cluster; emulation_manage)."""
    m = _kept(request, movement_id, "emulation_manage")
    c = actions.add_cluster(request.auth, m, name=payload.name, kind=payload.kind)
    return Status(201, _cluster(c, Seen(request.auth, [])))


class MemberIn(Schema):
    cluster_id: int = Field(**ID)
    participant_id: int = Field(**ID)
    year: int = Field(description="inside the movement's period")
    role: MemberRole = Field("member", description="a new head or deputy makes the year's previous one a member")


@router.post("/emulation-movements/{int:movement_id}/cluster-members", response={201: MemberOut, **WRITE_ERRORS},
             url_name="emulation_cluster_member_create")
@write
def create_member(request, movement_id: int, payload: MemberIn):
    """Put a participant in a cluster for a year, as member, head or deputy
    (emulation.actions.set_member; emulation_manage). A participant is in one cluster a year."""
    m = _kept(request, movement_id, "emulation_manage")
    c, p = _cluster_of(m, payload.cluster_id), _part(m, payload.participant_id)
    with _renamed(RENAMED):
        x = actions.set_member(request.auth, c, p, year=payload.year, role=payload.role)
    x = ClusterMember.objects.select_related("participant__household").get(pk=x.pk)
    return Status(201, _member(x, _seen_parts(request.auth, [x.participant])))


class TargetIn(Schema):
    content: str = Field(max_length=300)
    unit_of_measure: str = Field(max_length=40)
    planned_value: Decimalish = Field(description="a number (or a decimal string)")
    note: str = Field("", max_length=200)


class RegistrationIn(Schema):
    participant_id: int = Field(**ID)
    year: int = Field(description="inside the movement's period; once per participant and year")
    titles: list[Annotated[str, Field(max_length=200)]] = Field([], max_length=20,
                                                                description="the titles aimed for")
    targets: list[TargetIn] = Field([], max_length=50, description="registered targets (Form 1a)")
    registered_on: dt.date
    note: str = Field("", max_length=300)


@router.post("/emulation-movements/{int:movement_id}/registrations", response={201: RegistrationOut, **WRITE_ERRORS},
             url_name="emulation_registration_create")
@write
def create_registration(request, movement_id: int, payload: RegistrationIn):
    """Record a participant's yearly registration: at least one title or target
    (emulation.actions.register; emulation_register)."""
    m = _kept(request, movement_id, "emulation_register")
    p = _part(m, payload.participant_id)
    with _renamed(RENAMED):
        r = actions.register(request.auth, p, year=payload.year, titles=payload.titles,
                             targets=[(t.content, t.unit_of_measure, t.planned_value, t.note) for t in payload.targets],
                             registered_on=payload.registered_on, note=payload.note)
    r = Registration.objects.select_related("participant__household").prefetch_related("targets").get(pk=r.pk)
    return Status(201, _registration(r, _seen_parts(request.auth, [r.participant])))


class PactIn(Schema):
    cluster_id: int = Field(**ID)
    year: int
    title: str = Field(max_length=300)
    clauses: str = Field(max_length=20000)
    signed_on: dt.date
    party_ids: list[Id] = Field(max_length=500, description="members of the cluster that year, at least two")


@router.post("/emulation-movements/{int:movement_id}/pacts", response={201: PactOut, **WRITE_ERRORS},
             url_name="emulation_pact_create")
@write
def create_pact(request, movement_id: int, payload: PactIn):
    """Record a cluster's pact for a year (emulation.actions.sign_pact; emulation_manage). The signed
    scan is attached on the pacts page."""
    m = _kept(request, movement_id, "emulation_manage")
    c = _cluster_of(m, payload.cluster_id)
    wanted = set(payload.party_ids)
    parties = list(m.participants.filter(pk__in=wanted))
    if len(parties) != len(wanted):
        raise _bad("party_ids", "Có bên không tham gia phong trào này", "A party is not a participant of this movement")
    with _renamed(RENAMED):
        pact = actions.sign_pact(request.auth, c, year=payload.year, title=payload.title, clauses=payload.clauses,
                                 signed_on=payload.signed_on, parties=parties)
    return Status(201, _pact(Pact.objects.select_related("cluster").prefetch_related("parties").get(pk=pact.pk)))


class ActivityIn(Schema):
    participant_id: int = Field(**ID)
    kind: ActivityKind
    title: str = Field(max_length=300)
    date: dt.date = Field(description="inside the movement's period, not after today")
    content_id: Optional[int] = Field(None, **ID, description="a content of the movement")
    quantity: Optional[Decimalish] = Field(None, description="e.g. 350 (posters)")
    unit_of_measure: str = Field("", max_length=40)
    reached: Optional[int] = Field(None, ge=0, le=10 ** 9, description="training: communes that sent staff…")
    invited: Optional[int] = Field(None, ge=0, le=10 ** 9, description="…of those invited")
    story: str = Field("", max_length=20000, description="required for an exemplary person or collective")
    support_ids: list[Id] = Field([], max_length=500, description="support mobilised: entry ids of supports of your "
                                                                  "area (GET /supports)")
    donation_ids: list[Id] = Field([], max_length=500, description="support mobilised: donations of your area")


@router.post("/emulation-movements/{int:movement_id}/activities", response={201: ActivityOut, **WRITE_ERRORS},
             url_name="emulation_activity_create")
@write
def create_activity(request, movement_id: int, payload: ActivityIn):
    """Report an activity of a participant (emulation.actions.report_activity; activity_report:
    province and commune officers and the Front committee). Support mobilised names the supports
    and donations already recorded. Evidence files are attached on the page."""
    m = _kept(request, movement_id, "activity_report")
    p = _part(m, payload.participant_id)
    content = None
    if payload.content_id is not None:
        content = m.contents.filter(pk=payload.content_id).first()
        if content is None:
            raise _bad("content_id", "Nội dung không thuộc phong trào này", "Not a content of this movement")
    with _renamed(RENAMED):
        a = actions.report_activity(request.auth, m, p, kind=payload.kind, title=payload.title, date=payload.date,
                                    content=content, quantity=payload.quantity,
                                    unit_of_measure=payload.unit_of_measure, reached=payload.reached,
                                    invited=payload.invited, story=payload.story, support_ids=payload.support_ids,
                                    donation_ids=payload.donation_ids)
    a = Activity.objects.select_related("participant__household", "content").prefetch_related("supports").get(pk=a.pk)
    return Status(201, _activity(a, _seen_parts(request.auth, [a.participant])))


class NominationIn(Schema):
    participant_id: int = Field(**ID)
    subject_kind: SubjectKind = Field(description="collective (a unit or partner), household, or individual (one "
                                                  "person of the participant: person_name)")
    year: int = Field(description="the year of the achievements, inside the movement's period")
    form_code: str = Field(max_length=40, description="a form or title of the Law (e.g. giay_khen_xa, bang_khen_tinh)")
    achievements: str = Field(max_length=20000)
    person_name: str = Field("", max_length=120)
    person_position: str = Field("", max_length=200)
    run_id: Optional[int] = Field(None, **ID, description="a published scoring of the movement it rests on")


@router.post("/emulation-movements/{int:movement_id}/nominations", response={201: NominationOut, **WRITE_ERRORS},
             url_name="emulation_nomination_create")
@write
def create_nomination(request, movement_id: int, payload: NominationIn):
    """Open a nomination dossier in draft with the Art. 84 checklist (emulation.actions_awards.
    create_nomination; nomination_prepare). Refused while the subject is under discipline or a
    complaint is being verified (Decree 98/2023 Art. 4). The files, the steps, the vote and the
    decision are on the dossier's page."""
    m = _kept(request, movement_id, "nomination_prepare")
    p = _part(m, payload.participant_id)
    run = None
    if payload.run_id is not None:
        run = m.runs.filter(pk=payload.run_id, state=PUBLISHED).first()
        if run is None:
            raise _bad("run_id", "Chọn một đợt chấm điểm đã công bố của phong trào này",
                       "Choose a published scoring of this movement")
    with _renamed(RENAMED):
        n = awards.create_nomination(request.auth, p, subject_kind=payload.subject_kind, year=payload.year,
                                     form_code=payload.form_code, achievements=payload.achievements,
                                     person_name=payload.person_name, person_position=payload.person_position,
                                     run=run)
    n = _nominations(Nomination.objects.filter(pk=n.pk)).get()
    return Status(201, _nomination(n, _seen_parts(request.auth, [n.participant])))


__all__ = ["router", "board"]
