"""Pages of the revolving models: the list of the user's area (health, overdue), setting up a
model, one model (chain of generations, planned vs reached, overdue alerts, assets with their
holders, events) with the forms for an asset and for the events. Thin: reads through
queries, writes through actions."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chungtay.accounts.roles import can, require
from chungtay.core import revolving as core
from chungtay.households.models import Household
from chungtay.i18n import tr
from chungtay.support.models import SupportEntry
from chungtay.web.forms import form_errors

from . import actions
from .forms import EVENT_FORMS, AssetForm, ModelForm, PlanForm, VoidForm
from .models import EVENT_NAMES, Asset, Event, PlannedHousehold
from .queries import managing_communes, models_for, state_of


@login_required
def model_list(request):
    today = dt.date.today()
    rows = []
    for m in models_for(request.user).select_related("commune")[:300]:
        rows.append((m, state_of(m, today).health))
    return render(request, "revolving/list.html", {
        "rows": rows, "overdue": sum(h.overdue for _, h in rows),
        "may_manage": bool(managing_communes(request.user))})


@login_required
def model_new(request):
    require(request.user, "revolving_manage")
    communes = managing_communes(request.user)
    form = ModelForm(request.POST or None, communes=communes,
                     initial={"start_date": dt.date.today(), "rule_type": "offspring", "months": 24})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        commune = next(u for u in communes if str(u.pk) == cd["commune"])
        entry = None
        if cd.get("support_entry"):
            entry = SupportEntry.objects.filter(pk=cd["support_entry"], household__commune=commune).first()
            if entry is None:
                form.add_error("support_entry", tr("Không có hỗ trợ số này trong xã", "No such support in the commune"))
        if not form.errors:
            try:
                m = actions.create_model(request.user, commune=commune, code=cd["code"], name=cd["name"],
                                         kind=cd["kind"], rule_type=cd["rule_type"], months=cd["months"],
                                         start_date=cd["start_date"], planned=(cd["planned"] or "").split(),
                                         support_entry=entry, description=cd["description"], rule_note=cd["rule_note"])
            except ValidationError as e:
                form_errors(form, e)
            else:
                messages.success(request, tr("Đã lập mô hình", "The model is set up"))
                return redirect("revolving:detail", m.pk)
    return render(request, "revolving/new.html", {"form": form})


def _model(request, pk):
    return get_object_or_404(models_for(request.user).select_related("commune", "province", "support_entry"), pk=pk)


def _alive_assets(model, st):
    return [a for a in Asset.objects.filter(model=model) if st.states.get(a.pk) == "alive"]


def _page(request, model, forms=None, status=200):
    today = dt.date.today()
    st = state_of(model, today)
    forms = forms or {}
    assets = list(Asset.objects.filter(model=model).select_related("parent"))
    ids = {h.household for h in st.holdings} | set(PlannedHousehold.objects.filter(model=model)
                                                    .values_list("household_id", flat=True))
    hhs = {h.pk: h for h in Household.objects.filter(pk__in=ids).select_related("village")}
    visible = set(Household.objects.for_user(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    for h in hhs.values():
        # a household outside the user's area shows its code only (never saved: a display copy)
        h.hidden = h.pk not in visible
        if h.hidden:
            h.head_name = ""
    codes = {a.pk: a.code for a in assets}
    gen, _tree = core.generations(st.events)
    chain = [{"depth": d, "hh": hhs.get(h), "giver": hhs.get(g), "generation": gen.get(h),
              "indent": d * 24} for d, h, g in core.chain_rows(st.events)]
    planned = list(PlannedHousehold.objects.filter(model=model))
    reach = core.reach([p.household_id for p in planned], list(gen))
    holders = {}
    for h in st.holdings:
        holders.setdefault(h.asset, []).append({"hh": hhs.get(h.household), "start": h.start, "end": h.end,
                                                "end_reason": h.end_reason, "due": h.due, "generation": h.generation})
    obligations = [{"hh": hhs.get(o.household), "asset": codes.get(o.asset), "start": o.start, "due": o.due,
                    "fulfilled_on": o.fulfilled_on, "state": o.state, "days": (today - o.due).days}
                   for o in st.obligations]
    alive = [a for a in assets if st.states.get(a.pk) == "alive"]
    all_events = list(Event.objects.filter(model=model).select_related(
        "asset", "new_asset", "from_household", "to_household", "voids", "recorded_by").order_by("-date", "-id"))
    voided = {e.voids_id for e in all_events if e.voids_id}
    latest = {}
    for e in sorted((e for e in st.rows), key=lambda e: (e.date, e.pk)):
        for a in (e.asset_id, e.new_asset_id):
            if a:
                latest[a] = e.pk
    user = request.user
    may_manage = can(user, "revolving_manage", model.commune)
    may_event = can(user, "revolving_event", model.commune, inside=True)
    def _here(e):
        place = hhs.get(e.from_household_id or e.to_household_id)
        return place is not None and not place.hidden

    holder = {h.asset: hhs.get(h.household) for h in st.holdings if h.end is None}
    alive = [a for a in alive if holder.get(a.pk) is not None and not holder[a.pk].hidden]
    ctx = {"m": model, "st": st, "h": st.health, "rule": actions.rule_of(model), "chain": chain,
           "planned": [(p, hhs.get(p.household_id), p.household_id in set(gen)) for p in planned], "reach": reach,
           "outside_plan": [hhs.get(h) for h in reach.outside_plan],
           "assets": [(a, st.states.get(a.pk, "void"), holders.get(a.pk, [])) for a in assets],
           "obligations": obligations, "overdue": [o for o in obligations if o["state"] == core.OVERDUE],
           "events": [(e, e.pk in voided, e.kind != "void" and e.pk not in voided
                       and all(latest.get(a) == e.pk for a in (e.asset_id, e.new_asset_id) if a)
                       and (may_manage if e.kind == "handover" else may_event and _here(e))) for e in all_events],
           "event_names": EVENT_NAMES, "may_manage": may_manage, "may_event": may_event}
    if may_manage:
        ctx["asset_form"] = forms.get("asset") or AssetForm(initial={"date": today})
        ctx["plan_form"] = forms.get("plan") or PlanForm()
    if may_event and alive:
        for kind, cls in EVENT_FORMS.items():
            if kind == "birth" and model.kind != "livestock":
                continue
            ctx[f"{kind}_form"] = forms.get(kind) or cls(assets=alive, initial={"date": today})
    if may_event or may_manage:
        ctx["void_form"] = forms.get("void") or VoidForm()
    ctx["open_form"] = next(iter(forms), "")
    return render(request, "revolving/detail.html", ctx, status=status)


@login_required
def model_detail(request, pk):
    return _page(request, _model(request, pk))


def _household(model, code):
    code = (code or "").strip()
    if not code:
        return None
    return Household.objects.filter(commune=model.commune, code=code).select_related("village").first()


@login_required
@require_POST
def asset_new(request, pk):
    model = _model(request, pk)
    require(request.user, "revolving_manage", model.commune)
    form = AssetForm(request.POST)
    if form.is_valid():
        cd = form.cleaned_data
        hh = _household(model, cd["household"])
        if hh is None:
            form.add_error("household", tr("Không có hộ này trong xã", "No such household in the commune"))
        else:
            try:
                actions.add_asset(request.user, model, code=cd["code"], value_vnd=cd["value_vnd"], household=hh,
                                  date=cd["date"], sex=cd["sex"], description=cd["description"],
                                  witness=cd["witness"], decision_no=cd["decision_no"])
            except ValidationError as e:
                form_errors(form, e)
            else:
                messages.success(request, tr("Đã thêm tài sản và ghi giao lần đầu", "Asset added and handed over"))
                return redirect("revolving:detail", model.pk)
    return _page(request, model, {"asset": form})


@login_required
@require_POST
def plan_add(request, pk):
    model = _model(request, pk)
    require(request.user, "revolving_manage", model.commune)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            actions.add_planned(request.user, model, form.cleaned_data["planned"].split())
        except ValidationError as e:
            form_errors(form, e)
        else:
            messages.success(request, tr("Đã thêm hộ vào kế hoạch", "Added to the plan"))
            return redirect("revolving:detail", model.pk)
    return _page(request, model, {"plan": form})


@login_required
@require_POST
def event_new(request, pk, kind):
    if kind not in EVENT_FORMS:
        raise Http404
    model = _model(request, pk)
    # the role first (the village is checked again by the action, at the holder's village)
    require(request.user, "revolving_event", model.commune, inside=True)
    st = state_of(model)
    form = EVENT_FORMS[kind](request.POST, assets=_alive_assets(model, st))
    if form.is_valid():
        cd = form.cleaned_data
        asset = Asset.objects.get(model=model, pk=int(cd["asset"]))
        try:
            if kind == "transfer":
                to = _household(model, cd["to_household"])
                if to is None:
                    raise ValidationError({"to_household": tr("Không có hộ này trong xã: mô hình chỉ luân chuyển trong xã",
                                                              "No such household in the commune")})
                actions.record_transfer(request.user, model, asset, to_household=to, date=cd["date"],
                                        witness=cd["witness"], decision_no=cd["decision_no"], note=cd["note"])
            elif kind == "birth":
                actions.record_birth(request.user, model, asset, code=cd["new_code"], sex=cd["sex"],
                                     value_vnd=cd["value_vnd"], date=cd["date"])
            elif kind == "death":
                actions.record_death(request.user, model, asset, date=cd["date"], note=cd["note"])
            else:
                to = _household(model, cd["to_household"])
                if cd["to_household"] and to is None:
                    raise ValidationError({"to_household": tr("Không có hộ này trong xã", "No such household in the commune")})
                actions.record_sale(request.user, model, asset, date=cd["date"], amount_vnd=cd["amount_vnd"],
                                    replacement_code=cd["new_code"], replacement_value=cd["replacement_value"],
                                    replacement_sex=cd["sex"], to_household=to, witness=cd["witness"],
                                    decision_no=cd["decision_no"])
        except ValidationError as e:
            form_errors(form, e)
        else:
            messages.success(request, tr("Đã ghi nhận", "Recorded"))
            return redirect("revolving:detail", model.pk)
    return _page(request, model, {kind: form})


@login_required
@require_POST
def event_void(request, pk, event):
    model = _model(request, pk)
    e = get_object_or_404(Event.objects.select_related("from_household__village", "to_household__village", "model"),
                          model=model, pk=event)
    if not (can(request.user, "revolving_event", model.commune, inside=True)
            or can(request.user, "revolving_manage", model.commune)):
        require(request.user, "revolving_event", model.commune, inside=True)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            actions.void_event(request.user, e, reason=form.cleaned_data["reason"])
        except ValidationError as err:
            form_errors(form, err)
        else:
            messages.success(request, tr("Đã hủy ghi nhận; hãy ghi lại cho đúng nếu cần",
                                         "Voided; record the right event if needed"))
            return redirect("revolving:detail", model.pk)
    return _page(request, model, {"void": form})
