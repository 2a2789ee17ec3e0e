"""The review report as a Word document (python-docx), for officers to edit.

Vietnamese administrative layout (Decree 30/2020/NĐ-CP): A4, margins 20/20/30/15 mm, Times New
Roman 13 pt; the issuing body and the number on the left, the national name and motto with the
place and date on the right (a borderless two-column table), the title centred; real Word
headings (Heading 1 / 2, so the navigation pane and a table of contents work), real tables with
their heading row repeated on each page; the recipients (Nơi nhận) at the bottom left beside the
chairman's signature. Until the report is published every page's header says DỰ THẢO in red, and
a red DỰ THẢO paragraph with the reason stands under the heading."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from chungtay.reports.data import DRAFT, date_line
from chungtay.reports.pdf import MOTTO, NATION

from .report import Report
from .report_text import blocks, recipients, version_line

FONT = "Times New Roman"
RED = RGBColor(0xC8, 0x10, 0x2E)
GREEN = RGBColor(0x16, 0x6E, 0x3C)
BODY_MM = 165          # A4 210 − 30 − 15


def _font(style, size: float, bold: bool | None = None, colour=None) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = colour or RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _para(container, text: str = "", *, bold=False, italic=False, size: float | None = None, align=None,
          colour=None, space_after: float = 3, style: str | None = None):
    p = container.add_paragraph(style=style) if style else container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if colour is not None:
            run.font.color.rgb = colour
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    return p


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    table._tbl.tblPr.append(borders)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    h = OxmlElement("w:tblHeader")
    h.set(qn("w:val"), "true")
    trpr.append(h)


def _cell(cell, text: str, *, bold=False, italic=False, size: float = 11, align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)


def _heading_block(doc, r: Report) -> None:
    t = doc.add_table(rows=1, cols=2)
    _no_borders(t)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = t.rows[0].cells
    left.width, right.width = Mm(68), Mm(97)
    c = WD_ALIGN_PARAGRAPH.CENTER
    _cell(left, r.agency_upper, size=12, align=c)
    for text, kw in ((r.agency_name, {"bold": True}), ("", {}), (r.number_vi, {})):
        p = left.add_paragraph()
        run = p.add_run(text)
        run.bold = kw.get("bold", False)
        run.font.size = Pt(12 if text != r.number_vi else 13)
        p.alignment = c
        p.paragraph_format.space_after = Pt(0)
    _cell(right, NATION, bold=True, size=12, align=c)
    for text, bold, italic in ((MOTTO, True, False), ("", False, False), (date_line(r.place), False, True)):
        p = right.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(13)
        p.alignment = c
        p.paragraph_format.space_after = Pt(0)


def _table(doc, b) -> None:
    t = doc.add_table(rows=1, cols=len(b.heads))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    scale = BODY_MM / sum(b.widths)
    widths = [Mm(w * scale) for w in b.widths]
    align = {"C": WD_ALIGN_PARAGRAPH.CENTER, "L": WD_ALIGN_PARAGRAPH.LEFT}
    head = t.rows[0]
    _repeat_header(head)
    for cell, text, w in zip(head.cells, b.heads, widths):
        _cell(cell, text, bold=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell.width = w
    for row in b.rows:
        cells = t.add_row().cells
        for cell, text, w, a in zip(cells, row, widths, b.align):
            _cell(cell, str(text), size=11, align=align.get(a, WD_ALIGN_PARAGRAPH.LEFT))
            cell.width = w
    _para(doc, space_after=4)


def review_report_docx(r: Report) -> bytes:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(20), Mm(20), Mm(30), Mm(15)
    _font(doc.styles["Normal"], 13)
    doc.styles["Normal"].paragraph_format.space_after = Pt(3)
    for name, size in (("Heading 1", 13), ("Heading 2", 13), ("Title", 14)):
        _font(doc.styles[name], size, bold=True)
    doc.styles["Heading 2"].font.italic = False
    doc.core_properties.title = f"Báo cáo {r.kind_vi} phong trào thi đua {r.period_vi} – {r.unit_name}"
    doc.core_properties.author = r.committee
    doc.core_properties.comments = version_line(r)
    doc.core_properties.language = "vi-VN"

    if r.draft:
        header = sec.header.paragraphs[0]
        run = header.add_run(f"{DRAFT} – {r.status.draft_vi}")
        run.bold = True
        run.font.color.rgb = RED
        run.font.size = Pt(10)
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER

    _heading_block(doc, r)
    _para(doc, space_after=6)
    if r.draft:
        _para(doc, DRAFT, bold=True, size=16, colour=RED, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
        _para(doc, r.status.draft_vi + ".", italic=True, size=11, colour=RED, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, r.title_vi, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0, style="Title")
    _para(doc, r.movement_name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(doc, f"{r.unit_name} – {r.period_vi}", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(doc, version_line(r), italic=True, size=10, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=10)

    for b in blocks(r):
        if b.kind == "h1":
            doc.add_heading(b.text, level=1)
        elif b.kind == "h2":
            doc.add_heading(b.text, level=2)
        elif b.kind == "p":
            p = _para(doc, b.text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            p.paragraph_format.first_line_indent = Mm(10)
        elif b.kind == "bullet":
            _para(doc, b.text, style="List Bullet")
        elif b.kind == "note":
            _para(doc, b.text, italic=True, size=11, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        elif b.kind == "alert":
            _para(doc, "⚠ " + b.text, bold=True, size=12, colour=RED)
        elif b.kind == "ok":
            _para(doc, "✓ " + b.text, bold=True, size=12, colour=GREEN)
        elif b.kind == "table":
            _table(doc, b)

    _para(doc, space_after=6)
    t = doc.add_table(rows=1, cols=2)
    _no_borders(t)
    left, right = t.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    lines = recipients(r)
    _cell(left, lines[0], bold=True, italic=True, size=12)
    for line in lines[1:]:
        p = left.add_paragraph()
        run = p.add_run(line)
        run.font.size = Pt(11)
        p.paragraph_format.space_after = Pt(0)
    c = WD_ALIGN_PARAGRAPH.CENTER
    _cell(right, "TM. ỦY BAN NHÂN DÂN", bold=True, size=13, align=c)
    for text, bold, italic in (("CHỦ TỊCH", True, False), ("(Ký, ghi rõ họ tên, đóng dấu)", False, True)):
        p = right.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        p.alignment = c
        p.paragraph_format.space_after = Pt(0)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
