"""The printed receipt of a donation (biên lai thu Quỹ "Vì người nghèo"), A4, with the national
heading of ``chungtay/reports/pdf.py``: the Front committee on the left, its receipt number under it."""
from __future__ import annotations

from dataclasses import dataclass

from chungtay.reports.data import date_line, inline_name
from chungtay.reports.pdf import LEFT, OfficialPDF

from .models import Donation

ONES = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _three(n: int, full: bool) -> str:
    h, t, u = n // 100, n // 10 % 10, n % 10
    out = []
    if full or h:
        out += [ONES[h], "trăm"]
    if t == 0 and u and (full or h):
        out.append("lẻ")
    elif t == 1:
        out.append("mười")
    elif t > 1:
        out += [ONES[t], "mươi"]
    if u:
        out.append("mốt" if u == 1 and t > 1 else "lăm" if u == 5 and t > 0 else ONES[u])
    return " ".join(out)


def in_words(n: int) -> str:
    """Whole đồng in Vietnamese words: 1.250.000 → "Một triệu hai trăm năm mươi nghìn đồng"."""
    if n == 0:
        return "Không đồng"
    groups, scales = [], ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]
    while n:
        groups.append(n % 1000)
        n //= 1000
    words = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g:
            words.append(_three(g, i < len(groups) - 1) + (" " + scales[i] if scales[i] else ""))
    text = " ".join(words).strip() + " đồng"
    return text[0].upper() + text[1:]


@dataclass
class FrontIssuer:
    """The issuing agency of the heading: the Fatherland Front committee of the fund's unit."""
    unit: object

    @property
    def agency(self) -> tuple[str, str]:
        return "ỦY BAN MTTQ VIỆT NAM", (self.unit.full_name or self.unit.name).upper()


def _vnd(n: int) -> str:
    return f"{n:,}".replace(",", ".") + " đồng"


def receipt_pdf(d: Donation) -> bytes:
    fund = d.fund
    pdf = OfficialPDF(f"Biên lai {d.receipt}", fund.committee)
    pdf.national_heading(FrontIssuer(fund.place), date_line(fund.place.name, d.date), number=f"Số: {d.receipt}")
    pdf.title_block([("BIÊN LAI THU", "B", 15), ('Quỹ "Vì người nghèo" ' + inline_name(fund.place), "B", 11.5)])
    voided = hasattr(d.txn, "reversal")
    if voided:
        pdf.paragraph("ĐÃ HỦY (bút toán đã được đảo)", "B", 12, 7, align="C")
    pdf.labelled("Họ tên / tên đơn vị nộp:", d.donor.name)
    pdf.labelled("Loại:", d.donor.get_kind_display())
    if d.form == Donation.IN_KIND:
        pdf.labelled("Hiện vật:", d.goods)
        pdf.labelled("Giá trị quy đổi:", _vnd(d.value_vnd))
    else:
        pdf.labelled("Số tiền:", _vnd(d.value_vnd))
        pdf.labelled("Hình thức nộp:", d.get_channel_display())
    pdf.labelled("Bằng chữ:", in_words(d.value_vnd))
    if d.campaign_id:
        pdf.labelled("Đợt vận động:", d.campaign.name)
    if d.bank_reference:
        pdf.labelled("Mã giao dịch:", d.bank_reference)
    pdf.labelled("Ngày nhận:", d.date.strftime("%d/%m/%Y"))
    pdf.ln(2)
    pdf.paragraph(f"{fund.committee} trân trọng cảm ơn tấm lòng vì người nghèo của quý vị.", "I", 10.5)
    pdf.ln(6)
    w = 80.0
    pdf.signatures([(LEFT, 70.0, [("NGƯỜI NỘP", "B"), ("(Ký, ghi rõ họ tên)", "I")], ""),
                    (pdf.w - pdf.r_margin - w, w, [("NGƯỜI THU", "B"), ("(Ký, ghi rõ họ tên, đóng dấu)", "I")], "")])
    return bytes(pdf.output())
