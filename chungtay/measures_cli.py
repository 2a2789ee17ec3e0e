"""``chungtay measures …``: Alkire–Foster (``mpi``), FGT income measures (``fgt``), the list of
poor households one step from leaving poverty (``near-escape``) and the exact-matching effect of
support (``support-effect``, :mod:`chungtay.core.effects`) on a .csv/.xlsx/.parquet file.

Exit status 2 with a message on standard error for bad input; rows in messages are numbered
as in a spreadsheet (header = row 1). The computations are in :mod:`chungtay.core.measures`.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from fractions import Fraction

import numpy as np

FORMATS = ("text", "json")


class BadInput(Exception):
    pass


def _pipe_safe(fn):
    """``chungtay measures … | head`` must not end in a traceback when head stops reading."""
    import functools
    import os

    @functools.wraps(fn)
    def run(args) -> int:
        try:
            return fn(args)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    return run


# --------------------------------------------------------------------------- parsing helpers

def _number(text: str, what: str) -> float:
    try:
        t = text.strip().replace("_", "").replace(" ", "")
        x = float(Fraction(t)) if "/" in t else float(t)
    except (ValueError, ZeroDivisionError):
        raise BadInput(f"{what}: not a number: {text!r}") from None
    if not math.isfinite(x):
        raise BadInput(f"{what}: not a finite number: {text!r}")
    return x


def _list(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _load(path: str, needed: list[str], text_columns: tuple[str, ...] = (), also: tuple[str, ...] = ()):
    """The file's ``needed`` columns (and ``also`` when there), checked; every column if the header
    lacks one or repeats one, so that the message can name them all."""
    from chungtay.core.tables import ID_COLUMN, InputError, column_names, read_table
    try:
        there = (column_names(path) or []) if also else []
        table = read_table(path, text_columns=(ID_COLUMN, "area", *(c.lower() for c in text_columns)),
                           columns=[*needed, *(c for c in also if c in there)])   # only these, if each is there once
    except InputError as e:
        raise BadInput(str(e)) from None
    problems = []
    if table.num_rows == 0:
        raise BadInput(f"{path}: the file has no data rows")
    names = table.column_names
    missing = [c for c in needed if c not in names]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)} (the file has: {', '.join(names)})")
    dup = sorted({c for c in needed if names.count(c) > 1})
    if dup:
        problems.append(f"duplicate column(s): {', '.join(dup)}")
    if problems:
        raise BadInput(_problems(path, problems))
    return table


def _problems(path, problems: list[str]) -> str:
    return f"{path}: " + (problems[0] if len(problems) == 1 else
                          f"{len(problems)} problems:\n  " + "\n  ".join(problems))


def _zero_one(table, code: str, problems: list[str]) -> np.ndarray | None:
    import pyarrow as pa

    from chungtay.core.tables import _fmt_rows, _numeric, int_values
    col = table.column(code)
    if (pa.types.is_integer(col.type) or pa.types.is_boolean(col.type)) and col.null_count == 0 and len(col):
        vals = int_values(col.cast(pa.int8()) if pa.types.is_boolean(col.type) else col)
        if vals.min() >= 0 and vals.max() <= 1:       # checked where it lies: no float copy
            return vals.astype(np.int8, copy=False)
    vals, bad = _numeric(col)
    wrong = bad | np.isnan(vals) | ((vals != 0) & (vals != 1))
    if wrong.any():
        problems.append(f"column {code}: value must be 0 or 1 at {_fmt_rows(np.flatnonzero(wrong))}")
        return None
    return vals.astype(np.int8)


def _amount(table, col: str, problems: list[str], what: str = "a number",
            positive: bool = False) -> np.ndarray | None:
    from chungtay.core.tables import _fmt_rows, _numeric
    vals, bad = _numeric(table.column(col))
    ok = True
    if bad.any():
        problems.append(f"column {col}: not a number at {_fmt_rows(np.flatnonzero(bad))}")
        ok = False
    empty = np.isnan(vals) & ~bad
    if empty.any():
        problems.append(f"column {col}: empty at {_fmt_rows(np.flatnonzero(empty))}")
        ok = False
    neg = np.flatnonzero(vals <= 0 if positive else vals < 0)
    if len(neg):
        problems.append(f"column {col}: {'must be positive' if positive else 'negative value'} at "
                        f"{_fmt_rows(neg)} ({what} cannot be {'zero or ' if positive else ''}negative)")
        ok = False
    return vals if ok else None


def _groups(table, col: str, problems: list[str]):
    import pyarrow as pa
    import pyarrow.compute as pc
    from chungtay.core.tables import _fmt_rows, _text
    c = table.column(col)
    if pa.types.is_integer(c.type) and not c.null_count:
        return np.asarray(c.to_numpy())           # integer codes: used directly, numeric order
    if pa.types.is_floating(c.type):        # xlsx numbers: 12.0 -> "12"
        c = pa.chunked_array([pa.array([_text(v) for v in c.to_pylist()], pa.string())])
    else:
        c = c.cast(pa.string())
    c = pc.utf8_trim_whitespace(c)
    empty = np.asarray(pc.fill_null(pc.equal(c, ""), True))
    if empty.any():
        problems.append(f"column {col}: empty at {_fmt_rows(np.flatnonzero(empty))} "
                        "(every row needs a group; fill it in or leave out --by)")
        return None
    return c


def _sample_weight(table, col: str | None, problems: list[str]):
    if col is None:
        return None
    s = _amount(table, col, problems, "a weight")
    if s is not None and not s.sum() > 0:
        problems.append(f"column {col}: the weights sum to zero")
        return None
    return s


# --------------------------------------------------------------------------- formatting

def _pct(x, decimals: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.{decimals}f}%"


def _n(x) -> str:
    if x is None:
        return "–"
    return f"{x:,}" if isinstance(x, int) else f"{x:,.2f}"


def _dump(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _k_text(k: float, d: int, weights_given: bool) -> str:
    count = k * d
    of = f" = {round(count)} of {d}" if not weights_given and abs(count - round(count)) < 1e-9 else ""
    return f"k = {k:g}{of}"


# --------------------------------------------------------------------------- mpi

@_pipe_safe
def cmd_mpi(args) -> int:
    from chungtay.cli import _err
    from chungtay.core import measures
    try:
        indicators = _list(args.indicators)
        if not indicators:
            raise BadInput("--indicators: give at least one column name")
        dup = sorted({c for c in indicators if indicators.count(c) > 1})
        if dup:
            raise BadInput(f"--indicators: repeated {', '.join(dup)}")
        weights = None
        if args.weights is not None:
            weights = [_number(x, "--weights") for x in _list(args.weights)]
            if len(weights) != len(indicators):
                raise BadInput(f"--weights: {len(weights)} weights for {len(indicators)} indicators")
            neg = [x for x in weights if x < 0]
            if neg:
                raise BadInput(f"--weights: weights must not be negative (got {', '.join(f'{x:g}' for x in neg)})")
            if sum(weights) <= 0:
                raise BadInput("--weights: the weights sum to zero")
        k = None
        if args.k is not None:
            k = _number(args.k, "--k")
            if not (0 < k <= 1):
                raise BadInput(f"--k must be in (0, 1], a fraction of the weights' sum "
                               f"(for 'K of {len(indicators)}' write K/{len(indicators)}); got {args.k}")
        res = _mpi_pieces(args, indicators, weights, k)
        if res is not None:
            return _print_mpi(args, indicators, weights, *res)
        needed = indicators + [c for c in (args.by, args.weight_column) if c]
        table = _load(args.input, needed, (args.by,) if args.by else ())
        problems: list[str] = []
        cols = {c: _zero_one(table, c, problems) for c in indicators}
        s = _sample_weight(table, args.weight_column, problems)
        groups = _groups(table, args.by, problems) if args.by else None
        if problems:
            raise BadInput(_problems(args.input, problems))
        if groups is None:
            res, dec = measures.af(cols, weights, k, s), None
        else:
            dec = measures.af_by(cols, groups, weights, k, s)
            res = dec.total
    except (BadInput, ValueError) as e:
        return _err(str(e))
    return _print_mpi(args, indicators, weights, res, dec)


def _mpi_pieces(args, indicators: list[str], weights, k):
    """(result, decomposition or None) counted a piece of the file at a time in the memory of one
    piece (:class:`~chungtay.core.measures.AFStream`), reading only the columns asked for; None when
    the file must be read whole: a weight column, a workbook, or anything the plain path must
    report (it then says exactly what, as it always has)."""
    from chungtay.core.measures import AFStream
    from chungtay.core.tables import Unexpected, batches
    if args.weight_column or not str(args.input).lower().endswith((".csv", ".parquet")):
        return None
    stream = AFStream(indicators, weights, k, by=bool(args.by))
    by = (args.by,) if args.by else ()
    try:
        for t in batches(args.input, indicators + list(by), text_columns=tuple(c.lower() for c in by),
                         byte_columns=tuple(indicators)):
            problems: list[str] = []
            cols = [_zero_one(t, c, problems) for c in indicators]
            groups = _groups(t, args.by, problems) if args.by else None
            if problems:
                return None
            stream.add(cols, groups)
        res = stream.result() if stream.n else None
    except (Unexpected, ValueError):
        return None
    if res is None or not args.by:
        return None if res is None else (res, None)
    return res.total, res


def _print_mpi(args, indicators, weights, res, dec) -> int:
    out = {"input": str(args.input), **res.to_dict(), "weight_column": args.weight_column,
           "by": args.by, "groups": dec.to_dict(("M0", "H")) if dec is not None else {}}
    if args.format == "json":
        _dump(out)
        return 0
    d = len(indicators)
    unit = f"weighted by {args.weight_column}" if args.weight_column else "rows"
    print(f"Alkire–Foster measures — {args.input}")
    print(f"  {_k_text(res.k, d, weights is not None)}"
          f"{' (legal rule: 3 of d, equal weights)' if args.k is None and weights is None else ''}; "
          f"a unit is poor when its weighted deprivation score ≥ k")
    print(f"  n  = {_n(res.n)} ({unit}); poor q = {_n(res.q)}")
    print(f"  H  = {_pct(res.H)}   (incidence: share poor)")
    print(f"  A  = {_pct(res.A)}   (intensity: average score of the poor)")
    print(f"  M0 = {res.M0:.4f}   (adjusted headcount ratio = H × A)")
    print()
    w = max(12, *(len(c) for c in indicators))
    print(f"  {'indicator':<{w}} {'weight':>7} {'uncensored':>11} {'censored':>9} {'contribution':>13}")
    for c in indicators:
        print(f"  {c:<{w}} {res.weights[c]:>7.3f} {_pct(res.uncensored[c]):>11} {_pct(res.censored[c]):>9} "
              f"{_pct(res.contribution[c]):>13}")
    if dec is not None:
        print()
        contrib = dec.contribution("M0")
        gw = max(10, *(len(str(g)) for g in dec))
        print(f"  by {args.by}:")
        print(f"  {'group':<{gw}} {'n':>12} {'share':>8} {'H':>8} {'A':>8} {'M0':>8} {'of M0':>8}")
        for g, r in dec.items():
            print(f"  {str(g):<{gw}} {_n(r.n):>12} {_pct(dec.share[g], 1):>8} {_pct(r.H):>8} {_pct(r.A):>8} "
                  f"{r.M0:>8.4f} {_pct(contrib[g], 1):>8}")
    return 0


# --------------------------------------------------------------------------- fgt

@_pipe_safe
def cmd_fgt(args) -> int:
    from chungtay.cli import _err
    from chungtay.core import measures
    try:
        if args.line is not None:
            line = _number(args.line, "--line")
            if line <= 0:
                raise BadInput(f"--line must be positive, got {args.line}")
        needed = [args.income_column] + [c for c in (args.line_column, args.by, args.weight_column) if c]
        table = _load(args.input, needed, (args.by,) if args.by else ())
        problems: list[str] = []
        income = _amount(table, args.income_column, problems, "income")
        if args.line_column:
            line = _amount(table, args.line_column, problems, "a line", positive=True)
        s = _sample_weight(table, args.weight_column, problems)
        groups = _groups(table, args.by, problems) if args.by else None
        if problems:
            raise BadInput(_problems(args.input, problems))
        if groups is None:
            res, dec = measures.fgt(income, line, inclusive=args.inclusive, sample_weight=s), None
        else:
            dec = measures.fgt_by(income, line, groups, inclusive=args.inclusive, sample_weight=s)
            res = dec.total
    except (BadInput, ValueError) as e:
        return _err(str(e))
    rule = "income ≤ line" if args.inclusive else "income < line"
    out = {"input": str(args.input), **res.to_dict(), "line_column": args.line_column, "poor_when": rule,
           "weight_column": args.weight_column,
           "by": args.by, "groups": dec.to_dict(("P0", "P1", "P2")) if dec is not None else {}}
    if args.format == "json":
        _dump(out)
        return 0
    print(f"FGT income poverty measures — {args.input}")
    z = f"{line:,.0f}" if args.line is not None else f"column {args.line_column}"
    print(f"  line z = {z}; poor when {rule}"
          f"{' (official Vietnamese rule)' if args.inclusive else ' (FGT convention; --inclusive for ≤)'}")
    print(f"  n  = {_n(res.n)}; poor q = {_n(res.q)}")
    print(f"  P0 = {res.P0:.4f}   (headcount ratio)")
    print(f"  P1 = {res.P1:.4f}   (poverty gap index)")
    print(f"  P2 = {res.P2:.4f}   (squared poverty gap)")
    if dec is not None:
        gw = max(10, *(len(str(g)) for g in dec))
        contrib = dec.contribution("P0")
        print(f"\n  by {args.by}:")
        print(f"  {'group':<{gw}} {'n':>12} {'share':>8} {'P0':>8} {'P1':>8} {'P2':>8} {'of P0':>8}")
        for g, r in dec.items():
            print(f"  {str(g):<{gw}} {_n(r.n):>12} {_pct(dec.share[g], 1):>8} {r.P0:>8.4f} {r.P1:>8.4f} "
                  f"{r.P2:>8.4f} {_pct(contrib[g], 1):>8}")
    return 0


# --------------------------------------------------------------------------- near-escape

@_pipe_safe
def cmd_near_escape(args) -> int:
    from chungtay.cli import _err
    from chungtay.core import measures
    from chungtay.core.standards import StandardError, get_standard, standard_for_year
    from chungtay.core.tables import ID_COLUMN, _fmt_rows
    try:
        try:
            standard = get_standard(args.standard) if args.standard else standard_for_year(args.year)
        except StandardError as e:
            raise BadInput(str(e)) from None
        text = args.income_gap.strip()
        gap = _number(text[:-1], "--income-gap") / 100 if text.endswith("%") else _number(text, "--income-gap")
        if not (0 <= gap <= 1):
            raise BadInput(f"--income-gap is a share of the line between 0 and 1 (0.10 or 10%), got {text}")
        if args.output:
            from chungtay.core.tables import _ext
            from chungtay.core.tables import InputError
            try:
                _ext(args.output)
            except InputError as e:
                raise BadInput(str(e)) from None
        codes = list(standard.indicator_codes)
        table = _load(args.input, ["area", args.income_column, *codes], also=("household_id",))
        problems: list[str] = []
        cols = {c: _zero_one(table, c, problems) for c in codes}
        income = _amount(table, args.income_column, problems, "income")
        area = [None if v is None else str(v) for v in table.column("area").to_pylist()]
        from chungtay.core.classify import AREA_ALIASES
        from chungtay.core.fmt import nfc
        bad_area = np.flatnonzero([v is None or nfc(v).lower() not in AREA_ALIASES for v in area])
        if len(bad_area):
            problems.append(f"column area: unknown area at {_fmt_rows(bad_area)} "
                            "(use rural/urban or nông thôn/thành thị)")
        if problems:
            raise BadInput(_problems(args.input, problems))
        urban = np.array([AREA_ALIASES[nfc(v).lower()] == "urban" for v in area], dtype=bool)
        ids = table.column(ID_COLUMN).to_pylist() if ID_COLUMN in table.column_names else None
        rows = measures.near_escape(income, urban, cols, standard, income_gap=gap, ids=ids, all_poor=True)
    except (BadInput, ValueError) as e:
        return _err(str(e))
    n_poor = len(rows)
    if not args.all:
        rows = [r for r in rows if r.routes]      # same order: all_poor only adds the others
    records = []
    for r in rows:
        d = r.to_dict()
        d["row"] = r.index + 2
        d["household_id"] = d.pop("id")
        d["income"] = d.pop("value")
        del d["index"]
        records.append(d)
    if args.output:
        _write(records, args.output)
    if args.format == "json":
        _dump({"input": str(args.input), "standard": standard.code, "income_gap": gap,
               "poor": n_poor, "listed": len(records), "households": records})
        return 0
    print(f"Poor households one step from leaving poverty — {args.input} (standard {standard.code})")
    print(f"  one step = one deprivation fewer (any one of those listed), or income within "
          f"{100 * gap:g}% of the line it must exceed")
    print(f"  {len(records):,} of {n_poor:,} poor households listed")
    print(f"  {'row':>6} {'household_id':<14} {'D':>2} {'income':>11} {'line':>11} {'gap':>10} {'gap%':>6}  "
          f"{'route':<20} removable deprivations")
    for d in records:
        route = "+".join(d["routes"]) or "-"
        line = "–" if d["line"] is None else f"{d['line']:,.0f}"
        g = "–" if d["gap"] is None else f"{d['gap']:,.0f}"
        gp = "–" if d["gap_percent"] is None else f"{d['gap_percent']:.1f}"
        print(f"  {d['row']:>6} {str(d['household_id'] or ''):<14} {d['deprivation_count']:>2} "
              f"{d['income']:>11,.0f} {line:>11} {g:>10} {gp:>6}  {route:<20} {', '.join(d['removable'])}")
    if args.output:
        print(f"{len(records)} households -> {args.output}", file=sys.stderr)
    return 0


def _write(records: list[dict], path: str) -> None:
    import pyarrow as pa
    from chungtay.core.tables import write_table
    keys = ["row", "household_id", "income", "deprivation_count", "deprived", "deprivations_to_remove",
            "removable", "category_after_deprivation", "line", "gap", "gap_percent", "category_after_income",
            "routes"]
    cols = {}
    for k in keys:
        vals = [r[k] for r in records]
        if k in ("deprived", "removable", "routes"):
            vals = [", ".join(v) for v in vals]
        if k == "household_id":
            vals = [None if v is None else str(v) for v in vals]
        cols[k] = vals
    write_table(pa.table(cols) if records else pa.table({k: pa.array([], pa.string()) for k in keys}), path)


# --------------------------------------------------------------------------- support-effect

@_pipe_safe
def cmd_support_effect(args) -> int:
    from chungtay.cli import _err
    from chungtay.core import effects
    try:
        strata = _list(args.strata)
        if not strata:
            raise BadInput("--strata: give at least one column name")
        dup = sorted({c for c in strata if strata.count(c) > 1})
        if dup:
            raise BadInput(f"--strata: repeated {', '.join(dup)}")
        needed = list(dict.fromkeys([args.treated, args.outcome, *strata, *filter(None, [args.weight_column])]))
        table = _load(args.input, needed, tuple(strata))          # codes as text: 00123 keeps its zeros
        for c in strata:
            table = table.set_column(table.column_names.index(c), c, effects.codes_from_file(table.column(c)))
        res = effects.support_effect_table(table, args.treated, args.outcome, strata, args.weight_column,
                                           first_row=2)
    except BadInput as e:
        return _err(str(e))
    except effects.EffectInputError as e:
        return _err(_problems(args.input, e.problems))
    if args.format == "json":
        # one stratum a line: json's indented encoder is pure Python (16 s for 131,000 strata)
        out = {"input": str(args.input), "treated_column": args.treated, "outcome_column": args.outcome,
               "strata_columns": strata, "weight_column": args.weight_column, **res.to_dict()}
        rows = out.pop("strata")
        head = json.dumps(out, ensure_ascii=False, indent=2)[:-2]
        body = ",\n".join("    " + json.dumps(r, ensure_ascii=False) for r in rows)
        sys.stdout.write(f'{head},\n  "strata": [' + (f"\n{body}\n  ]" if rows else "]") + "\n}\n")
        return 0
    pp = (lambda x: "–" if x is None else f"{100 * x:+.2f} pp")
    print(f"Effect of support by exact matching (ATT) — {args.input}")
    print(f"  treated = {args.treated}, outcome = {args.outcome}, strata = {', '.join(strata)}"
          + (f", weights = {args.weight_column}" if args.weight_column else ""))
    print(f"  treated {_n(res.n_treated)} (matched {_n(res.n_matched_treated)}, unmatched "
          f"{_n(res.unmatched_treated)} in strata without controls); control {_n(res.n_control)}")
    print(f"  outcome rate: matched treated {_pct(res.treated_rate)}, controls of the same strata "
          f"{_pct(res.control_rate)}")
    print(f"  ATT = {pp(res.att)}   (standard error {pp(res.att_se).lstrip('+')})")
    print(f"  strata: {len(res.strata):,}, {res.n_strata_matched:,} holding both groups")
    w = [max(len(c), *(len(str(d[c])) for d in res.strata)) for c in strata]
    print("  " + " ".join(f"{c:<{w[j]}}" for j, c in enumerate(strata))
          + f" {'treated':>12} {'control':>12} {'rate T':>8} {'rate C':>8}")
    for d in res.strata:
        print("  " + " ".join(f"{str(d[c]):<{w[j]}}" for j, c in enumerate(strata))
              + f" {_n(d['n_treated']):>12} {_n(d['n_control']):>12} {_pct(d['treated_rate'], 1):>8} "
              f"{_pct(d['control_rate'], 1):>8}")
    return 0


# --------------------------------------------------------------------------- parser

def add_parser(sub) -> argparse.ArgumentParser:
    """Register ``chungtay measures …`` on the top-level subparsers of :func:`chungtay.cli.build_parser`."""
    m = sub.add_parser("measures", help="poverty measures: Alkire–Foster, FGT, households near escape, "
                                        "effect of support",
                       description="Poverty measures on a .csv/.xlsx/.parquet file. Shares are fractions in "
                                   "JSON (0.375) and percentages in text. Rows in error messages are "
                                   "numbered as in a spreadsheet (header = row 1). See docs/measures.md.")
    ms = m.add_subparsers(dest="measure", required=True)

    p = ms.add_parser("mpi", help="Alkire–Foster H, A, M0, headcounts and contributions",
                      description="Input: one 0/1 column per indicator (1 = deprived). A unit is poor when "
                                  "its weighted deprivation score is at least K (a fraction of the weights' "
                                  "sum). Default: equal weights and the legal K = 3 of d.")
    p.add_argument("input")
    p.add_argument("--indicators", required=True, metavar="A,B,…", help="the 0/1 indicator columns")
    p.add_argument("--weights", metavar="W1,W2,…", help="one non-negative weight per indicator, any scale "
                                                         "(normalised to sum 1); default equal")
    p.add_argument("--k", metavar="K", help="poverty cutoff in (0, 1] as a fraction of the weights' sum, "
                                            "e.g. 0.25 or 3/12; default 3/d (the legal rule)")
    p.add_argument("--by", metavar="COLUMN", help="also decompose by the values of this column")
    p.add_argument("--weight-column", metavar="COLUMN",
                   help="sampling weight per row (e.g. household size for person-level figures)")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.set_defaults(func=cmd_mpi)

    f = ms.add_parser("fgt", help="FGT income measures P0, P1, P2 against a line",
                      description="P_a = (1/n) Σ_{poor} ((z − y)/z)^a. Poor when income < line (FGT "
                                  "convention); --inclusive for ≤ (the official Vietnamese rule).")
    f.add_argument("input")
    lg = f.add_mutually_exclusive_group(required=True)
    lg.add_argument("--line", metavar="Z", help="the income line, e.g. 1500000")
    lg.add_argument("--line-column", metavar="COLUMN",
                    help="instead of --line: each row's own line (e.g. rural 1500000 / urban 2000000)")
    f.add_argument("--income-column", required=True, metavar="COLUMN")
    f.add_argument("--inclusive", action="store_true", help="poor when income ≤ line")
    f.add_argument("--by", metavar="COLUMN")
    f.add_argument("--weight-column", metavar="COLUMN")
    f.add_argument("--format", choices=FORMATS, default="text")
    f.set_defaults(func=cmd_fgt)

    e = ms.add_parser("near-escape", help="poor households one step from leaving poverty",
                      description="Input: the columns of `chungtay classify` (household_id, area, income, one "
                                  "0/1 column per indicator of the standard; other columns are ignored). "
                                  "Lists poor households that one deprivation fewer, or an income gap of "
                                  "at most --income-gap of the line, would take out of poverty under the "
                                  "standard's own rule; least support needed first.")
    e.add_argument("input")
    g = e.add_mutually_exclusive_group(required=True)
    g.add_argument("--standard")
    g.add_argument("--year", type=int)
    e.add_argument("--income-column", default="income", metavar="COLUMN")
    e.add_argument("--income-gap", default="0.10", metavar="SHARE",
                   help="largest income gap as a share of the line (default 0.10 = 10%%)")
    e.add_argument("--all", action="store_true", help="list every poor household, not only those one step away")
    from chungtay.cli import _out_file
    e.add_argument("-o", "--output", type=_out_file, help="also write the list to .csv/.xlsx/.parquet")
    e.add_argument("--format", choices=FORMATS, default="text")
    e.set_defaults(func=cmd_near_escape)

    se = ms.add_parser("support-effect", help="effect of support by exact matching (ATT)",
                       description="Input: one row per unit (household), a 0/1 treated column (supported), a "
                                   "0/1 outcome column (e.g. escaped poverty) and the strata columns. Treated "
                                   "rows are compared with control rows of exactly the same strata; the ATT "
                                   "averages the differences weighted by the treated counts. Treated rows in "
                                   "strata without a control are reported as unmatched. See docs/measures.md.")
    se.add_argument("input")
    se.add_argument("--treated", required=True, metavar="COLUMN", help="0/1: 1 = supported")
    se.add_argument("--outcome", required=True, metavar="COLUMN", help="0/1 outcome, e.g. escaped poverty")
    se.add_argument("--strata", required=True, metavar="COL1,COL2,…", help="match exactly on these columns")
    se.add_argument("--weight-column", metavar="COLUMN",
                    help="sampling weight per row: counts become sums of weights, means weighted means")
    se.add_argument("--format", choices=FORMATS, default="text")
    se.set_defaults(func=cmd_support_effect)
    return m
