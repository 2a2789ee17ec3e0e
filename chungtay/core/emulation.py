"""Emulation scoring (issue 12 §5): a criteria table, each participant's points per criterion, the
total, the rank within its cluster and the band — pure Python + numpy/pyarrow, no Django.

The criteria table is the app's export format (``docs/emulation.md``)::

    {"code": "KT-2024", "name": "Thi đua vì người nghèo 2024",
     "criteria": [{"code": "A1", "column": "escaped", "points": 40, "kind": "ratio", "target": 50},
                  {"code": "A2", "column": "pledge_kept", "points": 10, "kind": "boolean"}],
     "bands": [{"min": 0, "label": "Hoàn thành"}, {"min": 40, "label": "Xuất sắc"}]}

Kinds (``points`` is P, the row's value v):

- ``boolean``: P when v = 1, else 0.
- ``threshold`` (``min``, ``direction`` higher|lower, default higher): P when v ≥ min (lower: v ≤ min),
  else 0.
- ``ratio`` (``target``, ``cap`` default 1): P × clamp(v / target, 0, cap).
- ``relative`` (``direction``): P × (v − lo)/(hi − lo), lower: P × (hi − v)/(hi − lo), lo and hi the
  minimum and maximum of the column within the participant's cluster; P when hi = lo.
- ``bonus`` (``per``, ``max``): P × v / per clamped to [0, max] (max ≥ 0) or [max, 0] (a penalty).

Example (a notebook)::

    >>> from chungtay.core import emulation
    >>> t = emulation.parse_table({"code": "T", "name": "Demo", "bands": [{"min": 30, "label": "Giỏi"}],
    ...     "criteria": [{"code": "A", "column": "escaped", "points": 40, "kind": "ratio", "target": 50},
    ...                  {"code": "B", "column": "kept", "points": 10, "kind": "boolean"}]})
    >>> r = emulation.score(t, {"escaped": [45, 60, 20], "kept": [1, 0, 1]}, ids=["x", "y", "z"])
    >>> [(p.id, p.total, p.rank, p.band) for p in r.participants]
    [('x', 46.0, 1, 'Giỏi'), ('y', 40.0, 2, 'Giỏi'), ('z', 26.0, 3, None)]
    >>> r.explain(0, "A")[1]
    'escaped = 45: 40 × 45/50 = 40 × 0.9 = 36 points'

Conventions: comparisons allow 1e-9 of floating-point noise — a threshold is met within
1e-9 × max(1, |min|), and totals are compared for ranks and bands after rounding to 9 decimals
(so 0.1 + 0.2 ties with 0.3); the scores and totals returned are unrounded. Rows are named in
problems as ``first_row + index`` (2 by default: a spreadsheet's first row under its header).
"""
from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

KINDS = ("boolean", "threshold", "ratio", "relative", "bonus")
DIRECTIONS = ("higher", "lower")
EPS = 1e-9
TOTAL_DECIMALS = 9
MAX_TABLE_BYTES = 10 * 1024 * 1024


class Problem(str):
    """A problem in English (the words of ``chungtay emulation score``) that also carries its
    Vietnamese rendering in ``vi`` (for the app's forms; the core itself stays free of Django)."""

    vi: str

    def __new__(cls, en: str, vi: str | None = None):
        self = super().__new__(cls, en)
        self.vi = en if vi is None else vi
        return self


def _p(en: str, vi: str) -> Problem:
    return Problem(en, vi)


class TableError(ValueError):
    """A malformed criteria table; ``problems`` lists every problem found (English, as the CLI prints
    them), ``problems_vi`` the same problems in Vietnamese."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        self.problems_vi = [getattr(p, "vi", str(p)) for p in self.problems]
        super().__init__(_join(self.problems))


class ScoreInputError(ValueError):
    """Bad participant rows (missing columns, empty or non-numeric values, bad ids)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(_join(self.problems))


def _join(problems: list[str]) -> str:
    return problems[0] if len(problems) == 1 else f"{len(problems)} problems:\n  " + "\n  ".join(problems)


# --------------------------------------------------------------------------- the table

@dataclass(frozen=True)
class Band:
    min: float
    label: str


@dataclass(frozen=True)
class Criterion:
    code: str
    column: str
    points: float
    kind: str
    name: Any = None                 # text, or {"vi": …, "en": …}, as in the export
    min: float | None = None         # threshold
    direction: str = "higher"        # threshold, relative
    target: float | None = None      # ratio
    cap: float = 1.0                 # ratio
    per: float | None = None         # bonus
    max: float | None = None         # bonus

    def score(self, value: float, stats: "ClusterStats | tuple[float, float] | None" = None) -> float:
        """The points of one value (``stats``: the cluster's (min, max) of the column, for ``relative``)."""
        return float(self.scores(np.array([value], dtype=np.float64), *_lo_hi(self, stats, 1))[0])

    def scores(self, v: np.ndarray, lo: np.ndarray | None = None, hi: np.ndarray | None = None) -> np.ndarray:
        """Vectorised :meth:`score`; ``lo``/``hi`` the cluster minimum and maximum of each row."""
        p = self.points
        if self.kind == "boolean":
            s = np.where(v == 1, p, 0.0)
        elif self.kind == "threshold":
            tol = EPS * max(1.0, abs(self.min))
            met = v >= self.min - tol if self.direction == "higher" else v <= self.min + tol
            s = np.where(met, p, 0.0)
        elif self.kind == "ratio":
            s = p * np.clip(v / self.target, 0.0, self.cap)
        elif self.kind == "relative":
            span = hi - lo
            with np.errstate(divide="ignore", invalid="ignore"):
                f = (v - lo) / span if self.direction == "higher" else (hi - v) / span
            s = p * np.where(span == 0, 1.0, f)
        elif self.kind == "bonus":
            raw = p * v / self.per
            s = np.clip(raw, 0.0, self.max) if self.max >= 0 else np.clip(raw, self.max, 0.0)
        else:                                            # parse_table refuses other kinds
            raise ValueError(f"unknown kind {self.kind!r}")
        return np.asarray(s, dtype=np.float64) + 0.0     # + 0.0: no -0.0 in the output


@dataclass(frozen=True)
class CriteriaTable:
    code: str
    name: Any
    criteria: tuple[Criterion, ...]
    bands: tuple[Band, ...]
    raw: Mapping = field(default_factory=dict, compare=False, repr=False)

    def criterion(self, code: str) -> Criterion:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)

    def band(self, total: float) -> str | None:
        return band_for(total, self.bands)

    @property
    def columns(self) -> dict[str, list[str]]:
        """Input column → codes of the criteria that read it, in table order."""
        out: dict[str, list[str]] = {}
        for c in self.criteria:
            out.setdefault(c.column, []).append(c.code)
        return out


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _is_name(x) -> bool:
    if isinstance(x, str):
        return bool(x.strip())
    return isinstance(x, dict) and bool(x) and all(isinstance(v, str) and v.strip() for v in x.values())


def _column_name(text: str) -> str:
    """As :func:`chungtay.core.tables.read_table` normalises a file's header."""
    return unicodedata.normalize("NFC", text).strip()


def parse_table(data: Any) -> CriteriaTable:
    """Check a criteria table (the decoded JSON) and return it; every problem is collected first and
    :class:`TableError` lists them all (each a :class:`Problem`, with its Vietnamese rendering). Keys
    the scoring does not use are kept in ``raw`` and ignored."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise TableError([_p(f"the table must be a JSON object with code, name, criteria and bands "
                             f"(got {type(data).__name__})",
                             f"bảng tiêu chí phải là một đối tượng JSON gồm code, name, criteria và bands "
                             f"(nhận được {type(data).__name__})")])
    missing = [k for k in ("code", "name", "criteria", "bands") if k not in data]
    if missing:
        problems.append(_p(f"table: missing key(s) {', '.join(missing)}", f"bảng: thiếu khóa {', '.join(missing)}"))
    code = data.get("code")
    if "code" in data and not (isinstance(code, str) and code.strip()):
        problems.append(_p("table: code must be non-empty text", "bảng: code phải là chữ, không để trống"))
    if "name" in data and not _is_name(data["name"]):
        problems.append(_p("table: name must be non-empty text (or an object of texts such as {\"vi\": …, \"en\": …})",
                           "bảng: name phải là chữ, không để trống (hoặc một đối tượng như {\"vi\": …, \"en\": …})"))

    criteria: list[Criterion] = []
    raw_criteria = data.get("criteria")
    if "criteria" in data:
        if not isinstance(raw_criteria, list):
            problems.append(_p("table: criteria must be a list", "bảng: criteria phải là một danh sách"))
        elif not raw_criteria:
            problems.append(_p("table: criteria is empty (give at least one criterion)",
                               "bảng: criteria trống (cần ít nhất một tiêu chí)"))
        else:
            seen: dict[str, int] = {}
            for i, c in enumerate(raw_criteria, 1):
                crit = _parse_criterion(i, c, problems)
                if crit is not None:
                    criteria.append(crit)
                cc = c.get("code") if isinstance(c, dict) else None
                if isinstance(cc, str) and cc.strip():
                    if cc in seen:
                        problems.append(_p(f"criteria {seen[cc]} and {i}: duplicate code {cc!r}",
                                           f"tiêu chí {seen[cc]} và {i}: trùng mã {cc!r}"))
                    else:
                        seen[cc] = i

    bands: list[Band] = []
    raw_bands = data.get("bands")
    if "bands" in data:
        if not isinstance(raw_bands, list):
            problems.append(_p("table: bands must be a list of {\"min\": number, \"label\": text}",
                               "bảng: bands phải là danh sách các {\"min\": số, \"label\": chữ}"))
        else:
            mins: dict[float, int] = {}
            for i, b in enumerate(raw_bands, 1):
                if not isinstance(b, dict):
                    problems.append(_p(f"band {i}: must be an object {{\"min\": number, \"label\": text}}",
                                       f"xếp loại {i}: phải là một đối tượng {{\"min\": số, \"label\": chữ}}"))
                    continue
                bad, bad_vi = [], []
                if not _is_number(b.get("min")):
                    bad.append("min must be a number" if "min" in b else "min is missing")
                    bad_vi.append("min phải là một số" if "min" in b else "thiếu min")
                if not (isinstance(b.get("label"), str) and b["label"].strip()):
                    bad.append("label must be non-empty text" if "label" in b else "label is missing")
                    bad_vi.append("label phải là chữ, không để trống" if "label" in b else "thiếu label")
                if bad:
                    problems.append(_p(f"band {i}: {'; '.join(bad)}", f"xếp loại {i}: {'; '.join(bad_vi)}"))
                    continue
                m = float(b["min"])
                if m in mins:
                    problems.append(_p(f"bands {mins[m]} and {i}: the same min {b['min']:g}",
                                       f"xếp loại {mins[m]} và {i}: cùng mức min {b['min']:g}"))
                    continue
                mins[m] = i
                bands.append(Band(m, b["label"]))
    if problems:
        raise TableError(problems)
    return CriteriaTable(code=code, name=data["name"], criteria=tuple(criteria),
                         bands=tuple(sorted(bands, key=lambda b: b.min)), raw=data)


_KIND_KEYS = {  # kind: (required numbers, optional numbers with their defaults, takes a direction)
    "boolean": ((), {}, False),
    "threshold": (("min",), {}, True),
    "ratio": (("target",), {"cap": 1.0}, False),
    "relative": ((), {}, True),
    "bonus": (("per", "max"), {}, False),
}


def _parse_criterion(i: int, c: Any, problems: list[str]) -> Criterion | None:
    if not isinstance(c, dict):
        problems.append(_p(f"criterion {i}: must be an object with code, column, points and kind",
                           f"tiêu chí {i}: phải là một đối tượng gồm code, column, points và kind"))
        return None
    code = c.get("code")
    named = isinstance(code, str) and code.strip()
    label = f"criterion {i} ({code})" if named else f"criterion {i}"
    label_vi = f"tiêu chí {i} ({code})" if named else f"tiêu chí {i}"
    bad: list[tuple[str, str]] = []                      # (English, Vietnamese)
    missing = [k for k in ("code", "column", "points", "kind") if k not in c]
    if missing:
        bad.append((f"missing key(s) {', '.join(missing)}", f"thiếu khóa {', '.join(missing)}"))
    if "code" in c and not named:
        bad.append(("code must be non-empty text", "code phải là chữ, không để trống"))
    column = c.get("column")
    if "column" in c and not (isinstance(column, str) and column.strip()):
        bad.append(("column must be non-empty text (the input column with the value)",
                    "column phải là chữ, không để trống (cột số liệu đầu vào chứa giá trị)"))
    if "points" in c and not _is_number(c["points"]):
        bad.append((f"points must be a number (got {c['points']!r})", f"points phải là một số (nhận được {c['points']!r})"))
    if "name" in c and not _is_name(c["name"]):
        bad.append(("name must be non-empty text (or an object of texts)",
                    "name phải là chữ, không để trống (hoặc một đối tượng gồm các chuỗi chữ)"))
    kind = c.get("kind")
    spec = _KIND_KEYS.get(kind) if isinstance(kind, str) else None
    if "kind" in c and spec is None:
        bad.append((f"unknown kind {kind!r} (use {', '.join(KINDS)})",
                    f"loại (kind) không hợp lệ {kind!r} (dùng {', '.join(KINDS)})"))
    extra: dict[str, Any] = {}
    if spec is not None:
        required, optional, directed = spec
        for k in required:
            if k not in c:
                bad.append((f"kind {kind} needs {k}", f"loại {kind} cần {k}"))
            elif not _is_number(c[k]):
                bad.append((f"{k} must be a number (got {c[k]!r})", f"{k} phải là một số (nhận được {c[k]!r})"))
            else:
                extra[k] = float(c[k])
        for k, default in optional.items():
            if k not in c:
                extra[k] = default
            elif not _is_number(c[k]):
                bad.append((f"{k} must be a number (got {c[k]!r})", f"{k} phải là một số (nhận được {c[k]!r})"))
            else:
                extra[k] = float(c[k])
        if directed:
            d = c.get("direction", "higher")
            if d not in DIRECTIONS:
                bad.append((f"direction must be higher or lower (got {d!r})",
                            f"direction phải là higher (cao hơn tốt hơn) hoặc lower (thấp hơn tốt hơn) (nhận được {d!r})"))
            else:
                extra["direction"] = d
        if kind == "ratio":
            if "target" in extra and extra["target"] <= 0:
                bad.append((f"target must be positive (got {c['target']!r})", f"target phải lớn hơn 0 (nhận được {c['target']!r})"))
            if "cap" in extra and extra["cap"] < 0:
                bad.append((f"cap must not be negative (got {c['cap']!r})", f"cap không được âm (nhận được {c['cap']!r})"))
        if kind == "bonus" and "per" in extra and extra["per"] <= 0:
            bad.append((f"per must be positive (got {c['per']!r})", f"per phải lớn hơn 0 (nhận được {c['per']!r})"))
    if bad:
        problems.append(_p(f"{label}: {'; '.join(en for en, _ in bad)}",
                           f"{label_vi}: {'; '.join(vi for _, vi in bad)}"))
        return None
    return Criterion(code=code, column=_column_name(column), points=float(c["points"]), kind=kind,
                     name=c.get("name"), **extra)


def load_table(path: str | Path) -> CriteriaTable:
    """Read and check a criteria table file (JSON, UTF-8); :class:`TableError` for any problem."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise TableError([f"the table file is larger than {MAX_TABLE_BYTES // 2**20} MB"])
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise TableError(["file not found"]) from None
    except IsADirectoryError:
        raise TableError(["is a folder, not a file"]) from None
    except UnicodeDecodeError as e:
        raise TableError([f"not UTF-8 text (byte {e.start + 1})"]) from None
    except OSError as e:
        raise TableError([f"cannot read: {e.strerror or e}"]) from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise TableError([f"malformed JSON: {e.msg} at line {e.lineno}, column {e.colno}"]) from None
    except ValueError as e:
        raise TableError([f"malformed JSON: {e}"]) from None
    return parse_table(data)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


# --------------------------------------------------------------------------- ranks and bands

def _total_key(totals) -> np.ndarray:
    return np.round(np.asarray(totals, dtype=np.float64), TOTAL_DECIMALS)


def competition_ranks(totals: Sequence[float], clusters: Sequence | None = None) -> list[int]:
    """Rank by total, highest first, within each cluster; equal totals share the rank and the next
    ranks are skipped (standard competition ranking: 1, 2, 2, 4).

    >>> competition_ranks([5, 9, 7, 7])
    [4, 1, 2, 2]
    """
    key = _total_key(totals)
    n = len(key)
    ranks = np.zeros(n, dtype=np.int64)
    if clusters is None:
        groups = [np.arange(n)]
    else:
        _, inverse = np.unique(np.asarray([str(c) for c in clusters], dtype=object), return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.flatnonzero(np.diff(inverse[order])) + 1
        groups = np.split(order, bounds) if n else []
    for idx in groups:
        desc = np.sort(-key[idx])
        ranks[idx] = np.searchsorted(desc, -key[idx], side="left") + 1
    return ranks.tolist()


def band_for(total: float, bands: Sequence[Band]) -> str | None:
    """The label of the band with the highest ``min`` ≤ ``total``; None when no band's min is reached."""
    key = float(_total_key(total))
    best = None
    for b in bands:
        if b.min <= key and (best is None or b.min > best.min):
            best = b
    return None if best is None else best.label


# --------------------------------------------------------------------------- scoring rows

@dataclass(frozen=True)
class ClusterStats:
    """The minimum and maximum of one column within one cluster (``relative`` criteria)."""
    min: float
    max: float
    n: int


def _lo_hi(c: Criterion, stats, n: int):
    if c.kind != "relative":
        return None, None
    if stats is None:
        raise ValueError(f"criterion {c.code}: a relative criterion needs the cluster's minimum and maximum")
    lo, hi = (stats.min, stats.max) if isinstance(stats, ClusterStats) else stats
    return np.full(n, float(lo)), np.full(n, float(hi))


@dataclass
class Participant:
    id: str
    cluster: str | None
    scores: dict[str, float]
    total: float
    rank: int
    band: str | None
    row: int                       # first_row + index: the row named in messages

    def to_dict(self) -> dict:
        return {"id": self.id, "cluster": self.cluster, "scores": dict(self.scores), "total": self.total,
                "rank": self.rank, "band": self.band}


@dataclass
class Result:
    table: CriteriaTable
    participants: list[Participant]
    values: dict[str, np.ndarray]                       # column → the numbers used
    stats: dict[tuple[str | None, str], ClusterStats]   # (cluster, column) → min/max of relative columns

    def to_dict(self) -> dict:
        """The command's JSON: ``{"table": code, "participants": [...]}`` in input order."""
        return {"table": self.table.code, "participants": [p.to_dict() for p in self.participants]}

    def explain(self, index: int, code: str) -> tuple[str, str]:
        """(Vietnamese, English) formula with the figures behind participant ``index``'s points on ``code``."""
        c = self.table.criterion(code)
        p = self.participants[index]
        return explain(c, float(self.values[c.column][index]), self.stats.get((p.cluster, c.column)))


def _texts(col) -> list[str | None]:
    from .tables import _text
    vals = col.to_pylist() if hasattr(col, "to_pylist") else list(col)
    out = []
    for v in vals:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
            continue
        t = _text(v.item() if isinstance(v, np.generic) else v).strip()
        out.append(t or None)
    return out


def _numbers(col) -> tuple[np.ndarray, np.ndarray]:
    """(values, non-numeric mask) of a column given as a pyarrow column, a numpy array or a list;
    NaN marks an empty cell. Text is read as :func:`chungtay.core.tables.read_table` reads a file."""
    import pyarrow as pa

    from .tables import _numeric
    if isinstance(col, pa.Array):
        col = pa.chunked_array([col])
    if not isinstance(col, pa.ChunkedArray):
        seq = col.tolist() if isinstance(col, np.ndarray) else list(col)
        try:
            arr = pa.array(seq, from_pandas=True)
            if not (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)
                    or pa.types.is_null(arr.type) or pa.types.is_string(arr.type)):
                raise TypeError
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
            arr = pa.array([None if v is None else str(v) for v in seq], pa.string())
        col = pa.chunked_array([arr])
    vals, bad = _numeric(col)
    vals = np.array(vals, dtype=np.float64)
    bad = bad | np.isinf(vals)
    vals[bad] = np.nan
    return vals, bad


def _rows(mask: np.ndarray, first_row: int, limit: int = 50) -> str:
    idx = np.flatnonzero(mask)
    nums = [str(int(r) + first_row) for r in idx[:limit]]
    more = f" and {len(idx) - limit} more" if len(idx) > limit else ""
    return ("row " if len(idx) == 1 else "rows ") + ", ".join(nums) + more


def _criteria_label(codes: list[str]) -> str:
    return ("criterion " if len(codes) == 1 else "criteria ") + ", ".join(codes)


def check_input(table: CriteriaTable, columns: Mapping[str, Any], ids=None, clusters=None, *,
                first_row: int = 2, n: int | None = None, id_label: str = "id column",
                cluster_label: str = "cluster column") -> tuple[list[str], dict]:
    """Every problem of the rows (missing columns named with their criteria, empty or non-numeric
    values named by row and criterion, empty or repeated ids, empty clusters) and the parsed values:
    ``(problems, {"values": {column: array}, "ids": [...], "clusters": [...] | None})``.
    ``ids``/``clusters`` None are not checked (the caller reports their missing column)."""
    problems: list[str] = []
    values: dict[str, np.ndarray] = {}
    by_column = table.columns
    missing = [c for c in by_column if c not in columns]
    if missing:
        problems.append("missing column(s): " + "; ".join(f"{c} ({_criteria_label(by_column[c])})"
                                                           for c in missing))
    for col, codes in by_column.items():
        if col in missing:
            continue
        vals, bad = _numbers(columns[col])
        if n is None:
            n = len(vals)
        who = f"column {col} ({_criteria_label(codes)})"
        if bad.any():
            problems.append(f"{who}: not a number at {_rows(bad, first_row)}")
        empty = np.isnan(vals) & ~bad
        if empty.any():
            problems.append(f"{who}: empty at {_rows(empty, first_row)} (every criterion needs a number)")
        values[col] = vals
    id_list = cl_list = None
    if ids is not None:
        id_list = _texts(ids)
        empty = np.array([v is None for v in id_list], dtype=bool)
        if empty.any():
            problems.append(f"{id_label}: empty at {_rows(empty, first_row)}")
        first: dict[str, int] = {}
        dups: dict[str, list[int]] = {}
        for i, v in enumerate(id_list):
            if v is None:
                continue
            if v in first:
                dups.setdefault(v, [first[v]]).append(i)
            else:
                first[v] = i
        for v, idx in list(dups.items())[:20]:
            problems.append(f"{id_label}: {v!r} is repeated at rows "
                            f"{', '.join(str(i + first_row) for i in idx)} (one row per participant)")
        if len(dups) > 20:
            problems.append(f"{id_label}: {len(dups) - 20} more repeated ids")
    if clusters is not None:
        cl_list = _texts(clusters)
        empty = np.array([v is None for v in cl_list], dtype=bool)
        if empty.any():
            problems.append(f"{cluster_label}: empty at {_rows(empty, first_row)} (every row needs a cluster)")
    lengths = {len(v) for v in values.values()} | ({len(id_list)} if id_list is not None else set()) \
        | ({len(cl_list)} if cl_list is not None else set())
    if len(lengths) > 1:
        problems.append(f"the columns have different lengths ({', '.join(map(str, sorted(lengths)))})")
    return problems, {"values": values, "ids": id_list, "clusters": cl_list}


def score(table: CriteriaTable, columns: Mapping[str, Any], ids: Sequence, clusters: Sequence | None = None,
          *, first_row: int = 2) -> Result:
    """Score every row: ``columns`` maps each input column to its values (pyarrow column, numpy array
    or list; text such as "12.5" is read as a number), ``ids`` one id per row, ``clusters`` one
    cluster per row or None for one cluster of all rows. :class:`ScoreInputError` lists every problem.
    """
    problems, parsed = check_input(table, columns, ids, clusters, first_row=first_row)
    if problems:
        raise ScoreInputError(problems)
    values, id_list, cl_list = parsed["values"], parsed["ids"], parsed["clusters"]
    n = len(id_list)
    if cl_list is None:
        inverse = np.zeros(n, dtype=np.int64)
        names: list[str | None] = [None]
    else:
        names_arr, inverse = np.unique(np.asarray(cl_list, dtype=object), return_inverse=True)
        names = list(names_arr)
    k = len(names)
    stats: dict[tuple[str | None, str], ClusterStats] = {}
    lohi: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    counts = np.bincount(inverse, minlength=k) if n else np.zeros(k, dtype=np.int64)
    for c in table.criteria:
        if c.kind != "relative" or c.column in lohi:
            continue
        v = values[c.column]
        lo = np.full(k, np.inf)
        hi = np.full(k, -np.inf)
        np.minimum.at(lo, inverse, v)
        np.maximum.at(hi, inverse, v)
        lohi[c.column] = (lo[inverse], hi[inverse])
        for g, name in enumerate(names):
            if counts[g]:
                stats[(name, c.column)] = ClusterStats(float(lo[g]), float(hi[g]), int(counts[g]))
    per: dict[str, np.ndarray] = {}
    total = np.zeros(n, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        for c in table.criteria:
            lo, hi = lohi.get(c.column, (None, None))
            s = c.scores(values[c.column], lo, hi)
            per[c.code] = s
            total = total + s                          # in the table's order: the sum is reproducible
    bad = ~np.isfinite(total)
    if bad.any():
        raise ScoreInputError([f"the points overflow at {_rows(bad, first_row)} (values too large to add up)"])
    ranks = competition_ranks(total, None if cl_list is None else inverse)
    participants = []
    for i in range(n):
        t = float(total[i])
        participants.append(Participant(
            id=id_list[i], cluster=None if cl_list is None else cl_list[i],
            scores={c.code: float(per[c.code][i]) for c in table.criteria}, total=t, rank=ranks[i],
            band=band_for(t, table.bands), row=i + first_row))
    return Result(table, participants, values, stats)


# --------------------------------------------------------------------------- explanations

def _num(x: float, lang: str) -> str:
    from .fmt import number
    x = float(x) + 0.0
    if float(x).is_integer() and abs(x) < 1e15:
        return number(x, 0, lang)
    s = number(x, 4, lang)
    dec = "," if lang == "vi" else "."
    if dec in s:
        s = s.rstrip("0").rstrip(dec)
    return "0" if s in ("-0", "") else s


def explain(criterion: Criterion, value: float, stats: ClusterStats | tuple[float, float] | None = None
            ) -> tuple[str, str]:
    """(Vietnamese, English): the formula of ``criterion`` with the figures of ``value`` and the result,
    e.g. ``('escaped = 45: 40 × 45/50 = 40 × 0,9 = 36 điểm', 'escaped = 45: 40 × 45/50 = 40 × 0.9 = 36 points')``.
    ``stats`` is the cluster's (min, max) of the column, needed for ``relative``."""
    c = criterion
    v = float(value)
    s = c.score(v, stats)
    out = []
    for lang in ("vi", "en"):
        f = lambda x: _num(x, lang)  # noqa: E731
        pts = "điểm" if lang == "vi" else "points"
        sep = "; " if lang == "vi" else ", "
        head = f"{c.column} = {f(v)}: "
        if c.kind == "boolean":
            if v == 1:
                body = f"{f(v)} = 1 → {f(s)} {pts}"
            else:
                body = (f"{f(v)} ≠ 1 → 0 {pts} (đủ {f(c.points)} điểm khi bằng 1)" if lang == "vi" else
                        f"{f(v)} ≠ 1 → 0 {pts} ({f(c.points)} when it is 1)")
        elif c.kind == "threshold":
            higher = c.direction == "higher"
            tol = EPS * max(1.0, abs(c.min))
            met = v >= c.min - tol if higher else v <= c.min + tol
            op = ("≥" if met else "<") if higher else ("≤" if met else ">")
            if met:
                body = f"{f(v)} {op} {f(c.min)} → {f(s)} {pts}"
            else:
                need = f"{'≥' if higher else '≤'} {f(c.min)}"
                body = (f"{f(v)} {op} {f(c.min)} → 0 {pts} (đủ {f(c.points)} điểm khi {need})" if lang == "vi"
                        else f"{f(v)} {op} {f(c.min)} → 0 {pts} ({f(c.points)} when {need})")
        elif c.kind == "ratio":
            raw = v / c.target
            factor = min(max(raw, 0.0), c.cap)
            body = f"{f(c.points)} × {f(v)}/{f(c.target)}"
            if factor != raw:
                lim = (f"giới hạn trong [0{sep}{f(c.cap)}]" if lang == "vi" else f"clamped to [0{sep}{f(c.cap)}]")
                body += f" = {f(c.points)} × {f(raw)}, {lim} → {f(c.points)} × {f(factor)}"
            else:
                body += f" = {f(c.points)} × {f(factor)}"
            body += f" = {f(s)} {pts}"
        elif c.kind == "relative":
            lo, hi = (stats.min, stats.max) if isinstance(stats, ClusterStats) else stats
            where = (f"thấp nhất trong cụm {f(lo)}, cao nhất {f(hi)}" if lang == "vi"
                     else f"cluster minimum {f(lo)}, maximum {f(hi)}")
            if hi == lo:
                body = (f"cao nhất bằng thấp nhất trong cụm ({f(lo)}) → đủ {f(s)} {pts}" if lang == "vi" else
                        f"the cluster's maximum equals its minimum ({f(lo)}) → the full {f(s)} {pts}")
            else:
                num = f"({f(v)} − {f(lo)})" if c.direction == "higher" else f"({f(hi)} − {f(v)})"
                body = f"{f(c.points)} × {num}/({f(hi)} − {f(lo)}) = {f(s)} {pts} ({where})"
        elif c.kind == "bonus":
            raw = c.points * v / c.per
            body = f"{f(c.points)} × {f(v)}/{f(c.per)} = {f(raw)}"
            if s != raw:
                a, b = (0.0, c.max) if c.max >= 0 else (c.max, 0.0)
                lim = (f"giới hạn trong [{f(a)}{sep}{f(b)}]" if lang == "vi" else f"clamped to [{f(a)}{sep}{f(b)}]")
                body += f", {lim} → {f(s)}"
            body += f" {pts}"
        else:
            raise ValueError(f"unknown kind {c.kind!r}")
        out.append(head + body)
    return out[0], out[1]


__all__ = ["KINDS", "DIRECTIONS", "Band", "Criterion", "CriteriaTable", "ClusterStats", "Participant", "Result",
           "Problem", "TableError", "ScoreInputError", "parse_table", "load_table", "check_input", "score",
           "competition_ranks", "band_for", "explain"]
