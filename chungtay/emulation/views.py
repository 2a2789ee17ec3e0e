"""Pages of the emulation movement. Thin: reads through ``Movement.objects.for_user`` (a movement
outside the area: 404), writes through ``actions`` (a role refused: 403; bad input: the form again
with Vietnamese messages)."""
from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chungtay.accounts.access import scope_for
from chungtay.accounts.roles import can
from chungtay.core import emulation as core
from chungtay.core.emulation_sources import SOURCES
from chungtay.households.models import Household
from chungtay.i18n import tr
from chungtay.units.models import Unit
from chungtay.web.forms import form_errors

from . import actions
from . import actions_awards as awards
from . import evidence as files
from . import registrations as registrations_of
from .forms import (ActivityForm, ClusterForm, CriteriaForm, LaunchForm, MemberForm, PactForm, ParticipantForm,
                    PublishForm, RegistrationForm, RunForm, ValueForm)
from .models import (ACTIVITY_NAMES, COUNCIL, NEXT_STATE, PUBLISHED, RUN_STATE_NAMES, STATE_NAMES, ClusterMember,
                     CriteriaSet, EvidenceFile, Movement, Pact, Participant, Registration, Score, ScoreRun, ScoreTotal)


def _act(form, fn, *args, **kw):
    """Run an action; its ValidationError goes on the form (None: the action refused)."""
    try:
        return fn(*args, **kw)
    except ValidationError as e:
        form_errors(form, e)
    return None


def _movement(request, pk) -> Movement:
    return get_object_or_404(Movement.objects.for_user(request.user).select_related("unit", "parent"), pk=pk)


def _ctx(request, m: Movement, **more) -> dict:
    return {"m": m, "state_name": STATE_NAMES[m.state], **more}


def _may(user, action: str, m: Movement) -> bool:
    try:
        actions.check(user, action, m)
    except PermissionDenied:
        return False
    return True


def _launch_units(user) -> list[Unit]:
    out = []
    for u in scope_for(user).top_units():
        if u.level == Unit.PROVINCE and can(user, "movement_launch", u):
            out.append(u)
            out += list(Unit.objects.filter(parent=u, level=Unit.COMMUNE, system=Unit.SYSTEM_2025).order_by("sort_name"))
        elif u.level == Unit.COMMUNE and can(user, "movement_launch", u):
            out.append(u)
    return out


@login_required
def movement_list(request):
    may = can(request.user, "movement_launch")
    if request.method == "POST":
        if not may:
            raise PermissionDenied(tr("Không được phát động phong trào thi đua", "You may not launch a movement"))
    visible = Movement.objects.for_user(request.user)
    form = base = None
    parents = list(visible.exclude(level="commune").select_related("unit")[:200])
    if may:
        from chungtay.plans.models import Target
        from chungtay.plans.views import plans_for
        targets = list(Target.objects.filter(plan__in=plans_for(request.user)).select_related("plan", "unit")[:300]) \
            if can(request.user, "plan_view") else []
        # the movement derived from: its contents and goals are offered (GET ?parent=, or the form's)
        raw = (request.POST if request.method == "POST" else request.GET).get("parent", "")
        base = next((x for x in parents if raw.isascii() and raw.isdigit() and x.pk == int(raw)), None)
        initial = {}
        if base is not None:
            inherited = list(base.goals.select_related("plan", "unit"))
            targets += [t for t in inherited if t.pk not in {x.pk for x in targets}]
            titles = [c.title for c in base.contents.all()]
            initial = {"parent": base.pk, "level": {"national": "province", "province": "commune"}[base.level],
                       "start_year": base.start_year, "end_year": base.end_year, "goal_text": base.goal_text,
                       "goals": [t.pk for t in inherited]}
            if titles:
                initial["contents"] = "\n".join(titles)
        form = LaunchForm(request.POST or None, units=_launch_units(request.user) if not scope_for(request.user).everything
                          else list(Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.PROVINCE).order_by("code")),
                          parents=parents, targets=targets, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        unit = Unit.objects.filter(pk=cd["unit"]).first() if cd["unit"] else None
        parent = visible.filter(pk=cd["parent"]).first() if cd["parent"] else None
        from chungtay.plans.models import Target
        goals = list(Target.objects.filter(pk__in=cd["goals"]))
        try:
            m = _act(form, actions.launch_movement, request.user, level=cd["level"], name=cd["name"],
                     decision_no=cd["decision_no"], decision_date=cd["decision_date"], issuer=cd["issuer"], unit=unit,
                     start_year=cd["start_year"], end_year=cd["end_year"], parent=parent, goals=goals,
                     goal_text=cd["goal_text"], contents=cd["contents"].splitlines())
        except PermissionDenied as e:
            form.add_error(None, str(e))
            m = None
        if m is not None:
            messages.success(request, tr("Đã ghi quyết định phát động phong trào", "Movement launched"))
            return redirect("emulation:detail", m.pk)
    rows = visible.select_related("unit").annotate(n=Count("participants", distinct=True))
    return render(request, "emulation/list.html", {"rows": rows, "form": form, "states": STATE_NAMES, "parents": parents,
                                                   "base": base, "base_contents": base is not None and base.contents.exists()})


@login_required
def movement_detail(request, pk: int):
    m = _movement(request, pk)
    regs = registrations_of.summary(m)        # typed, plus the households' pledges (issue 12 §3)
    return render(request, "emulation/detail.html", _ctx(
        request, m, contents=m.contents.all(), goals=m.goals.select_related("plan", "unit"),
        derived=Movement.objects.for_user(request.user).filter(parent=m),
        counts={"participants": m.participants.count(), "clusters": m.clusters.count(),
                "registrations": regs.total, "registrations_pledged": regs.pledged,
                "activities": m.activities.count()},
        activity_totals=m.activities.values("kind").annotate(n=Count("id")).order_by("kind"),
        activity_names=ACTIVITY_NAMES, next_state=NEXT_STATE.get(m.state), may_move=_may(request.user, "movement_launch", m),
        next_name=STATE_NAMES.get(NEXT_STATE.get(m.state), ("", ""))))


@login_required
@require_POST
def movement_state(request, pk: int):
    m = _movement(request, pk)
    actions.check(request.user, "movement_launch", m)
    try:
        actions.advance_movement(request.user, m, request.POST.get("to", ""))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, tr("Đã chuyển bước phong trào", "Movement moved to its next step"))
    return redirect("emulation:detail", m.pk)


def _inside_units(m: Movement) -> list[Unit]:
    if m.unit is None:
        return list(Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.PROVINCE).order_by("code"))
    if m.unit.level == Unit.PROVINCE:
        return list(Unit.objects.filter(parent=m.unit, level=Unit.COMMUNE).order_by("sort_name"))
    return [m.unit] + list(Unit.objects.filter(parent=m.unit, level=Unit.VILLAGE).order_by("sort_name"))


@login_required
def participants(request, pk: int):
    m = _movement(request, pk)
    may = _may(request.user, "emulation_manage", m)
    if request.method == "POST":
        actions.check(request.user, "emulation_manage", m)
    what = request.POST.get("what", "participant") if request.method == "POST" else None   # GET: unbound forms
    parts = list(m.participants.all())
    clusters = list(m.clusters.all())
    from chungtay.support.models import Partner
    pform = ParticipantForm(request.POST if what == "participant" else None, units=_inside_units(m),
                            partners=Partner.objects.for_user(request.user)[:500]) if may else None
    cform = ClusterForm(request.POST if what == "cluster" else None) if may else None
    mform = MemberForm(request.POST if what == "member" else None, clusters=clusters, participants=parts,
                       initial={"year": m.start_year}) if may else None
    status = 200
    if request.method == "POST":
        form, done = {"participant": pform, "cluster": cform, "member": mform}.get(what, pform), None
        if form.is_valid():
            cd = form.cleaned_data
            if what == "cluster":
                done = _act(form, actions.add_cluster, request.user, m, name=cd["name"], kind=cd["kind"])
            elif what == "member":
                c = next((x for x in clusters if x.pk == cd["cluster"]), None)
                p = next((x for x in parts if x.pk == cd["participant"]), None)
                done = _act(form, actions.set_member, request.user, c, p, year=cd["year"], role=cd["role"])
            else:
                kw = {}
                if cd["kind"] == Participant.UNIT:
                    kw["unit"] = Unit.objects.filter(pk=cd["unit"]).first()
                elif cd["kind"] == Participant.PARTNER:
                    kw["partner"] = Partner.objects.for_user(request.user).filter(pk=cd["partner"]).first()
                else:
                    kw["household"] = Household.objects.for_user(request.user).filter(
                        code=cd["household_code"].strip()).first()
                if not any(kw.values()):
                    form.add_error(None, tr("Không tìm thấy đối tượng trong địa bàn", "Not found in your area"))
                else:
                    done = _act(form, actions.add_participant, request.user, m, **kw)
        if done is not None:
            messages.success(request, tr("Đã lưu", "Saved"))
            return redirect("emulation:participants", m.pk)
        status = 200
    members = ClusterMember.objects.filter(cluster__movement=m).select_related("cluster", "participant")
    return render(request, "emulation/participants.html", _ctx(
        request, m, parts=parts, clusters=clusters, members=members, pform=pform, cform=cform, mform=mform),
        status=status)


@login_required
def registrations(request, pk: int):
    m = _movement(request, pk)
    may = _may(request.user, "emulation_register", m)
    if request.method == "POST":
        actions.check(request.user, "emulation_register", m)
    parts = list(m.participants.all())
    form = RegistrationForm(request.POST or None, participants=parts, initial={"year": m.start_year}) if may else None
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        p = next((x for x in parts if x.pk == cd["participant"]), None)
        if _act(form, actions.register, request.user, p, year=cd["year"], titles=cd["titles"], targets=cd["targets"],
                registered_on=cd["registered_on"], note=cd["note"]) is not None:
            messages.success(request, tr("Đã ghi đăng ký thi đua", "Registration recorded"))
            return redirect("emulation:registrations", m.pk)
    regs = Registration.objects.filter(participant__movement=m).select_related("participant").prefetch_related("targets")
    return render(request, "emulation/registrations.html", _ctx(
        request, m, regs=regs, form=form, pledges=registrations_of.pledges(m), summary=registrations_of.summary(m)))


@login_required
def pacts(request, pk: int):
    m = _movement(request, pk)
    may = _may(request.user, "emulation_manage", m)
    if request.method == "POST":
        actions.check(request.user, "emulation_manage", m)
    clusters = list(m.clusters.all())
    parts = list(m.participants.all())
    form = PactForm(request.POST or None, request.FILES or None, clusters=clusters, participants=parts,
                    initial={"year": m.start_year}) if may else None
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        c = next((x for x in clusters if x.pk == cd["cluster"]), None)
        if _act(form, actions.sign_pact, request.user, c, year=cd["year"], title=cd["title"], clauses=cd["clauses"],
                signed_on=cd["signed_on"], parties=[p for p in parts if p.pk in set(cd["parties"])],
                upload=cd.get("scan")) is not None:
            messages.success(request, tr("Đã ghi giao ước thi đua", "Pact recorded"))
            return redirect("emulation:pacts", m.pk)
    rows = Pact.objects.filter(cluster__movement=m).select_related("cluster", "scan").prefetch_related("parties")
    return render(request, "emulation/pacts.html", _ctx(request, m, rows=rows, form=form))


@login_required
def activities(request, pk: int):
    m = _movement(request, pk)
    may = _may(request.user, "activity_report", m)
    if request.method == "POST":
        actions.check(request.user, "activity_report", m)
    parts = list(m.participants.all())
    contents = list(m.contents.all())
    form = ActivityForm(request.POST or None, request.FILES or None, participants=parts, contents=contents) if may else None
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        p = next((x for x in parts if x.pk == cd["participant"]), None)
        c = next((x for x in contents if x.pk == cd["content"]), None)
        if _act(form, actions.report_activity, request.user, m, p, kind=cd["kind"], title=cd["title"], date=cd["date"],
                content=c, quantity=cd["quantity"], unit_of_measure=cd["unit_of_measure"], reached=cd["reached"],
                invited=cd["invited"], story=cd["story"], support_ids=cd["supports"], donation_ids=cd["donations"],
                upload=cd.get("evidence")) is not None:
            messages.success(request, tr("Đã ghi hoạt động", "Activity recorded"))
            return redirect("emulation:activities", m.pk)
    rows = m.activities.select_related("participant", "content", "evidence").prefetch_related("supports")
    return render(request, "emulation/activities.html", _ctx(request, m, rows=rows, form=form, kinds=ACTIVITY_NAMES))


@login_required
def criteria(request, pk: int):
    m = _movement(request, pk)
    may = _may(request.user, "emulation_manage", m)
    may_run = _may(request.user, "scoring_run", m)
    if request.method == "POST":
        actions.check(request.user, "emulation_manage", m)
    form = CriteriaForm(request.POST or None) if may else None
    if request.method == "POST" and form.is_valid():
        cs = _act(form, actions.add_criteria_set, request.user, m, form.cleaned_data["table"])
        if cs is not None:
            messages.success(request, tr(f"Đã lưu bộ tiêu chí {cs} ", f"Criteria set {cs} saved"))
            return redirect("emulation:criteria", m.pk)
    sets = list(m.criteria_sets.all())
    run_form = RunForm(sets=sets, initial={"year": m.start_year}) if may_run and sets else None
    return render(request, "emulation/criteria.html", _ctx(
        request, m, sets=sets, form=form, run_form=run_form, sources=SOURCES,
        runs=m.runs.select_related("criteria_set"), run_states=RUN_STATE_NAMES))


@login_required
def criteria_json(request, pk: int):
    cs = get_object_or_404(CriteriaSet.objects.filter(movement__in=Movement.objects.for_user(request.user)), pk=pk)
    resp = HttpResponse(json.dumps(cs.table, ensure_ascii=False, indent=1), content_type="application/json")
    resp["Content-Disposition"] = f'attachment; filename="{cs.code}-v{cs.version}.json"'
    return resp


@login_required
@require_POST
def run_new(request, pk: int):
    m = _movement(request, pk)
    actions.check(request.user, "scoring_run", m)
    sets = list(m.criteria_sets.all())
    form = RunForm(request.POST, sets=sets)
    if not form.is_valid():
        messages.error(request, tr("Chọn bộ tiêu chí và năm (2000–2100)", "Choose a criteria set and a year (2000–2100)"))
        return redirect("emulation:criteria", m.pk)
    cs = next(s for s in sets if s.pk == form.cleaned_data["criteria_set"])
    try:
        run = actions.open_run(request.user, cs, year=form.cleaned_data["year"])
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("emulation:criteria", m.pk)
    return redirect("emulation:run", run.pk)


def _run(request, pk) -> ScoreRun:
    return get_object_or_404(ScoreRun.objects.filter(movement__in=Movement.objects.for_user(request.user))
                             .select_related("movement__unit", "criteria_set"), pk=pk)


def _run_page(request, run: ScoreRun, vform=None, status=200):
    m = run.movement
    table = core.parse_table(run.criteria_set.table)
    raw = {c["code"]: c for c in table.raw["criteria"]}
    parts = list(m.participants.all())
    entered = [(c.code, f"{c.code} {_name(c.name)}" + (tr(" (khi nền tảng không có số liệu)", " (where the platform has no data)")
                                                      if raw[c.code].get("source") else "")) for c in table.criteria]
    may = _may(request.user, "scoring_run", m)
    if vform is None and may and run.state != PUBLISHED and entered:
        vform = ValueForm(participants=parts, criteria=entered)
    scores, rows = {}, []
    visible = awards.may_see_scores(request.user, run)     # before publication: who scores or publishes
    if visible:
        for s in Score.objects.filter(run=run):
            scores[(s.participant_id, s.criterion)] = s
        totals = list(ScoreTotal.objects.filter(run=run).select_related("participant"))
        rows = [(t, [(c, scores.get((t.participant_id, c.code))) for c in table.criteria]) for t in totals]
    return render(request, "emulation/run.html", _ctx(
        request, m, run=run, table=table, raw=raw, rows=rows, vform=vform, may_run=may, scores_hidden=not visible,
        may_publish=(_may(request.user, "scoring_publish", m)) and run.state == COUNCIL,
        publish_form=PublishForm(), run_state=RUN_STATE_NAMES[run.state],
        next_run=RUN_STATE_NAMES.get({"self_assessment": "cluster_recheck", "cluster_recheck": "council"}.get(run.state)),
        sources=SOURCES, names={c.code: _name(c.name) for c in table.criteria},
        ), status=status)


def _name(n) -> str:
    if isinstance(n, dict):
        return str(n.get("vi") or next(iter(n.values()), ""))
    return str(n or "")


@login_required
def run_page(request, pk: int):
    """GET: the scores; POST: compute them again from the platform's data and the entered values."""
    run = _run(request, pk)
    if request.method == "POST":
        actions.check(request.user, "scoring_run", run.movement)
        try:
            actions.compute_run(request.user, run)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, tr("Đã tính điểm", "Scores computed"))
        return redirect("emulation:run", run.pk)
    return _run_page(request, run)


@login_required
@require_POST
def run_value(request, pk: int):
    run = _run(request, pk)
    actions.check(request.user, "scoring_run", run.movement)
    table = core.parse_table(run.criteria_set.table)
    parts = list(run.movement.participants.all())
    form = ValueForm(request.POST, request.FILES, participants=parts,
                     criteria=[(c.code, c.code) for c in table.criteria])
    if form.is_valid():
        cd = form.cleaned_data
        p = next(x for x in parts if x.pk == cd["participant"])
        if _act(form, actions.enter_value, request.user, run, p, cd["criterion"], cd["value"],
                upload=cd.get("evidence")) is not None:
            messages.success(request, tr("Đã ghi giá trị", "Value recorded"))
            return redirect("emulation:run", run.pk)
    return _run_page(request, run, vform=form)


@login_required
@require_POST
def run_advance(request, pk: int):
    run = _run(request, pk)
    to_publish = run.state == COUNCIL
    actions.check(request.user, "scoring_publish" if to_publish else "scoring_run", run.movement)
    form = PublishForm(request.POST)
    days = (form.cleaned_data.get("comment_days") or 15) if form.is_valid() else None
    try:
        if days is None:
            raise ValidationError(tr("Số ngày lấy ý kiến từ 1 đến 90", "The comment period is 1 to 90 days"))
        actions.advance_run(request.user, run, comment_days=days)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, tr("Đã chuyển bước chấm điểm", "Scoring moved to its next step"))
    return redirect("emulation:run", run.pk)


@login_required
def evidence_file(request, pk: int):
    ev = get_object_or_404(EvidenceFile.objects.filter(movement__in=Movement.objects.for_user(request.user)), pk=pk)
    path = files.path_of(ev)
    if not path.exists():
        raise Http404
    return FileResponse(open(path, "rb"), content_type=ev.content_type, filename=ev.original_name)
