"""The village recipient list (danh sách hộ nhận hỗ trợ từ Quỹ "Vì người nghèo", to post in the
village): for a fund, a period and a village, every payment of the fund to a household of that
village in the period that was not reversed — the household head's name, the village and the
support (purpose, amount, date). Nothing else about the household: no ID number, no household
code, no address, no members (issue 11 §5).

Who: anyone who reads the fund (``Fund.objects.for_user``) and whose area covers the village
(``scope_for(user).covers``): the Front committee and officers of the commune or province, the
commune chairman, and a village head for their own village only (other villages: 404). Households
are read with ``Household.objects.for_user`` as well. A period that no published period of the
fund covers prints "DỰ THẢO" (draft) on every page.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from chungtay.core import fmt
from chungtay.reports.data import DRAFT, date_line, slug

from .models import Disbursement, Fund, PublishedPeriod
from .statements import purpose_vi, vnd

MAX_DAYS = 3660


@dataclass
class RecipientList:
    fund: Fund
    village: object
    start: dt.date
    end: dt.date
    published: bool
    rows: list = field(default_factory=list)      # (no, head name, village name, purpose, amount, date)
    total: int = 0

    @property
    def draft(self) -> bool:
        return not self.published


def build(user, fund: Fund, village, start: dt.date, end: dt.date) -> RecipientList:
    from chungtay.households.models import Household
    published = PublishedPeriod.objects.filter(fund=fund, start__lte=start, end__gte=end).exists()
    rl = RecipientList(fund, village, start, end, published)
    qs = (Disbursement.objects.filter(fund=fund, village=village, date__range=(start, end), txn__reversal__isnull=True)
          .filter(household__in=Household.objects.for_user(user))
          .values_list("household__head_name", "purpose", "amount_vnd", "date", "paid_from", "id"))
    rows = sorted(qs, key=lambda r: (fmt.sort_key(r[0] or ""), r[3], r[5]))
    vname = village_label(village)
    for i, (name, purpose, amount, d, paid_from, _) in enumerate(rows, start=1):
        what = purpose_vi(purpose) + (" (hiện vật)" if paid_from == "goods" else "")
        rl.rows.append((i, name or "—", vname, what, amount, d))
        rl.total += amount
    return rl


def village_label(village) -> str:
    """The village as the list names it: told apart from its namesakes by its old commune (units/labels.py)."""
    from chungtay.units.labels import unit_label
    return unit_label(village)


def _inline(label: str) -> str:
    return label[:1].lower() + label[1:]


def title(rl: RecipientList) -> str:
    return "DANH SÁCH HỘ NHẬN HỖ TRỢ TỪ QUỸ \"VÌ NGƯỜI NGHÈO\""


def subtitle(rl: RecipientList) -> str:
    return f"{village_label(rl.village)} – từ {rl.start:%d/%m/%Y} đến {rl.end:%d/%m/%Y}"


def filename(rl: RecipientList, ext: str) -> str:
    return f"danh-sach-ho-nhan-ho-tro-quy-{slug(village_label(rl.village))}-{rl.start:%Y%m%d}-{rl.end:%Y%m%d}.{ext}"


def pdf(rl: RecipientList) -> bytes:
    from chungtay.reports.pdf import OfficialPDF

    from .receipt_pdf import FrontIssuer
    fund = rl.fund
    doc = OfficialPDF(f"{DRAFT + ' – ' if rl.draft else ''}Danh sách hộ nhận hỗ trợ Quỹ – {subtitle(rl)}",
                      fund.committee, draft=rl.draft)
    doc.national_heading(FrontIssuer(fund.place), date_line(fund.place.name))
    if rl.draft:
        class _Why:
            draft_vi = "Kỳ này chưa được Ủy ban MTTQ công khai"
        doc.draft_box(_Why())
    doc.title_block([(title(rl), "B", 13), (subtitle(rl), "B", 11)])
    doc.paragraph(f"Tổng số: {len(rl.rows)} lượt hỗ trợ, {vnd(rl.total)} đồng.", "", 10.5)
    doc.ln(2)
    rows = [[str(i), name, vname, what, vnd(v), f"{d:%d/%m/%Y}"] for i, name, vname, what, v, d in rl.rows]
    rows.append(["", "Cộng", "", "", vnd(rl.total), ""])
    doc.grid(((10, "C"), (44, "L"), (28, "L"), (40, "L"), (26, "R"), (22, "C")),
             ("STT", "Họ và tên chủ hộ", "Thôn", "Nội dung hỗ trợ", "Số tiền (đồng)", "Ngày"), rows, size=9,
             line_h=5.2)
    doc.ln(4)
    doc.paragraph(f"Danh sách được niêm yết công khai tại nhà văn hóa {_inline(village_label(rl.village))}. "
                  f"Mọi ý kiến xin gửi về {fund.committee}.", "I", 9.5, 5)
    doc.ln(6)
    w = 80.0
    doc.signatures([(doc.l_margin, 70.0, [("NGƯỜI LẬP DANH SÁCH", "B"), ("(Ký, ghi rõ họ tên)", "I")], ""),
                    (doc.w - doc.r_margin - w, w, [("TM. BAN THƯỜNG TRỰC", "B"), ("(Ký, ghi rõ họ tên, đóng dấu)", "I")],
                     "")])
    return bytes(doc.output())


def xlsx(rl: RecipientList) -> bytes:
    import xlsxwriter

    from chungtay.reports.xlsx import Styles
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    wb.set_properties({"title": f"Danh sách hộ nhận hỗ trợ Quỹ – {subtitle(rl)}", "author": rl.fund.committee,
                       "comments": "Chung Tay"})
    st = Styles(wb)
    ws = wb.add_worksheet("Danh sach")
    for c, w in enumerate((7, 32, 22, 34, 16, 12)):
        ws.set_column(c, c, w)
    r = 0
    if rl.draft:
        ws.merge_range(r, 0, r, 5, f"{DRAFT} – Kỳ này chưa được Ủy ban MTTQ công khai", st.draft)
        ws.set_row(r, 36)
        ws.set_header(f"&C&\"Times New Roman,Bold\"&14{DRAFT}")
        r += 1
    ws.merge_range(r, 0, r, 5, f"ỦY BAN MTTQ VIỆT NAM {(rl.fund.place.full_name or rl.fund.place.name).upper()}",
                   st.bold_center)
    ws.merge_range(r + 1, 0, r + 1, 5, title(rl), st.title)
    ws.merge_range(r + 2, 0, r + 2, 5, subtitle(rl), st.subtitle)
    r += 4
    for c, h in enumerate(("STT", "Họ và tên chủ hộ", "Thôn", "Nội dung hỗ trợ", "Số tiền (đồng)", "Ngày")):
        ws.write_string(r, c, h, st.head)
    r += 1
    for i, name, vname, what, v, d in rl.rows:
        ws.write_number(r, 0, i, st.cell_center)
        ws.write_string(r, 1, name, st.cell)
        ws.write_string(r, 2, vname, st.cell)
        ws.write_string(r, 3, what, st.cell)
        ws.write_number(r, 4, v, st.int)
        ws.write_string(r, 5, f"{d:%d/%m/%Y}", st.cell_center)
        r += 1
    ws.write_string(r, 1, "Cộng", st.total_label)
    ws.write_number(r, 4, rl.total, st.total_int)
    wb.close()
    return buf.getvalue()
