"""Pages for partners, pairings and pledges (reads scoped, writes through people.*)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chungtay.accounts.access import scope_for, unit_for_user
from chungtay.accounts.models import Assignment
from chungtay.accounts.roles import can, require
from chungtay.households.models import Household
from chungtay.i18n import tr
from chungtay.units.models import Unit
from chungtay.core import fmt

from . import people
from .forms import EndPairingForm, PairingForm, PartnerForm, PledgeForm
from .queries import acting_units, pairings_for, partner_choices, partners_for, pledges_for
from .views import _int, form_errors


@login_required
def partners(request):
    units = acting_units(request.user, "partner_manage")
    if request.method == "POST":
        require(request.user, "partner_manage")
    form = PartnerForm(request.POST or None, units=units) if units else None
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            unit = unit_for_user(request.user, cd.pop("unit"))
            people.create_partner(request.user, unit=unit, **cd)
        except ValidationError as e:
            form_errors(form, e)
        except (PermissionDenied, Http404):
            form.add_error("unit", tr("Đơn vị nằm ngoài địa bàn được giao", "The unit is outside your area"))
        else:
            messages.success(request, tr("Đã đăng ký tổ chức", "Partner registered"))
            return redirect("support:partners")
    qs = sorted(partners_for(request.user).select_related("unit"), key=lambda p: fmt.sort_key(p.name))   # "Đ" after "D"
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "support/partners.html", {"page": page, "form": form})


def _helpers(user, units):
    """Partners of the area and the officers working in it (province, commune, village heads)."""
    out = partner_choices(user)
    ids = {u.id for u in units}
    ids |= set(Unit.objects.filter(parent_id__in=ids).values_list("id", flat=True))     # one query, not one a unit
    officers = (get_user_model().objects.filter(is_active=True, assignments__unit_id__in=ids)
                .exclude(assignments__role=Assignment.ROLES[0][0]).distinct().order_by("username")[:300])
    out += [(f"o{o.id}", f"{o.get_full_name() or o.username} ({tr('cán bộ', 'officer')})") for o in officers]
    return out


def _villages(user, units):
    vs = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.VILLAGE).select_related("parent")
    scope = scope_for(user)
    if not scope.everything:
        from django.db.models import Q
        vs = vs.filter(Q(parent_id__in=scope.commune_ids) | Q(parent__parent_id__in=scope.province_ids))
    return list(vs.order_by("parent__sort_name", "sort_name")[:3000])


@login_required
def pairings(request):
    units = acting_units(request.user, "pairing_record")
    if request.method == "POST":
        require(request.user, "pairing_record")
    initial = {}
    if request.GET.get("household"):
        hh = Household.objects.for_user(request.user).filter(pk=_int(request.GET["household"])).first()
        if hh is not None:
            initial["household_code"] = hh.code
    form = PairingForm(request.POST or None, helpers=_helpers(request.user, units), initial=initial,
                       villages=_villages(request.user, units)) if units else None
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        helper = cd["helper"]
        partner = partners_for(request.user).filter(pk=_int(helper[1:])).first() if helper.startswith("p") else None
        officer = get_user_model().objects.filter(pk=_int(helper[1:])).first() if helper.startswith("o") else None
        household = village = None
        if cd["household_code"]:
            household = Household.objects.for_user(request.user).filter(code=cd["household_code"].strip()).first()
            if household is None:
                form.add_error("household_code", tr("Không có hộ mã này trong địa bàn", "No such household in your area"))
        elif cd["village"]:
            village = Unit.objects.filter(pk=cd["village"], level=Unit.VILLAGE).first()
        if not form.errors:
            try:
                people.create_pairing(request.user, partner=partner, officer=officer, household=household,
                                      village=village, start_date=cd["start_date"], end_date=cd["end_date"],
                                      commitments=cd["commitments"], document_no=cd["document_no"])
            except ValidationError as e:
                form_errors(form, e)
            except PermissionDenied as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, tr("Đã ghi phân công giúp đỡ", "Pairing recorded"))
                return redirect("support:pairings")
    qs = pairings_for(request.user).select_related("partner", "officer", "household", "village", "commune")
    page = Paginator(qs.order_by("-start_date", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "support/pairings.html", {"page": page, "form": form, "end_form": EndPairingForm()})


@login_required
@require_POST
def pairing_end(request, pk: int):
    p = get_object_or_404(pairings_for(request.user), pk=pk)
    require(request.user, "pairing_record", p.village)
    form = EndPairingForm(request.POST)
    if not form.is_valid():
        messages.error(request, tr("Cần ngày và lý do kết thúc", "Give the date and the reason"))
        return redirect("support:pairings")
    try:
        people.end_pairing(request.user, p, **form.cleaned_data)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, tr("Đã ghi kết thúc phân công", "Pairing ended"))
    return redirect("support:pairings")


@login_required
def pledges(request):
    may = can(request.user, "pledge_record")
    if request.method == "POST":
        require(request.user, "pledge_record")
    initial = {}
    if request.GET.get("household"):
        hh = Household.objects.for_user(request.user).filter(pk=_int(request.GET["household"])).first()
        if hh is not None:
            initial["household_code"] = hh.code
    form = PledgeForm(request.POST or None, initial=initial) if may else None
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        hh = Household.objects.for_user(request.user).filter(code=cd.pop("household_code").strip()).first()
        if hh is None:
            form.add_error("household_code", tr("Không có hộ mã này trong địa bàn", "No such household in your area"))
        else:
            try:
                people.record_pledge(request.user, hh, **cd)
            except ValidationError as e:
                form_errors(form, e)
            except PermissionDenied as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, tr("Đã ghi đăng ký thoát nghèo", "Pledge recorded"))
                return redirect("support:pledges")
    qs = pledges_for(request.user).select_related("household", "village")
    year = _int(request.GET.get("year"))
    if request.GET.get("year") and (year is None or not 2000 <= year <= 2100):
        raise Http404
    if year:
        qs = qs.filter(year=year)
    page = Paginator(qs.order_by("-year", "village__sort_name", "household__code"), 50).get_page(request.GET.get("page"))
    outs = people.outcomes(page.object_list)
    counts = {}
    return render(request, "support/pledges.html", {
        "page": page, "rows": [(p, outs[p.pk]) for p in page.object_list], "form": form, "year": year,
        "outcome_names": people.OUTCOME_NAMES, "counts": counts})
