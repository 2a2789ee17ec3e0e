"""Data gathering of the computed criteria: the platform's records of one participant for one
year, handed to the pure arithmetic of ``chungtay.core.emulation_sources`` (formulas in
docs/emulation.md). The participant lies in the movement's area, which the caller has checked;
these reads are not narrowed further by the acting user.

What a participant's records are:
- a unit (province, commune, village): the current periodic results, supports, revolving models
  and fund of that unit;
- a partner: the supports it provided and the donations of its donor records;
- a household: its own results, pledge, supports and pass-on obligations.

Figures from periodic results (poverty-rate fall and its plan share, escaped, escaped and stayed
out, villages without poor households, pledge kept) say how complete the years they use are
(``households.completeness``): when a year's review is not yet recognised for the participant's
unit (a household: its commune), the value is still computed from the current results — a movement
may be scored early, as a draft — and the figure's text, which the score keeps and shows beside
the points, starts with "Số liệu tạm tính" and the coverage ("đã rà soát 1/6.150 hộ"), so that no
score silently counts an unfinished review as final; computed again once the round is recognised,
the mark is gone.
"""
from __future__ import annotations

import datetime as dt

from chungtay.core import emulation_sources as core
from chungtay.households.models import Assessment
from chungtay.units.models import Unit

from .models import Participant

COLUMN = {Unit.PROVINCE: "province_id", Unit.COMMUNE: "commune_id", Unit.VILLAGE: "village_id"}
NO_DATA = ("Nền tảng không có số liệu này cho loại đối tượng này: nhập giá trị kèm minh chứng",
           "The platform has no such data for this kind of participant: enter the value with evidence")


def _results(p: Participant, years):
    qs = Assessment.objects.filter(kind=Assessment.PERIODIC, is_current=True, year__in=list(years))
    if p.kind == Participant.HOUSEHOLD:
        return qs.filter(household_id=p.household_id)
    if p.kind == Participant.UNIT and p.unit.system == Unit.SYSTEM_2025 and p.unit.level in COLUMN:
        return qs.filter(**{COLUMN[p.unit.level]: p.unit_id})
    return None


def _history(p: Participant, years, poor_in=None) -> dict | None:
    """household → {year: category} of the participant's results of ``years``; with ``poor_in``,
    only the households with a poor result (in the participant's unit) in one of those years —
    the only ones that :func:`core.escaped` and :func:`core.escaped_stayed` look at (a province's
    three years are ~400,000 results, its poor households a tenth of them)."""
    qs = _results(p, years)
    if qs is None:
        return None
    if poor_in is not None:
        qs = qs.filter(household_id__in=_results(p, poor_in).filter(category="poor").values("household_id"))
    out: dict[int, dict[int, str]] = {}
    # fetched whole, not by .iterator(): on PostgreSQL that is a server-side cursor, planned for its
    # first rows (a nested loop over the poor households: 2.4 s for a province instead of 0.16 s)
    for h, y, c in qs.values_list("household_id", "year", "category"):
        out.setdefault(h, {})[y] = c
    return out


def _counts(p: Participant, year: int) -> tuple[int, int]:
    qs = _results(p, [year])
    return qs.filter(category="poor").count(), qs.count()


def plan_target(movement, unit: Unit | None):
    """The movement's goal for the unit: a poverty-rate points-a-year target of the unit, else of
    the nearest unit above it (a province's target counts for its communes until derived)."""
    if unit is None:
        return None
    goals = list(movement.goals.filter(metric="poverty_rate", kind="points_per_year", population="all", unit_tag=""))
    u = unit
    while u is not None:
        for t in goals:
            if t.unit_id == u.pk:
                return t
        u = u.parent
    return None


# source → the years of results it reads, for the scored year Y (and the baseline year B)
RESULT_YEARS = {
    "poverty_rate_fall": lambda y, b: (b, y), "poverty_plan_share": lambda y, b: (b, y),
    "escaped": lambda y, b: (y - 1, y), "escaped_stayed": lambda y, b: (y - 2, y - 1, y),
    "villages_without_poor": lambda y, b: (y,), "pledge_kept": lambda y, b: (y,),
}


def _status_unit(p: Participant) -> Unit | None:
    if p.kind == Participant.HOUSEHOLD:
        return Unit.objects.filter(pk=p.household.commune_id).first() if p.household_id else None
    if p.kind == Participant.UNIT and p.unit.system == Unit.SYSTEM_2025 and p.unit.level in COLUMN:
        return p.unit
    return None


def provisional_years(p: Participant, years) -> list:
    """The statuses (``completeness.YearStatus``) of those of ``years`` whose review is not yet
    recognised for the participant's unit (a household: its commune), oldest first. A few
    aggregate queries for all the years at once."""
    from chungtay.households.completeness import year_statuses
    from chungtay.support.radar import _WholeUnit
    unit = _status_unit(p)
    if unit is None:
        return []
    statuses = year_statuses(_WholeUnit(), unit, [y for y in years if y >= 1990])
    return [st for _, st in sorted(statuses.items()) if st.provisional]


def _marked(fig: core.Figure, open_: list) -> core.Figure:
    if not open_ or fig.value is None:
        return fig
    vi = "; ".join(f"kết quả rà soát năm {st.year} chưa được công nhận ({st.coverage_vi})" for st in open_)
    en = "; ".join(f"the {st.year} review is not yet recognised ({st.coverage_en})" for st in open_)
    return core.Figure(fig.value, f"Số liệu tạm tính – {vi}. {fig.vi}", f"Provisional – {en}. {fig.en}")


def figure(source: str, p: Participant, year: int, movement) -> core.Figure:
    """The figure of ``source`` for participant ``p`` in ``year``; from periodic results, marked
    "Số liệu tạm tính" with the coverage when a year it uses is not yet recognised."""
    fig = _figure(source, p, year, movement)
    if source in RESULT_YEARS and fig.value is not None:
        base = None
        if source in ("poverty_rate_fall", "poverty_plan_share"):
            t = plan_target(movement, p.unit)
            base = t.baseline_year if t else movement.start_year - 1
        return _marked(fig, provisional_years(p, RESULT_YEARS[source](year, base)))
    return fig


def _figure(source: str, p: Participant, year: int, movement) -> core.Figure:
    if source in ("poverty_rate_fall", "poverty_plan_share"):
        if p.kind != Participant.UNIT or _results(p, [year]) is None:
            return core.missing(*NO_DATA)
        t = plan_target(movement, p.unit)
        base_year = t.baseline_year if t else movement.start_year - 1
        fall = core.rate_fall(base_year, _counts(p, base_year), year, _counts(p, year))
        if source == "poverty_rate_fall":
            return fall
        label = f"{t.plan.document_no} {t.counted:g}" if t else ""
        return core.plan_share(fall, t.counted if t else None, label.strip())
    if source in ("escaped", "escaped_stayed"):
        if p.kind == Participant.PARTNER:
            return core.missing(*NO_DATA)
        h = _history(p, range(year - 2, year + 1), poor_in=(year - 2, year - 1))
        return core.escaped(h, year) if source == "escaped" else core.escaped_stayed(h, year)
    if source == "villages_without_poor":
        if p.kind != Participant.UNIT or _results(p, [year]) is None:
            return core.missing(*NO_DATA)
        by: dict[int, int] = {}
        for v, c in _results(p, [year]).values_list("village_id", "category").iterator():
            by[v] = by.get(v, 0) + (c == "poor")
        return core.villages_without_poor(by, year)
    if source in ("supports_delivered", "supports_value_mvnd"):
        return core.supports(_support_values(p, year), year, by_value=source == "supports_value_mvnd")
    if source == "revolving_on_time":
        states = _obligation_states(p, year)
        return core.missing(*NO_DATA) if states is None else core.on_time_share(states, year)
    if source == "donations_mvnd":
        vals = _donations(p, year)
        if vals is None:
            return core.missing("Chưa có số liệu Quỹ Vì người nghèo cho đối tượng này",
                                "No Fund for the Poor records for this participant")
        return core.donations(vals, year)
    if source == "pledge_kept":
        if p.kind != Participant.HOUSEHOLD:
            return core.missing(*NO_DATA)
        from chungtay.support.models import Pledge
        goal = Pledge.objects.filter(household_id=p.household_id, year=year).values_list("goal", flat=True).first()
        after = _results(p, [year]).values_list("category", flat=True).first()
        return core.pledge_kept(goal, after, year)
    return core.missing(f"Nguồn dữ liệu không biết: {source}", f"Unknown data source: {source}")


def _support_values(p: Participant, year: int) -> list[int]:
    from chungtay.support.models import DELIVERED, Support
    qs = Support.objects.filter(is_current=True, status=DELIVERED, year=year)
    if p.kind == Participant.PARTNER:
        qs = qs.filter(provider_partner_id=p.partner_id)
    elif p.kind == Participant.HOUSEHOLD:
        qs = qs.filter(household_id=p.household_id)
    elif p.unit.level in COLUMN:
        qs = qs.filter(**{COLUMN[p.unit.level]: p.unit_id})
    else:
        return []
    return list(qs.values_list("value_vnd", flat=True))


def _obligation_states(p: Participant, year: int) -> list[str] | None:
    from chungtay.revolving.models import RevolvingModel
    from chungtay.revolving.queries import state_of
    if p.kind == Participant.PARTNER or (p.kind == Participant.UNIT and p.unit.level not in COLUMN):
        return None
    if p.kind == Participant.HOUSEHOLD:
        models = RevolvingModel.objects.filter(commune_id=p.household.commune_id)
    elif p.unit.level == Unit.VILLAGE:
        models = RevolvingModel.objects.filter(commune_id=p.unit.parent_id)
    else:
        models = RevolvingModel.objects.filter(**{COLUMN[p.unit.level]: p.unit_id})
    today = min(dt.date.today(), dt.date(year, 12, 31))
    village_hh = None
    if p.kind == Participant.UNIT and p.unit.level == Unit.VILLAGE:
        from chungtay.households.models import Household
        village_hh = set(Household.objects.filter(village_id=p.unit_id).values_list("id", flat=True))
    out = []
    for m in models:
        for o in state_of(m, today).obligations:
            if o.due.year != year:
                continue
            if p.kind == Participant.HOUSEHOLD and o.household != p.household_id:
                continue
            if village_hh is not None and o.household not in village_hh:
                continue
            out.append(o.state)
    return out


def _donations(p: Participant, year: int) -> list[int] | None:
    try:
        from chungtay.fund.models import Donation
    except ImportError:                     # the fund app is optional
        return None
    qs = Donation.objects.filter(date__year=year)
    if p.kind == Participant.PARTNER:
        return list(qs.filter(donor__partner_id=p.partner_id).values_list("value_vnd", flat=True))
    if p.kind == Participant.UNIT:
        return list(qs.filter(fund__unit_id=p.unit_id).values_list("value_vnd", flat=True))
    return None
