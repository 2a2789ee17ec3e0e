"""The review report as a PDF with the primitives of ``reports/pdf.py`` (A4, DejaVu embedded):
national heading with the number, DỰ THẢO across every page and boxed under the heading until
published, the title, the blocks of ``report_text``, the recipients and the chairman's signature."""
from __future__ import annotations

from fpdf.enums import XPos, YPos

from chungtay.reports.data import DRAFT, date_line
from chungtay.reports.pdf import FONT, LEFT, OfficialPDF

from .report import Report
from .report_text import blocks, recipients, version_line


class _Agency:
    """What ``national_heading`` reads of an issuer: the agency lines."""

    def __init__(self, upper: str, name: str):
        self.agency = (upper, name)


def _heading(pdf: OfficialPDF, text: str, size: float) -> None:
    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    pdf.ln(1.5)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(pdf.body_width, size * 0.55, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _box(pdf: OfficialPDF, text: str, colour: tuple[int, int, int]) -> None:
    pdf.set_draw_color(*colour)
    pdf.set_text_color(*colour)
    pdf.set_line_width(0.4)
    pdf.set_font(FONT, "B", 9.5)
    pdf.multi_cell(pdf.body_width, 5, text, border=1, new_x=XPos.LMARGIN, new_y=YPos.NEXT, padding=1.5)
    pdf.set_text_color(0)
    pdf.set_draw_color(0)
    pdf.ln(2)


def review_report_pdf(r: Report) -> bytes:
    title = f"Báo cáo {r.kind_vi} phong trào thi đua {r.period_vi} – {r.unit_name}"
    pdf = OfficialPDF(f"{DRAFT + ' – ' if r.draft else ''}{title}", r.committee, draft=r.draft)
    pdf.national_heading(_Agency(r.agency_upper, r.agency_name), date_line(r.place), number=r.number_vi)
    pdf.draft_box(r.status)
    pdf.title_block([(r.title_vi, "B", 13), (r.movement_name, "B", 10.5),
                     (f"{r.unit_name} – {r.period_vi}", "I", 10), (version_line(r), "I", 8.5)])
    for b in blocks(r):
        if b.kind == "h1":
            _heading(pdf, b.text, 11.5)
        elif b.kind == "h2":
            _heading(pdf, b.text, 10.5)
        elif b.kind == "p":
            pdf.paragraph(b.text, "", 10.5, 5.6)
            pdf.ln(1)
        elif b.kind == "bullet":
            pdf.paragraph("– " + b.text, "", 9.5, 5, indent=4)
        elif b.kind == "note":
            pdf.paragraph(b.text, "I", 8.5, 4.4, indent=4)
            pdf.ln(1)
        elif b.kind == "alert":
            _box(pdf, "⚠ " + b.text, (200, 16, 46))
        elif b.kind == "ok":
            _box(pdf, "✓ " + b.text, (22, 110, 60))
        elif b.kind == "table":
            scale = pdf.body_width / sum(b.widths)
            pdf.grid(tuple((w * scale, a) for w, a in zip(b.widths, b.align)), b.heads, b.rows, size=8.5,
                     line_h=4.6)
            pdf.ln(3)
    pdf.ln(6)
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    top = pdf.get_y()
    for i, line in enumerate(recipients(r)):            # "Nơi nhận" at the bottom left, as in state documents
        pdf.set_xy(LEFT, pdf.get_y())
        pdf.set_font(FONT, "B" if i == 0 else "", 9 if i == 0 else 8.5)
        pdf.cell(70, 4.4, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    bottom = pdf.get_y()
    pdf.set_y(top)
    w = 80.0
    pdf.signatures([(pdf.w - pdf.r_margin - w, w, [("TM. ỦY BAN NHÂN DÂN", "B"), ("CHỦ TỊCH", "B"),
                                                   ("(Ký, ghi rõ họ tên, đóng dấu)", "I")], "")])
    pdf.set_y(max(bottom, pdf.get_y()))
    return bytes(pdf.output())
