"""Revolving models (luân chuyển), the pure part: holders over time, obligations, the chain of
generations, households reached against the plan, and the health of a model.

No Django here: the app hands in plain records (:class:`Event`, :class:`Rule`) built from its
rows, with the superseded (voided) events already left out.

Rules (the model's ``rule``, data not code):

- ``offspring`` (livestock, "ngân hàng bò/dê"): a household that receives an animal passes an
  offspring (the first female) to the next household within ``months``; a male is sold and the
  money buys a female for the next household (a sale with a replacement given to a household
  counts as the pass-on).
- ``rotate`` (capital tranche, fertiliser): the holder repays within ``months`` and the same
  asset is lent again: the obligation is met when the asset itself passes on.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

OFFSPRING, ROTATE = "offspring", "rotate"
RULE_TYPES = (OFFSPRING, ROTATE)
HANDOVER, TRANSFER, BIRTH, DEATH, SALE = "handover", "transfer", "birth", "death", "sale"

# obligation states
OPEN, OVERDUE, ON_TIME, LATE, LOST = "open", "overdue", "on_time", "late", "lost"


@dataclass(frozen=True)
class Rule:
    type: str = OFFSPRING
    months: int = 24

    @classmethod
    def from_data(cls, data: dict | None) -> "Rule":
        data = data or {}
        t = data.get("type") if data.get("type") in RULE_TYPES else OFFSPRING
        try:
            months = int(data.get("months", 24))
        except (TypeError, ValueError):
            months = 24
        return cls(t, max(1, min(months, 120)))


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    date: dt.date
    asset: int                      # the asset the event is about (the parent for a birth)
    to_household: int | None = None  # handover / transfer / sale replacement
    new_asset: int | None = None     # birth: the newborn; sale: the replacement bought


@dataclass
class Holding:
    asset: int
    household: int
    start: dt.date
    end: dt.date | None = None
    end_reason: str = ""            # passed / died / sold
    generation: int = 1
    due: dt.date | None = None


@dataclass
class Obligation:
    household: int
    asset: int
    start: dt.date
    due: dt.date
    fulfilled_on: dt.date | None
    state: str
    generation: int = 1


@dataclass
class Health:
    assets: int = 0
    alive: int = 0
    dead: int = 0
    sold: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    open: int = 0
    lost: int = 0
    value_alive_vnd: int = 0
    generations: int = 0
    planned: int = 0
    reached: int = 0
    reached_planned: int = 0

    @property
    def ok(self) -> bool:
        return self.overdue == 0


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when the day does not exist)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _order(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.date, e.id))


def holdings(events: list[Event], rule: Rule | None = None) -> list[Holding]:
    """Every holding period, in the order they began. The generation of a holding is the
    generation of the household (1: received at the hand-over; g+1: received from a household
    of generation g); the due date is the start plus the rule's months."""
    rule = rule or Rule()
    out: list[Holding] = []
    current: dict[int, Holding] = {}
    gen: dict[int, int] = {}

    def open_(asset, household, start, generation):
        gen.setdefault(household, generation)
        h = Holding(asset, household, start, generation=gen[household], due=add_months(start, rule.months))
        out.append(h)
        current[asset] = h

    def close(asset, date, reason):
        h = current.pop(asset, None)
        if h is not None:
            h.end, h.end_reason = date, reason
        return h

    for e in _order(events):
        held = current.get(e.asset)
        if e.kind == HANDOVER and e.to_household is not None:
            close(e.asset, e.date, "passed")
            open_(e.asset, e.to_household, e.date, 1)
        elif e.kind == TRANSFER and e.to_household is not None:
            prev = close(e.asset, e.date, "passed")
            open_(e.asset, e.to_household, e.date, (gen.get(prev.household, 0) + 1) if prev else 1)
        elif e.kind == BIRTH and e.new_asset is not None and held is not None:
            # the newborn stays with the mother's holder; it is not a new generation
            h = Holding(e.new_asset, held.household, e.date, generation=held.generation, due=None)
            out.append(h)
            current[e.new_asset] = h
        elif e.kind == DEATH:
            close(e.asset, e.date, "died")
        elif e.kind == SALE:
            prev = close(e.asset, e.date, "sold")
            if e.new_asset is not None:
                if e.to_household is not None:
                    open_(e.new_asset, e.to_household, e.date, (gen.get(prev.household, 0) + 1) if prev else 1)
                elif prev is not None:
                    h = Holding(e.new_asset, prev.household, e.date, generation=prev.generation, due=None)
                    out.append(h)
                    current[e.new_asset] = h
    return out


def current_holder(events: list[Event], asset: int) -> int | None:
    for h in reversed(holdings(events)):
        if h.asset == asset:
            return h.household if h.end is None else None
    return None


def asset_states(events: list[Event]) -> dict[int, str]:
    """asset → alive / dead / sold (assets that appear in the events)."""
    out: dict[int, str] = {}
    for e in _order(events):
        if e.kind in (HANDOVER, TRANSFER):
            out.setdefault(e.asset, "alive")
        elif e.kind == BIRTH:
            out.setdefault(e.asset, "alive")
            if e.new_asset is not None:
                out[e.new_asset] = "alive"
        elif e.kind == DEATH:
            out[e.asset] = "dead"
        elif e.kind == SALE:
            out[e.asset] = "sold"
            if e.new_asset is not None:
                out[e.new_asset] = "alive"
    return out


def _passes(events: list[Event]) -> list[tuple[dt.date, int, int]]:
    """(date, from household, asset) of every pass-on: a transfer, or a sale whose replacement
    went to another household."""
    hs = holdings(events)
    out = []
    for e in _order(events):
        if e.kind == TRANSFER or (e.kind == SALE and e.to_household is not None and e.new_asset is not None):
            holder = _holder_before(hs, e.asset, e)
            if holder is not None:
                out.append((e.date, holder, e.asset))
    return out


def _holder_before(hs: list[Holding], asset: int, e: Event) -> int | None:
    cands = [h for h in hs if h.asset == asset and h.start <= e.date and h.end == e.date]
    return cands[-1].household if cands else None


def obligations(events: list[Event], rule: Rule, today: dt.date) -> list[Obligation]:
    """One obligation for each holding that carries one (a household that received an asset
    by hand-over, transfer or replacement), with its state on ``today``:

    - ``on_time`` / ``late``: passed on, by / after the due date;
    - ``open`` / ``overdue``: not passed on yet, before / after the due date;
    - ``lost``: the asset died or was sold (without passing on) before the duty was met.
    """
    hs = holdings(events, rule)
    passes = _passes(events)
    used: set[int] = set()
    out: list[Obligation] = []
    for h in hs:
        if h.due is None:
            continue
        fulfilled = None
        if rule.type == ROTATE:
            if h.end_reason == "passed":
                fulfilled = h.end
        else:
            # the first pass-on by this household on or after the start not yet counted
            for i, (d, hh, asset) in enumerate(passes):
                if i in used or hh != h.household or d < h.start:
                    continue
                used.add(i)
                fulfilled = d
                break
        if fulfilled is not None:
            state = ON_TIME if fulfilled <= h.due else LATE
        elif h.end_reason in ("died", "sold"):
            state = LOST
        else:
            state = OVERDUE if today > h.due else OPEN
        out.append(Obligation(h.household, h.asset, h.start, h.due, fulfilled, state, h.generation))
    return out


def generations(events: list[Event]) -> tuple[dict[int, int], dict[int | None, list[int]]]:
    """household → generation, and the tree: giver household → receivers in order (None: the
    households of the first hand-over)."""
    gen: dict[int, int] = {}
    tree: dict[int | None, list[int]] = {}
    hs = holdings(events)
    for e in _order(events):
        giver = None
        if e.kind == HANDOVER and e.to_household is not None:
            receiver = e.to_household
        elif e.kind == TRANSFER and e.to_household is not None:
            receiver, giver = e.to_household, _holder_before(hs, e.asset, e)
        elif e.kind == SALE and e.to_household is not None and e.new_asset is not None:
            receiver, giver = e.to_household, _holder_before(hs, e.asset, e)
        else:
            continue
        if receiver in gen:
            continue
        gen[receiver] = 1 if giver is None else gen.get(giver, 0) + 1
        tree.setdefault(giver if giver in gen else None, []).append(receiver)
    return gen, tree


def chain_rows(events: list[Event]) -> list[tuple[int, int, int | None]]:
    """The chain as an indented list: (depth from 0, household, giver) in tree order."""
    gen, tree = generations(events)
    out: list[tuple[int, int, int | None]] = []

    def walk(giver, depth):
        for hh in tree.get(giver, []):
            out.append((depth, hh, giver))
            walk(hh, depth + 1)
    walk(None, 0)
    return out


@dataclass
class Reach:
    planned: list[int] = field(default_factory=list)
    reached_planned: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)     # planned, not reached yet (plan order)
    outside_plan: list[int] = field(default_factory=list)

    @property
    def next_household(self) -> int | None:
        return self.waiting[0] if self.waiting else None


def reach(planned: list[int], reached: list[int]) -> Reach:
    """Planned (ordered) against reached households."""
    got = set(reached)
    plan = list(dict.fromkeys(planned))
    return Reach(plan, [h for h in plan if h in got], [h for h in plan if h not in got],
                 [h for h in dict.fromkeys(reached) if h not in set(plan)])


def health(events: list[Event], rule: Rule, planned: list[int], today: dt.date,
           values: dict[int, int] | None = None, assets: list[int] | None = None) -> Health:
    """The model's figures on ``today``."""
    states = asset_states(events)
    for a in assets or []:
        states.setdefault(a, "alive")
    h = Health(assets=len(states))
    for a, s in states.items():
        setattr(h, s, getattr(h, s) + 1)
        if s == "alive":
            h.value_alive_vnd += (values or {}).get(a, 0)
    for o in obligations(events, rule, today):
        setattr(h, o.state, getattr(h, o.state) + 1)
    gen, _ = generations(events)
    r = reach(planned, list(gen))
    h.generations = max(gen.values(), default=0)
    h.planned, h.reached, h.reached_planned = len(r.planned), len(gen), len(r.reached_planned)
    return h
