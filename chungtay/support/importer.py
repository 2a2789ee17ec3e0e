"""Import of supports from Excel (.xlsx) or CSV: all or nothing, with one error per bad cell
(file, sheet, row as numbered in the spreadsheet, column, value, why — in Vietnamese).

The file is read with the import's own limits and readers (chungtay.core.limits, python-calamine,
chungtay.imports.reader's CSV reader); the columns are those of :data:`COLUMNS` (a header may be
the Vietnamese label or the machine key, accents and case ignored). Every row is checked with the
same rules as the form (actions.check_facts); one problem anywhere and nothing is written.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from chungtay.accounts.roles import can
from chungtay.core import limits
from chungtay.core.limits import LimitError
from chungtay.households.actions import audit, retry_on_clash
from chungtay.households.models import Household, Member
from chungtay.imports import reader
from chungtay.imports.reader import Problem
from chungtay.imports.spec import fold_key

from . import actions
from . import funding as fund
from .models import KINDS, STATUSES, FundingSource, Partner, ProgrammePart

MAX_ROWS = 20_000
SHEET = "HoTro"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool
    help: str
    width: int = 16


COLUMNS = [
    Column("ma_ho", "Mã hộ", True, "Mã hộ như trong danh sách hộ", 14),
    Column("thanh_vien", "Số TT thành viên", False, "Để trống nếu hỗ trợ cả hộ; số thứ tự thành viên nếu hỗ trợ một người", 10),
    Column("chuong_trinh", "Mã chương trình", True, "Mã trong danh mục, ví dụ GNBV2125.DA3.TDA1 (xem bảng HuongDan)", 20),
    Column("loai", "Loại hỗ trợ", True, "Mã hoặc tên loại hỗ trợ (xem bảng HuongDan)", 16),
    Column("mo_ta", "Mô tả", False, "Ví dụ: bò cái giống lai Zebu", 24),
    Column("so_luong", "Số lượng", True, "Số dương, ví dụ 1 hoặc 2,5", 10),
    Column("don_vi_tinh", "Đơn vị tính", True, "con, kg, thẻ, suất…", 10),
    Column("gia_tri", "Giá trị (đồng)", True, "Số đồng nguyên, ví dụ 20.000.000", 14),
    Column("nguon_von", "Nguồn vốn", True, "Ví dụ: NSTW 70%; HO 30% — hoặc số tiền từng nguồn", 22),
    Column("ngay", "Ngày", True, "Ngày trao hoặc ngày dự kiến (dd/mm/yyyy)", 12),
    Column("trang_thai", "Trạng thái", False, "Dự kiến / Đã trao (để trống: Đã trao)", 12),
    Column("don_vi_ho_tro", "Đơn vị / tổ chức hỗ trợ", False, "Tên tổ chức đã đăng ký; để trống: UBND xã của hộ", 22),
    Column("so_van_ban", "Số văn bản", False, "Số quyết định, biên bản bàn giao", 16),
]
BY_KEY = {c.key: c for c in COLUMNS}
FIELD_COLUMN = {"part": "chuong_trinh", "kind": "loai", "quantity": "so_luong", "unit_of_measure": "don_vi_tinh",
                "value_vnd": "gia_tri", "funding": "nguon_von", "date": "ngay", "status": "trang_thai",
                "provider": "don_vi_ho_tro", "member": "thanh_vien", "evidence": "so_van_ban"}


def _header_key(cell) -> str | None:
    if cell is None or str(cell).strip() == "":
        return None
    k = fold_key(cell)
    for c in COLUMNS:
        if k in (c.key, fold_key(c.label)):
            return c.key
    return None


def read_grid(path: str | Path, name: str) -> tuple[str, list[list]]:
    """(sheet name, rows of cells) of the first data sheet, or of the CSV file; ReadError on a
    file that passes a limit or cannot be read."""
    ext = Path(name).suffix.lower()
    if ext == ".csv":
        try:
            encoding = limits.check_csv(path, name, max_rows=MAX_ROWS + 1)
            return name, reader._csv_rows(path, name, encoding)
        except LimitError as e:
            raise reader.ReadError([Problem(name, 0, "", "", e.vi)]) from None
    if ext not in reader.SPREADSHEETS:
        raise reader.ReadError([reader._unsupported(name, ext)])
    from python_calamine import CalamineWorkbook
    try:
        limits.check_workbook(path, name)
    except LimitError as e:
        raise reader.ReadError([Problem(name, 0, "", "", e.vi)]) from None
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except BaseException as e:  # noqa: BLE001 - the reader's message says what is wrong
        if reader._fatal(e):
            raise
        raise reader.ReadError([Problem(name, 0, "", "", f"Tệp '{name}': không đọc được tệp bảng tính "
                                                         f"({reader._short(e, path, name)})")]) from None
    try:
        sheets = [s for s in wb.sheet_names if not reader.fold_is_instructions(s)]
        if not sheets:
            raise reader.ReadError([Problem(name, 0, "", "", f"Tệp '{name}': không có bảng {SHEET}")])
        sheet_name = next((s for s in sheets if fold_key(s) == fold_key(SHEET)), sheets[0])
        sheet = wb.get_sheet_by_name(sheet_name)
        limits.check_read_sheet(name, sheet_name, sheet.height, sheet.width)
        return sheet_name, sheet.to_python(skip_empty_area=False)
    except LimitError as e:
        raise reader.ReadError([Problem(name, 0, "", "", e.vi)]) from None
    except reader.ReadError:
        raise
    except BaseException as e:  # noqa: BLE001
        if reader._fatal(e):
            raise
        raise reader.ReadError([Problem(name, 0, "", "", f"Tệp '{name}': không đọc được bảng "
                                                         f"({reader._short(e, path, name)})")]) from None
    finally:
        wb.close()


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _integer(v):
    """Whole VND from a number cell or text '20.000.000' / '20000000'; None if not."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return int(v) if v.is_integer() else None
    t = _text(v).replace(" ", "").replace("đ", "").replace("Đ", "")
    if t.replace(".", "").isdigit() and (t.count(".") == 0 or all(len(g) == 3 for g in t.split(".")[1:])):
        return int(t.replace(".", ""))
    if t.replace(",", "").isdigit() and t.count(",") and all(len(g) == 3 for g in t.split(",")[1:]):
        return int(t.replace(",", ""))
    return None


def _quantity(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return Decimal(str(v))
    t = _text(v).replace(" ", "")
    if "," in t:
        t = t.replace(".", "").replace(",", ".")
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def _date(v):
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    t = _text(v)
    for f in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(t, f).date()
        except ValueError:
            pass
    return None


def _choice(v, table) -> str | None:
    k = fold_key(_text(v))
    for code, vi, en in table:
        if k in (code, fold_key(vi), fold_key(en)):
            return code
    return None


@dataclass
class Result:
    problems: list[Problem]
    rows: int = 0
    written: int = 0


def check_and_import(actor, path: str | Path, name: str, *, dry_run: bool = False) -> Result:
    try:
        sheet, grid = read_grid(path, name)
    except reader.ReadError as e:
        return Result(e.problems)
    src = sheet
    problems: list[Problem] = []
    if not grid:
        return Result([Problem(src, 1, "", "", f"Tệp '{name}': bảng rỗng")])
    header = grid[0]
    index: dict[str, int] = {}
    for j, cell in enumerate(header):
        key = _header_key(cell)
        if key is None:
            continue
        if key in index:
            problems.append(Problem(src, 1, _text(cell), _text(cell), f"Cột trùng: cột '{BY_KEY[key].label}' đã có ở trước"))
        index[key] = j
    for c in COLUMNS:
        if c.required and c.key not in index:
            problems.append(Problem(src, 1, c.label, "", f"Thiếu cột bắt buộc '{c.label}' ({c.key})"))
    data = grid[1:]
    if len(data) > MAX_ROWS:
        problems.append(Problem(src, 1, "", "", f"Quá nhiều dòng: tối đa {MAX_ROWS:,} dòng mỗi lần nhập".replace(",", ".")))
    if problems:
        return Result(problems)

    def cell(r, key):
        j = index.get(key)
        return r[j] if j is not None and j < len(r) else None

    rows = [(i + 2, r) for i, r in enumerate(data) if any(_text(cell(r, c.key)) for c in COLUMNS)]
    if not rows:
        return Result([Problem(src, 2, "", "", "Bảng không có dòng dữ liệu nào")])
    codes = {_text(cell(r, "ma_ho")) for _, r in rows}
    households = {h.code: h for h in Household.objects.for_user(actor).filter(code__in=codes)
                  .select_related("village", "commune", "province")}
    members = {(m.household_id, m.member_no): m
               for m in Member.objects.filter(household__in=list(households.values()))}
    parts = {p.code: p for p in ProgrammePart.objects.filter(in_catalogue=True)}
    partners = {fold_key(p.name): p for p in Partner.objects.for_user(actor)}
    may = {}
    todo = []
    seen = set()
    for rowno, r in rows:
        bad = []

        def add(key, reason):
            bad.append(Problem(src, rowno, BY_KEY[key].label, _text(cell(r, key))[:80], reason))
        code = _text(cell(r, "ma_ho"))
        hh = households.get(code)
        if not code:
            add("ma_ho", "Thiếu mã hộ")
        elif hh is None:
            add("ma_ho", "Không có hộ mã này trong địa bàn được giao")
        elif may.setdefault(hh.village_id, can(actor, "support_import", hh.village)) is False:
            add("ma_ho", "Không được nhập hỗ trợ cho hộ ở đơn vị này")
        member = None
        if hh is not None and _text(cell(r, "thanh_vien")):
            n = _integer(cell(r, "thanh_vien"))
            member = members.get((hh.pk, n)) if n is not None else None
            if member is None:
                add("thanh_vien", f"Hộ {code} không có thành viên số này")
        part = parts.get(_text(cell(r, "chuong_trinh")))
        if part is None:
            add("chuong_trinh", "Không có mã chương trình này trong danh mục (xem bảng HuongDan)")
        kind = _choice(cell(r, "loai"), KINDS)
        if kind is None:
            add("loai", "Loại hỗ trợ không hợp lệ (xem bảng HuongDan)")
        quantity = _quantity(cell(r, "so_luong"))
        if quantity is None:
            add("so_luong", "Số lượng phải là một số")
        value = _integer(cell(r, "gia_tri"))
        if value is None:
            add("gia_tri", "Giá trị phải là số đồng nguyên, ví dụ 20.000.000")
        try:
            entries = fund.parse(_text(cell(r, "nguon_von")))
        except fund.FundingError as e:
            entries = None
            add("nguon_von", e.vi)
        day = _date(cell(r, "ngay"))
        if day is None:
            add("ngay", "Ngày không hợp lệ: viết dd/mm/yyyy")
        status = _choice(cell(r, "trang_thai"), STATUSES) if _text(cell(r, "trang_thai")) else "delivered"
        if status is None or status == "cancelled":
            add("trang_thai", "Trạng thái là Dự kiến hoặc Đã trao (hủy: ghi trên trang của hỗ trợ)")
        provider_unit = provider_partner = None
        if _text(cell(r, "don_vi_ho_tro")):
            provider_partner = partners.get(fold_key(_text(cell(r, "don_vi_ho_tro"))))
            if provider_partner is None:
                add("don_vi_ho_tro", "Tổ chức chưa đăng ký trong địa bàn (trang Tổ chức tham gia)")
        elif hh is not None:
            provider_unit = hh.commune
        if not bad and hh is not None:
            facts = actions.Facts(part=part, kind=kind, quantity=quantity, unit_of_measure=_text(cell(r, "don_vi_tinh")),
                                  value_vnd=value, date=day, status=status, funding=entries, member=member,
                                  description=_text(cell(r, "mo_ta"))[:200], provider_unit=provider_unit,
                                  provider_partner=provider_partner, document_no=_text(cell(r, "so_van_ban"))[:60])
            for field, reason in actions.check_facts(actor, hh, facts).items():
                add(FIELD_COLUMN.get(field, "ma_ho"), _vi(reason))
            key = (hh.pk, part.code, kind, day, value, facts.document_no, member.pk if member else None)
            if not bad and key in seen:
                add("ma_ho", "Dòng trùng với một dòng ở trên (cùng hộ, chương trình, loại, ngày, giá trị, số văn bản)")
            seen.add(key)
            if not bad:
                todo.append((hh, facts))
        problems += bad
    if problems:
        return Result(problems, len(rows))
    if dry_run:
        return Result([], len(rows))
    _write(actor, todo, name)
    return Result([], len(rows), len(todo))


def _vi(reason) -> str:
    from django.utils import translation
    with translation.override("vi"):
        return str(reason)


@retry_on_clash
@transaction.atomic
def _write(actor, todo, name: str) -> None:
    actions.write_new(actor, todo, source="import", extra={"import": True})
    audit(actor, "support.import", todo[0][0], None, rows=len(todo))


def template() -> bytes:
    """The blank workbook: the data sheet and the instructions (codes of the catalogue)."""
    import xlsxwriter
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    head = wb.add_format({"bold": True, "bg_color": "#0B5C7A", "font_color": "#FFFFFF", "border": 1, "text_wrap": True})
    req = wb.add_format({"bold": True, "bg_color": "#C8102E", "font_color": "#FFFFFF", "border": 1, "text_wrap": True})
    text = wb.add_format({"num_format": "@"})
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet(SHEET)
    ws.freeze_panes(1, 0)
    ws.set_row(0, 36)
    for j, c in enumerate(COLUMNS):
        ws.set_column(j, j, c.width, text if c.key in ("ma_ho", "chuong_trinh", "nguon_von", "so_van_ban") else None)
        ws.write_string(0, j, c.label, req if c.required else head)
        ws.write_comment(0, j, f"{c.key}: {c.help}" + (" (bắt buộc)" if c.required else ""), {"x_scale": 2})
    ws.data_validation(1, 3, 5000, 3, {"validate": "list", "source": [vi for _, vi, _ in KINDS][:12],
                                       "ignore_blank": True, "error_type": "warning"})
    ws.data_validation(1, 10, 5000, 10, {"validate": "list", "source": ["Dự kiến", "Đã trao"], "ignore_blank": True,
                                         "error_type": "warning"})
    guide = wb.add_worksheet("HuongDan")
    guide.set_column(0, 0, 26)
    guide.set_column(1, 1, 90)
    r = 0
    guide.write(r, 0, "Chung Tay – mẫu nhập hỗ trợ cho hộ", bold)
    r += 1
    guide.write(r, 0, "Tất cả hoặc không: một dòng sai thì không dòng nào được ghi; báo lỗi theo dòng và cột.")
    r += 2
    guide.write(r, 0, "Cột", bold)
    guide.write(r, 1, "Cách ghi", bold)
    for c in COLUMNS:
        r += 1
        guide.write(r, 0, c.label + (" *" if c.required else ""))
        guide.write(r, 1, c.help)
    r += 2
    guide.write(r, 0, "Mã chương trình", bold)
    for p in ProgrammePart.objects.filter(in_catalogue=True).order_by("position"):
        r += 1
        guide.write_string(r, 0, p.code)
        guide.write(r, 1, p.name_vi + (" (tạm thời)" if p.provisional else "") + f" — {p.start_year}–{p.end_year}")
    r += 2
    guide.write(r, 0, "Loại hỗ trợ", bold)
    for code, vi, _ in KINDS:
        r += 1
        guide.write(r, 0, vi)
        guide.write(r, 1, code)
    r += 2
    guide.write(r, 0, "Mã nguồn vốn", bold)
    for s in FundingSource.objects.all():
        r += 1
        guide.write_string(r, 0, s.code)
        guide.write(r, 1, s.name_vi)
    wb.close()
    return buf.getvalue()
