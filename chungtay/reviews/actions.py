"""Every step of a review round: each takes the acting user, checks the area and the
round's state, records who and when (AuditEvent), and never edits a locked result."""
from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chungtay.accounts.access import scope_for
from chungtay.accounts.roles import require
from chungtay.core.standards import CATEGORY_NAMES
from chungtay.households import actions as hh_actions
from chungtay.households import summary
from chungtay.households.actions import audit
from chungtay.households.models import Assessment, Household
from chungtay.units.models import Unit

from .models import Complaint, ReviewRound, RoundHousehold, VillageMeeting

R = ReviewRound
AGREE_THRESHOLD = 50.0   # % of attendees (Decision 24/2021/QĐ-TTg)


def rounds_for(user):
    """Rounds within the user's area (village heads see their commune's round)."""
    scope = scope_for(user)
    qs = ReviewRound.objects.select_related("commune", "province")
    if scope.everything:
        return qs
    q = Q(pk__in=[])
    if scope.province_ids:
        q |= Q(province_id__in=scope.province_ids)
    if scope.commune_ids:
        q |= Q(commune_id__in=scope.commune_ids)
    if scope.village_ids:
        q |= Q(commune_id__in=Unit.objects.filter(id__in=scope.village_ids).values("parent_id"))
    return qs.filter(q)


def _check_commune(actor, commune: Unit) -> None:
    if commune.level != Unit.COMMUNE or commune.system != Unit.SYSTEM_2025:
        raise ValidationError("Đợt rà soát được tổ chức theo xã/phường")
    # Role and area are checked by roles.require() on the first line of each step.


def _check(actor, rnd: ReviewRound, *states: str) -> None:
    _check_commune(actor, rnd.commune)
    if rnd.state == R.LOCKED:
        raise ValidationError("Đợt rà soát đã khóa: mọi thay đổi phải qua rà soát thường xuyên")
    if states and rnd.state not in states:
        names = ", ".join(dict(R.STATES)[s] for s in states)
        raise ValidationError(f"Bước này chỉ làm được khi đợt rà soát ở bước: {names} "
                              f"(hiện tại: {rnd.get_state_display()})")


def _set_state(actor, rnd: ReviewRound, state: str, **changes) -> None:
    old = rnd.state
    rnd.state = state
    rnd.save()
    audit(actor, "round.state", rnd, rnd.commune, **{"from": old, "to": state}, **changes)


@transaction.atomic
def open_round(actor, commune: Unit, year: int, kind: str = R.PERIODIC, month: int | None = None,
               posting_days: int = 3) -> ReviewRound:
    """Create the round and list the households the law requires: everyone on last year's
    poor and near-poor lists (requests are added with :func:`add_household`)."""
    require(actor, "round_open", commune)
    _check_commune(actor, commune)
    if kind == R.PERIODIC and ReviewRound.objects.filter(commune=commune, year=year, kind=kind).exists():
        raise ValidationError(f"Xã đã có đợt rà soát định kỳ năm {year}")
    if kind == R.REGULAR and ReviewRound.objects.filter(commune=commune, year=year, kind=kind, month=month).exists():
        raise ValidationError(f"Xã đã có đợt rà soát thường xuyên tháng {month}/{year}")
    rnd = ReviewRound.objects.create(commune=commune, province=commune.parent, year=year, kind=kind,
                                     month=month if kind == R.REGULAR else None, created_by=actor,
                                     posting_days=posting_days)
    listed = 0
    if kind == R.PERIODIC:
        last = (Assessment.objects.filter(commune=commune, year=year - 1, kind=Assessment.PERIODIC, is_current=True,
                                          category__in=["poor", "near_poor"], household__status="active")
                .values_list("household_id", "category"))
        RoundHousehold.objects.bulk_create([
            RoundHousehold(round=rnd, household_id=h, reason=f"{c}_last_year") for h, c in last])
        listed = len(last)
    audit(actor, "round.open", rnd, commune, year=year, kind=kind, month=month, listed=listed)
    return rnd


@transaction.atomic
def add_household(actor, rnd: ReviewRound, household: Household, reason: str = "requested") -> RoundHousehold:
    require(actor, "round_add_household", rnd.commune)
    _check(actor, rnd, R.LISTING, R.SURVEYING)
    if household.commune_id != rnd.commune_id:
        raise ValidationError("Hộ không thuộc xã của đợt rà soát")
    if reason not in dict(RoundHousehold.REASONS):
        raise ValidationError("Lý do đưa vào danh sách không hợp lệ")
    rh, created = RoundHousehold.objects.get_or_create(round=rnd, household=household, defaults={"reason": reason})
    if not created:
        raise ValidationError(f"Hộ {household.code} đã có trong danh sách rà soát")
    audit(actor, "round.add_household", rnd, rnd.commune, household=household.code, reason=reason)
    return rh


@transaction.atomic
def start_survey(actor, rnd: ReviewRound) -> None:
    require(actor, "round_start_survey", rnd.commune)
    _check(actor, rnd, R.LISTING)
    if not rnd.members.exists():
        raise ValidationError("Danh sách rà soát đang trống")
    _set_state(actor, rnd, R.SURVEYING)


def _entry(rnd, household) -> RoundHousehold:
    rh = rnd.members.filter(household=household).first()
    if rh is None:
        raise ValidationError(f"Hộ {household.code} không có trong danh sách rà soát")
    return rh


@hh_actions.retry_on_clash
@transaction.atomic
def record_survey(actor, rnd: ReviewRound, household: Household, *, income=None, score_a=None, deprived=(),
                  pledged_escape: bool = False, reason: str = "") -> Assessment:
    """Review form (Phiếu B) of one household, classified with the standard of the year."""
    require(actor, "round_survey", household.village)
    hh_actions.lock_commune(rnd.commune_id)     # concurrent saves: one at a time (the entry is read after)
    rh = _entry(rnd, household)
    allowed = {R.SURVEYING} | ({R.MEETING} if rh.step == RoundHousehold.RETURNED else set())
    _check(actor, rnd, *allowed)
    a = hh_actions.record_assessment(actor, household, year=rnd.year, income=income, score_a=score_a,
                                     deprived=deprived, kind=rnd.kind, pledged_escape=pledged_escape,
                                     reason=reason or ("rà soát lại sau họp dân" if rh.surveys else ""),
                                     _round_ok=True)
    rh.assessment, rh.step, rh.surveys = a, RoundHousehold.SURVEYED, rh.surveys + 1
    rh.meeting_attendees = rh.meeting_agree = None
    rh.save()
    return a


@transaction.atomic
def start_meetings(actor, rnd: ReviewRound) -> None:
    require(actor, "round_start_meetings", rnd.commune)
    _check(actor, rnd, R.SURVEYING)
    left = rnd.members.filter(step=RoundHousehold.LISTED).count()
    if left:
        raise ValidationError(f"Còn {left} hộ chưa rà soát")
    _set_state(actor, rnd, R.MEETING)


@transaction.atomic
def record_meeting(actor, rnd: ReviewRound, village: Unit, *, held_on: date, chaired_by: str, attendees: int,
                   minutes: str, votes: dict[int, int]) -> VillageMeeting:
    """Village meeting: ``votes`` maps household id → number of attendees agreeing with its
    result. Below 50% sends the household back to the survey."""
    require(actor, "round_meeting", village)
    _check(actor, rnd, R.MEETING)
    if village.parent_id != rnd.commune_id:
        raise ValidationError("Thôn không thuộc xã của đợt rà soát")
    if attendees <= 0:
        raise ValidationError({"attendees": "Số người dự họp phải lớn hơn 0"})
    if not minutes.strip():
        raise ValidationError({"minutes": "Cần có biên bản họp"})
    entries = {rh.household_id: rh for rh in rnd.members.filter(household__village=village,
                                                                step=RoundHousehold.SURVEYED)}
    unknown = set(votes) - set(entries)
    if unknown:
        raise ValidationError("Có hộ không thuộc thôn hoặc chưa được rà soát trong biểu quyết")
    for hid, agree in votes.items():
        if agree < 0 or agree > attendees:
            raise ValidationError(f"Số người đồng ý phải từ 0 đến {attendees}")
    m = VillageMeeting.objects.create(round=rnd, village=village, held_on=held_on, chaired_by=chaired_by,
                                      attendees=attendees, minutes=minutes, recorded_by=actor)
    returned = []
    for hid, agree in votes.items():
        rh = entries[hid]
        rh.meeting_attendees, rh.meeting_agree = attendees, agree
        rh.step = RoundHousehold.AGREED if 100.0 * agree / attendees >= AGREE_THRESHOLD else RoundHousehold.RETURNED
        if rh.step == RoundHousehold.RETURNED:
            returned.append(rh.household.code)
        rh.save()
    audit(actor, "round.meeting", rnd, village, held_on=str(held_on), attendees=attendees, votes=len(votes),
          returned=returned)
    return m


@transaction.atomic
def post_lists(actor, rnd: ReviewRound, *, posted_from: date, places: str) -> None:
    require(actor, "round_post", rnd.commune)
    _check(actor, rnd, R.MEETING)
    left = rnd.members.exclude(step=RoundHousehold.AGREED).count()
    if left:
        raise ValidationError(f"Còn {left} hộ chưa được họp dân thống nhất")
    rnd.posted_from, rnd.posting_places = posted_from, places
    rnd.posted_to = posted_from + timedelta(days=rnd.posting_days)
    _set_state(actor, rnd, R.POSTING, posted_from=str(posted_from), posted_to=str(rnd.posted_to))


@transaction.atomic
def record_complaint(actor, rnd: ReviewRound, household: Household, *, received_on: date, complainant: str,
                     content: str) -> Complaint:
    require(actor, "round_complaint", rnd.commune)
    _check(actor, rnd, R.POSTING)
    if household.commune_id != rnd.commune_id:
        raise ValidationError("Hộ không thuộc xã của đợt rà soát")
    c = Complaint.objects.create(round=rnd, household=household, received_on=received_on, complainant=complainant,
                                 content=content, recorded_by=actor)
    audit(actor, "round.complaint", rnd, rnd.commune, household=household.code, complaint=c.pk)
    return c


@hh_actions.retry_on_clash
@transaction.atomic
def resolve_complaint(actor, complaint: Complaint, *, outcome: str, resolution: str, recheck: dict | None = None):
    """Upheld with a re-check (phúc tra): the re-check result is a new version of the
    household's assessment for the round."""
    require(actor, "round_resolve", complaint.round.commune)
    hh_actions.lock_commune(complaint.round.commune_id)
    complaint.outcome = Complaint.objects.values_list("outcome", flat=True).get(pk=complaint.pk)
    rnd = complaint.round
    _check(actor, rnd, R.POSTING)
    if complaint.outcome != Complaint.PENDING:
        raise ValidationError("Khiếu nại đã được giải quyết")
    if outcome not in (Complaint.UPHELD, Complaint.REJECTED):
        raise ValidationError("Kết quả giải quyết không hợp lệ")
    if outcome == Complaint.UPHELD and recheck:
        complaint.recheck = hh_actions.record_assessment(
            actor, complaint.household, year=rnd.year, kind=rnd.kind, reason=f"phúc tra khiếu nại #{complaint.pk}",
            _round_ok=True, **recheck)
        rh = rnd.members.filter(household=complaint.household).first()
        if rh:
            rh.assessment = complaint.recheck
            rh.save()
    complaint.outcome, complaint.resolution = outcome, resolution
    complaint.resolved_by, complaint.resolved_at = actor, timezone.now()
    complaint.save()
    audit(actor, "round.complaint_resolved", rnd, rnd.commune, complaint=complaint.pk, outcome=outcome)


@transaction.atomic
def recognise(actor, rnd: ReviewRound, *, decision_no: str, decision_date: date, decided_by: str) -> None:
    """The chairman's decision. A regular (monthly) review has no village meeting or posting:
    the chairman decides on the surveyed households directly (annual-review.md)."""
    require(actor, "round_recognise", rnd.commune)
    if rnd.kind == R.REGULAR:
        _check(actor, rnd, R.SURVEYING)
        left = rnd.members.filter(step=RoundHousehold.LISTED).count()
        if left:
            raise ValidationError(f"Còn {left} hộ chưa rà soát")
    else:
        _check(actor, rnd, R.POSTING)
    pending = rnd.complaints.filter(outcome=Complaint.PENDING).count()
    if pending:
        raise ValidationError(f"Còn {pending} khiếu nại chưa giải quyết")
    if rnd.kind == R.PERIODIC and rnd.posted_to and decision_date < rnd.posted_to:
        raise ValidationError(f"Chưa hết thời gian niêm yết (đến {rnd.posted_to:%d/%m/%Y})")
    if not decision_no.strip():
        raise ValidationError({"decision_no": "Cần số quyết định công nhận"})
    rnd.decision_no, rnd.decision_date, rnd.decided_by = decision_no, decision_date, decided_by
    rnd.members.update(step=RoundHousehold.RECOGNISED)
    _set_state(actor, rnd, R.RECOGNISED, decision_no=decision_no)


@transaction.atomic
def lock(actor, rnd: ReviewRound) -> int:
    """Lock the recognised round. Households of the commune not in the round keep last
    year's result for this year (recorded as carried over), so the year's totals cover
    everyone. Returns the number carried over."""
    require(actor, "round_lock", rnd.commune)
    _check(actor, rnd, R.RECOGNISED)
    carried = 0
    if rnd.kind == R.PERIODIC:
        carried = _carry_over(actor, rnd)
    rnd.locked_at = timezone.now()
    _set_state(actor, rnd, R.LOCKED, carried=carried)
    return carried


def _carry_over(actor, rnd: ReviewRound) -> int:
    hh_actions.lock_commune(rnd.commune_id)     # no survey save may slip in between the read and the copy
    in_round = rnd.members.values("household_id")
    have = Assessment.objects.filter(commune=rnd.commune, year=rnd.year, kind=Assessment.PERIODIC).values("household_id")
    prev = (Assessment.objects.filter(commune=rnd.commune, year=rnd.year - 1, kind=Assessment.PERIODIC,
                                      is_current=True, household__status="active")
            .exclude(household_id__in=in_round).exclude(household_id__in=have))
    copies = []
    for a in prev:
        name_vi, name_en = CATEGORY_NAMES[a.category]
        a.pk = None
        a.year, a.version, a.is_current, a.basis = rnd.year, 1, True, "carried"
        a.explanation_vi = f"{name_vi}: giữ kết quả năm {rnd.year - 1} (hộ không thuộc diện rà soát năm {rnd.year})"
        a.explanation_en = f"{name_en}: kept from {rnd.year - 1} (not in the {rnd.year} review)"
        a.recorded_by, a.reason, a.pledged_escape = actor, "không thuộc diện rà soát", False
        copies.append(a)
    Assessment.objects.bulk_create(copies, batch_size=2000)
    summary.refresh(rnd.year, list(Unit.objects.filter(parent=rnd.commune, level=Unit.VILLAGE)
                                   .values_list("id", flat=True)))
    return len(copies)


def round_counts(rnd: ReviewRound) -> dict[str, int]:
    from django.db.models import Count
    c = dict(rnd.members.values_list("step").annotate(n=Count("id")))
    return {s: c.get(s, 0) for s, _ in RoundHousehold.STEPS}
