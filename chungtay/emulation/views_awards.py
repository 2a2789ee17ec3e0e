"""Pages of nominations, the council's vote, the decision register, certificates and award
histories (issue 12 §6). Thin: reads through ``Movement.objects.for_user`` (outside the area:
404), writes through ``actions_awards`` (a role refused: 403; bad input: the page again with the
form's Vietnamese messages)."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chungtay.i18n import tr
from chungtay.web.forms import form_errors

from . import actions_awards as act
from . import commendation as rules
from .actions import check
from .forms_awards import (DecisionForm, IssueForm, ItemForm, NominationForm, RecoveryForm, RestrictionEndForm,
                           RestrictionForm, ReturnForm, RevokeForm, VoteForm)
from .models import (PUBLISHED, STATE_NAMES, AwardDecision, CouncilVote, Movement, Nomination, Participant, Restriction,
                     ScoreRun, ScoreTotal)


def _act(form, fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except ValidationError as e:
        form_errors(form, e)
    return None


def _visible(request):
    return Movement.objects.for_user(request.user)


def _movement(request, pk) -> Movement:
    return get_object_or_404(_visible(request).select_related("unit", "parent"), pk=pk)


def _nomination(request, pk) -> Nomination:
    return get_object_or_404(Nomination.objects.filter(movement__in=_visible(request))
                             .select_related("movement__unit", "movement__parent", "participant__unit",
                                             "participant__household", "participant__partner"), pk=pk)


def _decision(request, pk) -> AwardDecision:
    return get_object_or_404(AwardDecision.objects.filter(movement__in=_visible(request))
                             .select_related("movement__unit", "nomination__participant"), pk=pk)


def _ctx(m: Movement, **more) -> dict:
    return {"m": m, "state_name": STATE_NAMES[m.state], "forms": rules.FORMS_BY_CODE, "levels": rules.LEVELS,
            "nstates": rules.NOMINATION_STATE_NAMES, "subjects": rules.SUBJECT_NAMES,
            "rkinds": rules.RESTRICTION_NAMES, "ballots": rules.BALLOT_NAMES, **more}


def _best(m: Movement):
    """The published scorings of the movement and their best participants (rank 1 of each cluster)."""
    runs = list(ScoreRun.objects.filter(movement=m, state=PUBLISHED).select_related("criteria_set"))
    best = list(ScoreTotal.objects.filter(run__in=runs, rank=1).select_related("participant", "run")
                .order_by("-run__year", "-total"))
    return runs, best


@login_required
def nominations(request, pk: int):
    """The movement's dossiers and restrictions; forms for a new dossier and a restriction."""
    m = _movement(request, pk)
    what = request.POST.get("what", "nomination") if request.method == "POST" else None
    if what == "restriction":
        check(request.user, "restriction_record", m)
    elif what is not None:
        check(request.user, "nomination_prepare", m)
    parts = list(m.participants.all())
    runs, best = _best(m)
    may_n, may_r = act.may(request.user, "nomination_prepare", m), act.may(request.user, "restriction_record", m)
    nform = NominationForm(request.POST if what == "nomination" else None, participants=parts, runs=runs,
                           initial={"year": m.end_year}) if may_n else None
    rform = RestrictionForm(request.POST if what == "restriction" else None, participants=parts) if may_r else None
    if what is not None:
        form = rform if what == "restriction" else nform
        if form.is_valid():
            cd = form.cleaned_data
            p = next((x for x in parts if x.pk == cd["participant"]), None)
            if what == "restriction":
                done = _act(form, act.record_restriction, request.user, p, kind=cd["kind"], started_on=cd["started_on"],
                            reference=cd["reference"], person_name=cd["person_name"], note=cd["note"])
                if done is not None:
                    messages.success(request, tr("Đã ghi", "Recorded"))
                    return redirect("emulation:nominations", m.pk)
            else:
                run = next((r for r in runs if r.pk == cd["run"]), None)
                n = _act(form, act.create_nomination, request.user, p, subject_kind=cd["subject_kind"], year=cd["year"],
                         form_code=cd["form_code"], achievements=cd["achievements"], person_name=cd["person_name"],
                         person_position=cd["person_position"], run=run)
                if n is not None:
                    messages.success(request, tr("Đã lập hồ sơ đề nghị khen thưởng", "Nomination dossier created"))
                    return redirect("emulation:nomination", n.pk)
    rows = m.nominations.select_related("participant").order_by("-year", "-id")
    restrictions = Restriction.objects.filter(participant__movement=m).select_related("participant")
    return render(request, "emulation/nominations.html", _ctx(
        m, rows=rows, nform=nform, rform=rform, restrictions=restrictions, best=best, end_form=RestrictionEndForm()
        if may_r else None))


def _nomination_page(request, n: Nomination, status=200, **bound):
    m = n.movement
    u = request.user
    may_prepare = act.may(u, "nomination_prepare", m)
    may_review = act.may(u, "nomination_review", m)
    may_decide = act.may(u, "award_decide", m)
    items = list(n.items.select_related("evidence"))
    vote = CouncilVote.objects.filter(nomination=n).first()
    decision = AwardDecision.objects.filter(nomination=n).first()
    nxt = rules.FORWARD.get(n.state)
    may_next = (may_prepare if n.state == rules.DRAFT else may_review) and nxt is not None
    forms = {
        "item_form": bound.get("item_form") or (ItemForm(items=items) if may_prepare and n.state == rules.DRAFT else None),
        "vote_form": bound.get("vote_form") or (VoteForm() if may_review and n.state == rules.APPRAISED else None),
        "decision_form": bound.get("decision_form") or (
            DecisionForm(subject_kind=n.subject_kind, initial={"form_code": n.form_code, "issuer": m.issuer})
            if may_decide and n.state == rules.UPWARD and decision is None else None),
        "return_form": bound.get("return_form") or (
            ReturnForm() if n.state in rules.RETURNABLE and (may_review or (n.state == rules.UPWARD and may_decide))
            else None)}
    return render(request, "emulation/nomination.html", _ctx(
        m, n=n, items=[(i, rules.CHECKLIST_NAMES.get(i.code, (i.code, i.code))) for i in items], vote=vote,
        members=list(vote.members.all()) if vote else [], decision=decision, events=n.events.select_related("actor"),
        next_state=nxt, next_name=rules.NOMINATION_STATE_NAMES.get(nxt), may_next=may_next,
        missing=act.missing_items(n) if n.state == rules.DRAFT else [],
        blocked=act.restrictions_on(n, dt.date.today()),
        form=rules.FORMS_BY_CODE.get(n.form_code), **forms), status=status)


@login_required
def nomination(request, pk: int):
    return _nomination_page(request, _nomination(request, pk))


@login_required
@require_POST
def nomination_item(request, pk: int):
    n = _nomination(request, pk)
    check(request.user, "nomination_prepare", n.movement)
    items = list(n.items.all())
    form = ItemForm(request.POST, request.FILES, items=items)
    if form.is_valid():
        cd = form.cleaned_data
        item = next(i for i in items if i.pk == cd["item"])
        if _act(form, act.attach_item, request.user, item, checked=cd["checked"], upload=cd.get("file")) is not None:
            messages.success(request, tr("Đã lưu thành phần hồ sơ", "Item saved"))
            return redirect("emulation:nomination", n.pk)
    return _nomination_page(request, n, item_form=form)


@login_required
@require_POST
def nomination_advance(request, pk: int):
    n = _nomination(request, pk)
    check(request.user, "nomination_prepare" if n.state == rules.DRAFT else "nomination_review", n.movement)
    try:
        act.advance_nomination(request.user, n, to=request.POST.get("to", ""))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, tr("Đã chuyển bước hồ sơ", "Dossier moved on"))
    return redirect("emulation:nomination", n.pk)


@login_required
@require_POST
def nomination_return(request, pk: int):
    n = _nomination(request, pk)
    if not (act.may(request.user, "award_decide", n.movement) and n.state == rules.UPWARD):
        check(request.user, "nomination_review", n.movement)
    form = ReturnForm(request.POST)
    if form.is_valid() and _act(form, act.return_nomination, request.user, n, reason=form.cleaned_data["reason"]):
        messages.success(request, tr("Đã trả lại hồ sơ", "Dossier returned"))
        return redirect("emulation:nomination", n.pk)
    return _nomination_page(request, n, return_form=form)


@login_required
@require_POST
def nomination_vote(request, pk: int):
    n = _nomination(request, pk)
    check(request.user, "nomination_review", n.movement)
    form = VoteForm(request.POST, request.FILES)
    if form.is_valid():
        cd = form.cleaned_data
        if _act(form, act.record_vote, request.user, n, council=cd["council"], held_on=cd["held_on"],
                members=cd["members"], upload=cd.get("minutes")) is not None:
            messages.success(request, tr("Đã ghi kết quả bỏ phiếu", "Vote recorded"))
            return redirect("emulation:nomination", n.pk)
    return _nomination_page(request, n, vote_form=form)


@login_required
@require_POST
def nomination_decide(request, pk: int):
    n = _nomination(request, pk)
    check(request.user, "award_decide", n.movement)
    form = DecisionForm(request.POST, subject_kind=n.subject_kind)
    if form.is_valid():
        cd = form.cleaned_data
        if _act(form, act.record_decision, request.user, n, number=cd["number"], decided_on=cd["decided_on"],
                issuer=cd["issuer"], signer=cd["signer"], form_code=cd["form_code"], citation=cd["citation"],
                final=cd["final"]) is not None:
            messages.success(request, tr("Đã ghi quyết định khen thưởng", "Decision recorded"))
            return redirect("emulation:nomination", n.pk)
    return _nomination_page(request, n, decision_form=form)


@login_required
@require_POST
def restriction_end(request, pk: int):
    r = get_object_or_404(Restriction.objects.filter(participant__movement__in=_visible(request))
                          .select_related("participant__movement__unit"), pk=pk)
    m = r.participant.movement
    check(request.user, "restriction_record", m)
    form = RestrictionEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, tr("Cần ngày kết thúc hợp lệ", "Give a valid end date"))
    else:
        try:
            act.end_restriction(request.user, r, ended_on=form.cleaned_data["ended_on"],
                                reference=form.cleaned_data["reference"])
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, tr("Đã ghi ngày kết thúc", "End recorded"))
    return redirect("emulation:nominations", m.pk)


# --------------------------------------------------------------------------- the decision register

def _register_rows(qs):
    rows = []
    for d in qs.select_related("revocation").prefetch_related("recoveries"):
        rev = getattr(d, "revocation", None) if hasattr(d, "revocation") else None
        back = sum(r.amount_vnd for r in d.recoveries.all())
        rows.append({"d": d, "form": rules.FORMS_BY_CODE.get(d.form_code), "rev": rev, "recovered": back,
                     "due": (d.bonus_vnd - back) if rev and rev.recover_bonus else 0})
    return rows


@login_required
def decisions(request, pk: int):
    m = _movement(request, pk)
    return render(request, "emulation/decisions.html", _ctx(
        m, rows=_register_rows(m.decisions.all()), may_decide=act.may(request.user, "award_decide", m),
        issue_form=IssueForm(), revoke_form=RevokeForm(), recovery_form=RecoveryForm()))


def _decision_post(request, pk: int, form_cls, fn, ok_vi: str, ok_en: str, **extra):
    d = _decision(request, pk)
    check(request.user, "award_decide", d.movement)
    form = form_cls(request.POST)
    if form.is_valid() and _act(form, fn, request.user, d, **form.cleaned_data, **extra) is not None:
        messages.success(request, tr(ok_vi, ok_en))
        return redirect("emulation:decisions", d.movement_id)
    m = d.movement
    forms = {"issue_form": IssueForm(), "revoke_form": RevokeForm(), "recovery_form": RecoveryForm()}
    forms[{IssueForm: "issue_form", RevokeForm: "revoke_form", RecoveryForm: "recovery_form"}[form_cls]] = form
    return render(request, "emulation/decisions.html", _ctx(
        m, rows=_register_rows(m.decisions.all()), may_decide=True, bad=d.pk, **forms))


@login_required
@require_POST
def decision_issue(request, pk: int):
    return _decision_post(request, pk, IssueForm, act.issue_decision, "Đã ban hành quyết định", "Decision issued")


@login_required
@require_POST
def decision_revoke(request, pk: int):
    return _decision_post(request, pk, RevokeForm, act.revoke_decision, "Đã ghi quyết định thu hồi", "Revocation recorded")


@login_required
@require_POST
def decision_recover(request, pk: int):
    return _decision_post(request, pk, RecoveryForm, act.record_recovery, "Đã ghi khoản nộp lại", "Recovery recorded")


@login_required
def certificate(request, pk: int):
    """The Giấy khen / Bằng khen of a decision, as PDF (a draft decision: the draft mark; a revoked
    one: the revocation mark)."""
    d = _decision(request, pk)
    form = rules.FORMS_BY_CODE.get(d.form_code)
    if form is None or not form.certificate:
        raise Http404(tr("Hình thức này không in giấy khen, bằng khen", "This form has no printed certificate"))
    from .pdf_certificate import certificate_pdf
    resp = HttpResponse(certificate_pdf(d), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="khen-thuong-{d.pk}.pdf"'
    return resp


# --------------------------------------------------------------------------- award history

def history_of(participant: Participant, visible):
    """The issued awards of the participant's unit, partner or household in every movement the
    user sees: the collective's (or household's) and each person's, with their years, the runs of
    consecutive years and the streak that ends at the latest year."""
    key = ({"unit_id": participant.unit_id} if participant.unit_id else {"partner_id": participant.partner_id}
           if participant.partner_id else {"household_id": participant.household_id})
    qs = AwardDecision.objects.filter(movement__in=visible, final=True, **key).select_related("movement", "revocation")
    groups: dict[str, list] = {}
    for d in qs.order_by("year", "decided_on", "id"):
        rev = getattr(d, "revocation", None) if hasattr(d, "revocation") else None
        groups.setdefault(d.person_name, []).append({"d": d, "rev": rev, "form": rules.FORMS_BY_CODE.get(d.form_code)})
    out = []
    for person, rows in sorted(groups.items(), key=lambda kv: (kv[0] != "", kv[0])):
        years = [r["d"].year for r in rows if r["rev"] is None]
        by_form: dict[str, list[int]] = {}
        for r in rows:
            if r["rev"] is None:
                by_form.setdefault(r["d"].form_code, []).append(r["d"].year)
        last = max(years) if years else None
        out.append({"person": person, "rows": rows, "runs": rules.consecutive_runs(years),
                    "streak": rules.consecutive_until(years, last) if last else 0, "last": last,
                    "by_form": [(rules.FORMS_BY_CODE.get(c), rules.consecutive_runs(ys),
                                 rules.consecutive_until(ys, max(ys))) for c, ys in by_form.items()]})
    return out


@login_required
def history(request, pk: int):
    p = get_object_or_404(Participant.objects.filter(movement__in=_visible(request))
                          .select_related("movement__unit", "movement__parent", "unit", "partner", "household"), pk=pk)
    return render(request, "emulation/history.html", _ctx(p.movement, p=p, groups=history_of(p, _visible(request))))


__all__ = ["PermissionDenied"]
