"""The radar and the outcome figures as DuckDB SQL over the analysts' Parquet export (issue 10 §8).

No Django: the same rules as :mod:`chungtay.core.radar` (the five radar rules, docstring there) and
the same definitions as :mod:`chungtay.core.outcomes` (escape rate, stayed out one and two years,
re-poverty, cost per escaped household — not the matched comparison), computed by DuckDB so that a
province or the nation is answered from ``chungtay export`` files without loading rows into Python.
``tests/test_radar_sql.py`` checks that both engines agree; ``benchmarks/bench_radar_national.py``
times them on 27 M households.

Tables (SQL relations: a table, a view or ``read_parquet(...)``), with the export's column names:

``assessments``  current periodic results: ``household_code`` (any type), ``year``, ``category``,
                 ``standard``, ``area``, ``basis``, ``income``, ``dep_1`` … ``dep_12`` (bool),
                 ``commune_code``, ``province_code`` — ``DIR/year=*/province=*/assessments.parquet``.
``supports``     current support versions: ``household_code``, ``year``, ``kind``, ``value_vnd``,
                 ``status``, ``part_code``, ``commune_code``, ``province_code`` —
                 ``DIR/supports/year=*/province=*/supports.parquet``.
``pledges``      optional (**not in the export**): ``pledge_id``, ``household_code``, ``year``,
                 ``commune_code``, ``province_code``. Without it rule 4 is not computed (None).
``gone``         optional (**not in the export**: it has no household status): ``household_code``
                 of households that moved away, merged or died out; left out of every list, as the
                 Django reader does. Without it nobody is left out.

A unit is ``None`` (the nation), ``("province", code)`` or ``("commune", code)`` (the 2025 codes
of the export); every row of every table is filtered by its own unit column, as the Django reader
does. :func:`export_tables` reads only the province's partitions for a province.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .outcomes import Outcomes
from .radar import ADDRESSES, INCOME
from .standards import StandardError, get_standard

POORISH_SQL = "('poor', 'near_poor')"
RULES = ("persistent", "unsupported", "fell_back", "pledges", "near_escape")
INCOME_BIT = 12                       # the income criterion, after the 12 indicator bits
# every kind some indicator needs → its bit in a household's "kinds received" mask
KIND_BITS = {k: i for i, k in enumerate(sorted({k for ks in ADDRESSES.values() for k in ks}))}
KINDS_SQL = "[" + ", ".join(f"'{k}'" for k in KIND_BITS) + "]"
# poor 0, near-poor 1, anything else 2: "out of" a baseline is a higher rank, "worse" a lower one
RANK_SQL = "CAST(CASE category WHEN 'poor' THEN 0 WHEN 'near_poor' THEN 1 ELSE 2 END AS TINYINT)"
MASK_SQL = " + ".join(f"(CAST(dep_{i} AS INTEGER) << {i - 1})" for i in range(1, 13))


@dataclass
class Tables:
    assessments: str
    supports: str
    pledges: str | None = None
    gone: str | None = None


@dataclass
class RadarResult:
    latest_year: int | None
    year: int
    ids: dict = field(default_factory=dict)   # rule → numpy array of household ids (pledges: pledge ids), sorted
    fell_back_by_year: dict[int, int] | None = None

    def counts(self) -> dict[str, int | None]:
        return {r: (len(self.ids[r]) if self.ids.get(r) is not None else None) for r in RULES}


def export_tables(root: str | Path, province: str | None = None, pledges: str | None = None,
                  gone: str | None = None) -> Tables:
    """The export under ``root`` as :class:`Tables` (only the partitions of ``province`` if given)."""
    if province is not None and not str(province).isalnum():
        raise ValueError(f"province code must be letters and digits, not {province!r}")
    p = province or "*"
    a = f"read_parquet('{Path(root)}/year=*/province={p}/*.parquet', hive_partitioning = false)"
    s = f"read_parquet('{Path(root)}/supports/year=*/province={p}/*.parquet', hive_partitioning = false)"
    return Tables(a, s, pledges, gone)


def _unit(unit, alias: str = "") -> str:
    if unit is None:
        return "TRUE"
    level, _ = unit
    if level not in ("province", "commune"):
        raise ValueError(f"unit level must be province or commune, not {level!r}")
    return f"{alias}{level}_code = $unit"


def _params(unit) -> dict:
    return {} if unit is None else {"unit": str(unit[1])}


def standards_table(con, codes) -> None:
    """Temp table ``_std``: standard, cutoff, number of indicators, near-poor line rural/urban, and
    ``w0`` … ``w12``: the kinds (:data:`KIND_BITS`) that address bit i (bit i = ``dep_{i+1}`` = the
    standard's (i+1)-th indicator, bit 12 = the income criterion) — the facts the Django reader gives
    the core (``_latest_row``) and :data:`chungtay.core.radar.ADDRESSES`."""
    def kinds(code):
        return sum(1 << KIND_BITS[k] for k in ADDRESSES.get(code, ()))
    std = []
    for code in sorted(c for c in codes if c is not None):
        try:
            s = get_standard(code)
        except StandardError:
            continue                  # unknown standard: no deprivations, no line (as the reader)
        near_line = next((r.income_at_most for r in s.rules if r.category == "near_poor"), None)
        line = s.lines.get(near_line) if near_line else None
        w = [kinds(c) for c in s.indicator_codes][:INCOME_BIT]
        w += [0] * (INCOME_BIT - len(w)) + [kinds(INCOME)]
        std.append((code, s.deprivation_cutoff, len(s.indicator_codes),
                    line.rural if line else None, line.urban if line else None, *w))
    ws = ", ".join(f"w{i} BIGINT" for i in range(INCOME_BIT + 1))
    con.execute("CREATE OR REPLACE TEMP TABLE _std (standard VARCHAR, cutoff INTEGER, n INTEGER, "
                f"line_rural BIGINT, line_urban BIGINT, {ws})")
    if std:
        con.executemany(f"INSERT INTO _std VALUES ({', '.join(['?'] * (5 + INCOME_BIT + 1))})", std)


def _run(con, sql: str, params: dict):
    """Execute with the named parameters the statement uses (DuckDB refuses unused ones)."""
    return con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})


def _ids(con, sql: str, params: dict):
    """The first column as a numpy array (millions of ids: no Python objects)."""
    rel = _run(con, sql, params)
    return next(iter(rel.fetchnumpy().values()))


def radar(con, t: Tables, unit=None, year: int | None = None, latest_year: int | None = None,
          min_years: int = 3, income_margin: float = 0.10, by_year: bool = False) -> RadarResult:
    """The five rules for ``unit``; ``year`` = the reference year R (required), ``latest_year``
    defaults to the newest year with a result in the unit. ``by_year``: also the fell-back counts of
    every pair of years (a self-join of the whole history: not needed for the lists)."""
    if year is None:
        raise ValueError("year (the reference year) is required")
    year, min_years = int(year), int(min_years)
    margin = float(income_margin)
    P = _params(unit)
    ua, us = _unit(unit), _unit(unit)
    gone = f"AND household_code NOT IN (SELECT household_code FROM {t.gone})" if t.gone else ""
    if latest_year is None:
        latest_year = _run(con, f"SELECT max(year) FROM {t.assessments} WHERE {ua}", P).fetchone()[0]
    out = RadarResult(latest_year=None if latest_year is None else int(latest_year), year=year)
    L = out.latest_year
    # rule 4 (needs no result year)
    if t.pledges:
        out.ids["pledges"] = _ids(con, f"""
            SELECT p.pledge_id FROM {t.pledges} p WHERE {_unit(unit, 'p.')} AND p.year <= {year}
              {gone.replace('household_code', 'p.household_code', 1)}
              AND NOT EXISTS (SELECT 1 FROM {t.supports} s WHERE {_unit(unit, 's.')} AND s.status = 'delivered'
                              AND s.household_code = p.household_code AND s.year IN (p.year, p.year - 1))
            ORDER BY 1""", P)
    else:
        out.ids["pledges"] = None
    if L is None:
        out.fell_back_by_year = {} if by_year else None
        for r in RULES:
            out.ids.setdefault(r, [])
        return out
    # the latest year's poor and near-poor: rank (0 poor, 1 near-poor) and, for rule 5, the blocking
    # indicators as bits (``block``) and the kinds that address any of them (``want``, KIND_BITS)
    standards_table(con, [r[0] for r in _run(con, f"""SELECT DISTINCT standard FROM {t.assessments}
                                                      WHERE {ua} AND year = {L}""", P).fetchall()])
    want = " | ".join(f"CASE WHEN (block >> {i}) & 1 = 1 THEN w{i} ELSE 0 END" for i in range(INCOME_BIT + 1))
    _run(con, f"""CREATE OR REPLACE TEMP TABLE _lat AS
        WITH l AS (SELECT household_code AS h, {RANK_SQL} AS r, standard, area, basis, income,
                          ({MASK_SQL}) AS mask
                   FROM {t.assessments} WHERE {ua} AND year = {L} AND category IN {POORISH_SQL} {gone}),
        d AS (SELECT l.*, s.*, l.mask & ((1 << s.n) - 1) AS m,
                     CASE WHEN l.area = 'rural' THEN s.line_rural ELSE s.line_urban END AS line
              FROM l LEFT JOIN _std s ON s.standard = l.standard),
        b AS (SELECT *, CASE
                WHEN r = 0 AND m <> 0 AND bit_count(m) = cutoff THEN m
                WHEN basis = 'income' AND income IS NOT NULL AND line IS NOT NULL AND line <> 0
                     AND CAST(line - income AS DOUBLE) <= CAST(line AS DOUBLE) * {margin!r}
                     AND (r = 1 OR bit_count(m) < cutoff) THEN {1 << INCOME_BIT}
                END AS block FROM d)
        SELECT h, r, block, CASE WHEN block IS NOT NULL THEN {want} END AS want FROM b""", P)
    # what these households received: any delivered support in R − 1 … R (rule 2), the kinds received
    # in L − 1 … max(R, L) (rule 5)
    first, last = min(year - 1, L - 1), max(year, L)
    kb = f"list_position({KINDS_SQL}, kind)"
    _run(con, f"""CREATE OR REPLACE TEMP TABLE _got AS
        SELECT household_code AS h, bool_or(year IN ({year - 1}, {year})) AS recent,
               bit_or(CASE WHEN year >= {L - 1} AND {kb} > 0 THEN CAST(1 AS BIGINT) << ({kb} - 1) ELSE 0 END) AS km
        FROM {t.supports}
        WHERE {us} AND status = 'delivered' AND year BETWEEN {first} AND {last}
          AND household_code IN (SELECT h FROM _lat)
        GROUP BY household_code""", P)
    # one scan of the earlier years for these households: L − 1 (fell back) and the poor years (the run)
    _run(con, f"""CREATE OR REPLACE TEMP TABLE _lh AS
        SELECT household_code AS h, year, {RANK_SQL} AS r FROM {t.assessments}
        WHERE {ua} AND year < {L} AND (year = {L - 1} OR category = 'poor')
          AND household_code IN (SELECT h FROM _lat)""", P)
    # rule 1: the run of poor years ending at L (rows newest first: in the run while year + rn = L + 1)
    out.ids["persistent"] = _ids(con, f"""
        WITH p AS (SELECT h, year, row_number() OVER (PARTITION BY h ORDER BY year DESC) AS rn
                   FROM (SELECT h, {L} AS year FROM _lat WHERE r = 0
                         UNION ALL SELECT h, year FROM _lh WHERE r = 0 AND h IN (SELECT h FROM _lat WHERE r = 0)))
        SELECT h FROM p WHERE year + rn = {L + 1} GROUP BY h HAVING count(*) >= {min_years} ORDER BY h""", {})
    # rules 2 and 5 in one pass
    got = _run(con, """SELECT l.h, NOT coalesce(g.recent, FALSE) AS unsupported,
                              l.block IS NOT NULL AND (l.want & coalesce(g.km, 0)) = 0 AS near
                       FROM _lat l LEFT JOIN _got g ON g.h = l.h ORDER BY l.h""", {}).fetchnumpy()
    out.ids["unsupported"] = got["h"][np.asarray(got["unsupported"], bool)]
    out.ids["near_escape"] = got["h"][np.asarray(got["near"], bool)]
    # rule 3: L − 1 → L (worse = a higher rank before)
    out.ids["fell_back"] = _ids(con, f"""
        SELECT a.h FROM _lat a JOIN _lh b ON b.h = a.h AND b.year = {L - 1} WHERE b.r > a.r ORDER BY a.h""", {})
    if by_year:
        rows = _run(con, f"""
            WITH x AS (SELECT household_code AS h, year, {RANK_SQL} AS r FROM {t.assessments} WHERE {ua} {gone})
            SELECT a.year, count(*) FROM x a JOIN x b ON b.h = a.h AND b.year = a.year - 1
            WHERE a.r < 2 AND b.r > a.r GROUP BY 1 ORDER BY 1""", P).fetchall()
        out.fell_back_by_year = {int(y): int(n) for y, n in rows}
    for name in ("_lat", "_got", "_lh"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return out


def _out_of(start: str, c: str) -> str:
    """Out of the baseline (ranks, RANK_SQL): poor → not poor, near-poor → average or above; no result: no."""
    return f"coalesce({c} > {start}, FALSE)"


def outcomes(con, t: Tables, first: int, last: int, unit=None, kind: str = "", programme: str = "") -> Outcomes:
    """The figures of :func:`chungtay.core.outcomes.outcomes` (without the matched comparison:
    ``effect`` stays None) for the delivered supports of ``unit`` in ``first … last`` matching
    ``kind`` and ``programme`` (a prefix of the part code, as the Django reader)."""
    first, last = int(first), int(last)
    P = _params(unit)
    cond = [_unit(unit), "status = 'delivered'", f"year BETWEEN {first} AND {last}"]
    if kind:
        cond.append("kind = $kind")
        P["kind"] = kind
    if programme:
        cond.append("starts_with(part_code, $programme)")
        P["programme"] = programme
    where = " AND ".join(cond)
    # one pass over the supports: each household's first support year and the value of its supports
    _run(con, f"""CREATE OR REPLACE TEMP TABLE _os AS
        SELECT household_code AS h, min(year) AS y, sum(value_vnd) AS v FROM {t.supports} WHERE {where}
        GROUP BY household_code""", P)
    supported, value = con.execute("SELECT count(*), coalesce(sum(v), 0) FROM _os").fetchone()
    ua = _unit(unit)
    # the eligible: poor or near-poor the year before their support year (the baseline)
    _run(con, f"""CREATE OR REPLACE TEMP TABLE _oe AS
        SELECT s.h, s.y, a.r AS start FROM _os s JOIN (
            SELECT household_code AS h, year, {RANK_SQL} AS r FROM {t.assessments}
            WHERE {ua} AND year BETWEEN {first - 1} AND {last - 1} AND category IN {POORISH_SQL}) a
        ON a.h = s.h AND a.year = s.y - 1""", P)
    # their results from the first support year on, one row per household, one column per year
    top = _run(con, f"SELECT max(year) FROM {t.assessments} WHERE {ua}", P).fetchone()[0]
    years = list(range(first, max(int(top or 0), first) + 1))
    _run(con, f"""CREATE OR REPLACE TEMP TABLE _oh AS
        SELECT household_code AS h, {", ".join(f"any_value({RANK_SQL}) FILTER (WHERE year = {y}) AS r{y}" for y in years)}
        FROM {t.assessments}
        WHERE {ua} AND year BETWEEN {first} AND {years[-1]} AND household_code IN (SELECT h FROM _oe)
        GROUP BY household_code""", P)

    # per eligible household: the ranks in Y … Y + 3 and, after Y and after Y + 1 (the two possible
    # escape years E), how many results and the lowest rank
    def at(i):
        return "CASE s.y + {} {} END AS c{}".format(i, " ".join(f"WHEN {y} THEN o.r{y}" for y in years), i)

    def after(k):
        n = " + ".join(f"CASE WHEN {y} > s.y + {k} AND o.r{y} IS NOT NULL THEN 1 ELSE 0 END" for y in years)
        low = ", ".join(f"CASE WHEN {y} > s.y + {k} THEN o.r{y} END" for y in years)
        return f"{n} AS n{k}, least({low}, NULL::TINYINT) AS low{k}"
    _run(con, f"""CREATE OR REPLACE TEMP TABLE _of AS
        WITH p AS (SELECT s.h, s.start, {at(0)}, {at(1)}, {at(2)}, {at(3)}, {after(0)}, {after(1)}
                   FROM _oe s LEFT JOIN _oh o ON o.h = s.h)
        SELECT *, CASE WHEN {_out_of('start', 'c0')} THEN 0 WHEN {_out_of('start', 'c1')} THEN 1 END AS k FROM p""", {})

    def e(i):                # the rank in E + i
        return f"CASE k WHEN 0 THEN c{i} ELSE c{i + 1} END"

    def pick(name):          # the figure after the household's own escape year
        return f"CASE k WHEN 0 THEN {name}0 ELSE {name}1 END"
    out1, out2 = _out_of("start", e(1)), _out_of("start", e(2))
    rep = f"k IS NOT NULL AND {pick('n')} > 0 AND NOT {_out_of('start', pick('low'))}"
    (eligible, pending, escaped, s1n, s1, s2n, s2, rn, r) = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE k IS NULL AND c1 IS NULL), count(*) FILTER (WHERE k IS NOT NULL),
               count(*) FILTER (WHERE k IS NOT NULL AND {e(1)} IS NOT NULL),
               count(*) FILTER (WHERE k IS NOT NULL AND {out1}),
               count(*) FILTER (WHERE k IS NOT NULL AND {e(2)} IS NOT NULL),
               count(*) FILTER (WHERE k IS NOT NULL AND {out2} AND ({e(1)} IS NULL OR {out1})),
               count(*) FILTER (WHERE k IS NOT NULL AND {pick('n')} > 0), count(*) FILTER (WHERE {rep})
        FROM _of""").fetchone()
    esc_ids = _ids(con, "SELECT h FROM _of WHERE k IS NOT NULL ORDER BY h", {})
    rep_ids = _ids(con, f"SELECT h FROM _of WHERE {rep} ORDER BY h", {})
    for name in ("_os", "_oe", "_oh", "_of"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return Outcomes(supported=int(supported), eligible=eligible, decided=eligible - pending, pending=pending,
                    escaped=escaped, stayed_1_n=s1n, stayed_1=s1, stayed_2_n=s2n, stayed_2=s2, repoverty_n=rn,
                    repoverty=r, value_vnd=int(value), escaped_ids=esc_ids, repoverty_ids=rep_ids)


def by_province(con, t: Tables, r: RadarResult) -> dict[str, dict[str, int]]:
    """The lists of ``r`` (a :func:`radar` of the nation) counted by province: province code → rule →
    count (rules whose list was not computed are left out). A household is counted where its result
    of ``r.latest_year`` lies (every listed household has one: the lists start from that year's
    poor and near-poor); a pledge where the pledge was made."""
    import pyarrow as pa
    out: dict[str, dict[str, int]] = {}
    if r.latest_year is None:
        return out
    for rule in RULES:
        ids = r.ids.get(rule)
        if ids is None:
            continue
        con.register("_by_ids", pa.table({"i": pa.array(ids)}))
        if rule == "pledges":
            sql = f"SELECT province_code, count(*) FROM {t.pledges} WHERE pledge_id IN (SELECT i FROM _by_ids) GROUP BY 1"
        else:
            sql = (f"SELECT province_code, count(*) FROM {t.assessments} "
                   f"WHERE year = {int(r.latest_year)} AND household_code IN (SELECT i FROM _by_ids) GROUP BY 1")
        for code, n in con.execute(sql).fetchall():
            out.setdefault(str(code), {})[rule] = int(n)
        con.unregister("_by_ids")
    return out
