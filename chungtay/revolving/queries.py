"""Scoped reads of the revolving models, and the figures the pages show (computed by the pure
core from the effective events)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from chungtay.accounts.access import scope_for
from chungtay.accounts.roles import can
from chungtay.core import revolving as core
from chungtay.households.models import Household
from chungtay.units.models import Unit

from .actions import core_events, effective_events, rule_of
from .models import Asset, Event, PlannedHousehold, RevolvingModel


def models_for(user):
    return RevolvingModel.objects.for_user(user)


def managing_communes(user) -> list[Unit]:
    """The communes where the user may set up a model."""
    out = []
    for u in scope_for(user).top_units():
        if u.level == Unit.PROVINCE and can(user, "revolving_manage", u):
            out += list(Unit.objects.filter(parent=u, level=Unit.COMMUNE, system=Unit.SYSTEM_2025).order_by("sort_name"))
        elif u.level == Unit.COMMUNE and can(user, "revolving_manage", u):
            out.append(u)
    return out


@dataclass
class State:
    model: RevolvingModel
    rows: list                      # effective Event rows
    events: list                    # core events
    health: core.Health
    obligations: list = field(default_factory=list)
    holdings: list = field(default_factory=list)
    states: dict = field(default_factory=dict)


def state_of(model: RevolvingModel, today: dt.date | None = None) -> State:
    today = today or dt.date.today()
    rows = effective_events(model)
    events = core_events(rows)
    rule = rule_of(model)
    values = dict(Asset.objects.filter(model=model).values_list("id", "value_vnd"))
    planned = list(PlannedHousehold.objects.filter(model=model).values_list("household_id", flat=True))
    return State(model, rows, events, core.health(events, rule, planned, today, values),
                 core.obligations(events, rule, today), core.holdings(events, rule), core.asset_states(events))


def household_holdings(user, hh: Household, today: dt.date | None = None) -> list[dict]:
    """The revolving holdings of one household (models of the user's area): asset, model, from,
    to, due date and the obligation's state."""
    today = today or dt.date.today()
    ids = set(Event.objects.filter(to_household=hh).values_list("model_id", flat=True))
    ids |= set(PlannedHousehold.objects.filter(household=hh).values_list("model_id", flat=True))
    out = []
    for m in models_for(user).filter(pk__in=ids).select_related("commune"):
        st = state_of(m, today)
        codes = dict(Asset.objects.filter(model=m).values_list("id", "code"))
        obl = {(o.household, o.asset, o.start): o for o in st.obligations}
        held = [h for h in st.holdings if h.household == hh.pk]
        for h in held:
            o = obl.get((h.household, h.asset, h.start))
            out.append({"model": m, "asset": codes.get(h.asset, "?"), "start": h.start, "end": h.end,
                        "end_reason": h.end_reason, "due": h.due, "state": o.state if o else "",
                        "generation": h.generation})
        if not held:
            pos = PlannedHousehold.objects.filter(model=m, household=hh).values_list("position", flat=True).first()
            out.append({"model": m, "asset": "", "planned_position": pos, "start": None, "end": None,
                        "end_reason": "", "due": None, "state": "planned", "generation": None})
    return out
