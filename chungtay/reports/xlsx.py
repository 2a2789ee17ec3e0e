"""Excel outputs (xlsxwriter): the posting list and the summary report by unit.

Laid out like the paper forms: heading (agency | national name and motto), title, header rows
with merged cells, a row per unit and a total row, notes, signature blocks. Cells hold numbers
(rates in %, from the counts of the same row), never formulas to be typed over.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import xlsxwriter

from .data import DRAFT, Issuer, PostingList, Summary, date_line, inline_name

FONT = "Times New Roman"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
ROMAN = ("I", "II", "III", "IV", "V", "VI")
TOTAL_LABEL = "Tổng cộng"


class Styles:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}

        def f(**kw):
            return wb.add_format({**base, **kw})

        self.plain = f()
        self.center = f(align="center")
        self.bold_center = f(bold=True, align="center")
        self.motto = f(bold=True, align="center", underline=1)
        self.agency = f(bold=True, align="center", underline=1)
        self.italic_center = f(italic=True, align="center")
        self.italic = f(italic=True, text_wrap=True, valign="top")
        self.title = f(bold=True, align="center", font_size=14)
        self.subtitle = f(bold=True, align="center")
        self.section = f(bold=True)
        self.head = f(bold=True, align="center", text_wrap=True, border=1, bg_color="#EEEEEE", font_size=11)
        self.colno = f(italic=True, align="center", border=1, font_size=10)
        self.cell = f(border=1, font_size=11, text_wrap=True)
        self.cell_center = f(border=1, font_size=11, align="center")
        self.int = f(border=1, font_size=11, num_format="#,##0")
        self.rate = f(border=1, font_size=11, num_format="0.00")
        self.total_label = f(border=1, font_size=11, bold=True)
        self.total_int = f(border=1, font_size=11, bold=True, num_format="#,##0")
        self.total_rate = f(border=1, font_size=11, bold=True, num_format="0.00")
        self.draft = f(bold=True, align="center", font_size=14, font_color="#C8102E", border=2,
                       border_color="#C8102E", text_wrap=True)


def _draft(ws, st: Styles, doc, row: int, last: int) -> int:
    """The DỰ THẢO mark of a document printed before the chairman's recognition (in the blank row
    under the heading, so nothing else moves) and in the page header; returns the next row."""
    if not doc.draft:
        return row
    why = doc.status.draft_vi if doc.status else "Kết quả rà soát chưa được công nhận"
    ws.merge_range(row - 1, 0, row - 1, last, f"{DRAFT} – {why}", st.draft)
    ws.set_row(row - 1, 36)
    ws.set_header(f"&C&\"Times New Roman,Bold\"&14&KC8102E{DRAFT}")
    return row


def _basis(ws, st: Styles, doc, row: int, last: int) -> int:
    """"Căn cứ …" lines: the legal basis of the year's standard."""
    for line in doc.basis:
        ws.merge_range(row, 0, row, last, line, st.italic)
        ws.set_row(row, 15 if len(line) < 110 else 30)
        row += 1
    return row


def _heading(ws, st: Styles, issuer: Issuer, left: tuple[int, int], right: tuple[int, int], date_text: str,
             row: int = 0) -> int:
    """Agency block over columns ``left``, national name over ``right``; returns the next free row."""
    upper, name = issuer.agency
    ws.merge_range(row, left[0], row, left[1], upper, st.center)
    ws.merge_range(row + 1, left[0], row + 1, left[1], name, st.agency)
    ws.merge_range(row, right[0], row, right[1], NATION, st.bold_center)
    ws.merge_range(row + 1, right[0], row + 1, right[1], MOTTO, st.motto)
    ws.merge_range(row + 2, right[0], row + 2, right[1], date_text, st.italic_center)
    return row + 4


def _signatures(ws, st: Styles, row: int, left: tuple[int, int], right: tuple[int, int], left_lines, chairman: str,
                on_behalf: bool = True) -> int:
    lines = ([("TM. ỦY BAN NHÂN DÂN", st.bold_center)] if on_behalf else []) + [
        ("CHỦ TỊCH", st.bold_center), ("(Ký, ghi rõ họ tên, đóng dấu)", st.italic_center)]
    for i, (text, fmt_) in enumerate(lines):
        ws.merge_range(row + i, right[0], row + i, right[1], text, fmt_)
    for i, (text, fmt_) in enumerate(left_lines):
        ws.merge_range(row + i, left[0], row + i, left[1], text, fmt_)
    end = row + len(lines) + 4
    if chairman:
        ws.merge_range(end, right[0], end, right[1], chairman, st.bold_center)
    return end + 1


def _workbook(buf) -> xlsxwriter.Workbook:
    # strings_to_formulas off: a cell whose text starts with "=" stays text (never a formula)
    return xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})


# ------------------------------------------------------------------ posting list

def posting_list_xlsx(pl: PostingList) -> bytes:
    buf = io.BytesIO()
    wb = _workbook(buf)
    wb.set_properties({"title": f"{DRAFT + ' – ' if pl.draft else ''}Danh sách hộ nghèo, hộ cận nghèo năm {pl.year}",
                       "author": pl.issuer.committee,
                       "comments": "Chung Tay"})
    posting_list_sheet(wb, Styles(wb), "Danh sach", pl)
    wb.close()
    return buf.getvalue()


def posting_list_sheet(wb, st: Styles, name: str, pl: PostingList) -> None:
    """The posting list on a new sheet ``name`` of ``wb`` (one sheet per commune in a province's file)."""
    ws = wb.add_worksheet(name)
    ws.set_column(0, 0, 7)
    ws.set_column(1, 1, 32)
    ws.set_column(2, 2, 28)
    ws.set_column(3, 3, 30)
    row = _heading(ws, st, pl.issuer, (0, 1), (2, 3), date_line(pl.issuer.place))
    row = _draft(ws, st, pl, row, 3)
    ws.merge_range(row, 0, row, 3, f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {pl.year}", st.title)
    ws.set_row(row, 22)
    ws.merge_range(row + 1, 0, row + 1, 3, pl.subtitle, st.subtitle)
    row += 2
    if pl.standard:
        ws.merge_range(row, 0, row, 3, f"(Kết quả rà soát năm {pl.year} theo "
                                       f"{pl.standard.name_vi[:1].lower()}{pl.standard.name_vi[1:]})",
                       st.italic_center)
        row += 1
    row = _basis(ws, st, pl, row, 3)
    row += 1
    header_rows = []
    for i, section in enumerate(pl.sections):
        ws.merge_range(row, 0, row, 3, f"{ROMAN[i]}. {section.title} ({len(section.rows)} hộ)", st.section)
        row += 1
        if not section.rows:
            ws.merge_range(row, 0, row, 3, "Không có hộ nào.", st.italic)
            row += 2
            continue
        header_rows.append(row)
        for c, text in enumerate(("STT", "Họ và tên chủ hộ", "Thôn, tổ dân phố", "Phân loại hộ")):
            ws.write(row, c, text, st.head)
        row += 1
        for r in section.rows:
            ws.write_number(row, 0, r.no, st.cell_center)
            ws.write_string(row, 1, r.head_name, st.cell)
            ws.write_string(row, 2, r.village, st.cell)
            ws.write_string(row, 3, r.category, st.cell)
            row += 1
        row += 1
    if pl.escaped_included and pl.previous_year_missing:
        ws.merge_range(row, 0, row, 3, f"Không có kết quả rà soát năm {pl.year - 1} nên không lập danh sách "
                                       "hộ thoát nghèo, thoát cận nghèo.", st.italic)
        row += 1
    period = (f"trong thời gian {pl.posting_days} ngày làm việc" if pl.posting_days
              else "trong thời gian niêm yết theo quy định")
    ws.merge_range(row, 0, row, 3, f"Danh sách được niêm yết công khai tại trụ sở Ủy ban nhân dân "
                                   f"{inline_name(pl.issuer.unit)} và nhà văn hóa thôn, tổ dân phố {period}. "
                                   f"Mọi ý kiến, khiếu nại xin gửi về {pl.issuer.committee}.", st.italic)
    ws.set_row(row, 48)
    row += 2
    _signatures(ws, st, row, (0, 1), (2, 3), [("NGƯỜI LẬP DANH SÁCH", st.bold_center),
                                              ("(Ký, ghi rõ họ tên)", st.italic_center)], pl.chairman)
    ws.set_paper(9)          # A4
    ws.set_portrait()
    ws.set_margins(left=0.8, right=0.5, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_footer("&C&8Trang &P/&N")


# ------------------------------------------------------------------ summary report

@dataclass(frozen=True)
class Column:
    key: str
    group: str | None
    head: str
    kind: str                   # "text" | "count" | "rate"
    num: str | None = None      # rates: numerator and denominator columns
    den: str | None = None
    width: float = 11


def summary_columns(s: Summary) -> list[Column]:
    child = "Thôn, tổ dân phố" if s.child_level == "village" else "Xã, phường, đặc khu"
    cols = [
        Column("no", None, "TT", "text", width=5),
        Column("label", None, child, "text", width=26),
        Column("total", None, "Tổng số hộ dân cư", "count", width=11),
        Column("poor", "Hộ nghèo", "Số hộ", "count"),
        Column("poverty_rate", "Hộ nghèo", "Tỷ lệ (%)", "rate", "poor", "total", 9),
        Column("near_poor", "Hộ cận nghèo", "Số hộ", "count"),
        Column("near_poverty_rate", "Hộ cận nghèo", "Tỷ lệ (%)", "rate", "near_poor", "total", 9),
        Column("em_total", "Hộ dân tộc thiểu số (DTTS)", "Tổng số hộ DTTS", "count"),
        Column("em_poor", "Hộ dân tộc thiểu số (DTTS)", "Số hộ nghèo DTTS", "count"),
        Column("em_poverty_rate", "Hộ dân tộc thiểu số (DTTS)", "Tỷ lệ hộ nghèo DTTS (%)", "rate",
               "em_poor", "em_total", 10),
    ]
    g = f"Biến động hộ nghèo so với năm {s.year - 1}"
    cols += [
        Column("escaped_total", g, "Số hộ thoát nghèo", "count"),
        Column("poor_to_near_poor", g, "Trong đó: thoát nghèo thành hộ cận nghèo", "count", width=13),
        Column("newly_poor", g, "Số hộ nghèo phát sinh", "count"),
        Column("re_poor", g, "Số hộ tái nghèo", "count"),
    ]
    g = "Số hộ nghèo thiếu hụt theo từng chỉ số đo lường mức độ thiếu hụt dịch vụ xã hội cơ bản"
    cols += [Column(f"dep_{i}", g, ind.name_vi, "count", width=12) for i, ind in enumerate(s.indicators, 1)]
    return cols


def summary_xlsx(s: Summary) -> bytes:
    buf = io.BytesIO()
    wb = _workbook(buf)
    wb.set_properties({"title": f"{DRAFT + ' – ' if s.draft else ''}Tổng hợp kết quả rà soát hộ nghèo, hộ cận "
                                f"nghèo năm {s.year}",
                       "author": s.issuer.committee, "comments": "Chung Tay"})
    summary_sheet(wb, Styles(wb), "Tong hop", s)
    wb.close()
    return buf.getvalue()


def summary_sheet(wb, st: Styles, name: str, s: Summary, total_name: str | None = "TongCong") -> None:
    """The summary report on a new sheet ``name`` of ``wb``; ``total_name``: a defined name for its total row."""
    ws = wb.add_worksheet(name)
    cols = summary_columns(s)
    last = len(cols) - 1
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width)
    half = max(2, last // 2 - 1)
    row = _heading(ws, st, s.issuer, (0, min(3, half)), (half + 1, last), date_line(s.issuer.place))
    row = _draft(ws, st, s, row, last)
    ws.merge_range(row, 0, row, last,
                   f"BIỂU TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {s.year}", st.title)
    ws.set_row(row, 22)
    where = s.unit.full_name + (f", {inline_name(s.issuer.province)}" if s.issuer.province else "")
    ws.merge_range(row + 1, 0, row + 1, last, f"Đơn vị báo cáo: {where}", st.subtitle)
    std = s.standard.name_vi if s.standard else "không xác định"
    ws.merge_range(row + 2, 0, row + 2, last, f"(Chuẩn nghèo áp dụng: {std}. Đơn vị tính: hộ; tỷ lệ: %)",
                   st.italic_center)
    row = _basis(ws, st, s, row + 3, last) + 1
    top = row
    # Header: a group row (merged across its columns; single columns merged down two rows),
    # the column heads, then the column numbers.
    i = 0
    while i <= last:
        c = cols[i]
        if c.group is None:
            ws.merge_range(top, i, top + 1, i, c.head, st.head)
            i += 1
            continue
        j = i
        while j + 1 <= last and cols[j + 1].group == c.group:
            j += 1
        if j > i:
            ws.merge_range(top, i, top, j, c.group, st.head)
        else:
            ws.write(top, i, c.group, st.head)
        for k in range(i, j + 1):
            ws.write(top + 1, k, cols[k].head, st.head)
        i = j + 1
    ws.set_row(top, 32)
    ws.set_row(top + 1, 96 if s.indicators else 48)
    for i, c in enumerate(cols):
        ws.write(top + 2, i, ("A", "B")[i] if i < 2 else str(i - 1), st.colno)
    row = top + 3
    for n, r in enumerate(s.rows, 1):
        _summary_row(ws, st, row, cols, r, n, total=False)
        row += 1
    total_row = row
    _summary_row(ws, st, row, cols, s.total, None, total=True)
    row += 2
    notes = [
        "Ghi chú:",
        "- Tỷ lệ hộ nghèo (cận nghèo) = số hộ nghèo (cận nghèo) / tổng số hộ dân cư × 100; tỷ lệ hộ nghèo DTTS = "
        "số hộ nghèo DTTS / tổng số hộ DTTS × 100. Tỷ lệ của dòng Tổng cộng tính từ số hộ cộng dồn, "
        "không lấy bình quân tỷ lệ của các đơn vị.",
        "- Hộ DTTS: hộ có chủ hộ là người dân tộc thiểu số.",
    ]
    if s.has_movements:
        notes += [
            f"- Biến động so với kết quả rà soát năm {s.year - 1}: hộ thoát nghèo = hộ nghèo năm {s.year - 1} không "
            f"còn là hộ nghèo năm {s.year} (kể cả hộ trở thành hộ cận nghèo); hộ nghèo phát sinh = hộ chưa từng là "
            "hộ nghèo nay là hộ nghèo; hộ tái nghèo = hộ đã thoát nghèo ở kỳ trước nay nghèo trở lại. Biến động "
            "xác định theo từng xã" + ("; số của tỉnh là tổng số của các xã." if s.child_level == "commune" else "."),
        ]
        if s.standard_changed:
            notes.append(f"- Năm {s.year - 1} và năm {s.year} áp dụng hai chuẩn nghèo khác nhau: biến động gồm cả "
                         "thay đổi do chuyển chuẩn nghèo.")
    else:
        notes.append(f"- Không có kết quả rà soát năm {s.year - 1}: không tính biến động hộ nghèo.")
    for text in notes:
        ws.merge_range(row, 0, row, last, text, st.italic)
        ws.set_row(row, 15 if len(text) < 150 else 30)
        row += 1
    row += 1
    _signatures(ws, st, row, (0, min(3, half)), (half + 1, last),
                [("NGƯỜI LẬP BIỂU", st.bold_center), ("(Ký, ghi rõ họ tên)", st.italic_center)], s.chairman)
    ws.freeze_panes(top + 3, 2)
    ws.repeat_rows(top, top + 2)
    ws.set_paper(9)
    ws.set_landscape()
    ws.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C&8Trang &P/&N")
    if total_name:
        wb.define_name(total_name, f"='{name}'!$A${total_row + 1}:${_col(last)}${total_row + 1}")


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _summary_row(ws, st: Styles, row: int, cols: list[Column], r, n: int | None, total: bool) -> None:
    for i, c in enumerate(cols):
        if c.key == "no":
            ws.write(row, i, "" if n is None else n, st.total_label if total else st.cell_center)
        elif c.key == "label":
            ws.write_string(row, i, r.label, st.total_label if total else st.cell)
        else:
            v = r.value(c.key)
            if v is None:
                ws.write_blank(row, i, None, st.total_rate if total else st.rate)
            elif c.kind == "rate":
                ws.write_number(row, i, v, st.total_rate if total else st.rate)
            else:
                ws.write_number(row, i, v, st.total_int if total else st.int)
