"""Print-ready PDFs (A4) in the layout of Vietnamese administrative documents.

The heading follows the usual form of state documents (Decree 30/2020/NĐ-CP): the issuing
agency on the left, the national name and motto on the right with the place/date line under
it, the title centred, the signature block at the bottom right. Text is set in DejaVu Sans,
embedded from ``fonts/`` (subset), so Vietnamese diacritics print on any machine.
"""
from __future__ import annotations

import copy
import io
import threading
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace, SubsetMap

from .data import DRAFT, Certificate, Issuer, PostingList, date_line, inline_name

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
LEFT, TOP, RIGHT = 25.0, 15.0, 15.0
ROMAN = ("I", "II", "III", "IV", "V", "VI")
POSTING_COLUMNS = ((11, "C"), (51, "L"), (52, "L"), (56, "L"))
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}

# Parsing a TrueType file (fontTools: glyph, metrics and cmap tables) costs ~0.15 s per style, so
# ~0.45 s per document. It is done once per process: the parsed font (widths, cmap, glyph ids,
# descriptor — read-only) is kept, and each document gets a copy with its own subset map and its
# own lazily-read fontTools object (fpdf2 subsets that object in place when it writes the PDF) and
# font descriptor (numbered as an object of that PDF).
_FONTS: dict[str, tuple[object, bytes]] = {}
_FONTS_LOCK = threading.Lock()


def _add_font(pdf: FPDF, style: str, path: Path) -> None:
    key = f"{FONT.lower()}{style}"
    with _FONTS_LOCK:
        cached = _FONTS.get(key)
        if cached is None:
            pdf.add_font(FONT, style, path)
            _FONTS[key] = (copy.copy(pdf.fonts[key]), path.read_bytes())
            return
    proto, data = cached
    font = copy.copy(proto)
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    font._hbfont = None
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    font.subset = SubsetMap(font)
    font.desc = copy.copy(proto.desc)        # a PDF object: gets this document's object number
    pdf.fonts[key] = font


class OfficialPDF(FPDF):
    def __init__(self, title: str, author: str, draft: bool = False):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.draft = draft
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, margin=16)
        for style, file in FONT_FILES.items():
            _add_font(self, style, FONT_DIR / file)
        self.set_title(title)
        self.set_author(author)
        self.set_creator("Chung Tay")
        self.set_lang("vi")
        self.alias_nb_pages()
        self.add_page()

    @property
    def body_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def header(self):
        """A document printed before the chairman's recognition carries DỰ THẢO across every page."""
        if not self.draft:
            return
        x, y = self.get_x(), self.get_y()
        self.set_font(FONT, "B", 72)
        self.set_text_color(242, 200, 206)
        with self.rotation(35, self.w / 2, self.h / 2):
            self.set_xy(0, self.h / 2 - 15)
            self.cell(self.w, 30, DRAFT, align="C")
        self.set_text_color(0)
        self.set_xy(x, y)

    def draft_box(self, status) -> None:
        """"DỰ THẢO" and why, boxed in red under the heading (only when ``self.draft``)."""
        if not self.draft:
            return
        self.set_draw_color(200, 16, 46)
        self.set_text_color(200, 16, 46)
        self.set_line_width(0.5)
        self.set_font(FONT, "B", 13)
        self.cell(self.body_width, 8, DRAFT, border="LTR", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "I", 9.5)
        text = status.draft_vi + "." if status else "Kết quả rà soát chưa được công nhận."
        self.multi_cell(self.body_width, 5, text, border="LBR", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.set_draw_color(0)
        self.ln(4)

    def basis(self, lines: list[str]) -> None:
        for line in lines:
            self.paragraph(line, "I", 10, 5.4, indent=8)

    def footer(self):
        if self.pages_count < 1:
            return
        self.set_y(-11)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(110)
        self.cell(0, 4, f"Trang {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)

    # -------------------------------------------------------------- building blocks
    def fit_font(self, style: str, size: float, text: str, width: float) -> None:
        self.set_font(FONT, style, size)
        while self.get_string_width(text) > width and size > 7:
            size -= 0.25
            self.set_font(FONT, style, size)

    def centered(self, x: float, w: float, h: float, text: str, style: str = "", size: float = 10.5,
                 underline: float | None = None) -> None:
        """One centred line in the column [x, x + w]; ``underline``: length of a rule under it
        (0 = as long as the text)."""
        self.fit_font(style, size, text, w)
        self.set_x(x)
        self.cell(w, h, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if underline is not None:
            length = underline or self.get_string_width(text)
            y = self.get_y() + 0.6
            self.set_line_width(0.3)
            self.line(x + (w - length) / 2, y, x + (w + length) / 2, y)

    def national_heading(self, issuer: Issuer, date_text: str, number: str | None = None) -> None:
        """Agency (left) and national name + motto (right); number and date line under them."""
        top = self.get_y()
        lw, rx = 72.0, LEFT + 72.0
        rw = self.w - self.r_margin - rx
        upper, name = issuer.agency
        self.centered(LEFT, lw, 5.2, upper, "", 10.5)
        self.centered(LEFT, lw, 5.2, name, "B", 10.5, underline=22)
        left_bottom = self.get_y()
        if number:
            self.set_y(left_bottom + 3)
            self.centered(LEFT, lw, 5, number, "", 10)
            left_bottom = self.get_y()
        self.set_y(top)
        self.centered(rx, rw, 5.2, NATION, "B", 10.5)
        self.centered(rx, rw, 5.2, MOTTO, "B", 11, underline=0)
        self.set_y(self.get_y() + 3)
        self.centered(rx, rw, 5, date_text, "I", 10)
        self.set_y(max(left_bottom, self.get_y()) + 7)

    def title_block(self, lines: list[tuple[str, str, float]]) -> None:
        for text, style, size in lines:
            self.set_font(FONT, style, size)
            self.multi_cell(self.body_width, size * 0.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(4)

    def paragraph(self, text: str, style: str = "", size: float = 10.5, h: float = 5.6,
                  indent: float = 0, align: str = "J") -> None:
        self.set_font(FONT, style, size)
        self.set_x(LEFT + indent)
        self.multi_cell(self.body_width - indent, h, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def labelled(self, label: str, value: str, size: float = 10.5, h: float = 6.2, tail: str = "") -> None:
        """"Label: value" with the value in bold (and regular ``tail``), wrapped to the body width."""
        self.set_x(LEFT)
        self.set_font(FONT, "", size)
        self.write(h, label + " ")
        self.set_font(FONT, "B", size)
        self.write(h, value)
        if tail:
            self.set_font(FONT, "", size)
            self.write(h, tail)
        self.ln(h)

    def signatures(self, blocks: list[tuple[float, float, list[tuple[str, str]], str]]) -> None:
        """Signature blocks side by side: (x, width, [(text, style)…], name under the blank)."""
        if self.get_y() > self.h - 70:
            self.add_page()
        top = self.get_y()
        bottom = top
        for x, w, lines, name in blocks:
            self.set_y(top)
            for text, style in lines:
                self.centered(x, w, 5.2, text, style, 10 if style == "I" else 10.5)
            self.set_y(self.get_y() + 24)
            if name:
                self.centered(x, w, 5.5, name, "B", 10.5)
            bottom = max(bottom, self.get_y())
        self.set_y(bottom)

    def grid(self, columns: tuple[tuple[float, str], ...], heads: tuple[str, ...], rows, size: float = 10,
             line_h: float = 6.2, pad_x: float = 1.5, pad_y: float = 0.6) -> None:
        """A ruled table of ``columns`` ((width mm, "L"/"C"), …), the heading row repeated on every page.

        Drawn row by row with ``text()`` and lines instead of fpdf2's ``table()``, which lays out
        every cell as a paragraph (~3 s for the ~10,000 cells of a commune's posting list): a cell
        that fits on one line (nearly all) is one text operation; a longer one is wrapped with
        ``multi_cell``. Widths are measured from the font's character widths, cached per text.
        """
        x0 = self.l_margin
        total = sum(w for w, _ in columns)
        xs = [x0]
        for w, _ in columns:
            xs.append(xs[-1] + w)
        self.set_line_width(0.2)
        self.set_draw_color(0)
        widths: dict[str, float] = {}

        def measure(text: str) -> float:
            # = get_string_width() without its markdown/shaping checks: the sum of the font's
            # character widths (1/1000 em), at the current size, in mm
            w = widths.get(text)
            if w is None:
                cw = self.current_font.cw
                w = widths[text] = sum(cw[ord(ch)] for ch in text) * self.font_size_pt / 1000 / self.k
            return w

        def draw_row(cells, bold: bool, fill: bool) -> None:
            if bold:
                self.set_font(FONT, "B", size)
                widths.clear()              # measured in bold: not the widths of the rows
            avail = [w - 2 * pad_x for w, _ in columns]
            lines = []
            for text, room in zip(cells, avail):
                lines.append(1 if measure(text) <= room else
                             len(self.multi_cell(room, line_h, text, dry_run=True, output="LINES")))
            h = max(lines) * line_h + 2 * pad_y
            if self.y + h > self.page_break_trigger:
                close_segment()
                self.add_page()
                start_segment()
                if not bold:
                    draw_row(heads, True, True)
                    self.set_font(FONT, "", size)
                    widths.clear()
            y = self.y
            if fill:
                self.set_fill_color(238)
                self.rect(x0, y, total, h, style="F")
                self.set_fill_color(0)          # (a fill colour unlike the text's makes every text() set it)
            baseline = y + pad_y + line_h / 2 + 0.3 * self.font_size
            for i, (text, (w, align)) in enumerate(zip(cells, columns)):
                if lines[i] == 1:
                    tw = measure(text)
                    x = xs[i] + (w - tw) / 2 if align == "C" else xs[i] + pad_x
                    self.text(x, baseline, text)
                else:
                    self.set_xy(xs[i] + pad_x, y + pad_y)
                    self.multi_cell(w - 2 * pad_x, line_h, text, align=align)
            self.line(x0, y + h, x0 + total, y + h)
            self.set_xy(x0, y + h)

        segment = [0.0]

        def start_segment() -> None:
            segment[0] = self.y
            self.line(x0, self.y, x0 + total, self.y)

        def close_segment() -> None:
            for x in xs:
                self.line(x, segment[0], x, self.y)

        start_segment()
        draw_row(heads, True, True)
        self.set_font(FONT, "", size)
        widths.clear()
        for cells in rows:
            draw_row(cells, False, False)
        close_segment()

    def table_style(self):
        return FontFace(emphasis="BOLD", fill_color=(238, 238, 238))


def _chair_blocks(pdf: OfficialPDF, chairman: str, on_behalf: bool, left: tuple[str, str] | None):
    w = 80.0
    right_x = pdf.w - pdf.r_margin - w
    right = ([("TM. ỦY BAN NHÂN DÂN", "B")] if on_behalf else []) + [("CHỦ TỊCH", "B"),
                                                                     ("(Ký, ghi rõ họ tên, đóng dấu)", "I")]
    blocks = [(right_x, w, right, chairman)]
    if left:
        blocks.insert(0, (LEFT, 70.0, [(left[0], "B"), (left[1], "I")], ""))
    return blocks


# ------------------------------------------------------------------ posting list

def posting_list_pdf(pl: PostingList) -> bytes:
    where = pl.subtitle
    pdf = OfficialPDF(f"{DRAFT + ' – ' if pl.draft else ''}Danh sách hộ nghèo, hộ cận nghèo năm {pl.year} – {where}",
                      pl.issuer.committee, draft=pl.draft)
    pdf.national_heading(pl.issuer, date_line(pl.issuer.place))
    pdf.draft_box(pl.status)
    title = [(f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {pl.year}", "B", 13.5), (where, "B", 11)]
    if pl.standard:
        title.append((f"(Kết quả rà soát năm {pl.year} theo {_lower_first(pl.standard.name_vi)})", "I", 10))
    pdf.title_block(title)
    if pl.basis:
        pdf.basis(pl.basis)
        pdf.ln(2)
    counts = pl.counts
    pdf.paragraph(f"Tổng số: {counts.get('poor', 0)} hộ nghèo, {counts.get('near_poor', 0)} hộ cận nghèo"
                  + (f"; {counts['escaped']} hộ thoát nghèo, {counts['escaped_near']} hộ thoát cận nghèo"
                     if "escaped" in counts else "") + ".", "", 10.5)
    pdf.ln(2)
    for i, section in enumerate(pl.sections):
        if pdf.get_y() > pdf.h - 50:
            pdf.add_page()
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 7, f"{ROMAN[i]}. {section.title} ({len(section.rows)} hộ)", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if not section.rows:
            pdf.paragraph("Không có hộ nào.", "I", 10)
            pdf.ln(2)
            continue
        pdf.grid(POSTING_COLUMNS, ("STT", "Họ và tên chủ hộ", "Thôn, tổ dân phố", "Phân loại hộ"),
                 ([str(r.no), r.head_name, r.village, r.category] for r in section.rows))
        pdf.ln(4)
    if pl.escaped_included and pl.previous_year_missing:
        pdf.paragraph(f"Không có kết quả rà soát năm {pl.year - 1} nên không lập danh sách hộ thoát nghèo, "
                      "thoát cận nghèo.", "I", 9.5)
    period = (f"trong thời gian {pl.posting_days} ngày làm việc" if pl.posting_days
              else "trong thời gian niêm yết theo quy định")
    places = ("tại nhà văn hóa thôn và trụ sở Ủy ban nhân dân" if pl.unit.level != "commune"
              else "tại trụ sở Ủy ban nhân dân và nhà văn hóa các thôn, tổ dân phố của")
    pdf.paragraph(f"Danh sách được niêm yết công khai {places} {inline_name(pl.issuer.unit)} {period}. "
                  f"Mọi ý kiến, khiếu nại về danh sách xin gửi về {pl.issuer.committee}.", "I", 9.5, 5)
    pdf.ln(6)
    pdf.signatures(_chair_blocks(pdf, pl.chairman, True, ("NGƯỜI LẬP DANH SÁCH", "(Ký, ghi rõ họ tên)")))
    return bytes(pdf.output())


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


# ------------------------------------------------------------------ certificate

def certificate_pdf(c: Certificate) -> bytes:
    kind = c.category_name.upper()
    pdf = OfficialPDF(f"{DRAFT + ' – ' if c.draft else ''}Giấy chứng nhận {c.category_name.lower()} năm {c.year}",
                      c.issuer.committee, draft=c.draft)
    pdf.national_heading(c.issuer, date_line(c.issuer.place), number="Số: ........../GCN-HN.HCN")
    pdf.draft_box(c.status)
    pdf.title_block([(f"GIẤY CHỨNG NHẬN {kind}", "B", 15),
                     (f"Năm {c.year}", "B", 11.5)])
    pdf.basis(c.basis)
    pdf.paragraph(f"Căn cứ kết quả rà soát hộ nghèo, hộ cận nghèo năm {c.year} trên địa bàn "
                  f"{inline_name(c.issuer.unit)},", "I", 10, 5.4, indent=8)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(pdf.body_width, 6, f"CHỦ TỊCH ỦY BAN NHÂN DÂN {c.issuer.agency[1]} CHỨNG NHẬN:", align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.labelled("Hộ gia đình ông/bà:", c.head_name)
    if c.head_ethnicity:
        pdf.labelled("Dân tộc:", c.head_ethnicity)
    pdf.labelled("Nơi cư trú:", c.residence[:1].upper() + c.residence[1:])
    if c.address:
        pdf.labelled("Địa chỉ:", c.address)
    pdf.labelled("Mã hộ:", c.household.code)
    pdf.labelled("Là:", f"{kind} năm {c.year}",
                 tail=f" theo {_lower_first(c.standard.name_vi)}." if c.standard else ".")
    pdf.ln(1)
    pdf.paragraph(f"Danh sách thành viên trong hộ gia đình ({len(c.members)} người):", "B", 10.5, 6.2)
    pdf.ln(1)
    pdf.set_font(FONT, "", 10)
    with pdf.table(col_widths=(10, 56, 30, 42, 16, 16), text_align=("CENTER", "LEFT", "LEFT", "LEFT",
                                                                      "CENTER", "CENTER"),
                   line_height=6, headings_style=pdf.table_style(), num_heading_rows=2,
                   repeat_headings=1, padding=(0.6, 1.5), align="LEFT", width=pdf.body_width) as t:
        h = t.row()
        h.cell("TT", rowspan=2, align="C")
        h.cell("Họ và tên", rowspan=2, align="C")
        h.cell("Dân tộc", rowspan=2, align="C")
        h.cell("Quan hệ với chủ hộ", rowspan=2, align="C")
        h.cell("Năm sinh", colspan=2, align="C")
        h2 = t.row()
        h2.cell("Nam", align="C")
        h2.cell("Nữ", align="C")
        for m in c.members:
            t.row([str(m.no), m.name, m.ethnicity, m.relation, str(m.born_male or ""), str(m.born_female or "")])
    pdf.ln(4)
    pdf.paragraph(f"Giấy chứng nhận này có giá trị đến khi có kết quả rà soát hộ nghèo, hộ cận nghèo năm "
                  f"{c.year + 1} hoặc quyết định khác của Chủ tịch {c.issuer.committee}.", "I", 10, 5.4)
    pdf.ln(6)
    pdf.signatures(_chair_blocks(pdf, c.chairman, False, None))
    return bytes(pdf.output())
