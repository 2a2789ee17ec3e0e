"""The programme results report (Biểu 02) as a workbook, with the primitives of ``reports/xlsx.py``
(heading, DỰ THẢO mark, styles, signatures): one sheet laid out like the PDF — results by
programme part, supports by kind with their outputs, funds by source, notes. Cells hold numbers
(integer VND), never formulas."""
from __future__ import annotations

import io

from chungtay.reports.data import DRAFT, date_line
from chungtay.units.labels import unit_label
from chungtay.reports.xlsx import Styles, _draft, _heading, _signatures, _workbook

from .report import FORM, FORM_LINE, TITLE, Report, Row, notes_vi, outputs_vi

LAST = 9          # columns A … J
RESULT_HEADS = ("STT", "Chương trình, dự án, tiểu dự án", "Số hộ được hỗ trợ", "Trong đó: hộ nghèo đầu kỳ",
                "Trong đó: hộ cận nghèo đầu kỳ", "Số lượt hỗ trợ", "Giá trị hỗ trợ (đồng)", "Hộ thoát nghèo",
                "Hộ thoát cận nghèo", "Chưa đủ kết quả đánh giá")


def _name(row: Row) -> str:
    return ("– " if row.level in ("subproject", "own") else "") + row.name_vi


def _head(ws, st: Styles, row: int, heads) -> int:
    for c, text in heads:
        ws.write(row, c, text, st.head)
    ws.set_row(row, 45)
    return row + 1


def programme_results_xlsx(r: Report) -> bytes:
    buf = io.BytesIO()
    wb = _workbook(buf)
    wb.set_properties({"title": f"{DRAFT + ' – ' if r.draft else ''}Kết quả hỗ trợ theo chương trình, dự án {r.period_vi}",
                       "author": r.issuer.committee, "comments": "Chung Tay"})
    st = Styles(wb)
    name_bold = wb.add_format({"font_name": "Times New Roman", "font_size": 11, "border": 1, "bold": True,
                               "text_wrap": True, "valign": "vcenter"})
    ws = wb.add_worksheet("Bieu 02")
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_column(0, 0, 7)
    ws.set_column(1, 1, 48)
    ws.set_column(2, LAST, 14)
    row = _heading(ws, st, r.issuer, (0, 1), (3, LAST), date_line(r.issuer.place))
    ws.merge_range(row - 2, 0, row - 2, 1, FORM, st.italic_center)
    row = _draft(ws, st, r, row, LAST)
    where = unit_label(r.unit)          # a village told apart from its namesakes (units/labels.py)
    ws.merge_range(row, 0, row, LAST, TITLE, st.title)
    ws.set_row(row, 22)
    ws.merge_range(row + 1, 0, row + 1, LAST, f"{where} – kỳ báo cáo {r.period_vi}", st.subtitle)
    ws.merge_range(row + 2, 0, row + 2, LAST, FORM_LINE, st.italic_center)
    row += 4
    rows = [*r.rows, r.total]

    def name_fmt(x: Row):
        return name_bold if x.level in ("programme", "total") else st.cell

    def int_fmt(x: Row):
        return st.total_int if x.level in ("programme", "total") else st.int

    if not r.rows:
        ws.merge_range(row, 0, row, LAST, f"Không có hỗ trợ đã trao nào trên địa bàn {r.period_vi}.", st.italic)
        row += 2
    else:
        ws.merge_range(row, 0, row, LAST, "I. KẾT QUẢ THEO CHƯƠNG TRÌNH, DỰ ÁN, TIỂU DỰ ÁN", st.section)
        row = _head(ws, st, row + 1, enumerate(RESULT_HEADS))
        for c in range(LAST + 1):
            ws.write(row, c, f"({c + 1})", st.colno)
        row += 1
        for x in rows:
            ws.write(row, 0, x.number, st.cell_center)
            ws.write(row, 1, _name(x), name_fmt(x))
            for c, v in enumerate((x.households, x.poor, x.near_poor, x.supports, x.value_vnd, x.escaped_poor,
                                   x.escaped_near, x.pending), 2):
                ws.write_number(row, c, v, int_fmt(x))
            row += 1
        if r.escape_note_vi:            # a provisional year after the period, not counted (report.py)
            ws.merge_range(row, 0, row, LAST, r.escape_note_vi, st.italic)
            ws.set_row(row, 15 * (1 + len(r.escape_note_vi) // 150))
            row += 1
        row += 1
        ws.merge_range(row, 0, row, LAST, "II. HỖ TRỢ THEO LOẠI VÀ KẾT QUẢ ĐẦU RA", st.section)
        row += 1
        ws.write(row, 0, "STT", st.head)
        ws.write(row, 1, "Chương trình, dự án / loại hỗ trợ", st.head)
        ws.write(row, 2, "Số lượt", st.head)
        ws.merge_range(row, 3, row, 5, "Kết quả đầu ra (số lượng, đơn vị tính)", st.head)
        ws.write(row, 6, "Giá trị (đồng)", st.head)
        row += 1
        for x in rows:
            ws.write(row, 0, x.number, st.cell_center)
            ws.write(row, 1, _name(x), name_fmt(x))
            ws.write_number(row, 2, x.supports, int_fmt(x))
            ws.merge_range(row, 3, row, 5, "", st.cell)
            ws.write_number(row, 6, x.value_vnd, int_fmt(x))
            row += 1
            for k in x.kinds:
                ws.write(row, 0, "", st.cell)
                ws.write(row, 1, f"   + {k.name_vi}", st.cell)
                ws.write_number(row, 2, k.supports, st.int)
                ws.merge_range(row, 3, row, 5, outputs_vi(k), st.cell)
                ws.write_number(row, 6, k.value_vnd, st.int)
                row += 1
        row += 1
        ws.merge_range(row, 0, row, LAST, "III. NGUỒN VỐN", st.section)
        row += 1
        for c, text in enumerate(("STT", "Chương trình, dự án / nguồn vốn", "Số tiền (đồng)", "Tỷ lệ (%)")):
            ws.write(row, c, text, st.head)
        row += 1
        for x in rows:
            ws.write(row, 0, x.number, st.cell_center)
            ws.write(row, 1, _name(x), name_fmt(x))
            ws.write_number(row, 2, x.value_vnd, int_fmt(x))
            ws.write(row, 3, 100 if x.value_vnd else "–", st.total_rate if x.level in ("programme", "total") else st.rate)
            row += 1
            for s in x.sources:
                ws.write(row, 0, "", st.cell)
                ws.write(row, 1, f"   + {s.name_vi} ({s.code})", st.cell)
                ws.write_number(row, 2, s.amount_vnd, st.int)
                if x.value_vnd:
                    ws.write_number(row, 3, round(100 * s.amount_vnd / x.value_vnd, 2), st.rate)
                else:
                    ws.write(row, 3, "–", st.cell_center)
                row += 1
        row += 1
    ws.merge_range(row, 0, row, LAST, "Ghi chú", st.section)
    row += 1
    for i, line in enumerate(notes_vi(r), 1):
        ws.merge_range(row, 0, row, LAST, f"{i}. {line}", st.italic)
        ws.set_row(row, 15 * (1 + len(line) // 150))
        row += 1
    row += 1
    _signatures(ws, st, row, (0, 1), (5, LAST), [("NGƯỜI LẬP BIỂU", st.bold_center), ("(Ký, ghi rõ họ tên)",
                                                                                        st.italic_center)], "")
    wb.close()
    return buf.getvalue()
