"""Pages of the support ledger: the catalogue, the ledger list, one support (with its
versions, correction and cancellation), recording for one household and a distribution, and
the evidence files. Thin: reads through queries.*_for(user), writes through actions."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chungtay.accounts.access import unit_for_user
from chungtay.accounts.roles import can, require
from chungtay.households.models import Household
from chungtay.i18n import tr
from chungtay.units.models import Unit
from chungtay.web.forms import form_errors

from . import actions
from . import evidence as ev_store
from .forms import CancelForm, CorrectionForm, DistributionForm, SupportForm
from .models import KINDS, STATUSES, Evidence, FundingSource, ProgrammePart, Support
from .queries import acting_units, distributions_for, partner_choices, partners_for, supports_for, unit_filter


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _providers(user, hh: Household | None = None, units=()):
    out = []
    if hh is not None:
        out += [(f"u{hh.commune_id}", hh.commune.full_name), (f"u{hh.province_id}", hh.province.full_name)]
    out += [(f"u{u.id}", u.full_name) for u in units if f"u{u.id}" not in {c for c, _ in out}]
    out += partner_choices(user)
    return out


def _facts(cd: dict, user, member=None, evidence=None) -> actions.Facts:
    prov = cd["provider"]
    unit = partner = None
    if prov.startswith("u"):
        unit = Unit.objects.filter(pk=_int(prov[1:])).first()
    elif prov.startswith("p"):
        partner = partners_for(user).filter(pk=_int(prov[1:])).first()
    part = ProgrammePart.objects.filter(code=cd["part"]).first()
    return actions.Facts(part=part, kind=cd["kind"], quantity=cd["quantity"], unit_of_measure=cd["unit_of_measure"],
                         value_vnd=cd["value_vnd"], date=cd["date"], status=cd["status"], funding=cd["funding"],
                         member=member, description=cd.get("description", ""), provider_unit=unit,
                         provider_partner=partner, document_no=cd.get("document_no", ""), evidence=evidence)


@login_required
def catalogue(request):
    parts = list(ProgrammePart.objects.filter(in_catalogue=True).order_by("position"))
    programmes = [p for p in parts if p.level == ProgrammePart.PROGRAMME]
    children = {}
    for p in parts:
        if p.parent_id:
            children.setdefault(p.parent_id, []).append(p)
    return render(request, "support/catalogue.html", {
        "programmes": [(p, [(c, children.get(c.id, [])) for c in children.get(p.id, [])]) for p in programmes],
        "sources": FundingSource.objects.all()})


@login_required
def ledger(request):
    """The supports of the user's area with filters (unit, year, programme, kind, status), paged."""
    qs = supports_for(request.user).filter(is_current=True)
    unit = None
    if request.GET.get("unit"):
        pk = _int(request.GET["unit"])
        if pk is None:
            raise Http404
        unit = unit_for_user(request.user, pk)
        qs = qs.filter(**unit_filter(unit))
    year = _int(request.GET.get("year"))
    if request.GET.get("year") and (year is None or not 2000 <= year <= 2100):
        raise Http404
    if year:
        qs = qs.filter(year=year)
    programme = (request.GET.get("programme") or "")[:60]
    if programme:
        qs = qs.filter(part__code__startswith=programme)
    kind = request.GET.get("kind") if request.GET.get("kind") in {k for k, *_ in KINDS} else ""
    if kind:
        qs = qs.filter(kind=kind)
    status = request.GET.get("status") if request.GET.get("status") in {k for k, *_ in STATUSES} else ""
    if status:
        qs = qs.filter(status=status)
    qs = qs.select_related("household", "part", "village", "provider_unit", "provider_partner").order_by("-date", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    totals = {"count": page.paginator.count}
    return render(request, "support/ledger.html", {
        "page": page, "unit": unit, "year": year, "programme": programme, "kind": kind, "status": status,
        "kinds": KINDS, "statuses": STATUSES, "totals": totals,
        "programmes": ProgrammePart.objects.filter(in_catalogue=True).exclude(level="subproject").order_by("position"),
        "units": [u for u in _filter_units(request.user)], "may_record": can(request.user, "support_record")})


def _filter_units(user):
    from chungtay.accounts.access import scope_for
    scope = scope_for(user)
    tops = scope.top_units()
    out = list(tops)
    for u in tops:
        if u.level in (Unit.PROVINCE, Unit.COMMUNE):
            out += list(Unit.objects.filter(parent=u, system=Unit.SYSTEM_2025).order_by("sort_name")[:400])
    return out


@login_required
def support_new(request, household: int):
    hh = get_object_or_404(Household.objects.for_user(request.user).select_related("village", "commune", "province"),
                           pk=household)
    require(request.user, "support_record", hh.village)
    members = list(hh.members.all())
    form = SupportForm(request.POST or None, request.FILES or None, providers=_providers(request.user, hh),
                       members=members, initial={"quantity": "1", "status": "delivered",
                                                 "provider": f"u{hh.commune_id}"})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        member = next((m for m in members if str(m.pk) == cd["member"]), None)
        stored = None
        try:
            with transaction.atomic():
                if cd.get("evidence"):
                    stored = ev_store.store(request.user, hh, cd["evidence"])
                s = actions.record_support(request.user, hh, _facts(cd, request.user, member, stored))
        except ValidationError as e:
            ev_store.discard(stored)
            form_errors(form, e)
        else:
            messages.success(request, tr("Đã ghi hỗ trợ", "Support recorded"))
            return redirect("support:detail", pk=s.entry_id)
    return render(request, "support/form.html", {"form": form, "hh": hh, "multipart": True,
                                                 "title": (tr("Ghi hỗ trợ cho hộ", "Record a support"))})


def _entry(request, pk: int) -> Support:
    if not 0 < pk < 2 ** 63:          # a foreign-key lookup is not bounded by Django as a pk lookup is
        raise Http404
    return get_object_or_404(supports_for(request.user).select_related(
        "household__village", "household__commune", "household__province", "part", "provider_unit", "provider_partner",
        "member", "evidence"), entry_id=pk, is_current=True)


@login_required
def support_detail(request, pk: int):
    s = _entry(request, pk)
    versions = list(Support.objects.filter(entry_id=pk).select_related("part", "recorded_by", "provider_unit",
                                                                        "provider_partner").prefetch_related(
        "funding__source").order_by("-version"))
    nobody = get_user_model()(username="")     # a version recorded by no user (the demo, a load): the page shows "–"
    for v in versions:
        if v.recorded_by is None:
            v.recorded_by = nobody
    may = can(request.user, "support_record", s.household.village) and s.status != "cancelled"
    return render(request, "support/detail.html", {"s": s, "versions": versions, "may_change": may,
                                                   "distribution": s.entry.distribution,
                                                   "cancel_form": CancelForm() if may else None})


@login_required
def support_correct(request, pk: int):
    s = _entry(request, pk)
    hh = s.household
    require(request.user, "support_record", hh.village)
    members = list(hh.members.all())
    f = actions.facts_of(s)
    initial = {"part": s.part.code, "kind": s.kind, "description": s.description, "quantity": f"{s.quantity.normalize():f}",
               "unit_of_measure": s.unit_of_measure, "value_vnd": str(s.value_vnd), "date": s.date,
               "status": s.status, "document_no": s.document_no, "member": str(s.member_id or ""),
               "funding": "; ".join(f"{c} {n}%" for c, n, _ in f.funding),
               "provider": f"p{s.provider_partner_id}" if s.provider_partner_id else f"u{s.provider_unit_id}"}
    form = CorrectionForm(request.POST or None, request.FILES or None,
                          providers=_providers(request.user, hh, [s.provider_unit] if s.provider_unit else []),
                          members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        member = next((m for m in members if str(m.pk) == cd["member"]), None)
        stored = None
        try:
            with transaction.atomic():
                if cd.get("evidence"):
                    stored = ev_store.store(request.user, hh, cd["evidence"])
                new = actions.correct_support(request.user, s, _facts(cd, request.user, member, stored or s.evidence),
                                              reason=cd["reason"])
        except ValidationError as e:
            ev_store.discard(stored)
            form_errors(form, e)
        else:
            messages.success(request, tr(f"Đã ghi phiên bản {new.version}", f"Version {new.version} recorded"))
            return redirect("support:detail", pk=pk)
    return render(request, "support/form.html", {"form": form, "hh": hh, "multipart": True,
                                                 "title": tr(f"Sửa hỗ trợ (ghi phiên bản {s.version + 1})",
                                                             f"Correct the support (as version {s.version + 1})")})


@login_required
@require_POST
def support_cancel(request, pk: int):
    s = _entry(request, pk)
    require(request.user, "support_record", s.household.village)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, tr("Cần ghi lý do thu hồi / hủy", "Give the reason"))
        return redirect("support:detail", pk=pk)
    try:
        actions.cancel_support(request.user, s, reason=form.cleaned_data["reason"])
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, tr("Đã ghi thu hồi / hủy (phiên bản mới)", "Cancellation recorded (a new version)"))
    return redirect("support:detail", pk=pk)


@login_required
def distribution_new(request):
    require(request.user, "support_record")
    units = acting_units(request.user, "support_record")
    form = DistributionForm(request.POST or None, units=units, providers=_providers(request.user, None, units),
                            initial={"quantity": "1", "status": "delivered",
                                     "provider": f"u{units[0].id}" if units else ""})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            unit = unit_for_user(request.user, cd["unit"])
            d = actions.record_distribution(request.user, unit=unit, decision_no=cd["decision_no"],
                                            decision_date=cd["decision_date"], title=cd["title"], codes=cd["codes"],
                                            facts=_facts(cd, request.user))
        except ValidationError as e:
            form_errors(form, e)
        except (PermissionDenied, Http404):
            form.add_error("unit", tr("Đơn vị nằm ngoài địa bàn được giao", "The unit is outside your area"))
        else:
            messages.success(request, tr(f"Đã ghi đợt cấp phát cho {d.households} hộ",
                                         f"Distribution recorded for {d.households} households"))
            return redirect("support:distribution", pk=d.pk)
    return render(request, "support/form.html", {"form": form, "title": tr("Ghi đợt cấp phát (một quyết định, nhiều hộ)",
                                                                          "Record a distribution (one decision, many households)")})


@login_required
def distribution_page(request, pk: int):
    d = get_object_or_404(distributions_for(request.user).select_related("unit"), pk=pk)
    rows = (supports_for(request.user).filter(entry__distribution=d, is_current=True)
            .select_related("household", "village", "part").order_by("village__sort_name", "household__code"))
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "support/distribution.html", {"d": d, "page": page})


@login_required
def distributions(request):
    qs = distributions_for(request.user).select_related("unit").order_by("-decision_date", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "support/distributions.html", {"page": page,
                                                          "may_record": can(request.user, "support_record")})


@login_required
def evidence_file(request, pk: int):
    ev = get_object_or_404(Evidence.objects.for_user(request.user), pk=pk)
    path = ev_store.path_of(ev)
    if not path.is_file():
        raise Http404
    resp = FileResponse(open(path, "rb"), content_type=ev.content_type)
    ext = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(ev.content_type, "bin")
    resp["Content-Disposition"] = f'inline; filename="minh-chung-{ev.pk}.{ext}"'
    resp["Cache-Control"] = "private, no-store"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp
