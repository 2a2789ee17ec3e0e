"""Read the import files (.xlsx sheets or .csv files) into column lists.

Rows keep their spreadsheet number (header = row 1). Cells stay as read — a code typed in
a text-formatted cell stays "0012"; a number stays a number — the validator decides.
"""
from __future__ import annotations

import csv
import io
import logging
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from chungtay.bulk import collector_paused
from chungtay.core import limits
from chungtay.core.limits import LimitError

from . import spec

log = logging.getLogger(__name__)
MAX_ROWS = limits.MAX_ROWS
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")     # all read by python-calamine (after chungtay.core.limits)


@dataclass
class Problem:
    """One entry of the error report (row numbered as in the spreadsheet, header = 1)."""
    sheet: str
    row: int
    column: str
    value: str
    reason: str

    def as_list(self) -> list:
        return [self.sheet, self.row, self.column, self.value, self.reason]


@dataclass
class Table:
    kind: str
    source: str                       # sheet name, or file name for CSV
    cols: dict[str, list]             # machine key -> cell values, one per kept row
    rows: list[int]                   # spreadsheet row number of each kept row
    headers: dict[str, str]           # machine key -> header as written in the file
    ignored: list[str] = field(default_factory=list)   # headers not recognised

    def __len__(self) -> int:
        return len(self.rows)

    def header(self, key: str) -> str:
        return self.headers.get(key) or key


class ReadError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.reason for p in problems))


def _empty(v) -> bool:
    return v is None or v == "" or (isinstance(v, str) and not v.strip())


def _table(kind: str, source: str, grid: list[list], problems: list[Problem]) -> Table | None:
    """Header row + data rows -> Table (fully empty rows are skipped)."""
    if not grid:
        return None
    known = spec.known_keys(kind)
    header = grid[0]
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored = []
    for j, cell in enumerate(header):
        if _empty(cell):
            continue
        key = spec.header_key(cell, known)
        text = unicodedata.normalize("NFC", str(cell)).strip()
        if key is None:
            ignored.append(text)
        elif key in index:
            problems.append(Problem(source, 1, text, text,
                                    f"Cột trùng: cột '{headers[key]}' đã có ở trước"))
        else:
            index[key], headers[key] = j, text
    data = grid[1:]
    if len(data) > MAX_ROWS:
        problems.append(Problem(source, 1, "", "", f"Quá nhiều dòng (tối đa {MAX_ROWS:,})"))
        return None
    cols: dict[str, list] = {}
    width = len(header)
    if data and all(len(r) == width for r in data):       # a sheet's rectangle: transposed in C
        every = list(zip(*data))
        cols = {key: list(every[j]) for key, j in index.items()}
        del every
    else:
        for key, j in index.items():
            try:
                cols[key] = [r[j] for r in data]
            except IndexError:   # ragged rows (CSV)
                cols[key] = [r[j] if j < len(r) else None for r in data]
    # keep rows that have at least one recognised non-empty cell: the rows still empty after each
    # column are the only ones the next column is asked about (after the first: almost none)
    n = len(data)
    empty = range(n)
    for vals in cols.values():
        empty = [i for i in empty if _empty(vals[i])]
        if not empty:
            break
    if not empty:
        rows = list(range(2, n + 2))
    else:
        gone = set(empty)
        idx = [i for i in range(n) if i not in gone]
        rows = [i + 2 for i in idx]
        cols = {k: [v[i] for i in idx] for k, v in cols.items()}
    return Table(kind, source, cols, rows, headers, ignored)


def _fatal(e: BaseException) -> bool:
    """Errors a reader failure must not swallow (Ctrl+C, exit); a Rust panic of the reader
    (pyo3's PanicException derives from BaseException) is an unreadable file like any other."""
    return isinstance(e, (KeyboardInterrupt, SystemExit, GeneratorExit))


def read_xlsx(path: str | Path, display_name: str | None = None,
              progress=None) -> tuple[list[Table], list[Problem]]:
    with collector_paused():     # millions of row lists: see chungtay.bulk.collector_paused
        return _read_xlsx(path, display_name, progress)


def _read_xlsx(path, display_name, progress) -> tuple[list[Table], list[Problem]]:
    from python_calamine import CalamineWorkbook
    name = display_name or Path(path).name
    problems: list[Problem] = []
    try:
        limits.check_workbook(path, name)         # sizes, zip bombs, sheet rectangles: before loading
    except LimitError as e:
        raise ReadError([Problem(name, 0, "", "", e.vi)]) from None
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except BaseException as e:  # noqa: BLE001 - the reader's own message says what is wrong
        if _fatal(e):
            raise
        raise ReadError([Problem(name, 0, "", "", f"Tệp '{name}': không đọc được tệp bảng tính "
                                                  f"({_short(e, path, name)})")]) from None
    opened = [wb]
    local = threading.local()

    def parse(sheet_name: str):
        """A sheet's cells, parsed by python-calamine in a worker thread (it lets go of the GIL
        while it parses), from the thread's own copy of the workbook (one copy refuses two callers)."""
        book = getattr(local, "wb", None)
        if book is None:
            book = local.wb = CalamineWorkbook.from_path(str(path))
            opened.append(book)
        return book.get_sheet_by_name(sheet_name)

    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sheet")
    current = None              # the sheet being read: named in the message if it is damaged
    try:
        names = [n for n in wb.sheet_names if not fold_is_instructions(n)]
        # the sheets are parsed in the workers while this thread turns each one, in the workbook's
        # order, into columns (in order, not as they finish: an earlier sheet's columns are not held
        # while the largest one is converted — that took 0.2 GB more at the peak for 0.4 s less)
        parsed = [pool.submit(parse, sheet_name) for sheet_name in names]
        tables: list[Table] = []
        for k, (sheet_name, fut) in enumerate(zip(names, parsed)):
            current = sheet_name
            if progress:
                progress(k / len(names), f"Đang đọc bảng {sheet_name}")
            sheet = fut.result()
            del fut                # the future holds the cells too
            parsed[k] = None
            limits.check_read_sheet(name, sheet_name, sheet.height, sheet.width)
            grid = sheet.to_python(skip_empty_area=False)
            del sheet          # frees calamine's own copy of the cells before the columns are built
            kind = spec.kind_of_sheet_name(sheet_name)
            if kind is None:
                # an oddly named sheet: recognise it by its header
                keys = {spec.header_key(c, spec.known_keys(k)) for k in spec.KINDS for c in (grid[0] if grid else [])}
                kind = spec.kind_of_header({k for k in keys if k})
                if kind is None:
                    continue
            t = _table(kind, sheet_name, grid, problems)
            del grid
            if t is not None:
                tables.append(t)
    except LimitError as e:
        raise ReadError([Problem(name, 0, "", "", e.vi)]) from None
    except BaseException as e:  # noqa: BLE001 - a damaged sheet inside a readable zip
        if _fatal(e):
            raise
        where = f"bảng '{current}'" if current else "một bảng trong tệp"
        raise ReadError([Problem(name, 0, "", "", f"Tệp '{name}': không đọc được {where} — bảng hỏng hoặc không "
                                                  f"đúng định dạng Excel ({_short(e, path, name)})")]) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for book in opened:
            book.close()
    return tables, problems


def _short(e: BaseException, path=None, name: str = "") -> str:
    """The reader's message, one line, short, without the server's paths."""
    if isinstance(e, MemoryError):
        return "không đủ bộ nhớ"
    text = str(e)
    if path is not None:
        text = text.replace(str(path), name)
    text = " ".join(text.split())[:160]
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def fold_is_instructions(sheet_name: str) -> bool:
    return spec.fold_key(sheet_name) in ("huongdan", "huong_dan", "instructions", "danh_sach_thon", "thon")


def read_csv(path: str | Path, display_name: str | None = None) -> tuple[list[Table], list[Problem]]:
    """UTF-8 (or UTF-16 with BOM) text, streamed row by row with the limits of chungtay.core.limits."""
    name = display_name or Path(path).name
    try:
        encoding = limits.check_csv(path, name)
        grid = _csv_rows(path, name, encoding)
    except LimitError as e:
        return [], [Problem(name, 0, "", "", e.vi)]
    problems: list[Problem] = []
    if not grid:
        return [], [Problem(name, 1, "", "", f"Tệp '{name}': tệp rỗng")]
    keys = set()
    for k in spec.KINDS:
        keys |= {spec.header_key(c, spec.known_keys(k)) for c in grid[0]}
    kind = spec.kind_of_header({k for k in keys if k})
    if kind is None:
        return [], [Problem(name, 1, "", "", "Không nhận ra loại bảng: dòng tiêu đề cần các cột của bảng Ho "
                                            "(ma_ho, thon), NhanKhau (ma_ho, ho_ten, …) hoặc RaSoat (ma_ho, nam, "
                                            "thu_nhap/diem_a, …)")]
    t = _table(kind, name, grid, problems)
    return ([t] if t else []), problems


def _csv_rows(path, name: str, encoding: str) -> list[list[str]]:
    cells = 0
    grid: list[list[str]] = []
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="", errors="strict")
        try:
            first = text.readline(limits.MAX_LINE_BYTES + 1)
            delim = max((",", ";", "\t"), key=first.count)
            text.seek(0)
            rows = csv.reader(text, delimiter=delim)      # (the codec drops the BOM)
            for row in rows:
                if len(row) > limits.MAX_COLUMNS:
                    limits.check_columns(name, len(row), (f"dòng {len(grid) + 1:,}".replace(",", "."),
                                                          f"line {len(grid) + 1:,}"))
                if row:
                    longest = max(map(len, row))
                    if longest > limits.MAX_CELL_CHARS:
                        limits.check_cell(name, (f"dòng {len(grid) + 1:,}".replace(",", "."),
                                                 f"line {len(grid) + 1:,}"), longest)
                cells += len(row)
                if cells > limits.MAX_CELLS:
                    limits.fail(name, f"có hơn {limits.MAX_CELLS:,} ô, vượt giới hạn".replace(",", "."),
                                f"has more than {limits.MAX_CELLS:,} cells, over the limit")
                grid.append(row)
        except csv.Error as e:
            if "field larger" in str(e):
                limits.check_cell(name, (f"dòng {len(grid) + 1:,}".replace(",", "."), f"line {len(grid) + 1:,}"), None)
            limits.fail(name, f"CSV hỏng ở dòng {len(grid) + 1:,} ({e})".replace(",", "."),
                        f"broken CSV at line {len(grid) + 1:,} ({e})")
        except UnicodeError:
            limits.fail(name, f"ký tự không đọc được ở dòng {len(grid) + 1:,}: hãy lưu lại dạng CSV UTF-8"
                        .replace(",", "."), f"undecodable text at line {len(grid) + 1:,}: save it as CSV UTF-8")
    return grid


def check_files(paths: list[tuple[str | Path, str]]) -> list[Problem]:
    """The limits of chungtay.core.limits, without reading the data: [] when every file may be read.

    Cheap enough for the upload request (the zip directory and one streaming pass over the sheets
    or the CSV bytes); the job then reads the files with :func:`read_files`, which checks again."""
    problems: list[Problem] = []
    for path, display in paths:
        ext = Path(display or path).suffix.lower()
        try:
            if ext in SPREADSHEETS:
                limits.check_workbook(path, display)
            elif ext == ".csv":
                limits.check_csv(path, display)
            else:
                problems.append(_unsupported(display, ext))
        except LimitError as e:
            problems.append(Problem(display, 0, "", "", e.vi))
    return problems


def _unsupported(display: str, ext: str) -> Problem:
    return Problem(display, 0, "", "", f"Không hỗ trợ loại tệp '{ext or '?'}' (tệp '{display}'): dùng .xlsx hoặc .csv")


def read_files(paths: list[tuple[str | Path, str]], progress=None) -> tuple[dict[str, Table], list[Problem]]:
    """[(path, display name)] -> {kind: Table}; a kind given twice is an error.

    ``progress(fraction, message)`` is called before each sheet is read."""
    out: dict[str, Table] = {}
    problems: list[Problem] = []
    for f, (path, display) in enumerate(paths):
        ext = Path(display or path).suffix.lower() or Path(path).suffix.lower()

        def step(frac, msg, f=f):
            if progress:
                progress((f + frac) / len(paths), msg)
        step(0, f"Đang đọc {display}")
        try:
            if ext in SPREADSHEETS:
                tables, probs = read_xlsx(path, display, step)
            elif ext == ".csv":
                tables, probs = read_csv(path, display)
            else:
                problems.append(_unsupported(display, ext))
                continue
        except ReadError as e:
            problems += e.problems
            continue
        except (OSError, ValueError, MemoryError) as e:      # never a traceback for a file from outside
            log.warning("import file unreadable: %s", type(e).__name__)
            problems.append(Problem(display, 0, "", "", f"Tệp '{display}': không đọc được tệp ({_short(e, path, display)})"))
            continue
        problems += probs
        for t in tables:
            if t.kind in out:
                problems.append(Problem(t.source, 1, "", "",
                                        f"Bảng {spec.SHEET_TITLES[t.kind]} đã có ở '{out[t.kind].source}': "
                                        "mỗi loại bảng chỉ nhập một lần"))
            else:
                out[t.kind] = t
    if not out and not problems:
        problems.append(Problem(", ".join(d for _, d in paths), 0, "", "",
                                "Không tìm thấy bảng Ho, NhanKhau hay RaSoat nào trong tệp"))
    return out, problems
