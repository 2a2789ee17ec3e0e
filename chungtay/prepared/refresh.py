"""Keep the prepared figures (chungtay.prepared.models) equal to a recount of the results.

:func:`refresh` is called by :func:`chungtay.households.summary.refresh` — so by every writer
of periodic results (recording a result, the round's carry-over, the import, the demo loader) —
inside the same transaction and after the same commune lock. Like the year summaries it
deletes the rows of the villages concerned and re-inserts their recount with one
``INSERT … SELECT … GROUP BY`` per table (and per year pair for the movements).

Which rows a write of year ``y`` in villages ``V`` can change:

- deprivation and income figures: year ``y`` of ``V``;
- movements: every year pair ``(Y-1, Y)`` with ``Y ≥ y`` (``y`` is the first or the second
  year of pairs ``y`` and ``y+1``, and an earlier poor / near-poor result for the later ones),
  for ``V`` widened by every village where the households concerned have a result from
  ``y - 1`` on (a household that moved between villages has rows in both). A pair seen for the
  first time (a new review year) is counted for every village.
"""
from __future__ import annotations

from django.db import connection
from django.db.models import Q

from chungtay.bulk import insert_rows
from chungtay.core.standards import StandardError, standard_for_year
from chungtay.households.models import Assessment

from .models import (LOCATION, NO_SHARE, DeprivationCount, EscapeCandidate, HouseholdMovement, IncomeGap,
                     MovementCount, ProvinceDeprivation, UnitMovement, covered_years, distinct_years,
                     movement_codes)

A = Assessment._meta.db_table
LOC = [f"{c}_id" for c in LOCATION]
SIDES = [f"from_{c}" for c in LOC] + [f"to_{c}" for c in LOC]        # a movement row's two places
PERIODIC = "a.kind = 'periodic' AND a.is_current"


def _in(col: str, ids) -> tuple[str, list]:
    ids = list(ids)
    return f"{col} IN ({', '.join(['%s'] * len(ids))})", ids


def _exec(sql: str, params=()) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, list(params))


# the tables a full recount rewrites (households.demo checks their foreign keys once after it)
TABLES = tuple(m._meta.db_table for m in (DeprivationCount, ProvinceDeprivation, IncomeGap, EscapeCandidate,
                                           HouseholdMovement, MovementCount, UnitMovement))


def _years(year: int | None) -> list[int]:
    """The years with current periodic results: from the year summaries, which summary.refresh
    has just brought up to date (a few thousand rows, not every result)."""
    if year is not None:
        return [year]
    from chungtay.households.models import YearSummary
    return sorted(distinct_years(YearSummary._meta.db_table, "year"))


def refresh(year: int | None = None, village_ids=None, households=None) -> None:
    """Recount the prepared figures a write of ``year`` in ``village_ids`` can change (all of
    them when both are None). Call inside the writer's transaction, after its commune lock.
    ``households``: the write changed only these households' results (one recorded result): their
    own movement rows are rewritten, not their villages' (a household's movement depends on its
    own results only); the villages' counts are regrouped all the same."""
    if village_ids is not None and not list(village_ids):
        return
    vids = sorted(set(village_ids)) if village_ids is not None else None
    if vids is None and year is None and connection.vendor == "postgresql":
        # a full recount follows bulk loads (demo, upgrade): without fresh statistics the planner
        # takes the just-loaded results for a few rows and joins them row by row (hours, not seconds)
        _exec(f"ANALYZE {A}")
        _exec("ANALYZE households_member")
        _exec("ANALYZE households_household")      # the household lists' plans (autovacuum may be off)
    if vids is not None and year is not None:
        # a new version written in another village (the household moved) leaves the old one's rows
        vids = _widen(year, vids)
    if vids is None:
        _heads(True)
    for y in _years(year):
        _deprivations(y, vids)
        _province_deprivations(y, vids)
        _incomes(y, vids)
        _escapes(y, vids)
    if vids is None:
        _heads(False)
    _movements(year, vids, sorted(set(households)) if households is not None and vids is not None else None)
    if vids is None and year is None and connection.vendor == "postgresql":
        for model in (DeprivationCount, ProvinceDeprivation, IncomeGap, EscapeCandidate, HouseholdMovement,
                      MovementCount, UnitMovement):
            _exec(f"ANALYZE {model._meta.db_table}")


# ------------------------------------------------------------------ Alkire–Foster inputs

PATTERN = " + ".join(f"(CASE WHEN a.dep_{i} THEN {1 << (i - 1)} ELSE 0 END)" for i in range(1, 13))
HEAD = ("(SELECT m.ethnicity FROM households_member m WHERE m.household_id = a.household_id "
        "AND m.relation = 'head' ORDER BY m.member_no LIMIT 1)")


def _where(year: int, vids) -> tuple[str, list]:
    where, params = [PERIODIC, "a.year = %s"], [year]
    if vids is not None:
        w, p = _in("a.village_id", vids)
        where.append(w)
        params += p
    return " AND ".join(where), params


HEADS = "ct_heads"     # a full recount's head ethnicities, one row a household (see _heads)


def _heads(make: bool) -> None:
    """A full recount reads every result's head ethnicity: from a temporary table made once
    (HEAD's correlated lookup, once a result, took a third of the demo's deprivation counts)."""
    _exec(f"DROP TABLE IF EXISTS {HEADS}")
    if make:
        _exec(f"CREATE TEMPORARY TABLE {HEADS} AS SELECT household_id, ethnicity FROM ("
              f"SELECT m.household_id, m.ethnicity, ROW_NUMBER() OVER (PARTITION BY m.household_id "
              f"ORDER BY m.member_no) AS k FROM households_member m WHERE m.relation = 'head') t WHERE k = 1")
        _exec(f"CREATE UNIQUE INDEX {HEADS}_household ON {HEADS} (household_id)")


def _deprivations(year: int, vids) -> None:
    stale = DeprivationCount.objects.filter(year=year)
    if vids is not None:
        stale = stale.filter(village_id__in=vids)
    stale.delete()
    where, params = _where(year, vids)
    head, join = HEAD, ""
    if vids is None:
        head, join = "hd.ethnicity", f" LEFT JOIN {HEADS} hd ON hd.household_id = a.household_id"
    cols = ["year"] + LOC + ["pattern", "ethnic_minority", "urban", "head_ethnicity", "n"]
    _exec(f"INSERT INTO {DeprivationCount._meta.db_table} ({', '.join(cols)}) "
          f"SELECT year, village_id, {', '.join(f'MIN({c})' for c in LOC[1:])}, pattern, ethnic_minority, urban, "
          f"eth, COUNT(*) FROM (SELECT a.year, {', '.join(f'a.{c}' for c in LOC)}, {PATTERN} AS pattern, "
          f"a.ethnic_minority, a.area = 'urban' AS urban, "
          f"COALESCE(NULLIF({head}, ''), '?') AS eth FROM {A} a{join} WHERE {where}) t "
          f"GROUP BY year, village_id, pattern, ethnic_minority, urban, eth", params)


def _incomes(year: int, vids) -> None:
    stale = IncomeGap.objects.filter(year=year)
    if vids is not None:
        stale = stale.filter(village_id__in=vids)
    stale.delete()
    try:
        line = standard_for_year(year).lines["poverty"]
    except (StandardError, KeyError):
        return
    where, params = _where(year, vids)
    poor, gap = "income <= z", "((z - income) * 1.0 / z)"
    cols = ["year"] + LOC + ["urban", "ethnic_minority", "n", "q", "gap1", "gap2"]
    _exec(f"INSERT INTO {IncomeGap._meta.db_table} ({', '.join(cols)}) "
          f"SELECT year, village_id, {', '.join(f'MIN({c})' for c in LOC[1:])}, urban, ethnic_minority, COUNT(*), "
          f"SUM(CASE WHEN {poor} THEN 1 ELSE 0 END), SUM(CASE WHEN {poor} THEN {gap} ELSE 0 END), "
          f"SUM(CASE WHEN {poor} THEN {gap} * {gap} ELSE 0 END) "
          f"FROM (SELECT a.year, {', '.join(f'a.{c}' for c in LOC)}, a.area = 'urban' AS urban, a.ethnic_minority, "
          f"a.income, (CASE WHEN a.area = 'urban' THEN %s ELSE %s END) AS z "
          f"FROM {A} a WHERE {where} AND a.income IS NOT NULL) t "
          f"GROUP BY year, village_id, urban, ethnic_minority", [line.urban, line.rural] + params)


def _province_deprivations(year: int, vids) -> None:
    """ProvinceDeprivation of ``year`` for the communes of ``vids`` (all when None), summed from
    the DeprivationCount rows just recounted."""
    stale = ProvinceDeprivation.objects.filter(year=year)
    where, params = ["d.year = %s"], [year]
    if vids is not None:
        from chungtay.units.models import Unit
        communes = sorted(set(Unit.objects.filter(id__in=vids).values_list("parent_id", flat=True)))
        stale = stale.filter(child_id__in=communes)
        w, p = _in("d.commune_id", communes)
        where.append(w)
        params += p
    stale.delete()
    cols = ["year", "unit_id", "child_id", "pattern", "ethnic_minority", "urban", "head_ethnicity", "n"]
    _exec(f"INSERT INTO {ProvinceDeprivation._meta.db_table} ({', '.join(cols)}) "
          f"SELECT d.year, d.province_id, d.commune_id, d.pattern, d.ethnic_minority, d.urban, d.head_ethnicity, "
          f"SUM(d.n) FROM {DeprivationCount._meta.db_table} d WHERE {' AND '.join(where)} "
          f"GROUP BY d.year, d.province_id, d.commune_id, d.pattern, d.ethnic_minority, d.urban, d.head_ethnicity",
          params)


def _escapes(year: int, vids) -> None:
    """EscapeCandidate of ``year`` in ``vids`` (all when None): the poor households with an
    income that near_escape lists (the standard's escape tables, vectorised: no objects)."""
    import numpy as np

    from chungtay.core.escape import escape_arrays
    stale = EscapeCandidate.objects.filter(year=year)
    if vids is not None:
        stale = stale.filter(village_id__in=vids)
    stale.delete()
    try:
        std = standard_for_year(year)
    except StandardError:
        return
    d = len(std.indicators)
    where, params = _where(year, vids)
    with connection.cursor() as cur:
        cur.execute(f"SELECT a.household_id, a.income, a.area, a.ethnic_minority, {', '.join(f'a.{c}' for c in LOC)}, "
                    f"{PATTERN} FROM {A} a WHERE {where} AND a.category = 'poor' AND a.income IS NOT NULL "
                    f"ORDER BY a.household_id", params)
        data = cur.fetchall()
    if not data:
        return
    t = list(zip(*data))
    pattern = np.asarray(t[10], dtype=np.int64)
    urban = np.asarray(t[2]) == "urban"
    deps = ((pattern[:, None] >> np.arange(d)) & 1).astype(np.uint8)
    e = escape_arrays(np.asarray(t[1], dtype=np.float64), urban, deps, std, indicators=list(std.indicator_codes))
    share = np.where(np.isfinite(e.order_share), e.order_share, NO_SHARE).tolist()
    both = (e.one_deprivation & e.small_gap).tolist()
    cols = ["year"] + LOC + ["household_id", "ethnic_minority", "urban", "income", "pattern", "both", "share"]
    insert_rows(EscapeCandidate._meta.db_table, cols,            # rows as they are: no model objects
                ((year, *data[r][4:10], data[r][0], bool(data[r][3]), r_urban, data[r][1], r_pattern, both[j], share[j])
                 for j, (r, r_urban, r_pattern) in enumerate(zip(e.rows.tolist(), urban[e.rows].tolist(),
                                                                 pattern[e.rows].tolist()))))


# ------------------------------------------------------------------ movements


PAIR_LOCK = 0x43544D56           # "CTMV": the advisory lock of a movement pair written whole (with the year)


def _movements(year: int | None, vids, households=None) -> None:
    years = _years(None)
    if not years:
        MovementCount.objects.all().delete()
        HouseholdMovement.objects.all().delete()
        return
    if year is None:
        MovementCount.objects.all().delete()
        HouseholdMovement.objects.all().delete()
        UnitMovement.objects.all().delete()
        for y in years:
            _movement_pair(y, None, counts=False, fresh=True)
        _resolve_elsewhere_all()        # every pair's few flag-2 rows in one pass
        _movement_counts(None)          # every pair's groups in one pass over the rows
        for y in years:
            _unit_movements(y, None)
        return
    MovementCount.objects.filter(year_to__gt=years[-1]).delete()
    HouseholdMovement.objects.filter(year_to__gt=years[-1]).delete()
    UnitMovement.objects.filter(year_to__gt=years[-1]).delete()
    wide = vids                # already widened by refresh()
    covered = covered_years()
    missing = [y for y in years if y >= year and y not in covered]
    if missing and connection.vendor == "postgresql":
        # the first results of a new year in two communes at once would each write the whole pair (their
        # commune locks differ): twice the rows, every count of the year doubled. One at a time: the
        # second waits for the first to commit, then (a new snapshot: READ COMMITTED) finds its pair.
        # SQLite's single writer never runs two at once.
        for y in missing:
            _exec("SELECT pg_advisory_xact_lock(%s, %s)", [PAIR_LOCK, y])
        covered = covered_years()
    for y in [y for y in years if y >= year]:
        known = y in covered
        _movement_pair(y, wide if known else None, households if known else None)
        _unit_movements(y, wide if known else None)
    if vids is not None and connection.vendor == "postgresql" and not covered.issuperset(missing):
        # a new pair's rows (a province's households, at the first result of a new year) are unknown to
        # the planner's statistics until an analyze, which autovacuum runs only after a tenth of the
        # table changed: meanwhile every save's village rewrite of the pair scanned all of them
        # (year_to = y estimated at one row: 30–40 ms a statement instead of < 1 ms)
        for model in (HouseholdMovement, MovementCount, UnitMovement):
            _exec(f"ANALYZE {model._meta.db_table}")
    if year not in years:      # the year's last result went away
        MovementCount.objects.filter(year_to=year).delete()
        HouseholdMovement.objects.filter(year_to=year).delete()
        UnitMovement.objects.filter(year_to=year).delete()


def _widen(year: int, vids) -> list[int]:
    """``vids`` and every village where their households of ``year`` (any version) have a
    periodic result from ``year - 1`` on."""
    w, p = _in("h.village_id", vids)
    with connection.cursor() as cur:
        cur.execute(f"SELECT DISTINCT a.village_id FROM {A} a WHERE a.kind = 'periodic' AND a.year >= %s AND "
                    f"a.household_id IN (SELECT h.household_id FROM {A} h WHERE {w} AND h.year = %s "
                    f"AND h.kind = 'periodic')", [year - 1] + p + [year])
        return sorted(set(vids) | {r[0] for r in cur.fetchall()})


def _earlier(cat: str, same_village: bool) -> str:
    v = " AND e.village_id = a.village_id" if same_village else ""
    return (f"EXISTS (SELECT 1 FROM {A} e WHERE e.household_id = s.h AND e.kind = 'periodic' AND e.is_current "
            f"AND e.year < %s AND e.category = '{cat}' AND e.standard = a.standard{v})")


def _flag(cat: str, already: str) -> str:
    """1/2/0 (see MovementCount) where the flag can decide the movement, else 0."""
    return (f"(CASE WHEN a.category = '{cat}' AND NOT (COALESCE(b.village_id, 0) = a.village_id "
            f"AND COALESCE(b.category, 'none') IN ({already})) "
            f"THEN (CASE WHEN {_earlier(cat, True)} THEN 1 WHEN {_earlier(cat, False)} THEN 2 ELSE 0 END) "
            f"ELSE 0 END)")


def _movement_pair(y: int, vids, households=None, counts: bool = True, fresh: bool = False) -> None:
    """HouseholdMovement of pair ``y`` for the households with a result of ``y - 1`` or ``y`` in
    ``vids`` (all when None), each classified for its units, then (``counts``) MovementCount as
    their groups. ``fresh``: a full recount that emptied both tables first — no stale rows to
    delete, and the households with earlier results elsewhere are resolved for every pair at once
    by the caller (each of these statements scanned the whole table: its indexes are built at the
    end of a full recount)."""
    stale = MovementCount.objects.filter(year_to=y)
    stale_h = HouseholdMovement.objects.filter(year_to=y)
    sel, params = "", [y - 1] * 4 + [y - 1, y]      # 4 EXISTS (pe, ne), then the households' years
    touch, tparams = "", []
    if vids is not None:
        near = Q(from_village_id__in=vids) | Q(to_village_id__in=vids)
        stale = stale.filter(near)
        if households is None:
            stale_h = stale_h.filter(near)
            w, p = _in("x.village_id", vids)
        else:         # only these households' rows change (~1 row instead of a village's ~200)
            stale_h = stale_h.filter(household_id__in=households)
            w, p = _in("x.household_id", households)
        sel, params = f" AND {w}", params + p
        wf, pf = _in("from_village_id", vids)
        wt, pt = _in("to_village_id", vids)
        touch, tparams = f" AND ({wf} OR {wt})", pf + pt
    if not fresh:
        stale.delete()
        stale_h.delete()
    pe, ne = _flag("poor", "'poor'"), _flag("near_poor", "'poor', 'near_poor'")
    inner = (f"SELECT {', '.join(f'b.{c} AS f_{c}' for c in LOC)}, {', '.join(f'a.{c} AS t_{c}' for c in LOC)}, "
             f"COALESCE(b.category, 'none') AS cf, COALESCE(a.category, 'none') AS ct, "
             f"{pe} AS pe, {ne} AS ne, (CASE WHEN a.pledged_escape THEN 1 ELSE 0 END) = 1 AS pl, s.h AS h "
             f"FROM (SELECT DISTINCT x.household_id AS h FROM {A} x WHERE x.kind = 'periodic' AND x.is_current "
             f"AND x.year IN (%s, %s){sel}) s "
             f"LEFT JOIN {A} b ON b.household_id = s.h AND b.year = %s AND b.kind = 'periodic' AND b.is_current "
             f"LEFT JOIN {A} a ON a.household_id = s.h AND a.year = %s AND a.kind = 'periodic' AND a.is_current"
             f"{' OFFSET 0' if connection.vendor == 'postgresql' else ''}")
    # OFFSET 0 keeps the inner query a query of its own on PostgreSQL: pe and ne (four EXISTS
    # lookups) are read by every level's movement, and pulled up into the outer SELECT each read
    # ran its lookups again (half of a pair's time; SQLite evaluates them once either way)
    params += [y - 1, y]                              # the joins of the two years
    mv_cols, mv_sql = [], []
    for level in UNIT_LEVELS:
        f, t = f"f_{level}_id", f"t_{level}_id"
        mv_cols += [f"mv_{level}_from", f"mv_{level}_to"]
        mv_sql += [f"(CASE WHEN {f} IS NULL THEN NULL ELSE "
                   f"{_movement_sql('cf', f'(CASE WHEN {t} = {f} THEN ct ELSE {_q(NONE_)} END)')} END)",
                   f"(CASE WHEN {t} IS NULL THEN NULL ELSE "
                   f"{_movement_sql(f'(CASE WHEN {f} = {t} THEN cf ELSE {_q(NONE_)} END)', 'ct')} END)"]
    dst = ["year_to", "household_id"] + SIDES + ["cat_from", "cat_to", "poor_earlier", "near_earlier", "pledged"]
    _exec(f"INSERT INTO {HouseholdMovement._meta.db_table} ({', '.join(dst + mv_cols)}) "
          f"SELECT {int(y)}, h, {', '.join(f'f_{c}' for c in LOC)}, {', '.join(f't_{c}' for c in LOC)}, "
          f"cf, ct, pe, ne, pl, {', '.join(mv_sql)} FROM ({inner}) t", params)
    if not fresh:
        _resolve_elsewhere(y, vids)
    if counts:
        _movement_counts(y, touch, tparams)


def _movement_counts(y: int | None, touch: str = "", tparams=()) -> None:
    """MovementCount of pair ``y`` (every pair when None: a full recount's one pass, not one scan of
    the unindexed rows a pair) as the groups of its HouseholdMovement rows (``touch``: the villages'
    condition, with ``tparams``)."""
    dst = ["year_to"] + SIDES + ["cat_from", "cat_to", "poor_earlier", "near_earlier", "pledged", "household_id", "n"]
    where, params = ("year_to = %s", [y]) if y is not None else ("1 = 1", [])
    _exec(f"INSERT INTO {MovementCount._meta.db_table} ({', '.join(dst)}) "
          f"SELECT year_to, from_village_id, {', '.join(f'MIN(from_{c})' for c in LOC[1:])}, "
          f"to_village_id, {', '.join(f'MIN(to_{c})' for c in LOC[1:])}, cat_from, cat_to, poor_earlier, "
          f"near_earlier, pledged, hid, COUNT(*) "
          f"FROM (SELECT m.*, CASE WHEN poor_earlier = 2 OR near_earlier = 2 THEN household_id END AS hid "
          f"FROM {HouseholdMovement._meta.db_table} m WHERE {where}{touch}) u "
          f"GROUP BY year_to, from_village_id, to_village_id, cat_from, cat_to, poor_earlier, near_earlier, pledged, "
          f"hid", params + list(tparams))


NONE_ = "none"


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _movement_sql(b: str, a: str) -> str:
    """chungtay.core.movements.movement as SQL (its code in movement_codes()), for the states
    ``b`` and ``a``; "earlier" = flag 1 (flag 2, earlier only in other villages, is decided
    afterwards by :func:`_resolve_elsewhere`)."""
    c = {m: i for i, m in enumerate(movement_codes())}
    return (f"(CASE WHEN {b} = 'poor' THEN (CASE WHEN {a} = 'poor' THEN {c['still_poor']} "
            f"WHEN {a} = 'near_poor' THEN {c['poor_to_near_poor']} WHEN {a} = 'none' THEN {c['poor_left']} "
            f"ELSE {c['escaped_poverty']} END) "
            f"WHEN {a} = 'poor' THEN (CASE WHEN pe = 1 THEN {c['re_poor']} ELSE {c['newly_poor']} END) "
            f"WHEN {b} = 'near_poor' THEN (CASE WHEN {a} = 'near_poor' THEN {c['still_near_poor']} "
            f"WHEN {a} = 'none' THEN {c['near_poor_left']} ELSE {c['escaped_near_poverty']} END) "
            f"WHEN {a} = 'near_poor' THEN (CASE WHEN ne = 1 THEN {c['re_near_poor']} ELSE {c['newly_near_poor']} END) "
            f"WHEN {b} = 'none' THEN {c['new_above']} WHEN {a} = 'none' THEN {c['above_left']} "
            f"ELSE {c['stayed_above']} END)")


ELSEWHERE = Q(poor_earlier=2) | Q(near_earlier=2)


def _resolve_elsewhere_all() -> None:
    """:func:`_resolve_elsewhere` of every pair, their rows read in one statement."""
    by_year: dict[int, list] = {}
    for r in HouseholdMovement.objects.filter(ELSEWHERE).order_by("year_to", "id"):
        by_year.setdefault(r.year_to, []).append(r)
    for y, rows in by_year.items():
        _resolve_elsewhere(y, None, rows)


def _resolve_elsewhere(y: int, vids, rows=None) -> None:
    """Households whose earlier poor / near-poor result lies only in other villages (flag 2):
    classify them for each unit with that unit's own earlier results (few rows; ``rows``: pair
    ``y``'s, already read)."""
    from chungtay.core.movements import NONE, movement
    if rows is None:
        qs = HouseholdMovement.objects.filter(year_to=y).filter(ELSEWHERE)
        if vids is not None:
            qs = qs.filter(Q(from_village_id__in=vids) | Q(to_village_id__in=vids))
        rows = list(qs)
    if not rows:
        return
    codes = {m: i for i, m in enumerate(movement_codes())}
    hs = {r.household_id for r in rows}
    for level in UNIT_LEVELS:
        earlier = _earlier_elsewhere(y, level, hs)
        for r in rows:
            f, t = getattr(r, f"from_{level}_id"), getattr(r, f"to_{level}_id")
            for side, u in (("from", f), ("to", t)):
                if u is None:
                    continue
                b, a = (r.cat_from if f == u else NONE), (r.cat_to if t == u else NONE)
                m = movement(b, a, r.poor_earlier == 1 or (r.poor_earlier == 2 and (r.household_id, u, "poor") in earlier),
                             r.near_earlier == 1 or (r.near_earlier == 2 and (r.household_id, u, "near_poor") in earlier))
                setattr(r, f"mv_{level}_{side}", codes[m])
    HouseholdMovement.objects.bulk_update(rows, [f"mv_{lv}_{s}" for lv in UNIT_LEVELS for s in ("from", "to")],
                                          batch_size=500)


UNIT_LEVELS = ("village", "commune", "province")


def _unit_movements(y: int, vids) -> None:
    """UnitMovement of pair ``y`` for the villages ``vids`` (all when None), their communes and
    provinces, from the MovementCount rows that touch them."""
    from collections import Counter

    from django.db.models import Q, Sum

    from chungtay.core.movements import NONE, movement
    from chungtay.units.models import Unit
    pair = MovementCount.objects.filter(year_to=y)
    units: dict[str, list[int] | None] = {"village": vids, "commune": None, "province": None}
    if vids is not None:
        units["commune"] = sorted(set(Unit.objects.filter(id__in=vids).values_list("parent_id", flat=True)))
        units["province"] = sorted(set(Unit.objects.filter(id__in=units["commune"])
                                       .values_list("parent_id", flat=True)))
    stale = UnitMovement.objects.filter(year_to=y)
    if vids is not None:
        stale = stale.filter(unit_id__in=[u for ids in units.values() for u in ids])
    stale.delete()
    out: Counter = Counter()
    for level in UNIT_LEVELS:
        ids = units[level]
        qs = pair if ids is None else pair.filter(Q(**{f"from_{level}_id__in": ids}) | Q(**{f"to_{level}_id__in": ids}))
        wanted = None if ids is None else set(ids)
        rows = list(qs.values_list(f"from_{level}_id", f"to_{level}_id", "cat_from", "cat_to", "poor_earlier",
                                   "near_earlier", "pledged", "household_id").annotate(t=Sum("n")).order_by())
        earlier = _earlier_elsewhere(y, level, {h for *_, h, _n in rows if h is not None})
        for f, t, cf, ct, pe, ne, pl, h, n in rows:
            for u in {f, t} - {None}:
                if wanted is not None and u not in wanted:
                    continue
                b, a = (cf if f == u else NONE), (ct if t == u else NONE)
                m = movement(b, a, pe == 1 or (pe == 2 and (h, u, "poor") in earlier),
                             ne == 1 or (ne == 2 and (h, u, "near_poor") in earlier))
                out[(u, b, a, m, bool(pl) and a != NONE)] += n
    # rows as they are (bulk_create: ~140 rows a statement on SQLite, ~3 s of the demo's 100,000)
    insert_rows(UnitMovement._meta.db_table, ["year_to", "unit_id", "before", "after", "movement", "pledged", "n"],
                ((y, u, b, a, m, p, n) for (u, b, a, m, p), n in out.items()))


def _earlier_elsewhere(y: int, level: str, households) -> set:
    """(household, unit, category) of the earlier poor / near-poor results (under the standard of
    the household's result of ``y``) of households whose such results lie in other villages."""
    if not households:
        return set()
    base = Assessment.objects.filter(kind=Assessment.PERIODIC, is_current=True, household_id__in=households)
    std = dict(base.filter(year=y).values_list("household_id", "standard"))
    return {(h, u, cat) for h, u, cat, s in base.filter(year__lt=y - 1, category__in=("poor", "near_poor"))
            .values_list("household_id", f"{level}_id", "category", "standard") if std.get(h) == s}


# ------------------------------------------------------------------ head of household's ethnic group

def _member_changed(sender, instance, **kwargs) -> None:
    """A head's ethnic group is part of the AF figures by ethnicity: recount the household's
    villages of every year it has results (head members change rarely, one household at a time)."""
    from django.db import transaction

    from chungtay.households.summary import lock_communes_of
    rows = list(Assessment.objects.filter(household_id=instance.household_id, kind=Assessment.PERIODIC,
                                          is_current=True).values_list("year", "village_id").distinct().order_by())
    with transaction.atomic():
        lock_communes_of({v for _, v in rows})
        for y, v in rows:
            _deprivations(y, [v])
            _province_deprivations(y, [v])


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from chungtay.households.models import Member
    post_save.connect(_member_changed, sender=Member, dispatch_uid="prepared.member_saved")
    post_delete.connect(_member_changed, sender=Member, dispatch_uid="prepared.member_deleted")
