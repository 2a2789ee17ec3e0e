"""Great Unity houses of the Fund for the Poor (issue 11 §3): the fund's houses, starting one for
a household of the area, one house with its stages, contributions and audit, moving it to its next
stage up to the handover, and a further contribution (or a correction) of the state, the
community or the household.

Reads: the house's fund among ``Fund.objects.for_user`` and its household among
``Household.objects.for_user`` (else 404). Writes: ``actions`` (the Front committee of the fund's own
unit, else 403), which write the audit the house page shows."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from chungtay.accounts.models import AuditEvent
from chungtay.households.models import Household
from chungtay.i18n import tr

from . import actions, forms_houses
from .models import Disbursement, HouseProject
from .views import _errors, _fund, _may, _pk

SOURCES = [k for k, _, _ in actions.HOUSE_SOURCES]
STAGE_NAMES = {k: tr(vi, en) for k, vi, en in HouseProject.STAGES}


def _houses(user):
    return HouseProject.objects.for_user(user).filter(household__in=Household.objects.for_user(user))


def _house(request, pk) -> HouseProject:
    h = _houses(request.user).select_related("fund__unit", "household__village", "disbursement__txn").filter(
        pk=_pk(pk)).first() if _pk(pk) else None
    if h is None:
        raise Http404("Không tìm thấy nhà Đại đoàn kết")
    return h


def _payments(fund, household=None):
    """The fund's house payments not reversed and not linked to a house (newest first)."""
    qs = (Disbursement.objects.filter(fund=fund, purpose="house", txn__reversal__isnull=True)
          .exclude(pk__in=HouseProject.objects.filter(disbursement__isnull=False).values("disbursement_id"))
          .select_related("household"))
    return qs.filter(household=household) if household is not None else qs


@login_required
def houses(request, pk):
    """The fund's houses (of the households the user reads), the newest first."""
    fund = _fund(request, pk)
    qs = _houses(request.user).filter(fund=fund).select_related("household__village")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for h in page:
        h.stage_day = _day((h.stage_dates or {}).get(h.stage))
    return render(request, "fund/houses.html", {"fund": fund, "page": page, "stage_names": STAGE_NAMES,
                                                "may_manage": _may(request.user, "fund_manage", fund)})


@login_required
def house_new(request, pk):
    """Start a house for a household of the fund's area (by its code, inside the user's area)."""
    fund = _fund(request, pk)
    actions.require_fund(request.user, "fund_manage", fund)
    payments = list(_payments(fund)[:200])
    form = forms_houses.HouseForm(request.POST or None, payments=payments,
                                  initial={"household": request.GET.get("household", "")[:40]})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            hh = actions.household_for(request.user, fund, cd["household"])
            paid = _payments(fund).filter(pk=_pk(cd["disbursement"])).first() if cd["disbursement"] else None
            if cd["disbursement"] and paid is None:
                raise ValidationError({"disbursement": tr("Khoản chi không còn để chọn", "This payment cannot be chosen")})
            fund_vnd = cd["fund_vnd"] if cd["fund_vnd"] is not None else (paid.amount_vnd if paid else 0)
            h = actions.create_house(request.user, fund, household=hh, disbursement=paid, fund_vnd=fund_vnd,
                                     state_vnd=cd["state_vnd"] or 0, community_vnd=cd["community_vnd"] or 0,
                                     household_vnd=cd["household_vnd"] or 0)
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, tr(f"Đã ghi nhà Đại đoàn kết của hộ {h.household.code}",
                                         f"House of household {h.household.code} recorded"))
            return redirect("fund:house", pk=h.pk)
    return render(request, "fund/house_form.html", {
        "fund": fund, "form": form, "title": tr("Khởi tạo nhà Đại đoàn kết", "Start a Great Unity house"),
        "back": ("fund:houses", fund.pk)})


def _day(value):
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _history(house: HouseProject) -> list[dict]:
    """The house's audit, oldest first: when, who, what (stage, contribution) and its note."""
    names = STAGE_NAMES
    sources = {k: tr(vi, en) for k, vi, en in actions.HOUSE_SOURCES}
    out = []
    for e in (AuditEvent.objects.filter(object_type="houseproject", object_id=str(house.pk))
              .select_related("actor").order_by("at", "id")):
        c = e.changes if isinstance(e.changes, dict) else {}
        row = {"at": e.at, "who": (e.actor.get_full_name() or e.actor.username) if e.actor_id else "–",
               "action": e.action, "note": str(c.get("note") or ""), "date": _day(c.get("date"))}
        if e.action == "fund.house_stage":
            row["stage"] = names.get(c.get("stage"), str(c.get("stage")))
            row["from"] = names.get(c.get("from")) if c.get("from") else None
        elif e.action == "fund.house_contribution":
            row["source"] = sources.get(c.get("source"), str(c.get("source")))
            row["amount"] = c.get("amount_vnd") if isinstance(c.get("amount_vnd"), int) else 0
        elif e.action == "fund.house":
            row["amount"] = c.get("total_vnd") if isinstance(c.get("total_vnd"), int) else 0
        out.append(row)
    return out


def _contributions(house: HouseProject) -> list[dict]:
    """Per source, from the house's contributions (``HouseContribution``): known when the house was
    recorded, the later entries (added less corrected), and the total now."""
    start, later = {k: 0 for k in SOURCES}, {k: 0 for k in SOURCES}
    for src, at_start, amount in house.contributions.values_list("source", "at_start", "amount_vnd"):
        if src in start:
            (start if at_start else later)[src] += amount
    return [{"source": tr(vi, en), "start": start[k], "later": later[k], "total": getattr(house, f"{k}_vnd")}
            for k, vi, en in actions.HOUSE_SOURCES]


@login_required
def house(request, pk):
    h = _house(request, pk)
    stages = [{"key": k, "name": tr(vi, en), "date": _day((h.stage_dates or {}).get(k)), "current": k == h.stage,
               "done": HouseProject.STAGE_ORDER.index(k) <= HouseProject.STAGE_ORDER.index(h.stage)}
              for k, vi, en in HouseProject.STAGES] if h.stage in HouseProject.STAGE_ORDER else []
    payments = Disbursement.objects.filter(fund=h.fund, household=h.household, purpose="house").select_related(
        "txn__reversal").order_by("date", "id")
    return render(request, "fund/house.html", {
        "fund": h.fund, "house": h, "stages": stages, "rows": _contributions(h), "history": _history(h),
        "payments": payments, "may_manage": _may(request.user, "fund_manage", h.fund),
        "handed_over": h.stage == HouseProject.STAGE_ORDER[-1]})


@login_required
def house_advance(request, pk):
    """Move the house to its next stage (or a later one), up to the handover."""
    h = _house(request, pk)
    actions.require_fund(request.user, "fund_manage", h.fund)
    form = forms_houses.HouseStageForm(request.POST or None, house=h)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            h = actions.advance_house(request.user, h, stage=cd["stage"], date=cd["date"], note=cd["note"])
        except ValidationError as e:
            _errors(form, e)
        else:
            vi, en = next((vi, en) for k, vi, en in HouseProject.STAGES if k == h.stage)
            messages.success(request, tr(f"Nhà hộ {h.household.code} đã chuyển sang giai đoạn: {vi}",
                                         f"House of household {h.household.code} moved to: {en}"))
            return redirect("fund:house", pk=h.pk)
    return render(request, "fund/house_form.html", {
        "fund": h.fund, "house": h, "form": form, "stage_names": STAGE_NAMES, "done": h.stage == HouseProject.STAGE_ORDER[-1],
        "title": tr(f"Chuyển giai đoạn — nhà hộ {h.household.code}", f"Next stage — house of {h.household.code}"),
        "back": ("fund:house", h.pk)})


@login_required
def house_contribution(request, pk):
    """A further contribution of the state, the community or the household, or a correction down."""
    h = _house(request, pk)
    actions.require_fund(request.user, "fund_manage", h.fund)
    form = forms_houses.HouseContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            h = actions.add_house_contribution(request.user, h, source=cd["source"], amount_vnd=cd["amount_vnd"],
                                               date=cd["date"], note=cd["note"], correction=cd["kind"] == "correction")
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, tr("Đã ghi khoản đóng góp", "Contribution recorded"))
            return redirect("fund:house", pk=h.pk)
    return render(request, "fund/house_form.html", {
        "fund": h.fund, "house": h, "form": form, "stage_names": STAGE_NAMES,
        "title": tr(f"Ghi đóng góp — nhà hộ {h.household.code}", f"Record a contribution — house of {h.household.code}"),
        "back": ("fund:house", h.pk)})
