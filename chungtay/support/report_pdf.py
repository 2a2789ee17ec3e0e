"""The programme results report (Biểu 02) as a PDF, with the primitives of ``reports/pdf.py``:
national heading, title, DỰ THẢO mark, ruled grids, notes, signatures. Three tables: results by
programme part; supports by kind with their outputs; funds by source."""
from __future__ import annotations

from fpdf.enums import XPos, YPos

from chungtay.reports.data import DRAFT, date_line
from chungtay.units.labels import unit_label
from chungtay.reports.pdf import FONT, LEFT, OfficialPDF

from .report import FORM, FORM_LINE, TITLE, Report, Row, money_vi, notes_vi, outputs_vi

RESULT_COLUMNS = ((10, "C"), (40, "L"), (14, "C"), (14, "C"), (14, "C"), (14, "C"), (22, "C"), (14, "C"), (14, "C"),
                  (14, "C"))
RESULT_HEADS = ("STT", "Chương trình, dự án, tiểu dự án", "Số hộ được hỗ trợ", "Hộ nghèo đầu kỳ", "Hộ cận nghèo đầu kỳ",
                "Số lượt hỗ trợ", "Giá trị hỗ trợ (đồng)", "Hộ thoát nghèo", "Hộ thoát cận nghèo", "Chưa đủ kết quả")
KIND_COLUMNS = ((12, "C"), (70, "L"), (18, "C"), (40, "L"), (30, "C"))
KIND_HEADS = ("STT", "Chương trình, dự án / loại hỗ trợ", "Số lượt", "Kết quả đầu ra (số lượng)", "Giá trị (đồng)")
SOURCE_COLUMNS = ((12, "C"), (88, "L"), (40, "C"), (30, "C"))
SOURCE_HEADS = ("STT", "Chương trình, dự án / nguồn vốn", "Số tiền (đồng)", "Tỷ lệ (%)")


def _name(row: Row) -> str:
    return ("– " if row.level in ("subproject", "own") else "") + row.name_vi


def _n(x: int) -> str:
    return money_vi(x)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}".replace(".", ",") if whole else "–"


def result_rows(r: Report):
    for row in [*r.rows, r.total]:
        yield [row.number, _name(row), _n(row.households), _n(row.poor), _n(row.near_poor), _n(row.supports),
               money_vi(row.value_vnd), _n(row.escaped_poor), _n(row.escaped_near), _n(row.pending)]


def kind_rows(r: Report):
    for row in [*r.rows, r.total]:
        yield [row.number, _name(row), _n(row.supports), "", money_vi(row.value_vnd)]
        for k in row.kinds:
            yield ["", f"   + {k.name_vi}", _n(k.supports), outputs_vi(k), money_vi(k.value_vnd)]


def source_rows(r: Report):
    for row in [*r.rows, r.total]:
        yield [row.number, _name(row), money_vi(row.value_vnd), "100" if row.value_vnd else "–"]
        for s in row.sources:
            yield ["", f"   + {s.name_vi} ({s.code})", money_vi(s.amount_vnd), _share(s.amount_vnd, row.value_vnd)]


def _section(pdf: OfficialPDF, text: str) -> None:
    if pdf.get_y() > pdf.h - 50:
        pdf.add_page()
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(pdf.body_width, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def programme_results_pdf(r: Report) -> bytes:
    where = unit_label(r.unit)          # a village told apart from its namesakes (units/labels.py)
    pdf = OfficialPDF(f"{DRAFT + ' – ' if r.draft else ''}Kết quả hỗ trợ theo chương trình, dự án {r.period_vi} – {where}",
                      r.issuer.committee, draft=r.draft)
    pdf.national_heading(r.issuer, date_line(r.issuer.place), number=FORM)
    pdf.draft_box(r.status)
    pdf.title_block([(TITLE, "B", 13), (f"{where} – kỳ báo cáo {r.period_vi}", "B", 11), (FORM_LINE, "I", 9)])
    if not r.rows:
        pdf.paragraph(f"Không có hỗ trợ đã trao nào trên địa bàn {r.period_vi}.", "I", 10.5)
        pdf.ln(3)
    else:
        _section(pdf, "I. KẾT QUẢ THEO CHƯƠNG TRÌNH, DỰ ÁN, TIỂU DỰ ÁN")
        pdf.grid(RESULT_COLUMNS, RESULT_HEADS, result_rows(r), size=8, line_h=4.2, pad_x=1.0)
        if r.escape_note_vi:            # a provisional year after the period, not counted (report.py)
            pdf.ln(1)
            pdf.paragraph(r.escape_note_vi, "I", 8.5, 4.4)
        pdf.ln(4)
        _section(pdf, "II. HỖ TRỢ THEO LOẠI VÀ KẾT QUẢ ĐẦU RA")
        pdf.grid(KIND_COLUMNS, KIND_HEADS, kind_rows(r), size=8.5, line_h=4.6)
        pdf.ln(4)
        _section(pdf, "III. NGUỒN VỐN")
        pdf.grid(SOURCE_COLUMNS, SOURCE_HEADS, source_rows(r), size=8.5, line_h=4.6)
        pdf.ln(4)
    _section(pdf, "Ghi chú")
    for i, line in enumerate(notes_vi(r), 1):
        pdf.paragraph(f"{i}. {line}", "I", 8.5, 4.4)
    pdf.ln(6)
    w = 80.0
    pdf.signatures([(LEFT, 70.0, [("NGƯỜI LẬP BIỂU", "B"), ("(Ký, ghi rõ họ tên)", "I")], ""),
                    (pdf.w - pdf.r_margin - w, w, [("TM. ỦY BAN NHÂN DÂN", "B"), ("CHỦ TỊCH", "B"),
                                                   ("(Ký, ghi rõ họ tên, đóng dấu)", "I")], "")])
    return bytes(pdf.output())
