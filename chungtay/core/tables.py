"""Reading and writing household tables (.csv, .xlsx, .parquet) for the command line.

Validation collects every bad row of every column before failing, so the user fixes a file
in one pass. Rows are numbered as in a spreadsheet: the header is row 1, the first
household row 2.
"""
from __future__ import annotations

import math
import os
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .classify import AREA_ALIASES
from .standards import CATEGORIES, Standard
from .vector import category_names, classify_arrays

FORMATS = (".csv", ".xlsx", ".parquet")
ID_COLUMN = "household_id"


class InputError(ValueError):
    """Bad input file; ``problems`` lists every (column, rows, reason)."""

    def __init__(self, path, problems: list[str]):
        self.path, self.problems = path, problems
        super().__init__(f"{path}: " + ("; ".join(problems) if len(problems) == 1 else
                                        f"{len(problems)} problems:\n  " + "\n  ".join(problems)))


def _fmt_rows(rows: np.ndarray, limit: int = 50) -> str:
    nums = [str(int(r) + 2) for r in rows[:limit]]
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(nums) + more


def _ext(path: str | Path) -> str:
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise InputError(path, [f"unsupported file type {ext or '(none)'!r}: use .csv, .xlsx or .parquet"])
    return ext


def read_table(path: str | Path, text_columns: tuple[str, ...] = (ID_COLUMN, "area")) -> pa.Table:
    """The limits of :mod:`chungtay.core.limits` are checked before the data is loaded."""
    from . import limits
    path = Path(path)
    ext = _ext(path)
    if not path.exists():
        raise InputError(path, ["file not found"])
    try:
        if ext == ".csv":
            t = _read_csv(path, text_columns)
        elif ext == ".parquet":
            t = _read_parquet(path)
        else:
            limits.check_workbook(path, path.name)
            t = _read_xlsx(path, text_columns)
    except InputError:
        raise
    except limits.LimitError as e:
        raise InputError(path, [f"{e.detail_en} ({e.detail_vi})"]) from None
    except BaseException as e:  # noqa: BLE001 - parser errors carry their own position; a reader's panic too
        if isinstance(e, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        text = " ".join(str(e).replace(str(path), path.name).split())[:300]
        raise InputError(path, [f"cannot read file: {text or type(e).__name__}"]) from None
    return t.rename_columns([unicodedata.normalize("NFC", c).strip().lstrip("\ufeff") for c in t.column_names])


def _read_csv(path: Path, text_columns) -> pa.Table:
    from pyarrow import csv

    from . import limits
    limits.check_csv(path, path.name, max_bytes=limits.MAX_TABLE_FILE_BYTES, max_rows=limits.MAX_TABLE_ROWS,
                     utf16=False)
    with open(path, "rb") as f:
        header = f.readline(limits.MAX_LINE_BYTES + 1).decode("utf-8-sig").strip().split(",")
    limits.check_columns(path.name, len(header))
    names = [h.strip().strip('"') for h in header]
    types = {n: pa.string() for n in names if n.strip().lower() in text_columns}
    t = csv.read_csv(path, read_options=csv.ReadOptions(use_threads=True, block_size=2 * limits.MAX_LINE_BYTES),
                     convert_options=csv.ConvertOptions(column_types=types, strings_can_be_null=False))
    for name, col in zip(t.column_names, t.columns):
        if (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)) and len(col):
            longest = pc.max(pc.utf8_length(col)).as_py() or 0
            limits.check_cell(path.name, (f"cột '{name}'", f"column '{name}'"), longest)
    return t


def _read_parquet(path: Path) -> pa.Table:
    import pyarrow.parquet as pq

    from . import limits
    limits.check_file(path, path.name, limits.MAX_TABLE_FILE_BYTES)
    with open(path, "rb") as f:
        head = f.read(4)
        f.seek(-4, os.SEEK_END)
        tail = f.read(4)
    if head != b"PAR1" or tail != b"PAR1":
        limits.fail(path.name, "không phải tệp Parquet hợp lệ (hỏng, bị cắt hoặc đặt sai đuôi tên)",
                    "not a valid Parquet file (damaged, truncated or misnamed)")
    meta = pq.ParquetFile(path).metadata
    limits.check_columns(path.name, meta.num_columns, ("tệp", "the file"))
    if meta.num_rows > limits.MAX_TABLE_ROWS:
        limits.fail(path.name, f"có {meta.num_rows:,} dòng, vượt giới hạn {limits.MAX_TABLE_ROWS:,} dòng"
                    .replace(",", "."), f"has {meta.num_rows:,} rows, over the limit of {limits.MAX_TABLE_ROWS:,}")
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if size > limits.MAX_PARQUET_BYTES:
        limits.fail(path.name, f"giải nén ra {size // 2**20:,} MB, vượt giới hạn".replace(",", "."),
                    f"expands to {size // 2**20:,} MB, over the limit of {limits.MAX_PARQUET_BYTES // 2**20:,} MB")
    return pq.read_table(path)


def _read_xlsx(path: Path, text_columns) -> pa.Table:
    from python_calamine import CalamineWorkbook

    from . import limits
    wb = CalamineWorkbook.from_path(str(path))
    try:
        if not wb.sheet_names:
            raise InputError(path, ["the workbook has no sheet"])
        sheet = wb.get_sheet_by_index(0)
        limits.check_read_sheet(path.name, wb.sheet_names[0], sheet.height, sheet.width)
        rows = sheet.to_python(skip_empty_area=False)
    finally:
        wb.close()
    if not rows:
        raise InputError(path, ["the first sheet is empty"])
    header = [str(h).strip() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    cols = {}
    for j, name in enumerate(header):
        vals = [r[j] if j < len(r) else "" for r in rows[1:]]
        vals = [None if v == "" else v for v in vals]
        if name.lower() in text_columns:
            cols[name] = pa.array([_text(v) for v in vals], pa.string())
        elif all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in vals):
            cols[name] = pa.array([None if v is None else float(v) for v in vals], pa.float64())
        else:
            cols[name] = pa.array([None if v is None else str(v) for v in vals], pa.string())
    return pa.table(cols)


def _text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))   # Excel stores typed codes as numbers; never print "123.0"
    return str(v)


def _numeric(col: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(values as float64 with NaN for empty, mask of non-numeric cells)."""
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type) or pa.types.is_null(col.type):
        vals = np.array(col.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        return vals, np.zeros(len(vals), dtype=bool)
    if pa.types.is_boolean(col.type):
        vals = np.array(col.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        return vals, np.zeros(len(vals), dtype=bool)
    out = np.full(len(col), np.nan)
    bad = np.zeros(len(col), dtype=bool)
    for i, v in enumerate(col.to_pylist()):
        if v is None or str(v).strip() == "":
            continue
        try:
            x = float(str(v).strip().replace(" ", ""))
            if math.isnan(x) or math.isinf(x):
                raise ValueError
            out[i] = x
        except ValueError:
            bad[i] = True
    return out, bad


@dataclass
class Prepared:
    urban: np.ndarray
    income: np.ndarray | None
    score_a: np.ndarray | None
    deprivations: np.ndarray
    problems: list[str] = field(default_factory=list)


def prepare(table: pa.Table, standard: Standard) -> Prepared:
    """Check columns and values; return arrays for :func:`classify_arrays` or problems."""
    problems: list[str] = []
    names = table.column_names
    indicators = list(standard.indicator_codes)
    known = {ID_COLUMN, "area", "income", "score_a", *indicators}
    unknown = [c for c in names if c not in known]
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)} for standard {standard.code} "
                        f"(expected {ID_COLUMN}, area, income or score_a, {', '.join(indicators)})")
    missing = [c for c in (ID_COLUMN, "area", *indicators) if c not in names]
    if "income" not in names and "score_a" not in names:
        missing.append("income or score_a")
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    dup = sorted({c for c in names if names.count(c) > 1})
    if dup:
        problems.append(f"duplicate column(s): {', '.join(dup)}")
    n = table.num_rows
    if problems:
        return Prepared(np.zeros(0, bool), None, None, np.zeros(0, np.int16), problems)

    ids = table.column(ID_COLUMN)
    empty_id = np.asarray(pc.fill_null(pc.equal(pc.utf8_trim_whitespace(ids.cast(pa.string())), ""), True))
    if empty_id.any():
        problems.append(f"column {ID_COLUMN}: empty at {_fmt_rows(np.flatnonzero(empty_id))}")

    area = table.column("area").cast(pa.string())
    area = pc.utf8_lower(pc.utf8_trim_whitespace(pc.utf8_normalize(area, "NFC")))
    urban_names = [k for k, v in AREA_ALIASES.items() if v == "urban"]
    urban = np.asarray(pc.fill_null(pc.is_in(area, value_set=pa.array(urban_names)), False))
    ok_area = np.asarray(pc.fill_null(pc.is_in(area, value_set=pa.array(list(AREA_ALIASES))), False))
    if (~ok_area).any():
        bad = np.flatnonzero(~ok_area)
        sample = ", ".join(repr(v) for v in pc.take(table.column("area"), pa.array(bad[:5])).to_pylist())
        problems.append(f"column area: unknown area at {_fmt_rows(bad)} (values {sample}; "
                        "use rural/urban or nông thôn/thành thị)")

    values = {}
    for col in ("income", "score_a"):
        if col not in names:
            continue
        vals, bad = _numeric(table.column(col))
        if bad.any():
            problems.append(f"column {col}: not a number at {_fmt_rows(np.flatnonzero(bad))}")
        neg = np.flatnonzero(vals < 0)
        if len(neg):
            problems.append(f"column {col}: negative value at {_fmt_rows(neg)}")
        vals[bad] = np.nan
        values[col] = (vals, bad)
    has = {c: ~np.isnan(v) | b for c, (v, b) in values.items()}
    inc_has = has.get("income", np.zeros(n, bool))
    sc_has = has.get("score_a", np.zeros(n, bool))
    neither = np.flatnonzero(~inc_has & ~sc_has)
    if len(neither):
        problems.append(f"columns income/score_a: neither given at {_fmt_rows(neither)}")
    both = np.flatnonzero(inc_has & sc_has)
    if len(both):
        problems.append(f"columns income/score_a: both given at {_fmt_rows(both)} (give exactly one)")
    if "score_a" in values and standard.score_rules is None and sc_has.any():
        problems.append(f"column score_a: standard {standard.code} has no confirmed score A thresholds "
                        f"(used at {_fmt_rows(np.flatnonzero(sc_has))}); give income instead")

    counts = np.zeros(n, dtype=np.int16)
    for code in indicators:
        vals, bad = _numeric(table.column(code))
        wrong = bad | np.isnan(vals) | ((vals != 0) & (vals != 1))
        if wrong.any():
            problems.append(f"column {code}: value must be 0 or 1 at {_fmt_rows(np.flatnonzero(wrong))}")
        else:
            counts += vals.astype(np.int16)
    return Prepared(urban, values.get("income", (None,))[0], values.get("score_a", (None,))[0], counts, problems)


def classify_table(table: pa.Table, standard: Standard, path="input") -> pa.Table:
    p = prepare(table, standard)
    if p.problems:
        raise InputError(path, p.problems)
    codes = classify_arrays(standard, p.urban, p.income, p.score_a, p.deprivations)
    cat = pa.DictionaryArray.from_arrays(pa.array(codes, pa.int8()), pa.array(CATEGORIES)).cast(pa.string()) \
        if len(codes) else pa.array([], pa.string())
    return (table.append_column("category", cat)
            .append_column("deprivation_count", pa.array(p.deprivations, pa.int16()))
            .append_column("standard", pa.repeat(pa.scalar(standard.code, pa.string()), len(codes))))


def write_table(table: pa.Table, path: str | Path | None) -> None:
    """Write atomically (temp file + rename) so a failure never leaves a partial file."""
    if path is None:
        from pyarrow import csv
        buf = pa.BufferOutputStream()
        csv.write_csv(formula_safe(table), buf)
        sys.stdout.buffer.write(buf.getvalue().to_pybytes())
        sys.stdout.flush()
        return
    path = Path(path)
    ext = _ext(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", suffix=ext)
    os.close(fd)
    try:
        if ext == ".csv":
            from pyarrow import csv
            csv.write_csv(formula_safe(table), tmp)
        elif ext == ".parquet":
            import pyarrow.parquet as pq
            pq.write_table(table, tmp)
        else:
            _write_xlsx(table, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def formula_safe(table: pa.Table) -> pa.Table:
    """Text cells a spreadsheet would run as formulas get a leading apostrophe (core.csvsafe)."""
    from .csvsafe import FORMULA_START, cell
    for j, field in enumerate(table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            vals = table.column(j).to_pylist()
            if any(isinstance(v, str) and v.startswith(FORMULA_START) for v in vals):
                table = table.set_column(j, field, pa.array([cell(v) for v in vals], field.type))
    return table


def _write_xlsx(table: pa.Table, path: str) -> None:
    import xlsxwriter
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False,
                                    "strings_to_formulas": False})
    ws = wb.add_worksheet("data")
    bold = wb.add_format({"bold": True})
    ws.write_row(0, 0, table.column_names, bold)
    cols = [c.to_pylist() for c in table.columns]
    for i in range(table.num_rows):
        for j, col in enumerate(cols):
            v = col[i]
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(i + 1, j, v)
            else:
                ws.write(i + 1, j, v)
    wb.close()


__all__ = ["InputError", "classify_table", "prepare", "read_table", "write_table", "category_names"]
