"""Downloadable statements of a published period of a fund (issue 11 §5): PDF and Excel.

What the public page shows (``public.statement``), in full: the movement of the money held
(opening balance, donations received, transfers in and out, payments, corrections, closing
balance — every figure a sum of ledger lines, so opening + movements = closing exactly), the
allocations, the payments by purpose and by commune (households counted, none named), and every
donation of the period (date, receipt, donor name or "Nhà hảo tâm giấu tên", money or in kind,
amount). Reversed entries and their reversals are left out of the lists and shown, netted, as
"corrections" in the movement.

Small statements (≤ ``INLINE_MAX`` donations) are made in the request; larger ones by the job
worker: for a signed-in user as a prepared file (``chungtay.jobs.files``, kinds registered below,
progress bar, 24 h), for the public page as a cached public file (``public_file``; the statement
holds no household and nothing that is not public) built by the worker task
``chungtay.fund.tasks.build_public_statement``.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Max, Q, Sum

from chungtay.reports.data import date_line, inline_name, slug

from .models import PURPOSE_NAMES, Donation, LedgerLine, PublishedPeriod

INLINE_MAX = 5000            # more donations than this: made by the worker
ASSETS = ("cash", "bank", "goods")
ANONYMOUS = "Nhà hảo tâm giấu tên"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_VI = {"money": "Tiền", "in_kind": "Hiện vật"}


@dataclass
class Movement:
    opening: int = 0
    received_money: int = 0
    received_goods: int = 0
    transfers_in: int = 0
    transfers_out: int = 0            # positive number
    paid: int = 0                     # positive number
    corrections: int = 0              # net of reversed entries and their reversals in the period
    closing: int = 0

    @property
    def received(self) -> int:
        return self.received_money + self.received_goods

    def balanced(self) -> bool:
        return (self.opening + self.received + self.transfers_in - self.transfers_out - self.paid
                + self.corrections == self.closing)


@dataclass
class FullStatement:
    period: PublishedPeriod
    movement: Movement
    allocations: list = field(default_factory=list)     # (decision, date, purpose, unit, amount)
    allocated: int = 0
    by_purpose: list = field(default_factory=list)      # (purpose, households, amount)
    by_unit: list = field(default_factory=list)         # (unit name, households, amount)
    paid: int = 0
    donation_count: int = 0
    received: int = 0                                   # = sum of the listed donations


def donation_count(period: PublishedPeriod) -> int:
    return _donations(period).count()


def _donations(period):
    from .public import alive
    return alive(Donation.objects.filter(fund_id=period.fund_id, date__range=(period.start, period.end)), period.end)


def donation_rows(period: PublishedPeriod, chunk: int = 5000):
    """(no, date, receipt, public donor name, form, amount) of every donation of the period that
    was not reversed, in date and receipt order; streamed."""
    qs = (_donations(period).order_by("date", "receipt_year", "receipt_no", "id")
          .values_list("date", "receipt_year", "receipt_no", "donor__name", "donor__anonymous", "form", "value_vnd"))
    for i, (d, y, n, name, anon, form, v) in enumerate(qs.iterator(chunk_size=chunk), start=1):
        yield i, d, f"{y}-{n:05d}", ANONYMOUS if anon else name, form, v


def movement(period: PublishedPeriod) -> Movement:
    """The money held (cash + bank + goods) from the ledger lines alone."""
    fund_id, a, b = period.fund_id, period.start, period.end
    assets = LedgerLine.objects.filter(fund_id=fund_id, account__in=ASSETS)
    m = Movement()
    m.opening = assets.filter(txn__date__lt=a).aggregate(t=Sum("amount"))["t"] or 0
    m.closing = assets.filter(txn__date__lte=b).aggregate(t=Sum("amount"))["t"] or 0
    inside = assets.filter(txn__date__range=(a, b))
    corrected = Q(txn__reverses__isnull=False) | Q(txn__reversal__date__lte=b)     # reversed by the end
    m.corrections = inside.filter(corrected).aggregate(t=Sum("amount"))["t"] or 0
    clean = inside.exclude(corrected)
    for r in clean.values("txn__kind", "account").annotate(t=Sum("amount")).order_by():
        kind, acc, t = r["txn__kind"], r["account"], r["t"] or 0
        if kind == "donation":
            if acc == "goods":
                m.received_goods += t
            else:
                m.received_money += t
        elif kind == "disbursement":
            m.paid -= t
    tr = clean.filter(txn__kind="transfer")
    m.transfers_in = tr.filter(amount__gt=0).aggregate(t=Sum("amount"))["t"] or 0
    m.transfers_out = -(tr.filter(amount__lt=0).aggregate(t=Sum("amount"))["t"] or 0)
    return m


def full_statement(period: PublishedPeriod) -> FullStatement:
    from .public import statement
    s = statement(period, limit=0)
    out = FullStatement(period, movement(period), s.allocations, s.allocated, s.by_purpose, s.by_unit, s.paid)
    agg = _donations(period).aggregate(t=Sum("value_vnd"))
    out.received = agg["t"] or 0
    out.donation_count = donation_count(period)
    return out


def version(period: PublishedPeriod) -> int:
    """Changes whenever the fund's books do (entries are only ever added): the last transaction."""
    return LedgerLine.objects.filter(fund_id=period.fund_id).aggregate(m=Max("txn_id"))["m"] or 0


def vnd(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def purpose_vi(p: str) -> str:
    return PURPOSE_NAMES.get(p, (p, p))[0]


def filename(period: PublishedPeriod, ext: str) -> str:
    f = period.fund
    return f"sao-ke-{slug(f.code)}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{ext}"


def _title(period) -> str:
    return f"SAO KÊ QUỸ \"VÌ NGƯỜI NGHÈO\" {period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"


def _movement_rows(m: Movement) -> list[tuple[str, int]]:
    return [("Số dư đầu kỳ (tiền mặt, tiền gửi, hiện vật)", m.opening),
            ("Tiếp nhận ủng hộ bằng tiền", m.received_money),
            ("Tiếp nhận ủng hộ bằng hiện vật (giá trị quy đổi)", m.received_goods),
            ("Nhận chuyển từ quỹ cấp khác", m.transfers_in),
            ("Chuyển cho quỹ cấp khác", -m.transfers_out),
            ("Chi hỗ trợ", -m.paid),
            ("Điều chỉnh (bút toán đã đảo và bút toán đảo)", m.corrections),
            ("Số dư cuối kỳ", m.closing)]


# ------------------------------------------------------------------ PDF

def fast_list(pdf, columns, heads, rows, size: float = 8, line_h: float = 4.2, pad_x: float = 1.2,
              pad_y: float = 0.4) -> None:
    """A ruled list of one-line rows, as ``OfficialPDF.grid`` draws it, for 100,000 rows: a row whose
    cells all fit on one line is written as one content-stream string (the cells' text operators and
    its rule, the text encoded once per distinct string); a row that does not fit (a long donor name)
    goes through ``grid`` (wrapped). The heading row repeats on every page."""
    from chungtay.reports.pdf import FONT
    xs = [pdf.l_margin]
    for w, _ in columns:
        xs.append(xs[-1] + w)
    total, x0, k = xs[-1] - xs[0], xs[0], pdf.k
    room = [w - 2 * pad_x for w, _ in columns]
    h = line_h + 2 * pad_y
    cache: dict[str, tuple[float, str]] = {}
    state = {"top": 0.0}

    def enc(text: str):
        got = cache.get(text)
        if got is None:
            cw = pdf.current_font.cw
            width = sum(cw[ord(ch)] if ord(ch) < len(cw) else 500 for ch in text) * pdf.font_size_pt / 1000 / k
            got = cache[text] = (width, pdf.current_font.encode_text(pdf.normalize_text(text)))
        return got

    def vrules():
        pdf._out(" ".join(f"{x * k:.2f} {(pdf.h - state['top']) * k:.2f} m {x * k:.2f} {(pdf.h - pdf.y) * k:.2f} l S"
                          for x in xs))

    def head():
        pdf.grid(columns, heads, [], size=size, line_h=line_h, pad_x=pad_x, pad_y=pad_y)
        pdf.set_font(FONT, "", size)
        pdf._out(pdf._set_font_for_page(pdf.current_font, pdf.font_size_pt))
        pdf.current_font_is_set_on_page = True
        state["top"] = pdf.y

    head()
    for cells in rows:
        encoded = [enc(t) for t in cells]
        wide = [w > r for (w, _), r in zip(encoded, room)]
        n = 1
        if any(wide):                       # a long donor name: wrapped in its cell
            n = max(len(pdf.multi_cell(r, line_h, t, dry_run=True, output="LINES")) if wd else 1
                    for t, r, wd in zip(cells, room, wide))
        hh = n * line_h + 2 * pad_y
        if pdf.y + hh > pdf.page_break_trigger:
            vrules()
            pdf.add_page()
            head()
        y = pdf.y
        base = (pdf.h - (y + pad_y + line_h / 2 + 0.3 * pdf.font_size)) * k
        ops = []
        for (w, code), (cw_, align), xa, wd in zip(encoded, columns, xs, wide):
            if wd:
                continue
            x = xa + (cw_ - w) / 2 if align == "C" else xa + cw_ - pad_x - w if align == "R" else xa + pad_x
            ops.append(f"BT {x * k:.2f} {base:.2f} Td {code} ET")
        yy = (pdf.h - y - hh) * k
        ops.append(f"{x0 * k:.2f} {yy:.2f} m {(x0 + total) * k:.2f} {yy:.2f} l S")
        pdf._out(" ".join(ops))
        for t, r, xa, wd in zip(cells, room, xs, wide):
            if wd:
                pdf.set_xy(xa + pad_x, y + pad_y)
                pdf.multi_cell(r, line_h, t)
        pdf.y = y + hh
    vrules()
    pdf.set_xy(x0, pdf.y)


def statement_pdf(period: PublishedPeriod, progress=None) -> bytes:
    from fpdf.enums import XPos, YPos

    from chungtay.reports.pdf import FONT, OfficialPDF

    from .receipt_pdf import FrontIssuer
    progress = progress or (lambda p, msg="": None)
    fund = period.fund
    s = full_statement(period)
    pdf = OfficialPDF(f"Sao kê {fund.name} {period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}", fund.committee)
    pdf.national_heading(FrontIssuer(fund.place), date_line(fund.place.name, period.published_at.date()))
    pdf.title_block([(_title(period), "B", 13), (inline_name(fund.place) + f" – mã quỹ {fund.code}", "B", 11)])

    def section(text):
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    section("I. Tình hình thu, chi trong kỳ (đồng)")
    pdf.grid(((130, "L"), (40, "R")), ("Nội dung", "Số tiền"),
             ([t, vnd(v)] for t, v in _movement_rows(s.movement)), size=9.5, line_h=5.4)
    pdf.ln(3)
    section(f"II. Phân bổ trong kỳ: {vnd(s.allocated)} đồng")
    pdf.grid(((28, "L"), (23, "C"), (47, "L"), (44, "L"), (28, "R")),
             ("Quyết định", "Ngày", "Mục đích", "Đơn vị", "Số tiền"),
             ([no, f"{d:%d/%m/%Y}", purpose_vi(p), u, vnd(v)] for no, d, p, u, v in s.allocations), size=9, line_h=5)
    pdf.ln(3)
    section(f"III. Chi hỗ trợ theo mục đích: {vnd(s.paid)} đồng")
    pdf.grid(((100, "L"), (30, "R"), (40, "R")), ("Mục đích", "Số hộ", "Số tiền"),
             [[purpose_vi(p), vnd(n), vnd(v)] for p, n, v in s.by_purpose] + [["Cộng", "", vnd(s.paid)]],
             size=9.5, line_h=5.4)
    pdf.ln(3)
    section("IV. Chi hỗ trợ theo địa bàn")
    pdf.grid(((100, "L"), (30, "R"), (40, "R")), ("Xã, phường", "Số hộ", "Số tiền"),
             [[u, vnd(n), vnd(v)] for u, n, v in s.by_unit] + [["Cộng", "", vnd(s.paid)]], size=9.5, line_h=5.4)
    pdf.ln(3)
    section(f"V. Danh sách ủng hộ: {vnd(s.donation_count)} lượt, {vnd(s.received)} đồng")
    progress(5, f"Đang lập danh sách {vnd(s.donation_count)} lượt ủng hộ")
    total = max(1, s.donation_count)

    def rows():
        for i, d, rec, name, form, v in donation_rows(period):
            if i % 5000 == 0:
                progress(5 + 80 * i // total, f"Đã lập {vnd(i)}/{vnd(s.donation_count)} lượt ủng hộ")
            yield [str(i), f"{d:%d/%m/%Y}", rec, name, FORM_VI.get(form, form), vnd(v)]
        yield ["", "", "", "Cộng", "", vnd(s.received)]
    fast_list(pdf, ((14, "R"), (20, "C"), (22, "C"), (72, "L"), (18, "C"), (24, "R")),
              ("STT", "Ngày", "Biên lai", "Nhà tài trợ", "Hình thức", "Số tiền"), rows())
    pdf.ln(4)
    pdf.paragraph("Số liệu lấy từ sổ Quỹ (tổng các bút toán); các bút toán đã đảo và bút toán đảo không liệt kê. "
                  "Nhà tài trợ đề nghị giấu tên được ghi là “Nhà hảo tâm giấu tên”.", "I", 9, 4.8)
    progress(88, "Đang ghi tệp PDF")
    return bytes(pdf.output())


# ------------------------------------------------------------------ Excel

def statement_xlsx(period: PublishedPeriod, progress=None) -> bytes:
    import xlsxwriter

    from chungtay.reports.xlsx import Styles
    progress = progress or (lambda p, msg="": None)
    fund = period.fund
    s = full_statement(period)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "constant_memory": True})
    wb.set_properties({"title": f"Sao kê {fund.name} {period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}",
                       "author": fund.committee, "comments": "Chung Tay"})
    st = Styles(wb)
    ws = wb.add_worksheet("Tong hop")
    ws.set_column(0, 0, 60)
    ws.set_column(1, 4, 20)
    r = 0
    for text, style in ((f"ỦY BAN MTTQ VIỆT NAM {(fund.place.full_name or fund.place.name).upper()}", st.bold_center),
                        (_title(period), st.title), (f"{fund.name} – mã quỹ {fund.code}", st.subtitle)):
        ws.merge_range(r, 0, r, 4, text, style)
        r += 1
    r += 1
    ws.write(r, 0, "I. Tình hình thu, chi trong kỳ (đồng)", st.section)
    r += 1
    for text, v in _movement_rows(s.movement):
        ws.write(r, 0, text, st.cell)
        ws.write_number(r, 1, v, st.int)
        r += 1
    r += 1
    ws.write(r, 0, "II. Phân bổ trong kỳ", st.section)
    r += 1
    for c, h in enumerate(("Quyết định", "Ngày", "Mục đích", "Đơn vị", "Số tiền")):
        ws.write(r, c, h, st.head)
    r += 1
    for no, d, p, u, v in s.allocations:
        ws.write_string(r, 0, no, st.cell)
        ws.write_string(r, 1, f"{d:%d/%m/%Y}", st.cell_center)
        ws.write_string(r, 2, purpose_vi(p), st.cell)
        ws.write_string(r, 3, u, st.cell)
        ws.write_number(r, 4, v, st.int)
        r += 1
    ws.write(r, 0, "Cộng", st.total_label)
    ws.write_number(r, 4, s.allocated, st.total_int)
    r += 2
    for title, head, items in (("III. Chi hỗ trợ theo mục đích", "Mục đích",
                                [(purpose_vi(p), n, v) for p, n, v in s.by_purpose]),
                               ("IV. Chi hỗ trợ theo địa bàn", "Xã, phường", s.by_unit)):
        ws.write(r, 0, title, st.section)
        r += 1
        for c, h in enumerate((head, "Số hộ", "Số tiền")):
            ws.write(r, c, h, st.head)
        r += 1
        for name, n, v in items:
            ws.write_string(r, 0, name, st.cell)
            ws.write_number(r, 1, n, st.int)
            ws.write_number(r, 2, v, st.int)
            r += 1
        ws.write(r, 0, "Cộng", st.total_label)
        ws.write_number(r, 2, s.paid, st.total_int)
        r += 2
    progress(5, f"Đang lập danh sách {vnd(s.donation_count)} lượt ủng hộ")
    ws = wb.add_worksheet("Ung ho")
    for c, w in enumerate((8, 12, 13, 50, 11, 16)):
        ws.set_column(c, c, w)
    ws.merge_range(0, 0, 0, 5, f"V. Danh sách ủng hộ {period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}: "
                   f"{vnd(s.donation_count)} lượt", st.section)
    for c, h in enumerate(("STT", "Ngày", "Biên lai", "Nhà tài trợ", "Hình thức", "Số tiền (đồng)")):
        ws.write_string(1, c, h, st.head)
    ws.freeze_panes(2, 0)
    r, total = 2, max(1, s.donation_count)
    cell, center, num = st.cell, st.cell_center, st.int
    for i, d, rec, name, form, v in donation_rows(period):
        ws.write_number(r, 0, i, center)
        ws.write_string(r, 1, f"{d:%d/%m/%Y}", center)
        ws.write_string(r, 2, rec, center)
        ws.write_string(r, 3, name, cell)
        ws.write_string(r, 4, FORM_VI.get(form, form), center)
        ws.write_number(r, 5, v, num)
        r += 1
        if i % 10000 == 0:
            progress(5 + 80 * i // total, f"Đã lập {vnd(i)}/{vnd(s.donation_count)} lượt ủng hộ")
    ws.write_string(r, 3, "Cộng", st.total_label)
    ws.write_number(r, 5, s.received, st.total_int)
    progress(90, "Đang ghi tệp Excel")
    wb.close()
    return buf.getvalue()


BUILDERS = {"pdf": (statement_pdf, "application/pdf"), "xlsx": (statement_xlsx, XLSX)}


# ------------------------------------------------------------------ the public page's cached files

def public_folder() -> Path:
    d = Path(settings.DATA_DIR) / "fund-public"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def public_file(period: PublishedPeriod, ext: str) -> Path:
    """Where the public statement of this period, at the books' current version, is kept."""
    return public_folder() / f"period-{period.pk}-v{version(period)}.{ext}"


def build_public(period_id: int, ext: str) -> str:
    """Build (once) the public statement file of the current version; older versions deleted."""
    period = PublishedPeriod.objects.select_related("fund__unit").filter(pk=period_id).first()
    if period is None or ext not in BUILDERS:
        return "missing"
    path = public_file(period, ext)
    if path.exists():
        return "exists"
    data = BUILDERS[ext][0](period)
    part = path.with_suffix(f".{os.getpid()}.part")
    fd = os.open(part, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(part, path)
    for old in public_folder().glob(f"period-{period.pk}-v*.{ext}"):
        if old != path:
            old.unlink(missing_ok=True)
    return "built"


# ------------------------------------------------------------------ prepared files (signed-in users)

def _kind_builder(ext):
    def build(user, unit, params, out, progress):
        from django.http import Http404

        from .models import Fund
        try:
            pk = int(params.get("period"))
        except (TypeError, ValueError):
            raise Http404("Thiếu kỳ công khai") from None
        period = (PublishedPeriod.objects.select_related("fund__unit")
                  .filter(pk=pk, fund__unit=unit, fund__in=Fund.objects.for_user(user)).first())
        if period is None:
            raise Http404("Không tìm thấy kỳ công khai của quỹ này")
        out.write(BUILDERS[ext][0](period, progress))
        progress(100, "Đã lập xong")
    return build


def _kind_name(ext):
    def name(unit, params):
        return f"sao-ke-quy-vi-nguoi-ngheo-{slug(unit.full_name or unit.name)}-ky-{params.get('period')}.{ext}"
    return name


def _register():
    from chungtay.jobs.files import Kind, register
    from chungtay.units.models import Unit
    units = ((Unit.SYSTEM_2025, Unit.PROVINCE), (Unit.SYSTEM_2025, Unit.COMMUNE))
    kinds = {}
    for ext, title in (("pdf", ("Sao kê Quỹ Vì người nghèo (PDF)", "Fund for the Poor statement (PDF)")),
                       ("xlsx", ("Sao kê Quỹ Vì người nghèo (Excel)", "Fund for the Poor statement (Excel)"))):
        kinds[ext] = register(Kind(f"fund.statement_{ext}", title, ext, BUILDERS[ext][1], units, _kind_builder(ext),
                                   _kind_name(ext), params=("period",)))
    return kinds


KINDS = _register()
