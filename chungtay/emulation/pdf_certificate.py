"""Certificates of merit (Giấy khen, Bằng khen) of a decision as PDF: A4 landscape, a double frame,
the national name and motto, the issuer ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …"), the title, the
subject, the citation, the decision's number and date, the place and date line and the signature.
Set in DejaVu Sans from ``chungtay/reports/fonts`` (Vietnamese diacritics on any machine). A draft
decision carries DỰ THẢO across the page; a revoked one ĐÃ THU HỒI and the revocation's number."""
from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from chungtay.reports.data import DRAFT, date_line
from chungtay.reports.pdf import FONT, FONT_DIR, FONT_FILES, MOTTO, NATION, _add_font
from chungtay.units.labels import unit_label

from . import commendation as rules
from .models import AwardDecision, AwardRevocation

REVOKED = "ĐÃ THU HỒI"
RED = (170, 20, 30)


def _issuer_upper(d: AwardDecision) -> str:
    """"Chủ tịch UBND tỉnh Kon Tum" -> "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KON TUM"."""
    text = d.issuer.replace("UBND", "Ủy ban nhân dân")
    if d.form_level in (rules.COMMUNE, rules.PROVINCE) and not text.lower().startswith("chủ tịch"):
        text = "Chủ tịch " + text
    return text.upper()


def _place(d: AwardDecision) -> str:
    u = d.movement.unit
    if u is None:
        return "Hà Nội"
    for prefix in ("Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Đặc khu "):
        if u.name.startswith(prefix):
            return u.name[len(prefix):]
    return u.name


class CertificatePDF(FPDF):
    def __init__(self, mark: str | None):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.mark = mark
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(False)
        for style, file in FONT_FILES.items():
            _add_font(self, style, FONT_DIR / file)
        self.set_creator("Chung Tay")
        self.set_lang("vi")

    def header(self):
        self.set_draw_color(*RED)
        self.set_line_width(1.6)
        self.rect(8, 8, self.w - 16, self.h - 16)
        self.set_line_width(0.4)
        self.rect(11.5, 11.5, self.w - 23, self.h - 23)
        self.set_draw_color(0)
        if self.mark:
            self.set_font(FONT, "B", 88)
            self.set_text_color(240, 190, 196)
            with self.rotation(22, self.w / 2, self.h / 2):
                self.set_xy(0, self.h / 2 - 18)
                self.cell(self.w, 36, self.mark, align="C")
            # the same mark, level, in the top margin (read by text extraction and screen readers)
            self.set_font(FONT, "B", 10)
            self.set_text_color(*RED)
            self.set_xy(14, 13)
            why = ("quyết định chưa ký ban hành" if self.mark == DRAFT else "khen thưởng đã bị thu hồi")
            self.cell(self.w - 28, 5, f"{self.mark} – {why}", align="L")
            self.set_text_color(0)

    def line_c(self, text: str, style: str = "", size: float = 13, h: float = 7, color=(0, 0, 0)) -> None:
        self.set_font(FONT, style, size)
        while self.get_string_width(text) > self.w - 50 and size > 8:
            size -= 0.5
            self.set_font(FONT, style, size)
        self.set_text_color(*color)
        self.set_x(20)
        self.cell(self.w - 40, h, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)


def default_citation(movement_name: str, year: int) -> str:
    """The citation when the decision has none. A movement named "Phong trào thi đua “…”" (as most
    are) is not wrapped in "phong trào thi đua “…”" a second time."""
    name = " ".join(movement_name.split())
    if name.casefold().startswith("phong trào thi đua"):
        return f"Đã có thành tích xuất sắc trong {name[0].lower()}{name[1:]}, năm {year}"
    return f"Đã có thành tích xuất sắc trong phong trào thi đua “{name}”, năm {year}"


def certificate_pdf(d: AwardDecision) -> bytes:
    form = rules.FORMS_BY_CODE[d.form_code]
    revocation = AwardRevocation.objects.filter(decision=d).first()
    mark = REVOKED if revocation else (None if d.final else DRAFT)
    pdf = CertificatePDF(mark)
    title = "BẰNG KHEN" if form.code.startswith("bang_khen") else "GIẤY KHEN"
    pdf.set_title(f"{title} – {d.subject_name}")
    pdf.set_author(d.issuer)
    pdf.add_page()
    pdf.set_y(22)
    pdf.line_c(NATION, "B", 13, 6.5)
    pdf.line_c(MOTTO, "B", 13, 6.5)
    pdf.set_line_width(0.3)
    pdf.line(pdf.w / 2 - 32, pdf.get_y() + 0.5, pdf.w / 2 + 32, pdf.get_y() + 0.5)
    pdf.ln(7)
    pdf.line_c(_issuer_upper(d), "B", 15, 8)
    pdf.line_c("TẶNG", "B", 13, 7)
    pdf.ln(2)
    pdf.line_c(title, "B", 40, 18, RED)
    pdf.ln(3)
    label = {rules.COLLECTIVE: "", rules.INDIVIDUAL: "Ông/Bà ", rules.HOUSEHOLD: "Gia đình "}[d.subject_kind]
    name = d.person_name if d.person_name else d.subject_name
    if d.subject_kind == rules.HOUSEHOLD and d.household_id:
        name = f"{d.household.head_name} ({unit_label(d.household.village)})"   # twin villages told apart
    pdf.line_c(f"{label}{name}", "B", 20, 11, (20, 40, 120))
    if d.person_name:
        pos = d.nomination.person_position
        pdf.line_c(f"{pos + ', ' if pos else ''}{d.nomination.participant.name}", "", 13, 7)
    pdf.ln(3)
    citation = d.citation or default_citation(d.movement.name, d.year)
    pdf.set_font(FONT, "I", 13)
    pdf.set_x(40)
    pdf.multi_cell(pdf.w - 80, 7, citation, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y() + 6, 140))
    left_w = (pdf.w - 40) / 2
    top = pdf.get_y()
    pdf.set_font(FONT, "", 11)
    pdf.set_x(24)
    number = d.number if d.final else "…… (dự thảo)"
    pdf.multi_cell(left_w - 10, 6, f"Quyết định số {number}\nngày {d.decided_on:%d/%m/%Y}\nSổ vàng số: {d.pk}",
                   align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if revocation is not None:
        pdf.set_text_color(*RED)
        pdf.set_font(FONT, "B", 10.5)
        pdf.set_x(24)
        pdf.multi_cell(left_w - 10, 5.5, f"Đã thu hồi theo Quyết định số {revocation.number} ngày "
                                         f"{revocation.decided_on:%d/%m/%Y}", align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0)
    pdf.set_y(top)
    x = 20 + left_w
    pdf.set_font(FONT, "I", 12)
    pdf.set_x(x)
    pdf.cell(left_w, 6, date_line(_place(d), d.decided_on), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 12)
    pdf.set_x(x)
    pdf.cell(left_w, 6, form.issuer_hint.upper() if form.issuer_hint else "", align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(pdf.get_y() + 22)
    if d.signer:
        pdf.set_x(x)
        pdf.cell(left_w, 6, d.signer, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
