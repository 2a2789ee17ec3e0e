"""Every write of nominations, decisions and awards (issue 12 §6; docs/emulation.md): each takes the
acting user, checks role and area (``actions.check`` on the movement's unit: ``nomination_prepare``,
``nomination_review``, ``award_decide``, ``restriction_record``), validates, writes and leaves an
AuditEvent. The rules (checklist, forms and titles, bonus coefficients, base salary, the vote's
quorum and approval share) are data in ``commendation.py``.

- A dossier moves draft → submitted → received → appraised → council_vote (:func:`record_vote`) →
  submitted_upward → decided (:func:`record_decision`), or is returned with a reason from any step
  after draft; each move is a ``NominationEvent`` (append-only) and an audit record.
- It cannot be submitted while an item of the Art. 84 checklist has no file or is not checked.
- While a discipline, an investigation or a complaint being verified is open on the subject
  (``Restriction``, Decree 98/2023 Art. 4), no dossier is created, moved on, voted or decided.
- A decision's bonus is the form's coefficient × the base salary in force on its date, rounded up
  to the ten thousand đồng, in integer VND; revocation and recovery are later records.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from chungtay.accounts.roles import can
from chungtay.households.actions import audit
from chungtay.i18n import tr

from . import commendation as rules
from . import evidence as files
from .actions import _err, _with_file, _year, check
from .models import (AwardDecision, AwardRevocation, BonusRecovery, CouncilMember, CouncilVote, Nomination,
                     NominationEvent, NominationItem, Participant, PUBLISHED, Restriction, ScoreRun)


def _norm(s) -> str:
    return " ".join(unicodedata.normalize("NFC", str(s or "")).casefold().split())


def _day(v, field: str, today: dt.date, *, past_only: bool = True) -> dt.date:
    if not isinstance(v, dt.date):
        raise _err(field, "Ngày không hợp lệ", "Invalid date")
    if past_only and v > today:
        raise _err(field, "Ngày không thể ở tương lai", "The date cannot be in the future")
    if v.year < rules.BASE_SALARY[0][0].year - 10:
        raise _err(field, "Ngày không hợp lệ", "Invalid date")
    return v


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _subject(participant: Participant) -> dict:
    return {"unit": participant.unit, "partner": participant.partner, "household": participant.household}


# --------------------------------------------------------------------------- restrictions (Decree 98/2023 Art. 4)

def restrictions_on(nomination_like, on: dt.date):
    """The restrictions open on ``on`` that bar the subject: those on the same unit, partner or
    household — on the whole of it (no person) for a collective or a household, on the same
    person for an individual."""
    p = nomination_like.participant
    q = Q(unit=p.unit) if p.unit_id else Q(partner=p.partner) if p.partner_id else Q(household=p.household)
    rows = Restriction.objects.filter(q, started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    person = _norm(getattr(nomination_like, "person_name", ""))
    if nomination_like.subject_kind == rules.INDIVIDUAL:
        return [r for r in rows if _norm(r.person_name) == person]
    return [r for r in rows if not r.person_name]


def _refuse_if_restricted(nomination_like, on: dt.date) -> None:
    found = restrictions_on(nomination_like, on)
    if found:
        r = found[0]
        vi, en = rules.RESTRICTION_NAMES.get(r.kind, (r.kind, r.kind))
        ref = f" ({r.reference})" if r.reference else ""
        raise _err(None, f"Không xét khen thưởng: đối tượng {vi.lower()}{ref} từ {r.started_on:%d/%m/%Y} "
                         "(Nghị định 98/2023/NĐ-CP, Điều 4)",
                   f"No commendation: the subject has '{en}'{ref} since {r.started_on:%d/%m/%Y} "
                   "(Decree 98/2023, Art. 4)")


@transaction.atomic
def record_restriction(actor, participant: Participant, *, kind: str, started_on: dt.date, reference: str = "",
                       person_name: str = "", note: str = "", today: dt.date | None = None) -> Restriction:
    check(actor, "restriction_record", participant.movement)
    today = today or dt.date.today()
    if kind not in rules.RESTRICTION_NAMES:
        raise _err("kind", "Loại không hợp lệ (kỷ luật, điều tra/thanh tra, khiếu nại)", "Unknown kind")
    _day(started_on, "started_on", today)
    r = Restriction.objects.create(participant=participant, **_subject(participant), kind=kind,
                                   person_name=" ".join(str(person_name or "").split())[:120],
                                   reference=(reference or "").strip()[:120], started_on=started_on,
                                   note=(note or "").strip()[:500], created_by=_user(actor))
    audit(actor, "emulation.restriction", r, participant.movement.unit, kind=kind, person=bool(r.person_name))
    return r


@transaction.atomic
def end_restriction(actor, restriction: Restriction, *, ended_on: dt.date, reference: str = "",
                    today: dt.date | None = None) -> Restriction:
    """The end of a discipline or of a verification: a date written once (the record stays)."""
    check(actor, "restriction_record", restriction.participant.movement)
    restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.ended_on is not None:
        raise _err(None, "Đã ghi ngày kết thúc", "Already ended")
    _day(ended_on, "ended_on", today or dt.date.today())
    if ended_on < restriction.started_on:
        raise _err("ended_on", "Ngày kết thúc trước ngày bắt đầu", "The end is before the start")
    restriction.ended_on = ended_on
    restriction.end_reference = (reference or "").strip()[:120]
    restriction.save(update_fields=["ended_on", "end_reference"])
    audit(actor, "emulation.restriction_end", restriction, restriction.participant.movement.unit,
          ended_on=ended_on.isoformat())
    return restriction


# --------------------------------------------------------------------------- dossiers

def _event(actor, n: Nomination, before: str, after: str, reason: str = "") -> None:
    NominationEvent.objects.create(nomination=n, before=before, after=after, reason=reason, actor=_user(actor))
    audit(actor, "emulation.nomination_state", n, n.movement.unit, before=before, after=after,
          **({"reason": reason[:300]} if reason else {}))


def _form_for(form_code: str, subject_kind: str, field: str = "form_code") -> rules.Form:
    form = rules.FORMS_BY_CODE.get(form_code)
    if form is None:
        raise _err(field, "Hình thức khen thưởng, danh hiệu không có trong danh mục", "Unknown form of commendation")
    if subject_kind not in form.subjects:
        vi, en = rules.SUBJECT_NAMES[subject_kind]
        raise _err(field, f"{form.vi} không dùng cho đối tượng {vi.lower()}", f"{form.en} is not for a {en.lower()}")
    return form


@transaction.atomic
def create_nomination(actor, participant: Participant, *, subject_kind: str, year: int, form_code: str,
                      achievements: str, person_name: str = "", person_position: str = "", run: ScoreRun | None = None,
                      today: dt.date | None = None) -> Nomination:
    movement = participant.movement
    check(actor, "nomination_prepare", movement)
    today = today or dt.date.today()
    if subject_kind not in rules.SUBJECT_NAMES:
        raise _err("subject_kind", "Loại đối tượng không hợp lệ", "Unknown kind of subject")
    person_name = " ".join(str(person_name or "").split())[:120]
    if subject_kind == rules.INDIVIDUAL and not person_name:
        raise _err("person_name", "Khen thưởng cá nhân cần họ tên người được đề nghị", "Give the person's name")
    if subject_kind != rules.INDIVIDUAL and person_name:
        raise _err("person_name", "Chỉ ghi họ tên khi đề nghị khen thưởng cá nhân", "A name only for an individual")
    if subject_kind == rules.HOUSEHOLD and participant.kind != Participant.HOUSEHOLD:
        raise _err("subject_kind", "Đối tượng này không phải hộ gia đình", "This participant is not a household")
    if subject_kind == rules.COLLECTIVE and participant.kind == Participant.HOUSEHOLD:
        raise _err("subject_kind", "Hộ gia đình được đề nghị là hộ gia đình, không phải tập thể",
                   "A household is nominated as a household, not a collective")
    _year(year)
    if not movement.start_year <= year <= movement.end_year:
        raise _err("year", f"Năm {year} ngoài thời gian của phong trào ({movement.start_year}–{movement.end_year})",
                   f"{year} is outside the movement's period")
    form = _form_for(form_code, subject_kind)
    achievements = (achievements or "").strip()
    if not achievements:
        raise _err("achievements", "Cần tóm tắt thành tích", "Summarise the achievements")
    if run is not None and run.movement_id != movement.pk:
        raise _err("run", "Đợt chấm điểm không thuộc phong trào này", "Not a scoring of this movement")
    if run is not None and not ScoreRun.objects.filter(pk=run.pk, state=PUBLISHED).exists():
        raise _err("run", f"Kết quả chấm điểm năm {run.year} chưa công bố: chỉ đề nghị khen thưởng theo kết quả đã công bố",
                   f"The scores of {run.year} are not published: a nomination rests on published scores only")
    probe = Nomination(participant=participant, subject_kind=subject_kind, person_name=person_name)
    _refuse_if_restricted(probe, today)
    same = Nomination.objects.filter(participant=participant, subject_kind=subject_kind, year=year,
                                     form_code=form.code).exclude(state=rules.RETURNED)
    if any(_norm(x.person_name) == _norm(person_name) for x in same):
        raise _err("form_code", f"Đã có hồ sơ đề nghị {form.vi} năm {year} cho đối tượng này",
                   f"There is already a nomination for {form.en} {year} for this subject")
    n = Nomination.objects.create(movement=movement, participant=participant, subject_kind=subject_kind,
                                  **_subject(participant), person_name=person_name,
                                  person_position=" ".join(str(person_position or "").split())[:200], year=year,
                                  form_code=form.code, achievements=achievements[:20000], run=run,
                                  created_by=_user(actor))
    NominationItem.objects.bulk_create([NominationItem(nomination=n, code=code) for code, _, _ in rules.CHECKLIST])
    _event(actor, n, "", rules.DRAFT)
    return n


@_with_file
@transaction.atomic
def attach_item(actor, item: NominationItem, *, checked: bool | None = None, note: str = "", upload=None,
                stored=None) -> NominationItem:
    """Attach the file of a checklist item and/or mark it checked (while the dossier is a draft)."""
    n = item.nomination
    check(actor, "nomination_prepare", n.movement)
    n = Nomination.objects.select_for_update().get(pk=n.pk)
    if n.state != rules.DRAFT:
        raise _err(None, "Hồ sơ đã nộp, không sửa thành phần được", "The dossier is submitted and cannot change")
    item = NominationItem.objects.get(pk=item.pk)
    if upload is not None:
        item.evidence = files.store(actor, n.movement, upload, "file")
        stored.append(item.evidence)
    if checked is not None:
        if checked and item.evidence_id is None:
            raise _err("checked", "Chưa có tệp của thành phần này, chưa thể đánh dấu đã kiểm tra",
                       "Attach the file before marking the item checked")
        item.checked = bool(checked)
        item.checked_by = _user(actor) if checked else None
        item.checked_at = timezone.now() if checked else None
    if note:
        item.note = note.strip()[:300]
    item.save()
    audit(actor, "emulation.nomination_item", item, n.movement.unit, code=item.code, file=bool(item.evidence_id),
          checked=item.checked)
    return item


def missing_items(n: Nomination) -> list[str]:
    out = []
    for item in n.items.all():
        vi, _ = rules.CHECKLIST_NAMES.get(item.code, (item.code, item.code))
        if item.evidence_id is None:
            out.append(f"{vi} (chưa có tệp)")
        elif not item.checked:
            out.append(f"{vi} (chưa kiểm tra)")
    return out


@transaction.atomic
def advance_nomination(actor, n: Nomination, *, to: str, today: dt.date | None = None) -> Nomination:
    """One step forward: draft → submitted (``nomination_prepare``, the checklist complete),
    submitted → received → appraised, council_vote → submitted_upward (``nomination_review``; the
    vote passed). The council's vote itself is :func:`record_vote`, the decision
    :func:`record_decision`."""
    state = n.state
    check(actor, "nomination_prepare" if state == rules.DRAFT else "nomination_review", n.movement)
    n = Nomination.objects.select_for_update().get(pk=n.pk)
    nxt = rules.FORWARD.get(n.state)
    if nxt is None or to != nxt:
        vi, en = rules.NOMINATION_STATE_NAMES.get(n.state, (n.state, n.state))
        raise _err(None, f"Hồ sơ đang ở bước “{vi}”, không chuyển sang bước này được",
                   f"The dossier is at “{en}” and cannot move to that step")
    _refuse_if_restricted(n, today or dt.date.today())
    if nxt == rules.SUBMITTED:
        missing = missing_items(n)
        if missing:
            raise _err(None, "Chưa nộp được: hồ sơ còn thiếu " + "; ".join(missing)
                       + " (Luật Thi đua, khen thưởng 2022, Điều 84)",
                       "Cannot submit: the dossier still misses " + str(len(missing)) + " item(s) of Art. 84")
    if nxt == rules.UPWARD:
        run = n.run
        day = today or dt.date.today()
        if run is not None and run.comment_until is not None and day <= run.comment_until:
            raise _err(None, f"Chưa trình cấp trên được: kết quả chấm điểm năm {run.year} đang lấy ý kiến công khai đến "
                             f"hết ngày {run.comment_until:%d/%m/%Y}; trình từ ngày "
                             f"{run.comment_until + dt.timedelta(days=1):%d/%m/%Y}",
                       f"Not yet: the scores of {run.year} are open to public comment until {run.comment_until:%d/%m/%Y}; "
                       f"submit upward from {run.comment_until + dt.timedelta(days=1):%d/%m/%Y}")
        vote = CouncilVote.objects.filter(nomination=n).first()
        if vote is None or not vote.approved:
            raise _err(None, "Hội đồng chưa thông qua (chưa đủ số lượng hoặc tỷ lệ đồng ý): trả lại hồ sơ",
                       "The council did not pass it (quorum or approval share): return the dossier")
    before, n.state = n.state, nxt
    n.save(update_fields=["state"])
    _event(actor, n, before, nxt)
    return n


@transaction.atomic
def return_nomination(actor, n: Nomination, *, reason: str) -> Nomination:
    """Return a dossier with the reason (``nomination_review``; once submitted upward, also the
    deciding authority ``award_decide``)."""
    n = Nomination.objects.select_for_update().get(pk=n.pk)
    if n.state == rules.UPWARD and n.movement.unit is not None and can(actor, "award_decide", n.movement.unit):
        check(actor, "award_decide", n.movement)
    else:
        check(actor, "nomination_review", n.movement)
    if n.state not in rules.RETURNABLE:
        raise _err(None, "Hồ sơ ở bước này không trả lại được", "The dossier cannot be returned at this step")
    reason = (reason or "").strip()
    if not reason:
        raise _err("reason", "Cần ghi lý do trả lại hồ sơ", "Give the reason for returning the dossier")
    before, n.state, n.returned_reason = n.state, rules.RETURNED, reason[:4000]
    n.save(update_fields=["state", "returned_reason"])
    _event(actor, n, before, rules.RETURNED, reason[:4000])
    return n


# --------------------------------------------------------------------------- the council's vote

def _resolve(affiliation: str, movement) -> dict:
    """The unit, partner or household an affiliation names: a participant of the movement (by
    name), a unit code or a household code."""
    a = _norm(affiliation)
    if not a:
        return {}
    for p in movement.participants.select_related("unit", "partner", "household"):
        names = {_norm(p.name)}
        if p.unit_id:
            names |= {_norm(p.unit.code), _norm(p.unit.full_name), _norm(p.unit.name)}
        if p.household_id:
            names.add(_norm(p.household.code))
        if a in names:
            return {k: v for k, v in _subject(p).items() if v is not None}
    from chungtay.units.models import Unit
    u = Unit.objects.filter(code=affiliation.strip()).first()
    if u is not None:
        return {"unit": u}
    from chungtay.households.models import Household
    h = Household.objects.filter(code=affiliation.strip()).first()
    return {"household": h} if h is not None else {}


def _inside_unit(unit, subject_unit) -> bool:
    u = unit
    while u is not None:
        if u.pk == subject_unit.pk:
            return True
        u = u.parent
    return False


def conflict_of(n: Nomination, name: str, found: dict) -> str:
    """Why a council member has a conflict of interest with the dossier's subject ("" if none)."""
    p = n.participant
    if n.subject_kind == rules.INDIVIDUAL and _norm(name) == _norm(n.person_name):
        return tr("Là người được đề nghị khen thưởng", "Is the person nominated")
    if n.subject_kind == rules.HOUSEHOLD and p.household_id and _norm(name) == _norm(p.household.head_name):
        return tr("Là chủ hộ được đề nghị khen thưởng", "Is the head of the household nominated")
    if found.get("household") is not None and found["household"].pk == p.household_id:
        return tr("Thuộc hộ được đề nghị khen thưởng", "Belongs to the household nominated")
    if found.get("partner") is not None and found["partner"].pk == p.partner_id:
        return tr("Thuộc tổ chức được đề nghị khen thưởng", "Belongs to the organisation nominated")
    if found.get("unit") is not None and p.unit_id and _inside_unit(found["unit"], p.unit):
        return tr("Thuộc đơn vị được đề nghị khen thưởng", "Belongs to the unit nominated")
    if found.get("household") is not None and p.unit_id and _inside_unit(found["household"].village, p.unit):
        return tr("Thuộc đơn vị được đề nghị khen thưởng", "Belongs to the unit nominated")
    return ""


BALLOTS = {"approve": CouncilMember.APPROVE, "reject": CouncilMember.REJECT, "abstain": CouncilMember.ABSTAIN, "": ""}


@_with_file
@transaction.atomic
def record_vote(actor, n: Nomination, *, council: str, held_on: dt.date, members: list[dict], today=None,
                upload=None, stored=None) -> CouncilVote:
    """The council's vote on an appraised dossier. ``members``: dicts with ``name``, ``position``,
    ``affiliation``, ``present`` (bool) and ``ballot`` (approve, reject, abstain; "" when absent).
    The quorum and the approval share follow ``commendation.vote_rule(form)``; members with a
    conflict of interest are flagged and (by the rule) their ballot is not counted."""
    check(actor, "nomination_review", n.movement)
    n = Nomination.objects.select_for_update().get(pk=n.pk)
    if n.state != rules.APPRAISED:
        raise _err(None, "Chỉ bỏ phiếu hồ sơ đã thẩm định", "Only an appraised dossier is voted on")
    today = today or dt.date.today()
    _refuse_if_restricted(n, today)
    _day(held_on, "held_on", today)
    council = " ".join(str(council or "").split())[:200]
    if not council:
        raise _err("council", "Cần tên hội đồng", "Give the council's name")
    if not members:
        raise _err("members", "Cần danh sách thành viên hội đồng", "List the council's members")
    rows, seen = [], set()
    for i, m in enumerate(members, 1):
        name = " ".join(str(m.get("name") or "").split())[:120]
        if not name:
            raise _err("members", f"Dòng {i}: thiếu họ tên thành viên", f"Line {i}: the member's name is missing")
        if _norm(name) in seen:
            raise _err("members", f"Dòng {i}: {name} ghi hai lần", f"Line {i}: {name} is listed twice")
        seen.add(_norm(name))
        present = bool(m.get("present"))
        ballot = m.get("ballot") or ""
        if ballot not in BALLOTS:
            raise _err("members", f"Dòng {i}: phiếu không hợp lệ", f"Line {i}: invalid ballot")
        if not present and ballot:
            raise _err("members", f"Dòng {i}: {name} vắng mặt nhưng có phiếu", f"Line {i}: {name} is absent but voted")
        affiliation = " ".join(str(m.get("affiliation") or "").split())[:200]
        found = _resolve(affiliation, n.movement)
        reason = str(conflict_of(n, name, found))
        rows.append(CouncilMember(name=name, position=" ".join(str(m.get("position") or "").split())[:200],
                                  affiliation=affiliation, present=present, ballot=ballot, conflict=bool(reason),
                                  conflict_reason=reason, **found))
    rule = rules.vote_rule(n.form_code)
    present = sum(r.present for r in rows)
    approvals = sum(1 for r in rows if r.present and r.ballot == "approve" and (rule["conflicted_vote"] or not r.conflict))
    outcome = rules.vote_outcome(rule, len(rows), present, approvals)
    vote = CouncilVote.objects.create(
        nomination=n, council=council, held_on=held_on, rule=rule, members_total=len(rows), present=present,
        approvals=approvals, rejections=sum(1 for r in rows if r.ballot == "reject"), quorum_met=outcome.quorum_met,
        approved=outcome.approved, outcome_vi=outcome.text_vi, outcome_en=outcome.text_en, created_by=_user(actor))
    if upload is not None:
        vote.minutes = files.store(actor, n.movement, upload, "minutes")
        stored.append(vote.minutes)
        vote.save(update_fields=["minutes"])
    for r in rows:
        r.vote = vote
    CouncilMember.objects.bulk_create(rows)
    audit(actor, "emulation.vote", vote, n.movement.unit, members=len(rows), present=present, approvals=approvals,
          approved=outcome.approved, conflicts=sum(r.conflict for r in rows))
    before, n.state = n.state, rules.VOTED
    n.save(update_fields=["state"])
    _event(actor, n, before, rules.VOTED)
    return vote


# --------------------------------------------------------------------------- decisions

def bonus_for(form: rules.Form, subject_kind: str, on: dt.date, field: str = "decided_on"):
    salary = rules.base_salary(on)
    if salary is None:
        raise _err(field, f"Chưa có mức lương cơ sở áp dụng cho ngày {on:%d/%m/%Y}",
                   f"No base salary known for {on:%d/%m/%Y}")
    coefficient = form.coefficient.get(subject_kind, 0.0)
    return coefficient, salary[0], salary[1], rules.bonus_vnd(coefficient, salary[0])


def _number(v) -> str:
    return " ".join(str(v or "").split())[:60]


@transaction.atomic
def record_decision(actor, n: Nomination, *, decided_on: dt.date, issuer: str, number: str = "", form_code: str = "",
                    signer: str = "", citation: str = "", final: bool = True, today: dt.date | None = None) -> AwardDecision:
    """The decision on a dossier submitted upward (``award_decide``): recorded final (with its
    number; the dossier is decided) or as a draft (printed with the draft mark until
    :func:`issue_decision`). ``form_code`` defaults to the form proposed."""
    check(actor, "award_decide", n.movement)
    n = Nomination.objects.select_for_update().get(pk=n.pk)
    if n.state != rules.UPWARD:
        raise _err(None, "Chỉ quyết định hồ sơ đã trình cấp có thẩm quyền", "Only a dossier submitted upward is decided")
    if AwardDecision.objects.filter(nomination=n).exists():
        raise _err(None, "Hồ sơ đã có quyết định", "The dossier already has a decision")
    today = today or dt.date.today()
    _refuse_if_restricted(n, today)
    _day(decided_on, "decided_on", today)
    vote = CouncilVote.objects.filter(nomination=n).first()
    if vote is not None and decided_on < vote.held_on:
        raise _err("decided_on", "Ngày quyết định trước ngày họp hội đồng", "The decision is before the council's vote")
    number = _number(number)
    if final and not number:
        raise _err("number", "Quyết định ban hành cần số quyết định", "An issued decision needs its number")
    issuer = " ".join(str(issuer or "").split())[:200]
    if not issuer:
        raise _err("issuer", "Cần cơ quan, người ban hành quyết định", "Give the issuer")
    form = _form_for(form_code or n.form_code, n.subject_kind)
    coefficient, salary, source, bonus = bonus_for(form, n.subject_kind, decided_on)
    d = AwardDecision.objects.create(
        nomination=n, movement=n.movement, number=number, decided_on=decided_on, issuer=issuer,
        signer=" ".join(str(signer or "").split())[:120], form_code=form.code, form_level=form.level,
        subject_kind=n.subject_kind, **_subject(n.participant), person_name=n.person_name,
        subject_name=n.subject_name[:400], year=n.year, citation=(citation or "").strip()[:4000],
        coefficient=Decimal(str(coefficient)), base_salary=salary, salary_source=source, bonus_vnd=bonus, final=bool(final),
        issued_at=timezone.now() if final else None, created_by=_user(actor))
    audit(actor, "emulation.decision", d, n.movement.unit, number=number, form=form.code, bonus_vnd=bonus,
          final=bool(final))
    if final:
        before, n.state = n.state, rules.DECIDED
        n.save(update_fields=["state"])
        _event(actor, n, before, rules.DECIDED)
    return d


@transaction.atomic
def issue_decision(actor, d: AwardDecision, *, number: str, today: dt.date | None = None) -> AwardDecision:
    """Issue a draft decision: its number is given, the dossier is decided. The date, form and
    bonus stay as drafted."""
    check(actor, "award_decide", d.movement)
    d = AwardDecision.objects.select_for_update().get(pk=d.pk)
    if d.final:
        raise _err(None, "Quyết định đã ban hành", "The decision is already issued")
    number = _number(number)
    if not number:
        raise _err("number", "Cần số quyết định", "Give the decision's number")
    _refuse_if_restricted(d.nomination, today or dt.date.today())
    d.number, d.final, d.issued_at = number, True, timezone.now()
    d.save(update_fields=["number", "final", "issued_at"])
    audit(actor, "emulation.decision_issue", d, d.movement.unit, number=number)
    n = d.nomination
    before, n.state = n.state, rules.DECIDED
    n.save(update_fields=["state"])
    _event(actor, n, before, rules.DECIDED)
    return d


@transaction.atomic
def revoke_decision(actor, d: AwardDecision, *, number: str, decided_on: dt.date, issuer: str, reason: str,
                    recover_bonus: bool = True, today: dt.date | None = None) -> AwardRevocation:
    """A later decision revoking the award (Law 06/2022, Chapter VII): the award stays in the
    register, marked revoked; with ``recover_bonus`` its bonus is to be paid back."""
    check(actor, "award_decide", d.movement)
    d = AwardDecision.objects.select_for_update().get(pk=d.pk)
    if not d.final:
        raise _err(None, "Quyết định dự thảo chưa ban hành, không thu hồi", "A draft is not revoked")
    if AwardRevocation.objects.filter(decision=d).exists():
        raise _err(None, "Quyết định đã bị thu hồi", "The decision is already revoked")
    _day(decided_on, "decided_on", today or dt.date.today())
    if decided_on < d.decided_on:
        raise _err("decided_on", "Ngày thu hồi trước ngày quyết định khen thưởng", "The revocation is before the award")
    number = _number(number)
    if not number:
        raise _err("number", "Cần số quyết định thu hồi", "Give the revocation's number")
    issuer = " ".join(str(issuer or "").split())[:200]
    if not issuer:
        raise _err("issuer", "Cần cơ quan ban hành", "Give the issuer")
    reason = (reason or "").strip()
    if not reason:
        raise _err("reason", "Cần lý do thu hồi", "Give the reason")
    r = AwardRevocation.objects.create(decision=d, number=number, decided_on=decided_on, issuer=issuer,
                                       reason=reason[:4000], recover_bonus=bool(recover_bonus), created_by=_user(actor))
    audit(actor, "emulation.revocation", r, d.movement.unit, decision=d.pk, recover=bool(recover_bonus))
    return r


def recovered(d: AwardDecision) -> int:
    return int(BonusRecovery.objects.filter(decision=d).aggregate(s=Sum("amount_vnd"))["s"] or 0)


@transaction.atomic
def record_recovery(actor, d: AwardDecision, *, amount_vnd, recovered_on: dt.date, reference: str = "",
                    today: dt.date | None = None) -> BonusRecovery:
    """Money of a revoked award paid back (integer VND, at most what is still due)."""
    check(actor, "award_decide", d.movement)
    d = AwardDecision.objects.select_for_update().get(pk=d.pk)
    rev = AwardRevocation.objects.filter(decision=d).first()
    if rev is None or not rev.recover_bonus:
        raise _err(None, "Chỉ thu hồi tiền thưởng của quyết định đã bị thu hồi (có thu hồi tiền thưởng)",
                   "Only the bonus of a revoked decision (with recovery) is recovered")
    try:
        amount = int(str(amount_vnd).replace(".", "").replace(",", "").replace(" ", ""))
    except (TypeError, ValueError):
        raise _err("amount_vnd", "Số tiền phải là số nguyên (đồng)", "The amount must be a whole number of đồng") from None
    due = d.bonus_vnd - recovered(d)
    if amount <= 0:
        raise _err("amount_vnd", "Số tiền phải lớn hơn 0", "The amount must be positive")
    if amount > due:
        raise _err("amount_vnd", f"Số tiền lớn hơn số còn phải thu hồi ({due:,} đồng)".replace(",", "."),
                   f"More than what is still due ({due:,} VND)")
    _day(recovered_on, "recovered_on", today or dt.date.today())
    if recovered_on < rev.decided_on:
        raise _err("recovered_on", "Ngày nộp lại trước ngày quyết định thu hồi", "Before the revocation")
    rec = BonusRecovery.objects.create(decision=d, amount_vnd=amount, recovered_on=recovered_on,
                                       reference=(reference or "").strip()[:120], created_by=_user(actor))
    audit(actor, "emulation.recovery", rec, d.movement.unit, decision=d.pk, amount_vnd=amount)
    return rec


def may(actor, action: str, movement) -> bool:
    try:
        check(actor, action, movement)
    except PermissionDenied:
        return False
    return True


def may_see_scores(actor, run) -> bool:
    """A scoring's scores before publication belong to who scores or publishes it (the emulation
    board and council); everyone of the area sees them once published (pages and API alike)."""
    m = run.movement
    return run.state == PUBLISHED or may(actor, "scoring_run", m) or may(actor, "scoring_publish", m)


__all__ = ["ValidationError"]
