"""Reads for the radar and the outcomes pages (issue 10, part 6): the rows of one unit through
the scoped querysets, only the needed columns (``values_list``), handed to the pure cores
``chungtay.core.radar`` and ``chungtay.core.outcomes``.

Which results year: the radar of unit U is built from the results of one year L, by default the
newest year whose figures are **final** (its review rounds recognised or locked, or over:
``households.completeness``), so that a round still open — one household surveyed of thousands —
never becomes the radar without a word. A provisional year is used only when asked for
(``results_year``) or when the unit has no final year yet; the pages then say "Số liệu tạm tính"
with the coverage (:func:`results_year`). The outcomes count results up to the same year.

What is read for the radar of unit U (results year L, reference year R):
  - the current periodic results of U of year L that are poor or near-poor, with the deprived
    indicators and income;
  - the results of L − 1 of the households poor or near-poor in L (fell back);
  - year by year back from L − 2, the poor results of the households poor in every year since
    (persistently poor), by household id in chunks (the (household, year) index);
  - delivered current support versions of U from the earliest year a rule looks at;
  - the pledges of U up to R.
Households that moved away, merged or died out are left out of every list.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.db.models import IntegerField, Max
from django.db.models.functions import Cast

from chungtay.core import outcomes as oc
from chungtay.core import radar as rc
from chungtay.core.standards import StandardError, get_standard
from chungtay.households.models import Assessment, Household, YearSummary

from .models import Pledge, ProgrammePart, Support
from .queries import unit_filter

# The pure core's fell_back_by_year counts only L − 1 → L correctly from these rows: not shown.


def _scoped(model, user):
    """The user's scoped rows of ``model``; every row with ``user`` None (the prepared figures of a
    unit, whose readers are checked against the unit: ``support/prepared.py``)."""
    return model.objects.all() if user is None else model.objects.for_user(user)


def results(user, unit):
    return _scoped(Assessment, user).filter(kind=Assessment.PERIODIC, is_current=True,
                                                    **unit_filter(unit)).order_by()    # no sort: rows go into dicts


def delivered(user, unit):
    return _scoped(Support, user).filter(is_current=True, status="delivered", **unit_filter(unit)).order_by()


def latest_year(user, unit) -> int | None:
    """The newest year with a current periodic result in the unit, final or not (from the
    per-village counts, kept with every result write: a few hundred rows instead of every result).
    The pages use :func:`results_year`, which prefers the newest *final* year."""
    return _scoped(YearSummary, user).filter(total__gt=0, **unit_filter(unit)).aggregate(y=Max("year"))["y"]


class _WholeUnit:
    """The reader of a unit's figures with no user (the prepared province figures, the worker, the
    demo loader): every row. Its callers check the unit against the person who reads the figures;
    inside a unit of their area every user's scoped rows are the unit's rows."""
    pk = 0
    is_authenticated = True
    is_superuser = True

    def __init__(self):
        from chungtay.accounts.access import Scope
        self._chungtay_scope = Scope(True, frozenset(), frozenset(), frozenset())


@dataclass(frozen=True)
class ResultsYear:
    """The results year of a unit's radar or outcomes and how complete its figures are."""
    year: int | None                       # L: the results year used (None: the unit has no result)
    status: object | None                  # its households.completeness.YearStatus
    newest: int | None                     # the newest year with any result (final or not)
    final: int | None                      # the newest year whose figures are final
    statuses: dict = field(default_factory=dict)   # year → YearStatus, every year with results
    asked: int | None = None               # the year asked for (None: the default)

    @property
    def provisional(self) -> bool:
        return bool(self.status is not None and self.status.provisional)

    @property
    def choices(self) -> list:
        """The statuses of the years with results, newest first (the page's select)."""
        return [self.statuses[y] for y in sorted(self.statuses, reverse=True)]

    @property
    def newer_provisional(self):
        """The newest year's status when it is provisional and newer than the year used (the page
        says that year is under review and not counted)."""
        if self.newest is not None and self.year is not None and self.newest > self.year:
            st = self.statuses.get(self.newest)
            return st if st is not None and st.provisional else None
        return None


def results_year(user, unit, asked: int | None = None) -> ResultsYear:
    """The results year of the radar and the outcomes of ``unit``: ``asked`` when the unit has
    results that year, else the newest year whose figures are final, else (only provisional years)
    the newest year. One query for the years, then ``completeness.year_statuses`` (a few aggregate
    queries and one count per provisional year, cached)."""
    from chungtay.households.completeness import year_statuses
    from chungtay.units.models import Unit
    years = sorted(set(_scoped(YearSummary, user).filter(total__gt=0, **unit_filter(unit))
                       .values_list("year", flat=True).distinct().order_by()), reverse=True)
    if not years or unit.system != Unit.SYSTEM_2025:
        y = years[0] if years else None
        return ResultsYear(y, None, y, y, {}, asked)
    statuses = year_statuses(user if user is not None else _WholeUnit(), unit, years)
    final = next((y for y in years if statuses[y].final), None)
    year = asked if asked in statuses else (final if final is not None else years[0])
    return ResultsYear(year, statuses[year], years[0], final, statuses, asked)


def gone(unit) -> set[int]:
    """Households of the unit that no longer live there (moved away, merged, died out)."""
    return set(Household.objects.filter(**unit_filter(unit)).exclude(status="active").values_list("id", flat=True))


@lru_cache(maxsize=32)
def _standard(code: str):
    try:
        s = get_standard(code)
    except StandardError:
        return None
    near_line = next((r.income_at_most for r in s.rules if r.category == "near_poor"), None)
    return s.indicator_codes, s.deprivation_cutoff, (s.lines.get(near_line) if near_line else None)


def _latest_row(row) -> rc.Latest:
    hh, category, standard, area, basis, income, bits = row
    info = _standard(standard)
    if info is None:
        return rc.Latest(category)
    codes, cutoff, line = info
    deprived = tuple(c for i, c in enumerate(codes) if bits >> i & 1) if bits else ()
    if basis != "income":
        return rc.Latest(category, deprived, cutoff)
    return rc.Latest(category, deprived, cutoff, income, line.value(area) if line is not None else None)


# the twelve deprivation flags as one integer (bit i − 1 = dep_i): one column to fetch, not twelve
BITS = sum((Cast(f"dep_{i}", IntegerField()) * (1 << (i - 1)) for i in range(2, 13)), Cast("dep_1", IntegerField()))
CHUNK = 2000


def _unit_column(unit):
    f = unit_filter(unit)
    key = next(iter(f))
    return (f"{key}_id", f[key].pk) if key != "pk__in" else ("village_id", None)


def _by_id(col: str, ids: list[int], year: int, since: bool = False) -> list[tuple]:
    """(household, category, unit column) of the current periodic results of ``year`` of ``ids``
    (``since``: (household, year, category, unit column) of the years from ``year`` on).
    Plain SQL: building a Django ``__in`` filter of thousands of ids costs more than the query."""
    assert col in ("province_id", "commune_id", "village_id")
    table = Assessment._meta.db_table
    sql = (f"SELECT household_id, {'year, ' if since else ''}category, {col} FROM {table}"
           f" WHERE household_id IN ({', '.join(['%s'] * len(ids))})"
           f" AND year {'>=' if since else '='} %s AND kind = %s AND is_current = %s")
    with connection.cursor() as cur:
        cur.execute(sql, [*ids, year, Assessment.PERIODIC, True])
        return cur.fetchall()


def _chunks(ids):
    ids = sorted(ids)
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


DEFAULT = object()      # the results year not given: the default of results_year


def radar_for(user, unit, year: int | None = None, latest: int | None | object = DEFAULT,
              wait: bool = True) -> rc.Radar | None:
    """The radar of ``unit`` (inside the user's area: the callers check it) for the reference
    ``year`` from the results of ``latest`` (default: :func:`results_year`, the newest
    final year): a province's from its prepared figures (``support/prepared.py``; ``wait=False``:
    None while the worker computes them for parameters never asked before), a commune's or a
    village's computed now."""
    year = year or dt.date.today().year
    if latest is DEFAULT:
        latest = results_year(user, unit).year
    from . import prepared
    if prepared.prepared(unit):
        return prepared.radar(unit, year, latest, wait)
    return compute_radar(user, unit, year, latest)


def compute_radar(user, unit, year: int, latest: int | None | object = DEFAULT) -> rc.Radar:
    """The radar of ``unit`` built from the results of ``latest`` (default: :func:`results_year`)."""
    res = results(user, unit)
    if latest is DEFAULT:
        latest = results_year(user, unit).year
    away = gone(unit)
    history: dict[int, dict[int, str]] = {}
    last: dict[int, rc.Latest] = {}
    if latest is not None:
        for row in res.filter(year=latest, category__in=rc.POORISH).annotate(bits=BITS).values_list(
                "household_id", "category", "standard", "area", "basis", "income", "bits"):
            if row[0] not in away:
                last[row[0]] = _latest_row(row)
                history[row[0]] = {latest: row[1]}
        # the year before, for every household poor or near-poor now (fell back; the poor run)
        # By household id (the unique (household, year, kind) index) without the unit columns in
        # SQL — with them SQLite scans the (year, province) index for every chunk — and the unit
        # checked on each row: the unit lies in the user's area (views: unit_for_user), so these
        # rows are the scoped rows of the unit.
        col, own = _unit_column(unit)
        for ids in _chunks(history):
            for h, c, u in _by_id(col, ids, latest - 1):
                if u == own:
                    history[h][latest - 1] = c
        # the poor run, year by year back, only for the households still poor every year since
        running = [h for h, ys in history.items() if ys[latest] == rc.POOR and ys.get(latest - 1) == rc.POOR]
        y = latest - 2
        while running and y >= 1990:
            found = []
            for ids in _chunks(running):
                found += [h for h, c, u in _by_id(col, ids, y) if u == own and c == rc.POOR]
            for h in found:
                history[h][y] = rc.POOR
            running, y = found, y - 1
    pledges = [p for p in _scoped(Pledge, user).filter(year__lte=year, **unit_filter(unit)).order_by()
               .values_list("id", "household_id", "year") if p[1] not in away]
    first = min([p[2] - 1 for p in pledges] + [year - 1] + ([latest - 1] if latest else []))
    supports = list(delivered(user, unit).filter(year__gte=first).values_list("household_id", "year", "kind"))
    return rc.radar(history, last, supports, pledges, year=year, latest_year=latest)


def households(ids) -> dict[int, tuple]:
    """id → (code, head's name, village label) for the listed households (a village told apart from
    its namesakes by its old commune: units/labels.py)."""
    from chungtay.units.labels import village_labels
    ids = list(ids)
    out, labels = {}, {}
    for i in range(0, len(ids), 5000):
        for h, code, name, village, vid, commune in Household.objects.filter(pk__in=ids[i:i + 5000]).values_list(
                "id", "code", "head_name", "village__name", "village_id", "commune_id"):
            if commune not in labels:
                labels[commune] = village_labels(commune)
            out[h] = (code, name, labels[commune].get(vid, village))
    return out


def outcomes_for(user, unit, first: int, last: int, programme: str = "", kind: str = "",
                 through: int | None | object = DEFAULT, wait: bool = True) -> oc.Outcomes | None:
    """The outcome figures of the supports matching ``programme`` (a catalogue code prefix) and
    ``kind`` in ``first … last``, with the matched comparison (module docstring of core.outcomes),
    counting the results of the years up to ``through`` (default: :func:`results_year`, the newest
    final year; None: every year): a province's from its prepared figures, a commune's or a
    village's computed now."""
    if through is DEFAULT:
        through = results_year(user, unit).year
    from . import prepared
    if prepared.prepared(unit):
        return prepared.outcomes(unit, first, last, programme, kind, through, wait)
    return compute_outcomes(user, unit, first, last, programme, kind, through)


def compute_outcomes(user, unit, first: int, last: int, programme: str = "", kind: str = "",
                     through: int | None | object = DEFAULT) -> oc.Outcomes:
    """Results after ``through`` are not counted: a household whose outcome depends on them is
    pending (default: :func:`results_year`; None: every year)."""
    if through is DEFAULT:
        through = results_year(user, unit).year
    upto = through if through is not None else 9999
    sup = delivered(user, unit).filter(year__gte=first, year__lte=last)
    if programme:
        parts = ProgrammePart.objects.filter(code__startswith=programme).values_list("id", flat=True)
        sup = sup.filter(part_id__in=list(parts))
    if kind:
        sup = sup.filter(kind=kind)
    supports = list(sup.values_list("household_id", "year", "value_vnd"))
    history: dict[int, dict[int, str]] = {}
    baseline: dict[tuple[int, int], oc.Base] = {}
    res = results(user, unit)
    for h, y, c, d, area, commune in res.filter(year__gte=first - 1, year__lte=min(last - 1, upto),
                                                 category__in=oc.POORISH).values_list(
            "household_id", "year", "category", "deprivation_count", "area", "commune_id"):
        history.setdefault(h, {})[y] = c
        baseline[(h, y)] = oc.Base(d, area, commune)
    # the other results of these households from the first baseline year on (by household id)
    col, own = _unit_column(unit)
    for ids in _chunks(history):
        for h, y, c, u in _by_id(col, ids, first - 1, since=True):
            if u == own and y <= upto:
                history[h][y] = c
    any_support: dict[int, set[int]] = {}
    for h, y in delivered(user, unit).filter(year__gte=first - 1, year__lte=last + 1).values_list(
            "household_id", "year").distinct():
        any_support.setdefault(h, set()).add(y)
    return oc.outcomes(history, supports, first, last, baseline=baseline, any_support=any_support)
