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


def read_table(path: str | Path, text_columns: tuple[str, ...] = (ID_COLUMN, "area"),
               columns: list[str] | None = None) -> pa.Table:
    """The limits of :mod:`chungtay.core.limits` are checked before the data is loaded.

    ``columns`` (.csv/.parquet): read only these, when each is in the file exactly once (by its
    normalised name); otherwise every column, so that the caller's checks see the whole header."""
    from . import limits
    path = Path(path)
    ext = _ext(path)
    if not path.exists():
        raise InputError(path, ["file not found"])
    try:
        raw = _raw_columns(path, ext, columns) if columns is not None else None
        if ext == ".csv":
            t = _read_csv(path, text_columns, raw)
        elif ext == ".parquet":
            t = _read_parquet(path, raw)
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
    return t.rename_columns([_norm(c) for c in t.column_names])


def _norm(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip().lstrip("\ufeff")


def column_names(path: str | Path) -> list[str] | None:
    """A .csv/.parquet file's column names as :func:`read_table` names them, from its header or
    footer alone; None for a workbook or a file that cannot be read (read_table says why)."""
    path = Path(path)
    try:
        return [_norm(n) for n in _file_names(path, _ext(path))]
    except Exception:  # noqa: BLE001 - read_table reports it properly
        return None


def _file_names(path: Path, ext: str) -> list[str]:
    if ext == ".csv":
        with open(path, "rb") as f:
            return _csv_names(f.readline(4 * 1024 * 1024))
    if ext == ".parquet":
        import pyarrow.parquet as pq
        _check_parquet(path)
        return pq.ParquetFile(path).schema_arrow.names
    raise ValueError(ext)


def _raw_columns(path: Path, ext: str, wanted: list[str]) -> list[str] | None:
    """The file's own names of ``wanted`` (normalised names), when each is there exactly once."""
    if ext not in (".csv", ".parquet"):
        return None
    names = _file_names(path, ext)
    norm = [_norm(n) for n in names]
    if any(norm.count(c) != 1 for c in wanted):
        return None
    return [names[norm.index(c)] for c in dict.fromkeys(wanted)]


def _read_csv(path: Path, text_columns, include: list[str] | None = None) -> pa.Table:
    from pyarrow import csv

    from . import limits
    types = _csv_types(path, text_columns)
    t = csv.read_csv(path, read_options=csv.ReadOptions(use_threads=True, block_size=2 * limits.MAX_LINE_BYTES),
                     convert_options=csv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                                        include_columns=include))
    _check_cells(path, t)
    return t


def _csv_types(path: Path, text_columns) -> dict:
    """The raw-byte limits and the header checked; the types of the text columns by header name."""
    from . import limits
    limits.check_csv(path, path.name, max_bytes=limits.MAX_TABLE_FILE_BYTES, max_rows=limits.MAX_TABLE_ROWS,
                     utf16=False)
    with open(path, "rb") as f:
        header = f.readline(limits.MAX_LINE_BYTES + 1).decode("utf-8-sig").strip().split(",")
    limits.check_columns(path.name, len(header))
    names = [h.strip().strip('"') for h in header]
    return {n: pa.string() for n in names if n.strip().lower() in text_columns}


def _check_cells(path: Path, t: pa.Table) -> None:
    from . import limits
    for name, col in zip(t.column_names, t.columns):
        if (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)) and len(col):
            longest = pc.max(pc.utf8_length(col)).as_py() or 0
            limits.check_cell(path.name, (f"cột '{name}'", f"column '{name}'"), longest)


def _read_parquet(path: Path, columns: list[str] | None = None) -> pa.Table:
    import pyarrow.parquet as pq
    _check_parquet(path)
    return pq.read_table(path, columns=columns)


def batches(path: str | Path, columns: list[str], text_columns: tuple[str, ...] = (),
            byte_columns: tuple[str, ...] = ()):
    """A .csv/.parquet file's ``columns`` (each there exactly once) as tables of a few hundred
    thousand rows, in order, every one with the same types: CSV a chunk of whole lines at a time
    (``byte_columns`` as int8), Parquet a row group at a time. Raises :class:`Unexpected` for
    anything a plain :func:`read_table` would report or read differently (a type that changes from
    one chunk to the next, a quoted newline, a limit): the caller reads the file plainly then."""
    from . import limits
    path = Path(path)
    try:
        ext = _ext(path)
        raw = _raw_columns(path, ext, columns) if path.exists() else None
    except (InputError, limits.LimitError, OSError):
        raise Unexpected from None
    if raw is None:
        raise Unexpected
    try:
        if ext == ".parquet":
            import pyarrow.parquet as pq
            pf = pq.ParquetFile(path, buffer_size=1 << 20, pre_buffer=False)
            for batch in pf.iter_batches(batch_size=SLICE_ROWS, columns=raw):
                yield pa.Table.from_batches([batch]).rename_columns([_norm(c) for c in batch.schema.names])
            return
        header, types = _chunk_types(path, text_columns, byte_columns, raw)
        yield from _same_schema(_parse_chunk(path, header, c, types, include=raw) for c in _chunks(path))
    except (limits.LimitError, pa.ArrowException, OSError):
        raise Unexpected from None


def _check_parquet(path: Path) -> None:
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


def int_values(col: pa.ChunkedArray) -> np.ndarray:
    """A non-empty integer column without nulls as numpy values (no copy when it is one chunk)."""
    return col.chunks[0].to_numpy() if col.num_chunks == 1 else np.concatenate([c.to_numpy() for c in col.chunks])


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
        col = table.column(code)
        if pa.types.is_integer(col.type) and col.null_count == 0 and len(col):   # no float copy: 0/1 as they are
            vals = int_values(col)
            wrong = (vals < 0) | (vals > 1)
            if not wrong.any():
                counts += vals
                continue
        vals, bad = _numeric(col)
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
    return _with_result(table, codes, p.deprivations, standard.code)


def _with_result(table: pa.Table, codes: np.ndarray, counts: np.ndarray, code: str) -> pa.Table:
    """``table`` with the columns category, deprivation_count and standard appended."""
    cat = pa.DictionaryArray.from_arrays(pa.array(codes, pa.int8()), pa.array(CATEGORIES)).cast(pa.string()) \
        if len(codes) else pa.array([], pa.string())
    return (table.append_column("category", cat)
            .append_column("deprivation_count", pa.array(counts, pa.int16()))
            .append_column("standard", pa.repeat(pa.scalar(code, pa.string()), len(codes))))


SLICE_ROWS = 1 << 17        # rows written at a time: the output never exists whole in memory


def classify_file(src: str | Path, standard: Standard, dst: str | Path | None = None) -> int:
    """Classify the households of ``src`` into ``dst`` (CSV on stdout when None); the row count.

    Exactly :func:`read_table` + :func:`classify_table` + :func:`write_table`, the same bytes out and
    the same errors, in less time and memory. A CSV is read with its 0/1 indicator columns as one
    byte each; a Parquet file a row group at a time; the result is written a slice at a time, on
    two threads for CSV. Whenever that fast path meets anything it does not expect (a cell that is
    not a small whole number, any problem :func:`prepare` reports), the file is read again the plain
    way, which reports every problem as it always has."""
    src = Path(src)
    out_ext = _ext(dst) if dst is not None else ".csv"
    ext = _ext(src)
    n = None
    if ext == ".csv":
        n = _classify_csv(src, standard, dst, out_ext)
    elif ext == ".parquet" and dst is not None:
        n = _classify_parquet(src, standard, dst, out_ext)
    if n is not None:
        return n
    result = classify_table(read_table(src), standard, src)
    write_table(result, dst)
    return result.num_rows


CHUNK_BYTES = 1 << 20      # bytes of a CSV parsed at a time (whole lines; a longer line is one chunk)


def _classify_csv(src: Path, standard: Standard, dst, out_ext: str) -> int | None:
    """The CSV a chunk of whole lines at a time, two chunks at once, written in order as they come.

    Every chunk is parsed as pyarrow parses the whole file (no newline inside a value, which
    pyarrow's reader assumes as well), its 0/1 indicators as int8. None, and the output thrown away,
    if a chunk infers other types than the first, has a quoted newline or a cell :func:`prepare`
    or the limits refuse, so that the plain path reads the file and says what is wrong."""
    from . import limits
    if out_ext == ".xlsx":
        return None
    try:
        header, types = _chunk_types(src, (ID_COLUMN, "area"), tuple(standard.indicator_codes))
    except limits.LimitError:
        return None

    def work(chunk: bytes) -> pa.Table:
        t = _parse_chunk(src, header, chunk, types)
        p = prepare(t, standard)
        if p.problems:
            raise Unexpected
        out = _with_result(t, classify_arrays(standard, p.urban, p.income, p.score_a, p.deprivations),
                           p.deprivations, standard.code)
        return out if out_ext == ".csv" else _widen(out)
    try:
        return _write_slices(_same_schema(_in_order(work, _chunks(src))), dst, out_ext)
    except (Unexpected, limits.LimitError, pa.ArrowException):
        return None


def _in_order(fn, items, threads: int = 2):
    """``fn`` of each item on ``threads`` threads (pyarrow and numpy let go of the GIL), the
    results in the items' order, at most ``threads + 1`` of them waiting."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(threads) as ex:
        pending: deque = deque()
        for item in items:
            pending.append(ex.submit(fn, item))
            if len(pending) > threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _same_schema(tables):
    """The tables, as long as each has the first one's schema (Unexpected otherwise: a whole-file
    read would have promoted the column to a common type)."""
    first = None
    for t in tables:
        if first is None:
            first = t.schema
        elif t.schema != first:
            raise Unexpected
        yield t


def _chunk_types(path: Path, text_columns, byte_columns, names: list[str] | None = None) -> tuple[bytes, dict]:
    """(the header line, the column types every chunk is parsed with): the text columns as text,
    ``byte_columns`` as int8, the rest inferred as pyarrow infers them."""
    types = _csv_types(path, text_columns)
    with open(path, "rb") as f:
        header = f.readline()
    types.update({n: pa.int8() for n in (names if names is not None else _csv_names(header))
                  if _norm(n) in byte_columns and n not in types})
    return header, types


def _widen(t: pa.Table) -> pa.Table:
    """The indicators read as int8 typed as a plain read infers them (int64), for typed outputs."""
    for j, fld in enumerate(t.schema):
        if fld.type == pa.int8():
            t = t.set_column(j, fld.with_type(pa.int64()), t.column(j).cast(pa.int64()))
    return t


def _csv_bytes(t: pa.Table, header: bool) -> pa.Buffer:
    from pyarrow import csv
    buf = pa.BufferOutputStream()
    csv.write_csv(formula_safe(t), buf, csv.WriteOptions(include_header=header))
    return buf.getvalue()


def _csv_names(header: bytes) -> list[str]:
    return [h.strip().strip('"') for h in header.decode("utf-8-sig").strip().split(",")]


def _chunks(path: Path):
    """The file after its header line, in pieces of about CHUNK_BYTES that end at a newline."""
    with open(path, "rb") as f:
        f.readline()
        carry = b""
        while True:
            b = f.read(CHUNK_BYTES)
            if not b:
                if carry.strip():
                    yield carry
                return
            b = carry + b if carry else b
            cut = b.rfind(b"\n") + 1
            if cut == 0:
                carry = b
                continue
            carry = b[cut:]
            yield b[:cut]


def _parse_chunk(src: Path, header: bytes, chunk: bytes, types: dict, include=None) -> pa.Table:
    from pyarrow import csv
    buf = np.frombuffer(chunk, np.uint8)
    quotes = np.flatnonzero(buf == 34)
    if len(quotes) and (np.searchsorted(quotes, np.flatnonzero(buf == 10)) & 1).any():
        raise Unexpected                # a newline inside quotes: chunking could change its meaning
    data = header + chunk
    t = csv.read_csv(pa.py_buffer(data), read_options=csv.ReadOptions(use_threads=False, block_size=len(data) + 1),
                     convert_options=csv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                                        include_columns=include))
    _check_cells(src, t)
    return t.rename_columns([_norm(c) for c in t.column_names])


def _classify_parquet(src: Path, standard: Standard, dst, out_ext: str) -> int | None:
    import pyarrow.parquet as pq

    from . import limits
    try:
        _check_parquet(src)
        pf = pq.ParquetFile(src, buffer_size=1 << 20, pre_buffer=False)
        names = [_norm(c) for c in pf.schema_arrow.names]
    except (limits.LimitError, Exception):  # noqa: BLE001 - the plain read says what is wrong
        return None

    def slices():
        for batch in pf.iter_batches(batch_size=SLICE_ROWS):
            t = pa.Table.from_batches([batch]).rename_columns(names)
            p = prepare(t, standard)
            if p.problems:
                raise Unexpected
            yield _with_result(t, classify_arrays(standard, p.urban, p.income, p.score_a, p.deprivations),
                               p.deprivations, standard.code)
    try:
        return _write_slices(slices(), dst, out_ext)
    except Exception:  # noqa: BLE001 - Unexpected, a damaged row group: the plain read says what is wrong
        return None


class Unexpected(Exception):
    """The fast path met something only the plain path reports properly."""


def _write_slices(slices, path, ext: str) -> int:
    """Write consecutive slices of one table as :func:`write_table` writes the whole table (``path``
    None: CSV on standard output, once all of it is written); the row count. Unexpected when there
    is no row: the plain path writes the header alone."""
    rows = 0

    def counted():
        nonlocal rows
        for t in slices:
            rows += len(t)
            yield t
    with _atomic(path, ext) as tmp:
        if ext == ".csv":
            with open(tmp, "wb") as f:
                _csv_out(counted(), f)
        elif ext == ".parquet":
            import pyarrow.parquet as pq
            writer, group = None, []           # row groups of about SLICE_ROWS rows
            try:
                for t in counted():
                    writer = writer or pq.ParquetWriter(tmp, t.schema)
                    group.append(t)
                    if sum(map(len, group)) >= SLICE_ROWS:
                        writer.write_table(pa.concat_tables(group))
                        group.clear()
                if group:
                    writer.write_table(pa.concat_tables(group))
            finally:
                if writer is not None:
                    writer.close()
        else:
            _write_xlsx(pa.concat_tables(list(counted())), tmp)
        if rows == 0:
            raise Unexpected
        if path is None:
            import shutil
            with open(tmp, "rb") as f:
                shutil.copyfileobj(f, sys.stdout.buffer, 1 << 20)
            sys.stdout.flush()
    return rows


def _csv_out(slices, f) -> None:
    """CSV of consecutive slices, two encoded at once (pyarrow's writer lets go of the GIL)."""
    for buf in _in_order(lambda it: _csv_bytes(it[1], header=it[0] == 0), enumerate(slices)):
        f.write(buf)


class _atomic:
    """A temporary file beside ``path``, renamed onto it on success and removed in any case
    (``path`` None: a temporary file that is only removed)."""

    def __init__(self, path, ext: str):
        self.path, self.ext = (None if path is None else Path(path)), ext

    def __enter__(self) -> str:
        where = None if self.path is None else self.path.parent if str(self.path.parent) else "."
        fd, self.tmp = tempfile.mkstemp(dir=where, suffix=self.ext)
        os.close(fd)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None and self.path is not None:
                os.replace(self.tmp, self.path)
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)


def write_table(table: pa.Table, path: str | Path | None) -> None:
    """Write atomically (temp file + rename) so a failure never leaves a partial file."""
    if path is None:
        from pyarrow import csv
        buf = pa.BufferOutputStream()
        csv.write_csv(formula_safe(table), buf)
        sys.stdout.buffer.write(buf.getvalue().to_pybytes())
        sys.stdout.flush()
        return
    ext = _ext(path)
    with _atomic(path, ext) as tmp:
        if ext == ".csv":
            from pyarrow import csv
            csv.write_csv(formula_safe(table), tmp)
        elif ext == ".parquet":
            import pyarrow.parquet as pq
            pq.write_table(table, tmp)
        else:
            _write_xlsx(table, tmp)


def formula_safe(table: pa.Table) -> pa.Table:
    """Text cells a spreadsheet would run as formulas get a leading apostrophe (core.csvsafe).

    Only a column with a cell starting with one of :data:`~.csvsafe.FORMULA_START` is looked at
    cell by cell; finding those is one vectorised pass a column."""
    from .csvsafe import FORMULA_START, cell
    for j, fld in enumerate(table.schema):
        if pa.types.is_string(fld.type) or pa.types.is_large_string(fld.type):
            col = table.column(j)
            starts = None
            for ch in FORMULA_START:
                s = pc.starts_with(col, ch)
                starts = s if starts is None else pc.or_(starts, s)
            if starts is None or not pc.any(starts).as_py():
                continue
            vals = col.to_pylist()
            table = table.set_column(j, fld, pa.array([cell(v) for v in vals], fld.type))
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


__all__ = ["InputError", "classify_file", "classify_table", "prepare", "read_table", "write_table", "category_names"]
