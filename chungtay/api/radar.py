"""The no-one-left-behind radar and the outcomes of support (docs/support.md, "Radar",
"Outcomes"): the figures of the pages "Không để ai bị bỏ lại phía sau" and "Kết quả hỗ trợ",
read through ``support.radar`` (scoped querysets of one unit of your area) and computed by the
pure cores ``chungtay.core.radar`` and ``chungtay.core.outcomes``. The unit is ``unit`` (an id
inside your area, else 404) or, as on the pages, your own unit. A household is named by its
code, its head's name and its village, as on the pages; never a citizen ID."""

import datetime as dt
from typing import Literal, Optional

from django.http import Http404
from ninja import Field, Query, Router, Schema

from chungtay.accounts.access import scope_for
from chungtay.support import radar as reads
from chungtay.support.models import KIND_NAMES
from chungtay.support.views_radar import LISTS, SHORT, TITLES, _indicator_names, _row, counted_provisional

from .base import _decode, _encode
from .common import CURSOR, LIMIT, READ_ERRORS, UNIT, unit_in_area
from .supports import Kind

router = Router(tags=["radar"])

Rule = Literal["persistent", "unsupported", "fell_back", "pledges", "near_escape"]
Category = Literal["poor", "near_poor", "average", "above_average"]
assert set(Rule.__args__) == set(LISTS)


def _unit(user, unit_id: Optional[int]):
    """As the pages: the unit asked (404 outside the area) or the user's own unit."""
    if unit_id is not None:
        return unit_in_area(user, unit_id)
    tops = scope_for(user).top_units()
    if not tops:
        raise Http404
    return tops[0]


# --- the radar -----------------------------------------------------------------------------

class RuleOut(Schema):
    name: Rule
    title_vi: str
    title_en: str
    rule_vi: str = Field(description="how the list is made, as on the page")
    rule_en: str
    total: int


class YearCount(Schema):
    year: int
    count: int


class RadarRow(Schema):
    household_id: int
    household_code: str
    head_name: str
    village_name: str
    category: Optional[Category] = Field(description="in the latest year (persistent, unsupported, near_escape); "
                                         "fell_back: after")
    years: Optional[int] = Field(description="persistent: consecutive poor years up to the latest year")
    before: Optional[Category] = Field(description="fell_back: the category the year before")
    pledge_id: Optional[int] = Field(description="pledges: the pledge")
    pledge_year: Optional[int]
    blocking: list[str] = Field(description="near_escape: the blocking indicator codes (`income`: the income)")
    fitting_kinds: list[Kind] = Field(description="near_escape: the support kinds that would address them")
    text_vi: str = Field(description="the row as the page writes it")
    text_en: str


class RadarOut(Schema):
    unit_id: int
    year: int = Field(description="the reference year (supports and pledges up to it)")
    latest_year: Optional[int] = Field(description="the results year the lists are made from: `results_year` when "
                                       "asked, else the newest year whose figures are final (null: no result)")
    newest_year: Optional[int] = Field(description="the newest year with periodic results in the unit, final or not")
    provisional: bool = Field(description="the results year is not yet recognised (Số liệu tạm tính)")
    reviewed: Optional[int] = Field(description="households with a result of the results year")
    expected: Optional[int] = Field(description="households that exist in the unit that year")
    counts: dict[str, int] = Field(description="households per rule")
    rules: list[RuleOut]
    fell_back_by_year: list[YearCount] = Field(description="households that fell back, per year (from year − 1)")
    rule: Optional[Rule] = Field(description="the rule whose households are listed in items (null: none)")
    items: list[RadarRow]
    next_cursor: Optional[str] = None
    limit: int


def _completeness(ry) -> dict:
    st = ry.status
    return {"newest_year": ry.newest, "provisional": ry.provisional, "reviewed": st.reviewed if st else None,
            "expected": st.expected if st else None}


def _key(name: str, row) -> int:
    return row[0]                  # the household (the pledge for the pledge list): one row each


def _radar_row(name: str, row, info, names) -> dict:
    page_row = _row(name, row, info, names)
    out = {"household_id": page_row["hh"], "household_code": page_row["code"], "head_name": page_row["head"] or "",
           "village_name": page_row["village"] or "", "category": None, "years": None, "before": None,
           "pledge_id": None, "pledge_year": None, "blocking": [], "fitting_kinds": [],
           "text_vi": page_row["vi"], "text_en": page_row["en"]}
    if name == "persistent":
        out.update(years=row[1], category="poor")
    elif name == "unsupported":
        out["category"] = row[1]
    elif name == "fell_back":
        out.update(before=row[1], category=row[2])
    elif name == "pledges":
        out.update(pledge_id=row[0], pledge_year=row[2])
    else:
        out.update(category=row[1], blocking=list(row[2]), fitting_kinds=[k for k in row[3] if k in KIND_NAMES])
    return out


@router.get("/radar", response={200: RadarOut, 304: None, **READ_ERRORS}, url_name="radar")
def get_radar(request, unit: Optional[int] = UNIT,
              year: Optional[int] = Query(None, ge=2000, le=2100, description="reference year (default: this year)"),
              results_year: Optional[int] = Query(None, ge=2000, le=2100, description=(
                  "the results year (default: the newest year whose figures are final; a year without "
                  "results: the default)")),
              rule: Optional[Rule] = Query(None, description="list the households of this rule (paginated)"),
              cursor: Optional[str] = CURSOR, limit: int = LIMIT):
    """The radar of one unit: the count of households for each of the five rules and, with
    `rule`, that rule's households, ordered by household id (by pledge id for `pledges`) with
    `cursor` / `next_cursor` as every list. The same figures as the page: from the newest year
    whose figures are final unless `results_year` asks for another; `provisional`, `reviewed` and
    `expected` say how complete the results year is."""
    user = request.auth
    u = _unit(user, unit)
    year = year or dt.date.today().year
    ry = reads.results_year(user, u, results_year)
    r = reads.radar_for(user, u, year, ry.year)
    items, nxt = [], None
    if rule is not None:
        rows = sorted(getattr(r, rule), key=lambda row: _key(rule, row))
        if cursor:
            after = _decode(cursor, 1)[0]
            rows = [row for row in rows if _key(rule, row) > after]
        if len(rows) > limit:
            nxt = _encode([_key(rule, rows[limit - 1])])
        rows = rows[:limit]
        info = reads.households({row[1] if rule == "pledges" else row[0] for row in rows})
        names = _indicator_names()
        items = [_radar_row(rule, row, info, names) for row in rows]
    elif cursor:
        _decode(cursor, 1)              # a broken cursor is refused alike
    return {"unit_id": u.pk, "year": year, "latest_year": r.latest_year, **_completeness(ry), "counts": r.counts(),
            "rules": [{"name": n, "title_vi": TITLES[n][0], "title_en": TITLES[n][1], "rule_vi": TITLES[n][2],
                       "rule_en": TITLES[n][3], "total": len(getattr(r, n))} for n in LISTS],
            "fell_back_by_year": [{"year": y, "count": c} for y, c in sorted(r.fell_back_by_year.items())],
            "rule": rule, "items": items, "next_cursor": nxt, "limit": limit}


# --- outcomes ------------------------------------------------------------------------------

class HouseholdRow(Schema):
    household_id: int
    household_code: str
    head_name: str
    village_name: str


class EffectOut(Schema):
    """The matched comparison with similar unsupported households (rates in percent)."""
    treated_rate: Optional[float]
    control_rate: Optional[float]
    att: Optional[float] = Field(description="difference in percentage points")
    att_se: Optional[float]
    matched: float = Field(description="supported households matched")
    unmatched: float = Field(description="supported households without a comparison")
    n_control: float
    strata: int = Field(description="strata with both sides")


class OutcomesOut(Schema):
    unit_id: int
    first: int = Field(description="the period's first support year")
    last: int
    latest_year: Optional[int] = Field(description="the results year counted: results of later years are not "
                                       "(`results_year` when asked, else the newest year whose figures are final)")
    newest_year: Optional[int] = Field(description="the newest year with periodic results in the unit, final or not")
    provisional: bool = Field(description="results of a year not yet recognised are counted (Số liệu tạm tính)")
    reviewed: Optional[int] = Field(description="households with a result of the results year")
    expected: Optional[int] = Field(description="households that exist in the unit that year")
    provisional_years: list[int] = Field(description="the provisional years whose results are counted")
    programme: str
    kind: Optional[Kind]
    supported: int
    eligible: int = Field(description="poor or near-poor the year before their support")
    decided: int
    pending: int
    escaped: int
    escape_rate: Optional[float] = Field(description="percent of the decided (null: none decided)")
    stayed_1: int
    stayed_1_n: int
    stayed_1_rate: Optional[float]
    stayed_2: int
    stayed_2_n: int
    stayed_2_rate: Optional[float]
    repoverty: int
    repoverty_n: int
    repoverty_rate: Optional[float]
    value_vnd: int = Field(description="value of the counted supports")
    cost_per_escape_vnd: Optional[int]
    effect: Optional[EffectOut] = Field(description="null: not enough data to compare")
    escaped_households: list[HouseholdRow] = Field(description=f"the first {SHORT}, as on the page")
    repoverty_households: list[HouseholdRow] = Field(description=f"the first {SHORT}, as on the page")


def _pct(x):
    return None if x is None else 100 * x


def _hh_rows(ids, info) -> list[dict]:
    out = []
    for h in ids:
        code, head, village = info.get(h, ("", "", ""))
        out.append({"household_id": h, "household_code": code, "head_name": head or "", "village_name": village or ""})
    return out


@router.get("/outcomes", response={200: OutcomesOut, 304: None, **READ_ERRORS}, url_name="outcomes")
def get_outcomes(request, unit: Optional[int] = UNIT,
                 first: Optional[int] = Query(None, ge=2000, le=2100, alias="from",
                                              description="first support year (default: `to` − 2)"),
                 last: Optional[int] = Query(None, ge=2000, le=2100, alias="to",
                                             description="last support year (default: the latest year with results)"),
                 programme: str = Query("", max_length=60, description="a catalogue code: it and the parts under it"),
                 kind: Optional[Kind] = Query(None),
                 results_year: Optional[int] = Query(None, ge=2000, le=2100, description=(
                     "count the results up to this year (default: the newest year whose figures are final)"))):
    """The outcomes of the supports of one unit in a period (the page "Kết quả hỗ trợ"): escape,
    staying out, re-poverty, cost per escape and the matched comparison. As on the page, the
    period is at most 16 years (`from` is moved up) and a reversed period is swapped. Results are
    counted up to the newest year whose figures are final unless `results_year` asks for another."""
    user = request.auth
    u = _unit(user, unit)
    ry = reads.results_year(user, u, results_year)
    latest = ry.year
    last = last if last is not None else (latest or dt.date.today().year)
    first = first if first is not None else last - 2
    if first > last:
        first, last = last, first
    first = max(first, last - 15)
    programme = programme.strip()
    o = reads.outcomes_for(user, u, first, last, programme, kind or "", ry.year)
    info = reads.households(o.escaped_ids[:SHORT] + o.repoverty_ids[:SHORT])
    e = o.effect
    counted = counted_provisional(ry, first)
    return {"unit_id": u.pk, "first": first, "last": last, "latest_year": latest, **_completeness(ry),
            "provisional": bool(counted), "provisional_years": [st.year for st in counted], "programme": programme,
            "kind": kind, "supported": o.supported, "eligible": o.eligible, "decided": o.decided, "pending": o.pending,
            "escaped": o.escaped, "escape_rate": _pct(o.escape_rate),
            "stayed_1": o.stayed_1, "stayed_1_n": o.stayed_1_n, "stayed_1_rate": _pct(o.stayed_1_rate),
            "stayed_2": o.stayed_2, "stayed_2_n": o.stayed_2_n, "stayed_2_rate": _pct(o.stayed_2_rate),
            "repoverty": o.repoverty, "repoverty_n": o.repoverty_n, "repoverty_rate": _pct(o.repoverty_rate),
            "value_vnd": o.value_vnd, "cost_per_escape_vnd": o.cost_per_escape,
            "effect": None if e is None else {
                "treated_rate": _pct(e.treated_rate), "control_rate": _pct(e.control_rate), "att": _pct(e.att),
                "att_se": _pct(e.att_se), "matched": e.n_matched_treated, "unmatched": e.unmatched_treated,
                "n_control": e.n_control, "strata": e.n_strata_matched},
            "escaped_households": _hh_rows(o.escaped_ids[:SHORT], info),
            "repoverty_households": _hh_rows(o.repoverty_ids[:SHORT], info)}


__all__ = ["router"]
