"""Pages of a review round. Thin: reads via rounds_for/for_user, writes via reviews.actions."""
from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chungtay.accounts.access import scope_for, unit_for_user
from chungtay.accounts.roles import assigned_units, can, require
from chungtay.core.movements import HEADLINE, MOVEMENTS, STATES
from chungtay.core import csvsafe, fmt
from chungtay.core.standards import CATEGORIES, CATEGORY_NAMES, StandardError, standard_for_year
from chungtay.households.completeness import year_status
from chungtay.i18n import tr
from chungtay.households.models import Household
from chungtay.households.movements import unit_movements
from chungtay.households.stats import available_years
from chungtay.units.labels import labels_for, unit_label, village_labels
from chungtay.units.models import Unit
from chungtay.web.forms import AssessmentForm
from chungtay.web.prefill import Prefill, prefill
from chungtay.web.search import member_matches, search_filter

from . import actions
from .forms import (AddHouseholdForm, ComplaintForm, MeetingForm, OpenRoundForm, PostingForm, RecogniseForm,
                    ResolveForm)
from .models import Complaint, ReviewRound, RoundHousehold


def _round(request, pk) -> ReviewRound:
    return get_object_or_404(actions.rounds_for(request.user), pk=pk)


def _fail(request, e: ValidationError, form=None):
    if form is not None and hasattr(e, "error_dict"):
        for f, errs in e.message_dict.items():
            form.add_error(f if f in form.fields else None, errs)
    else:
        messages.error(request, " ".join(e.messages))


def _communes(user):
    """Communes where the user may open a round (roles.py: the commune poverty officer)."""
    allowed = assigned_units(user, "round_open")
    qs = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.COMMUNE)
    if allowed is not None:
        from django.db.models import Q
        qs = qs.filter(Q(id__in=allowed) | Q(parent_id__in=allowed))
    ids = Household.objects.for_user(user).values("commune_id").distinct()
    return list(qs.filter(id__in=ids).order_by("sort_name"))


@login_required
def round_list(request):
    if request.method == "POST":
        require(request.user, "round_open")
    rounds = actions.rounds_for(request.user).annotate(n=Count("members")).order_by("-year", "commune__sort_name", "id")
    year = request.GET.get("year", "")
    if year.isdigit() and len(year) == 4:
        rounds = rounds.filter(year=int(year))
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page"))
    communes = _communes(request.user)
    form = OpenRoundForm(request.POST or None, communes=communes,
                         initial={"year": date.today().year, "commune": communes[0].id if communes else None})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["kind"] == ReviewRound.REGULAR and not d.get("month"):
                raise ValidationError({"month": "Rà soát thường xuyên cần chọn tháng"})
            rnd = actions.open_round(request.user, unit_for_user(request.user, d["commune"]), d["year"],
                                     kind=d["kind"], month=d.get("month"), posting_days=d["posting_days"])
        except ValidationError as e:
            _fail(request, e, form)
        else:
            messages.success(request, tr(f"Đã mở đợt rà soát năm {rnd.year}: {rnd.members.count()} hộ trong danh sách",
                                          f"Review {rnd.year} opened: {rnd.members.count()} households listed"))
            return redirect("round", pk=rnd.pk)
    return render(request, "reviews/list.html", {
        "rounds": page.object_list, "page": page, "form": form, "year": year,
        "years": sorted(set(actions.rounds_for(request.user).values_list("year", flat=True)), reverse=True),
        "history_decision": ReviewRound.HISTORY_DECISION})


PAGE_SIZE = 50
NO_RESULT = "none"       # category filter: households without a result in the round yet
# the village's name through COALESCE: with plain sort_name and a LIMIT (a page, the next household)
# PostgreSQL may walk the whole units index by name and join each unit to the round (230 ms, against
# 2 ms sorting the round's few hundred rows; seen once the tables had statistics)
ROUND_ORDER = (Coalesce("household__village__sort_name", Value("")).asc(), "household__village_id", "household__code")


def _visible(user, rnd: ReviewRound):
    """The round's households this user may see, and the villages they are limited to: a
    village head sees only the households of their own village(s); None = the whole commune."""
    scope = scope_for(user)
    if scope.everything or rnd.commune_id in scope.commune_ids or rnd.province_id in scope.province_ids:
        return rnd.members.all(), None
    own = frozenset(scope.village_ids)
    return rnd.members.filter(household__village_id__in=own), own


def _sorted_labels(labels: dict[int, str], ids=None) -> list[tuple[int, str]]:
    return sorted(((i, lbl) for i, lbl in labels.items() if ids is None or i in ids), key=lambda x: fmt.sort_key(x[1]))


def _round_filters(get, villages: list[tuple[int, str]]) -> dict:
    """The page's filters, each kept only when valid (a bad value shows the whole list)."""
    try:
        village = int(get.get("village") or 0)
    except ValueError:
        village = 0
    step, category = get.get("step", ""), get.get("category", "")
    return {"village": village if village in dict(villages) else None,
            "step": step if step in dict(RoundHousehold.STEPS) else "",
            "category": category if category in CATEGORIES or category == NO_RESULT else "",
            "q": get.get("q", "").strip()[:100]}


def _filtered(members, f: dict):
    if f["village"]:
        members = members.filter(household__village_id=f["village"])
    if f["step"]:
        members = members.filter(step=f["step"])
    if f["category"] == NO_RESULT:
        members = members.filter(assessment__isnull=True)
    elif f["category"]:
        members = members.filter(assessment__category=f["category"])
    if f["q"]:
        members = members.filter(**{"household__" + k: v for k, v in search_filter(f["q"]).items()})
    return members


@login_required
def round_page(request, pk: int):
    rnd = _round(request, pk)
    members, own = _visible(request.user, rnd)
    labels = village_labels(rnd.commune)
    villages = _sorted_labels(labels, own)
    f = _round_filters(request.GET, villages)
    found = _filtered(members, f).order_by(*ROUND_ORDER)
    if request.GET.get("format") == "csv":
        return _round_csv(rnd, found, labels)
    counts = _counts(members)
    complaints = rnd.complaints.select_related("household").order_by("received_on", "id")
    meetings = rnd.meetings.select_related("village").order_by("held_on", "id")
    if own is not None:
        complaints = complaints.filter(household__village_id__in=own)
        meetings = meetings.filter(village_id__in=own)
    complaints = list(complaints)
    page = Paginator(found.select_related("household", "assessment"), PAGE_SIZE).get_page(request.GET.get("page"))
    entries = list(page.object_list)
    ctx = {
        "rnd": rnd, "page": page, "entries": entries, "counts": counts, "todo": _todo(rnd, counts, complaints),
        "steps": ReviewRound.STATES, "step_names": dict(RoundHousehold.STEPS), "rh_blank": RoundHousehold(), "labels": labels,
        "villages": villages, "own": own, "f": f, "filtered": any(f.values()),
        "categories": [(c, CATEGORY_NAMES[c]) for c in CATEGORIES], "no_result": NO_RESULT,
        "matches": member_matches([e.household for e in entries], f["q"]),
        "add_form": AddHouseholdForm(),
        "posting_form": PostingForm(initial={"posted_from": date.today()}),
        "complaint_form": ComplaintForm(initial={"received_on": date.today()}),
        "recognise_form": RecogniseForm(initial={"decision_date": rnd.posted_to or date.today()}),
        "complaints": complaints, "meetings": list(meetings), "resolve_form": ResolveForm(),
    }
    ctx["may"] = _may(request.user, rnd)
    if rnd.state == ReviewRound.MEETING:
        ctx.update(_meeting(members, labels, f["village"]))
    return render(request, "reviews/round.html", ctx)


ROUND_ACTIONS = {
    ReviewRound.LISTING: ("round_add_household", "round_start_survey"),
    ReviewRound.SURVEYING: ("round_add_household", "round_start_meetings", "round_survey", "round_recognise"),
    ReviewRound.MEETING: ("round_meeting", "round_post", "round_survey"),
    ReviewRound.POSTING: ("round_complaint", "round_resolve", "round_recognise"),
    ReviewRound.RECOGNISED: ("round_lock",),
}


def _may(user, rnd) -> dict[str, bool]:
    """The forms and buttons of the round's current step this user may use (roles.py): a
    village head surveys and records the meeting of their village, nothing else."""
    return {a: can(user, a, rnd.commune, inside=True) for a in ROUND_ACTIONS.get(rnd.state, ())}


def _counts(members) -> dict[str, int]:
    c = dict(members.order_by().values_list("step").annotate(n=Count("id")))
    return {s: c.get(s, 0) for s, _ in RoundHousehold.STEPS}


def _meeting(members, labels, village) -> dict:
    """The meeting form: the villages with households waiting for the vote, and every waiting
    household of the chosen village (the page's village filter, else the first such village)
    — one village's, not one page's, and never the whole commune's at once."""
    waiting = members.filter(step=RoundHousehold.SURVEYED)
    ids = set(waiting.order_by().values_list("household__village_id", flat=True).distinct())
    choices = _sorted_labels(labels, ids)
    chosen = village if village in ids else (choices[0][0] if choices else None)
    voting = list(waiting.filter(household__village_id=chosen).select_related("household", "assessment")
                  .order_by(*ROUND_ORDER)) if chosen else []
    form = MeetingForm(initial={"held_on": date.today(), "village": chosen})
    form.fields["village"].choices = choices
    return {"meeting_form": form, "voting": voting}


def _round_csv(rnd, found, labels) -> HttpResponse:
    """The households of the round as filtered on the page (within the user's area): code, head,
    village, why listed, step and result — no ID numbers, income or health details."""
    resp = HttpResponse(content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="chungtay-round-{rnd.commune.code}-{rnd.year}.csv"'
    resp.write("\ufeff")
    w = csvsafe.writer(resp)
    w.writerow(["household_code", "head_name", "village", "reason", "step", "category"])
    for e in found.select_related("household", "assessment").iterator(chunk_size=2000):
        w.writerow([e.household.code, e.household.head_name, labels.get(e.household.village_id, ""),
                    e.get_reason_display(), e.get_step_display(), e.assessment.category if e.assessment else ""])
    return resp


def _todo(rnd, counts, complaints) -> list[str]:
    """What the round waits for, in the user's language (tr: the request's active language)."""
    s = rnd.state
    if s == ReviewRound.LISTING:
        return [tr("Bổ sung hộ có giấy đề nghị (Mẫu 01), rồi bắt đầu rà soát",
                   "Add the households that asked (form 01), then start the survey")]
    if s == ReviewRound.SURVEYING:
        if counts["listed"]:
            return [tr(f"Còn {counts['listed']} hộ chưa rà soát", f"{counts['listed']} households still to survey")]
        if rnd.kind == ReviewRound.REGULAR:
            return [tr("Chủ tịch UBND xã quyết định công nhận", "The commune chairman recognises the results")]
        return [tr("Chuyển sang họp dân", "Move on to the village meetings")]
    if s == ReviewRound.MEETING:
        out = []
        if counts["surveyed"]:
            out.append(tr(f"{counts['surveyed']} hộ chờ họp dân biểu quyết",
                          f"{counts['surveyed']} households wait for the village meeting's vote"))
        if counts["returned"]:
            out.append(tr(f"{counts['returned']} hộ phải rà soát lại (dưới 50% đồng ý)",
                          f"{counts['returned']} households to survey again (under 50% agreed)"))
        return out or [tr("Niêm yết danh sách", "Post the lists")]
    if s == ReviewRound.POSTING:
        pending = sum(c.outcome == Complaint.PENDING for c in complaints)
        return ([tr(f"{pending} khiếu nại chưa giải quyết", f"{pending} complaints not yet resolved")]
                if pending else []) + [
            tr(f"Niêm yết đến {rnd.posted_to:%d/%m/%Y}, sau đó Chủ tịch UBND xã công nhận",
               f"Posted until {rnd.posted_to:%Y-%m-%d}, then the commune chairman recognises the results")]
    if s == ReviewRound.RECOGNISED:
        return [tr("Chủ tịch UBND xã khóa kết quả đợt rà soát", "The commune chairman locks the round's results")]
    return []


@login_required
@require_POST
def round_add(request, pk: int):
    rnd = _round(request, pk)
    require(request.user, "round_add_household", rnd.commune)
    form = AddHouseholdForm(request.POST)
    if form.is_valid():
        hh = Household.objects.for_user(request.user).filter(code=form.cleaned_data["code"].strip()).first()
        try:
            if hh is None:
                raise ValidationError(tr(f"Không tìm thấy hộ có mã {form.cleaned_data['code']} trong địa bàn",
                                         f"No household with code {form.cleaned_data['code']} in your area"))
            actions.add_household(request.user, rnd, hh, form.cleaned_data["reason"])
            messages.success(request, tr(f"Đã thêm hộ {hh.code} vào danh sách rà soát", f"Household {hh.code} added to the review"))
        except ValidationError as e:
            _fail(request, e)
    return redirect("round", pk=rnd.pk)


ADVANCE_ACTIONS = {"surveying": "round_start_survey", "meeting": "round_start_meetings", "locked": "round_lock"}


@login_required
@require_POST
def round_advance(request, pk: int):
    rnd = _round(request, pk)
    step = request.POST.get("to")
    if step in ADVANCE_ACTIONS:
        require(request.user, ADVANCE_ACTIONS[step], rnd.commune)
    try:
        if step == "surveying":
            actions.start_survey(request.user, rnd)
        elif step == "meeting":
            actions.start_meetings(request.user, rnd)
        elif step == "locked":
            n = actions.lock(request.user, rnd)
            messages.success(request, tr(f"Đã khóa đợt rà soát; {n} hộ không thuộc diện rà soát giữ kết quả năm trước",
                                          f"Round locked; {n} households not reviewed keep last year's result"))
        else:
            raise ValidationError(tr("Bước không hợp lệ", "Unknown step"))
    except ValidationError as e:
        _fail(request, e)
    return redirect("round", pk=rnd.pk)


@login_required
def round_survey(request, pk: int, hid: int):
    rnd = _round(request, pk)
    # the village's chain (the role check walks it) with the household: one query, not three
    hh = get_object_or_404(Household.objects.for_user(request.user).select_related("village__parent__parent"), pk=hid)
    require(request.user, "round_survey", hh.village)
    rh = get_object_or_404(rnd.members, household=hh)
    try:
        standard = standard_for_year(rnd.year)
    except StandardError:
        standard = None
    pre = (prefill(hh, rnd.year, standard, kind=rnd.kind, this_round=rh.assessment, lang=request.lang)
           if request.method == "GET" else Prefill())
    form = AssessmentForm(request.POST or None, standard=standard, initial={**pre.initial, "year": rnd.year})
    form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        deprived = [ind.code for name, ind in form.indicator_fields if d.get(name)]
        try:
            a = actions.record_survey(request.user, rnd, hh, deprived=deprived, pledged_escape=d["pledged_escape"],
                                      reason=d["reason"], **{d["basis"]: d["value"]})
        except ValidationError as e:
            _fail(request, e, form)
        else:
            messages.success(request, f"{hh.head_name}: {a.explanation_vi if request.lang == 'vi' else a.explanation_en}")
            nxt = request.POST.get("next") == "1" and (
                _visible(request.user, rnd)[0].filter(step__in=[RoundHousehold.LISTED, RoundHousehold.RETURNED])
                .exclude(household=hh).order_by(*ROUND_ORDER).first())
            if nxt:
                return redirect("round_survey", pk=rnd.pk, hid=nxt.household_id)
            return redirect("round", pk=rnd.pk)
    return render(request, "web/assess.html", {"form": form, "hh": hh, "standard": standard, "year": rnd.year,
                                               "rnd": rnd, "entry": rh, "prefill": pre})


@login_required
@require_POST
def round_meeting(request, pk: int):
    rnd = _round(request, pk)
    require(request.user, "round_meeting", rnd.commune, inside=True)   # the village: in the action
    villages = Unit.objects.filter(parent=rnd.commune, level=Unit.VILLAGE)
    form = MeetingForm(request.POST, villages=villages)
    if form.is_valid():
        d = form.cleaned_data
        votes = {}
        for key, value in request.POST.items():
            if key.startswith("agree_") and value.strip() != "":
                try:
                    votes[int(key[6:])] = int(value)
                except ValueError:
                    messages.error(request, tr("Số người đồng ý phải là số", "The number agreeing must be a number"))
                    return redirect("round", pk=rnd.pk)
        try:
            village = villages.get(pk=d["village"])
            m = actions.record_meeting(request.user, rnd, village, held_on=d["held_on"], chaired_by=d["chaired_by"],
                                       attendees=d["attendees"], minutes=d["minutes"], votes=votes)
            back = rnd.members.filter(household__village=village, step=RoundHousehold.RETURNED).count()
            name = unit_label(m.village)
            messages.success(request, tr(f"Đã ghi biên bản họp {name}", f"Meeting of {name} recorded")
                             + (tr(f"; {back} hộ phải rà soát lại", f"; {back} households to survey again") if back else ""))
        except ValidationError as e:
            _fail(request, e)
    else:
        messages.error(request, tr("Thông tin cuộc họp chưa đủ: ", "The meeting record is incomplete: ") + "; ".join(
            f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items() if f in form.fields))
    return redirect("round", pk=rnd.pk)


@login_required
@require_POST
def round_posting(request, pk: int):
    rnd = _round(request, pk)
    require(request.user, "round_complaint" if "complainant" in request.POST else "round_post", rnd.commune)
    try:
        if "complainant" in request.POST:
            form = ComplaintForm(request.POST)
            if not form.is_valid():
                raise ValidationError(tr("Thông tin khiếu nại chưa đủ", "The complaint is incomplete"))
            d = form.cleaned_data
            hh = Household.objects.for_user(request.user).filter(code=d["code"].strip()).first()
            if hh is None:
                raise ValidationError(tr(f"Không tìm thấy hộ có mã {d['code']}", f"No household with code {d['code']}"))
            actions.record_complaint(request.user, rnd, hh, received_on=d["received_on"],
                                     complainant=d["complainant"], content=d["content"])
            messages.success(request, tr(f"Đã ghi nhận khiếu nại về hộ {hh.code}", f"Complaint about household {hh.code} recorded"))
        else:
            form = PostingForm(request.POST)
            if not form.is_valid():
                raise ValidationError(tr("Cần ngày niêm yết và nơi niêm yết", "The posting date and place are needed"))
            actions.post_lists(request.user, rnd, posted_from=form.cleaned_data["posted_from"],
                               places=form.cleaned_data["places"])
            messages.success(request, tr("Đã niêm yết danh sách", "Lists posted"))
    except ValidationError as e:
        _fail(request, e)
    return redirect("round", pk=rnd.pk)


@login_required
@require_POST
def round_resolve(request, pk: int, cid: int):
    rnd = _round(request, pk)
    require(request.user, "round_resolve", rnd.commune)
    complaint = get_object_or_404(rnd.complaints, pk=cid)
    form = ResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(tr("Cần kết quả và nội dung giải quyết", "The outcome and the resolution are needed"))
        d = form.cleaned_data
        recheck = None
        if d["outcome"] == Complaint.UPHELD and d["income"] is not None:
            prev = complaint.household.assessments.filter(year=rnd.year, is_current=True, kind=rnd.kind).first()
            std = standard_for_year(rnd.year)
            recheck = {"income": d["income"], "deprived": prev.deprived_codes(std) if prev else []}
        actions.resolve_complaint(request.user, complaint, outcome=d["outcome"], resolution=d["resolution"],
                                  recheck=recheck)
        messages.success(request, tr("Đã giải quyết khiếu nại", "Complaint resolved"))
    except ValidationError as e:
        _fail(request, e)
    return redirect("round", pk=rnd.pk)


@login_required
@require_POST
def round_recognise(request, pk: int):
    rnd = _round(request, pk)
    require(request.user, "round_recognise", rnd.commune)
    form = RecogniseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(tr("Cần số, ngày quyết định và người ký", "The decision number, date and signatory are needed"))
        actions.recognise(request.user, rnd, **form.cleaned_data)
        messages.success(request, tr(f"Đã công nhận kết quả rà soát theo quyết định {rnd.decision_no}",
                                      f"Results recognised by decision {rnd.decision_no}"))
    except ValidationError as e:
        _fail(request, e)
    return redirect("round", pk=rnd.pk)


@login_required
def movements_page(request, unit: int):
    u = unit_for_user(request.user, unit)
    years = sorted(available_years(request.user))
    try:
        y2 = int(request.GET.get("to") or (years[-1] if years else date.today().year))
        y1 = int(request.GET.get("from") or y2 - 1)
    except ValueError:
        y2, y1 = years[-1], years[-1] - 1
    r = unit_movements(request.user, u, y1, y2)
    show = request.GET.get("list")
    listing = page = None
    if show in MOVEMENTS:       # every household of the movement, 100 a page in village and code order
        from chungtay.prepared.paging import VillagePaginator

        from .movements import movement_households
        page = VillagePaginator(movement_households(request.user, u, r, show), 100).get_page(request.GET.get("page"))
        listing = list(page.object_list)
        labels_for([h.village for h in listing])  # every row's village label in one look-up
    peak = max([r.counts[m] for m in HEADLINE] + [1])
    return render(request, "reviews/movements.html", {
        "unit": u, "r": r, "years": years, "y1": y1, "y2": y2, "headline": [(m, MOVEMENTS[m], r.counts[m],
                                                                           100 * r.counts[m] / peak) for m in HEADLINE],
        "all": [(m, MOVEMENTS[m], r.counts[m]) for m in MOVEMENTS], "states": STATES,
        "state_names": {**{c: n for c, n in CATEGORY_NAMES.items()}, "none": ("Không có / ra khỏi địa bàn",
                                                                              "Not present")},
        "show": show if page is not None else None, "listing": listing or [], "page": page, "show_name": MOVEMENTS.get(show),
        "status": year_status(request.user, u, y2),    # the later year may still be provisional
    })
