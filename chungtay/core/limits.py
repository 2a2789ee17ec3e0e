"""Limits for table files from outside (uploads, command-line input), checked BEFORE the data is loaded.

A spreadsheet reader trusts the file: python-calamine allocates the whole rectangle between the
first and the last cell of a sheet, so one cell at ``XFD1048576`` makes it ask for 512 GB and the
process aborts; a few MB of zip can expand to many GB; a CSV can hold one line of a million
columns. Every function here looks at the file cheaply (zip directory, streamed sheet XML, raw
CSV bytes) and raises :class:`LimitError` — a one-line message naming the file, in Vietnamese
and English — when a limit is passed or the file is not what its name says. The readers
(chungtay.imports.reader, chungtay.core.tables) call them first. docs/import.md ("Giới hạn
tệp / file limits") lists the limits.

Formulas are never evaluated: spreadsheet cells are read as the value Excel saved with them.
"""
from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import numpy as np

from . import sheet_scan
from .fmt import number

# --- limits (named, documented in docs/import.md) -------------------------------------------
MAX_FILE_BYTES = 200 * 1024 * 1024          # one uploaded/imported file (.xlsx, .csv, …)
MAX_TABLE_FILE_BYTES = 2 * 1024 ** 3        # one .csv/.parquet given to `chungtay classify|measures`
MAX_SHEETS = 100                            # sheets in one workbook
MAX_ROWS = 1_048_576                        # rows of one sheet or CSV file to import (Excel's own limit)
MAX_TABLE_ROWS = 30_000_000                 # rows of one .csv/.parquet for `classify`/`measures`: the nation (27 M)
MAX_COLUMNS = 1_000                         # columns of one sheet/CSV/Parquet
MAX_CELLS = 20_000_000                      # rows × columns of one sheet (the rectangle a reader allocates)
MAX_CELL_CHARS = 32_767                     # characters in one cell (Excel's own limit)
MAX_LINE_BYTES = 1024 * 1024                # bytes in one CSV line
MAX_ZIP_ENTRIES = 10_000                    # files inside an .xlsx/.ods
MAX_UNCOMPRESSED_BYTES = 2 * 1024 ** 3      # all files inside an .xlsx/.ods, uncompressed
MAX_PART_BYTES = 256 * 1024 * 1024          # one non-sheet part (shared strings, styles, …) uncompressed
MAX_RATIO = 200                             # uncompressed ÷ compressed size of one part (beyond: zip bomb)
RATIO_FROM_BYTES = 4 * 1024 * 1024          # ... checked for parts larger than this
MAX_TEXT_BYTES = 1024 ** 3                  # text a sheet's cells hold in total, shared strings expanded
MAX_PARQUET_BYTES = 8 * 1024 ** 3           # uncompressed data of one Parquet file

CHUNK = 4 * 1024 * 1024


class LimitError(ValueError):
    """The file passes a limit or is not a readable table; ``vi``/``en`` name the file,
    ``detail_vi``/``detail_en`` are the same without the file name."""

    def __init__(self, name: str, detail_vi: str, detail_en: str):
        self.name, self.detail_vi, self.detail_en = name, detail_vi, detail_en
        self.vi, self.en = f"Tệp '{name}': {detail_vi}", f"File '{name}': {detail_en}"
        super().__init__(self.vi)


def _n(x: int) -> str:
    return number(x)


def _fail(name: str, vi: str, en: str):
    raise LimitError(name, vi, en)


# --- any file ---------------------------------------------------------------------------

def check_file(path: str | Path, name: str, max_bytes: int = MAX_FILE_BYTES) -> int:
    """The path is a readable, non-empty regular file of at most ``max_bytes``; returns its size."""
    p = Path(path)
    try:
        if p.is_dir():
            _fail(name, "là một thư mục, không phải tệp", "is a folder, not a file")
        if not p.is_file():
            _fail(name, "không tìm thấy tệp", "file not found")
        size = p.stat().st_size
        with open(p, "rb") as f:
            f.read(1)
    except OSError as e:
        _fail(name, f"không mở được tệp ({e.strerror or e})", f"cannot open the file ({e.strerror or e})")
    if size == 0:
        _fail(name, "tệp rỗng (0 byte)", "the file is empty (0 bytes)")
    if size > max_bytes:
        _fail(name, f"tệp lớn {_n(size // 2**20)} MB, vượt giới hạn {_n(max_bytes // 2**20)} MB",
              f"the file is {size // 2**20:,} MB, over the limit of {max_bytes // 2**20:,} MB")
    return size


def sniff(path: str | Path) -> str:
    """'zip', 'ole' (old .xls), 'parquet' or 'other' from the first bytes."""
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PAR1"):
        return "parquet"
    return "other"


# --- workbooks (.xlsx/.xlsm zip of XML, .ods zip of XML, .xls) -----------------------------

def check_workbook(path: str | Path, name: str, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Everything a spreadsheet reader would trip on, before it opens the file."""
    check_file(path, name, max_bytes)
    kind = sniff(path)
    ext = Path(name).suffix.lower()
    if kind == "zip" and ext in (".xlsx", ".xlsm", ".ods"):
        _check_zip(path, name, ods=ext == ".ods")
    elif kind == "ole" and ext == ".xls":
        return      # BIFF8 caps a sheet at 65,536 × 256 cells; the reader's sheet size is checked after opening
    else:
        _fail(name, f"không phải tệp {ext or 'bảng tính'} hợp lệ (tệp hỏng, bị cắt, hoặc đặt sai đuôi tên)",
              f"not a valid {ext or 'spreadsheet'} file (damaged, truncated or misnamed)")


# Any attribute value shaped like a cell reference (r="XFD1048576", r = 'A1', …): a superset of the
# cells' own references, so the rectangle found is never smaller than the reader's.
_REF = re.compile(rb'=\s*["\']([A-Za-z]{1,8}[0-9]{1,12})["\']')
_DIGITS = bytes(range(48, 58))
_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
# cells and rows written without a reference (the reader numbers them in order): slow path
_CELL_NOREF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c(?:\s(?:(?!\br\s*=)[^>])*)?(?<!/)>')
_ROW_NOREF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row(?:\s(?:(?!\br\s*=)[^>])*)?>')
_ROW_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br\s*=\s*["\']([0-9]{1,12})')
_SST_REF = re.compile(rb't\s*=\s*["\']s["\'][^>]*>\s*<(?:[A-Za-z_][\w.-]*:)?v>\s*([0-9]{1,12})')
_SI = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?si[\s>/]')
_LONG_TEXT = re.compile(rb'>[^<]{%d,}' % (MAX_CELL_CHARS + 1))


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_zip(path, name: str, ods: bool) -> None:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        _fail(name, "tệp nén hỏng hoặc bị cắt, không đọc được", "damaged or truncated zip, cannot be read")
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            _fail(name, f"chứa {_n(len(infos))} tệp con, vượt giới hạn {_n(MAX_ZIP_ENTRIES)}",
                  f"holds {len(infos):,} parts, over the limit of {MAX_ZIP_ENTRIES:,}")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            _fail(name, f"giải nén ra {_n(total // 2**20)} MB, vượt giới hạn {_n(MAX_UNCOMPRESSED_BYTES // 2**20)} MB",
                  f"expands to {total // 2**20:,} MB, over the limit of {MAX_UNCOMPRESSED_BYTES // 2**20:,} MB")
        for i in infos:
            if i.flag_bits & 0x1:
                _fail(name, "tệp có mật khẩu (mã hóa): hãy bỏ mật khẩu rồi gửi lại",
                      "the file is password-protected (encrypted): remove the password")
            if i.file_size > RATIO_FROM_BYTES and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                _fail(name, f"phần '{i.filename[:60]}' nén bất thường ({_n(i.compress_size)} byte giải nén ra "
                            f"{_n(i.file_size // 2**20)} MB): có thể là bom nén (zip bomb)",
                      f"part '{i.filename[:60]}' expands abnormally ({i.compress_size:,} bytes to "
                      f"{i.file_size // 2**20:,} MB): a zip bomb?")
        names = {i.filename for i in infos}
        if ods:
            if "content.xml" not in names:
                _fail(name, "không phải bảng tính ODS (thiếu content.xml)", "not an ODS spreadsheet (no content.xml)")
        elif "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            _fail(name, "không phải bảng tính Excel .xlsx (thiếu xl/workbook.xml)",
                  "not an Excel .xlsx workbook (no xl/workbook.xml)")
        if "xl/workbook.bin" in names:
            _fail(name, "tệp Excel nhị phân (.xlsb) không được hỗ trợ: hãy lưu lại dạng .xlsx",
                  "binary Excel (.xlsb) is not supported: save it as .xlsx")
        sst_lens: list[int] = []
        sst = next((i for i in infos if i.filename.lower().endswith("sharedstrings.xml")), None)
        try:
            sheets = set() if ods else _sheet_parts(zf, names, name)
            if sst is not None:
                sst_lens = _scan_shared_strings(zf, sst, name)
            for i in infos:
                if i is sst or i.is_dir():
                    continue
                if ods and i.filename == "content.xml":
                    _scan_ods(zf, i, name)
                elif not ods and (i.filename.lower() in sheets or i.filename.lower().startswith("xl/worksheets/")):
                    _scan_sheet(zf, i, name, sst_lens, path)
                else:
                    _drain(zf, i, name)
        except (zipfile.BadZipFile, zlib_error(), EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as e:
            if isinstance(e, LimitError):
                raise
            _fail(name, "tệp nén hỏng hoặc bị cắt, không đọc được", "damaged or truncated zip, cannot be read")


def _small_xml(zf, names, part: str, name: str):
    from defusedxml import ElementTree
    real = next((n for n in names if n.lower() == part), None)
    if real is None:
        return None
    if zf.getinfo(real).file_size > 16 * 1024 * 1024:
        _fail(name, f"phần '{part}' quá lớn", f"part '{part}' is too large")
    try:
        return ElementTree.fromstring(zf.read(real))
    except (zipfile.BadZipFile, zlib_error(), EOFError, OSError):
        raise
    except Exception:  # noqa: BLE001 - defusedxml/expat errors of any kind: the part is broken
        _fail(name, f"XML hỏng trong '{part}'", f"broken XML in '{part}'")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(zf, names, name) -> set[str]:
    """Lower-case zip names of the sheets workbook.xml lists (through its relationships)."""
    import posixpath
    wb = _small_xml(zf, names, "xl/workbook.xml", name)
    if wb is None:
        return set()
    ids = set()
    n = 0
    for el in wb.iter():
        if _local(el.tag) == "sheet":
            n += 1
            ids |= {v for k, v in el.attrib.items() if _local(k) == "id"}
    if n > MAX_SHEETS:
        _fail(name, f"có {_n(n)} bảng (sheet), vượt giới hạn {_n(MAX_SHEETS)} bảng",
              f"has {n:,} sheets, over the limit of {MAX_SHEETS:,}")
    rels = _small_xml(zf, names, "xl/_rels/workbook.xml.rels", name)
    out = set()
    for el in (rels.iter() if rels is not None else ()):
        target = el.get("Target") or ""
        if target and el.get("Id") in ids:
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            out.add(path.lower())
    return out


def zlib_error():
    import zlib
    return zlib.error


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limit: int):
    """Decompress one part in chunks; the zip module stops at the declared size and checks the CRC."""
    if info.file_size > limit:
        _fail(name, f"phần '{info.filename[:60]}' lớn {_n(info.file_size // 2**20)} MB khi giải nén, vượt giới hạn "
                    f"{_n(limit // 2**20)} MB", f"part '{info.filename[:60]}' expands to "
                    f"{info.file_size // 2**20:,} MB, over the limit of {limit // 2**20:,} MB")
    with zf.open(info) as f:
        while True:
            b = f.read(CHUNK)
            if not b:
                return
            yield b


def _drain(zf, info, name) -> None:
    for _ in _chunks(zf, info, name, MAX_PART_BYTES):
        pass


def _with_carry(chunks):
    """Chunks cut just after the last '>' so no tag is split; the rest is carried over."""
    carry = b""
    for b in chunks:
        data = carry + b
        cut = data.rfind(b">") + 1
        if cut == 0 and len(data) > MAX_LINE_BYTES * 4:
            cut = len(data)         # no tag at all for megabytes: scanned as is (a long text)
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


def _check_long_text(data: bytes, name: str, where: tuple[str, str]) -> None:
    for m in _LONG_TEXT.finditer(data):
        text = m.group()[1:].decode("utf-8", "replace")
        if len(text) > MAX_CELL_CHARS:
            _fail(name, f"{where[0]} có ô dài {_n(len(text))} ký tự, vượt giới hạn {_n(MAX_CELL_CHARS)} ký tự",
                  f"{where[1]} has a cell of {len(text):,} characters, over the limit of {MAX_CELL_CHARS:,}")


def _scan_shared_strings(zf, info, name) -> list[int]:
    starts: list[int] = []
    offset = 0
    for data in _with_carry(_chunks(zf, info, name, MAX_PART_BYTES)):
        _check_long_text(data, name, ("bảng chuỗi chung (sharedStrings)", "the shared strings"))
        starts.extend(offset + m.start() for m in _SI.finditer(data))
        offset += len(data)
    starts.append(offset)
    return [b - a for a, b in zip(starts, starts[1:])]


# A sheet part this large (uncompressed) is scanned by two processes at once, each taking every other
# chunk (the members' sheet of a 100,000-household workbook is ~190 MB: ~6 s of regular expressions).
SPLIT_FROM_BYTES = 64 * 1024 * 1024


def _scan_sheet(zf, info, name, sst_lens: list[int], path=None) -> None:
    """Bounding rectangle of the non-empty cells (what the reader allocates) and the text they hold."""
    found = None
    if path is not None and info.file_size >= SPLIT_FROM_BYTES and (os.cpu_count() or 1) > 1:
        found = _scan_split(zf, path, info, name, sst_lens)
    if found is None:
        found = _scan_share(zf, info, name, sst_lens)
    max_col, max_row, noref_cells, noref_rows, text = found
    if text > MAX_TEXT_BYTES:
        _too_much_text(name, _where(info))
    _check_rect(name, _where(info), max_row + noref_rows, max_col + noref_cells)


def _where(info) -> tuple[str, str]:
    part = info.filename.rsplit("/", 1)[-1]
    return f"bảng ({part})", f"sheet ({part})"


def _too_much_text(name: str, where: tuple[str, str]):
    _fail(name, f"{where[0]} chứa hơn {_n(MAX_TEXT_BYTES // 2**20)} MB chữ, vượt giới hạn",
          f"{where[1]} holds more than {MAX_TEXT_BYTES // 2**20:,} MB of text, over the limit")


def _scan_split(zf, path, info, name, sst_lens) -> tuple | None:
    """:func:`_scan_share` of the odd chunks in a child process while this one scans the even ones.

    None (the caller then scans the whole part itself, so every message and figure is exactly the
    sequential scan's) when either half found a problem or a cell without a reference (whose count
    depends on the chunks before it), or when the child could not run. The child is a plain
    ``python -c`` (not multiprocessing, which would run the caller's main script again in it)."""
    import pickle
    import subprocess
    import sys
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    try:
        child = subprocess.Popen([sys.executable, "-c", "from chungtay.core.limits import _scan_child; _scan_child()"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    except OSError:
        return None
    try:
        child.stdin.write(pickle.dumps((str(path), info.filename, name, sst_lens, 1, 2, CHUNK), protocol=5))
        child.stdin.close()
        even = _scan_share(zf, info, name, sst_lens, 0, 2)
        odd = pickle.loads(child.stdout.read())
    except Exception:  # noqa: BLE001 - a limit, a damaged part, a dead child: the sequential scan reports it
        return None
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
    if odd is None or even[2] or odd[2]:
        return None
    return (max(even[0], odd[0]), max(even[1], odd[1]), 0, even[3] + odd[3], even[4] + odd[4])


def _scan_child() -> None:
    """The child's half of :func:`_scan_split`: arguments and answer pickled on its standard input and
    output; None for any problem (the parent then scans the whole part again and reports it)."""
    import pickle
    import sys
    global CHUNK
    path, part, name, sst_lens, share, of, CHUNK = pickle.loads(sys.stdin.buffer.read())   # the parent's chunks
    try:
        with zipfile.ZipFile(path) as zf:
            out = _scan_share(zf, zf.getinfo(part), name, sst_lens, share, of)
    except Exception:  # noqa: BLE001 - reported by the parent's own sequential scan
        out = None
    sys.stdout.buffer.write(pickle.dumps(out))


def _scan_share(zf, info, name, sst_lens: list[int], share: int = 0, of: int = 1, vectorised: bool = True) -> tuple:
    """(max column, max row, cells and rows without a reference, text bytes) of the chunks
    ``share``, ``share + of``, … of one sheet part (all of them by default). ``vectorised``: each
    chunk's patterns found by :mod:`chungtay.core.sheet_scan` where it can (the same answers; False:
    the regular expressions only, as the tests compare)."""
    max_col = max_row = 0
    noref_cells = noref_rows = 0
    text = 0
    where = _where(info)
    n_sst = len(sst_lens)
    sst_array = np.asarray(sst_lens, dtype=np.int64)
    for k, data in enumerate(_with_carry(_chunks(zf, info, name, MAX_UNCOMPRESSED_BYTES))):
        if k % of != share:
            continue
        fast = sheet_scan.chunk_figures(data, MAX_CELL_CHARS, bool(n_sst)) if vectorised else None
        if fast is not None:          # the patterns' answers found with numpy (sheet_scan: exactly theirs)
            n_refs, c, r, tags, long, sst_idx = fast
            max_col, max_row = max(max_col, c), max(max_row, r)
        else:
            refs = _REF.findall(data)
            n_refs, tags, long = len(refs), None, True
            if refs:
                joined = b" ".join(refs)
                max_col = max(max_col, max(_col_number(c.upper()) for c in set(joined.translate(None, _DIGITS).split())))
                max_row = max(max_row, int(_ints(joined.translate(None, _LETTERS)).max()))
        # every cell has a reference in files written by Excel & co.: count '<c' tags (a superset) cheaply
        if tags is None:
            tags = data.count(b"<c") + data.count(b":c")
        if noref_cells or tags > n_refs + 256:
            noref_cells += len(_CELL_NOREF.findall(data))
            noref_rows += len(_ROW_NOREF.findall(data))
            row_refs = _ROW_REF.findall(data)
            if row_refs:
                max_row = max(max_row, max(map(int, set(row_refs))))
        if long:
            _check_long_text(data, name, where)
        text += len(data)
        if n_sst:
            if fast is not None:
                idx = sst_idx
            else:
                refs = _SST_REF.findall(data)
                idx = _ints(b" ".join(refs)) if refs else None
            if idx is not None and len(idx):
                try:
                    text += int(sst_array[idx].sum())
                except IndexError:
                    _fail(name, f"{where[0]} tham chiếu chuỗi không tồn tại (tệp hỏng)",
                          f"{where[1]} refers to a missing shared string (damaged file)")
        if text > MAX_TEXT_BYTES:
            _too_much_text(name, where)
    return max_col, max_row, noref_cells, noref_rows, text


def _ints(digits: bytes) -> np.ndarray:
    """Whole numbers written in decimal digits and separated by spaces (as the patterns above
    capture them: at most 12 digits each) -> int64 array, parsed in C."""
    return np.fromstring(digits, dtype=np.int64, sep=" ")


def _check_rect(name: str, where: tuple[str, str], rows: int, cols: int) -> None:
    vi, en = where
    if rows > MAX_ROWS:
        _fail(name, f"{vi} có {_n(rows)} dòng, vượt giới hạn {_n(MAX_ROWS)} dòng",
              f"{en} has {rows:,} rows, over the limit of {MAX_ROWS:,}")
    if cols > MAX_COLUMNS:
        _fail(name, f"{vi} có ô ở cột {_n(cols)}, vượt giới hạn {_n(MAX_COLUMNS)} cột",
              f"{en} has a cell in column {cols:,}, over the limit of {MAX_COLUMNS:,} columns")
    if rows * cols > MAX_CELLS:
        _fail(name, f"{vi} trải trên {_n(rows)} dòng × {_n(cols)} cột = {_n(rows * cols)} ô, vượt giới hạn "
                    f"{_n(MAX_CELLS)} ô", f"{en} spans {rows:,} rows × {cols:,} columns = {rows * cols:,} "
                    f"cells, over the limit of {MAX_CELLS:,}")


def _scan_ods(zf, info, name) -> None:
    """content.xml of an .ods: rows and cells repeat (``number-rows-repeated``); count as the reader expands."""
    import xml.parsers.expat

    TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
    OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
    st = {"tables": 0, "row": 0, "rows": 0, "cols": 0, "rowcols": 0, "rowrep": 1, "rowfull": False,
          "cell": None, "depth": 0, "text": 0}

    def table_end():
        _check_rect(name, (f"bảng thứ {st['tables']}", f"sheet {st['tables']}"), st["rows"], st["cols"])

    def start(tag, attrs):
        if tag == TABLE + "table":
            st["tables"] += 1
            if st["tables"] > MAX_SHEETS:
                _fail(name, f"có hơn {_n(MAX_SHEETS)} bảng (sheet), vượt giới hạn",
                      f"has more than {MAX_SHEETS:,} sheets, over the limit")
            st.update(row=0, rows=0, cols=0)
        elif tag == TABLE + "table-row":
            st.update(rowcols=0, rowrep=int(attrs.get(TABLE + "number-rows-repeated", "1") or 1), rowfull=False,
                      rowlast=0)
        elif tag in (TABLE + "table-cell", TABLE + "covered-table-cell"):
            rep = int(attrs.get(TABLE + "number-columns-repeated", "1") or 1)
            st["cell"] = [rep, OFFICE + "value-type" in attrs]
            st["rowcols"] += rep
        elif st["cell"] is not None:
            st["cell"][1] = True        # a child (text:p): the cell holds something

    def end(tag):
        if tag in (TABLE + "table-cell", TABLE + "covered-table-cell"):
            rep, full = st["cell"]
            st["cell"] = None
            if full:
                st["rowfull"] = True
                st["cols"] = max(st["cols"], st["rowcols"])
                if st["rowcols"] > MAX_COLUMNS:
                    _check_rect(name, (f"bảng thứ {st['tables']}", f"sheet {st['tables']}"), st["row"] + 1, st["rowcols"])
        elif tag == TABLE + "table-row":
            st["row"] += st["rowrep"]
            if st["rowfull"]:
                st["rows"] = st["row"]
                _check_rect(name, (f"bảng thứ {st['tables']}", f"sheet {st['tables']}"), st["rows"], st["cols"])
        elif tag == TABLE + "table":
            table_end()

    def chars(data):
        if st["cell"] is not None and len(data) > MAX_CELL_CHARS:
            _fail(name, f"có ô dài hơn {_n(MAX_CELL_CHARS)} ký tự, vượt giới hạn",
                  f"has a cell longer than {MAX_CELL_CHARS:,} characters, over the limit")

    p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
    p.buffer_text = True
    # no DTDs: entity expansion ("billion laughs") is refused outright
    p.StartDoctypeDeclHandler = lambda *a: _fail(name, "XML có khai báo DOCTYPE, không được phép",
                                                 "XML with a DOCTYPE declaration is not allowed")
    try:
        for data in _chunks(zf, info, name, MAX_UNCOMPRESSED_BYTES):
            p.Parse(data, False)
        p.Parse(b"", True)
    except xml.parsers.expat.ExpatError as e:
        _fail(name, f"XML hỏng trong content.xml (dòng {e.lineno})", f"broken XML in content.xml (line {e.lineno})")
    except ValueError as e:
        if isinstance(e, LimitError):
            raise
        _fail(name, "số lặp dòng/cột không hợp lệ trong content.xml", "invalid repeat count in content.xml")


def check_read_sheet(name: str, sheet: str, height: int, width: int) -> None:
    """After a reader opened a sheet (old .xls) and before its cells become Python objects."""
    _check_rect(name, (f"bảng '{sheet}'", f"sheet '{sheet}'"), height, width)


# --- text tables (.csv) ----------------------------------------------------------------------

def check_csv(path: str | Path, name: str, *, max_bytes: int = MAX_FILE_BYTES, max_rows: int = MAX_ROWS,
              utf16: bool = True) -> str:
    """Raw-byte checks of a CSV file; returns the Python codec to read it with.

    UTF-8 (with or without BOM) is read; UTF-16 with a BOM (Excel's "Unicode text") when ``utf16``.
    Other encodings (Windows-1258/1252, UTF-16 without BOM), NUL bytes and binary data are refused
    with a message saying how to save the file, rather than read as garbled text."""
    check_file(path, name, max_bytes)
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) and not head.startswith(b"\xff\xfe\x00\x00"):
        if not utf16:
            _fail(name, "mã hóa UTF-16: hãy lưu lại dạng CSV UTF-8", "UTF-16 text: save it as CSV UTF-8")
        return "utf-16"
    if sniff(path) != "other":
        _fail(name, "là tệp nhị phân (bảng tính hoặc tệp nén), không phải CSV: hãy đặt đúng đuôi tên tệp",
              "is a binary file (spreadsheet or zip), not CSV: check the file name's extension")
    lines = 0
    cur = 0             # bytes since the last newline
    dec = __import__("codecs").getincrementaldecoder("utf-8")()
    offset = 0
    with open(path, "rb") as f:
        while True:
            b = f.read(CHUNK)
            if not b:
                break
            if b"\x00" in b:
                zeros = b[:4096].count(b"\x00")
                if offset == 0 and zeros * 3 > min(len(b), 4096):
                    _fail(name, "có vẻ mã hóa UTF-16 không có BOM: hãy lưu lại dạng CSV UTF-8",
                          "looks like UTF-16 without a BOM: save it as CSV UTF-8")
                at = offset + b.index(b"\x00")
                _fail(name, f"chứa byte NUL (vị trí {_n(at)}): không phải tệp văn bản CSV",
                      f"contains a NUL byte (offset {at:,}): not a CSV text file")
            try:
                dec.decode(b)
            except UnicodeDecodeError as e:
                _fail(name, f"không phải mã hóa UTF-8 (byte lạ ở vị trí {_n(offset + e.start)}; có thể là Windows-1258 "
                            "hoặc 1252): hãy lưu lại bằng Excel dạng 'CSV UTF-8'",
                      f"not UTF-8 (bad byte at offset {offset + e.start:,}; Windows-1258 or 1252?): "
                      "save it from Excel as 'CSV UTF-8'")
            ends = np.flatnonzero(np.frombuffer(b, np.uint8) == 10)
            n = len(ends)
            if n == 0:
                cur += len(b)
            else:
                first, last = int(ends[0]), int(ends[-1])
                longest = cur + first
                if n > 1:
                    longest = max(longest, int(np.diff(ends).max()) - 1)
                if longest > MAX_LINE_BYTES:
                    cur = longest
                else:
                    cur = len(b) - last - 1
            if cur > MAX_LINE_BYTES:
                _fail(name, f"dòng {_n(lines + 1)} dài hơn {_n(MAX_LINE_BYTES // 1024)} KB, vượt giới hạn",
                      f"line {lines + 1:,} is longer than {MAX_LINE_BYTES // 1024:,} KB, over the limit")
            lines += n
            if lines > max_rows + 1:
                _fail(name, f"có hơn {_n(max_rows)} dòng, vượt giới hạn {_n(max_rows)} dòng",
                      f"has more than {max_rows:,} rows, over the limit of {max_rows:,}")
            offset += len(b)
    try:
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        _fail(name, "tệp bị cắt giữa một ký tự UTF-8", "the file ends in the middle of a UTF-8 character")
    return "utf-8-sig"


def check_columns(name: str, n: int, where: tuple[str, str] = ("dòng tiêu đề", "the header")) -> None:
    if n > MAX_COLUMNS:
        _fail(name, f"{where[0]} có {_n(n)} cột, vượt giới hạn {_n(MAX_COLUMNS)} cột",
              f"{where[1]} has {n:,} columns, over the limit of {MAX_COLUMNS:,}")


def check_cell(name: str, where: tuple[str, str], chars: int | None) -> None:
    """``chars`` None: longer than a reader's own field limit (length unknown)."""
    if chars is None:
        _fail(name, f"{where[0]} có ô dài hơn {_n(MAX_CELL_CHARS)} ký tự, vượt giới hạn",
              f"{where[1]} has a cell longer than {MAX_CELL_CHARS:,} characters, over the limit")
    if chars > MAX_CELL_CHARS:
        _fail(name, f"{where[0]} có ô dài {_n(chars)} ký tự, vượt giới hạn {_n(MAX_CELL_CHARS)} ký tự",
              f"{where[1]} has a cell of {chars:,} characters, over the limit of {MAX_CELL_CHARS:,}")


def fail(name: str, vi: str, en: str):
    """Raise a LimitError naming the file (for the readers' own checks)."""
    _fail(name, vi, en)


__all__ = ["LimitError", "check_file", "check_workbook", "check_csv", "check_columns", "check_cell",
           "check_read_sheet", "fail", "sniff"]
