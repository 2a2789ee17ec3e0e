"""Import of a donation list from Excel (.xlsx, .ods) or CSV into one fund: all or nothing, one
problem per bad cell (file, sheet, row as numbered in the spreadsheet, column, value, why — in
Vietnamese). The file is read with the support import's reader and limits
(``chungtay.support.importer.read_grid``, ``chungtay.core.limits``); every row is checked with the
form's rules (``actions.check_donation``) before anything is written; then the rows are written in
file order, each with the next receipt number. A donor named in the file is the fund's donor of
that name, or a new one."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from chungtay.imports import reader
from chungtay.imports.reader import Problem
from chungtay.imports.spec import fold_key
from chungtay.support.importer import _choice, _date, _integer, _text, read_grid

from . import actions
from .models import Donation, Donor, Fund

MAX_ROWS = 20_000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool
    help: str


COLUMNS = [
    Column("nha_tai_tro", "Nhà tài trợ", True, "Tên cá nhân, tổ chức, doanh nghiệp, đơn vị"),
    Column("loai", "Loại nhà tài trợ", False, "Cá nhân / Cơ quan, tổ chức / Doanh nghiệp / Đơn vị / Đơn vị lực lượng vũ trang "
                                              "(để trống: Cá nhân)"),
    Column("giau_ten", "Giấu tên", False, "x hoặc có: công khai là “Nhà hảo tâm giấu tên”"),
    Column("ngay", "Ngày", True, "dd/mm/yyyy"),
    Column("so_tien", "Số tiền / giá trị (đồng)", True, "Số đồng nguyên, ví dụ 2.000.000"),
    Column("hinh_thuc", "Hình thức", False, "Tiền / Hiện vật (để trống: Tiền)"),
    Column("kenh", "Kênh", False, "Tiền mặt / Chuyển khoản / Trích lương (để trống: Chuyển khoản)"),
    Column("hien_vat", "Hiện vật", False, "Bắt buộc khi hình thức là hiện vật: loại, số lượng"),
    Column("dot", "Đợt vận động", False, "Tên đợt vận động của quỹ"),
    Column("ma_giao_dich", "Mã giao dịch", False, "Mã giao dịch ngân hàng"),
]
BY_KEY = {c.key: c for c in COLUMNS}
FIELD_COLUMN = {"donor": "nha_tai_tro", "value_vnd": "so_tien", "date": "ngay", "form": "hinh_thuc",
                "channel": "kenh", "goods": "hien_vat", "campaign": "dot", "pledge": "nha_tai_tro"}


@dataclass
class Result:
    problems: list[Problem]
    rows: int = 0
    written: int = 0


def _header_key(cell) -> str | None:
    k = fold_key(cell) if cell is not None and str(cell).strip() else None
    return next((c.key for c in COLUMNS if k in (c.key, fold_key(c.label))), None)


def check_and_import(actor, fund: Fund, path: str | Path, name: str) -> Result:
    """Check every row; write all of them (or, with one problem, none)."""
    actions.require_fund(actor, "donation_record", fund)
    try:
        sheet, grid = read_grid(path, name)
    except reader.ReadError as e:
        return Result(e.problems)
    if not grid:
        return Result([Problem(sheet, 1, "", "", f"Tệp '{name}': bảng rỗng")])
    index: dict[str, int] = {}
    problems: list[Problem] = []
    for j, cell in enumerate(grid[0]):
        key = _header_key(cell)
        if key is not None:
            if key in index:
                problems.append(Problem(sheet, 1, _text(cell), _text(cell), f"Cột trùng: '{BY_KEY[key].label}'"))
            index[key] = j
    for c in COLUMNS:
        if c.required and c.key not in index:
            problems.append(Problem(sheet, 1, c.label, "", f"Thiếu cột bắt buộc '{c.label}' ({c.key})"))
    if len(grid) - 1 > MAX_ROWS:
        problems.append(Problem(sheet, 1, "", "", f"Quá nhiều dòng: tối đa {MAX_ROWS:,} dòng mỗi lần".replace(",", ".")))
    if problems:
        return Result(problems)

    def cell(r, key):
        j = index.get(key)
        return r[j] if j is not None and j < len(r) else None

    rows = [(i + 2, r) for i, r in enumerate(grid[1:]) if any(_text(cell(r, c.key)) for c in COLUMNS)]
    if not rows:
        return Result([Problem(sheet, 2, "", "", "Bảng không có dòng dữ liệu nào")])
    donors = {fold_key(d.name): d for d in fund.donors.all()}
    campaigns = {fold_key(c.name): c for c in fund.campaigns.all()}
    todo = []
    for rowno, r in rows:
        bad: list[Problem] = []

        def add(key, reason):
            bad.append(Problem(sheet, rowno, BY_KEY[key].label, _text(cell(r, key))[:80], reason))
        donor_name = _text(cell(r, "nha_tai_tro"))[:200]
        kind = _choice(cell(r, "loai"), Donor.KINDS) if _text(cell(r, "loai")) else "individual"
        if kind is None:
            add("loai", "Loại nhà tài trợ không hợp lệ")
        donor = donors.get(fold_key(donor_name)) if donor_name else None
        if not donor_name:
            add("nha_tai_tro", "Thiếu tên nhà tài trợ")
        elif donor is None:
            donor = Donor(fund=fund, kind=kind or "individual", name=donor_name,
                          anonymous=fold_key(_text(cell(r, "giau_ten"))) in ("x", "co", "yes", "1"))
        form = _choice(cell(r, "hinh_thuc"), Donation.FORMS) if _text(cell(r, "hinh_thuc")) else Donation.MONEY
        if form is None:
            add("hinh_thuc", "Hình thức: Tiền hoặc Hiện vật")
        channel = ""
        if form == Donation.MONEY:
            channel = _choice(cell(r, "kenh"), Donation.CHANNELS) if _text(cell(r, "kenh")) else "bank"
            if channel is None:
                add("kenh", "Kênh: Tiền mặt, Chuyển khoản hoặc Trích lương")
        value = _integer(cell(r, "so_tien"))
        if value is None:
            add("so_tien", "Số tiền phải là số đồng nguyên")
        day = _date(cell(r, "ngay"))
        if day is None:
            add("ngay", "Ngày không hợp lệ (dd/mm/yyyy)")
        campaign = None
        if _text(cell(r, "dot")):
            campaign = campaigns.get(fold_key(_text(cell(r, "dot"))))
            if campaign is None:
                add("dot", "Quỹ không có đợt vận động tên này")
        if not bad:
            errors = actions.check_donation(fund, donor=donor, date=day, value_vnd=value, form=form, channel=channel,
                                            campaign=campaign, goods=_text(cell(r, "hien_vat")))
            for field, message in errors.items():
                add(FIELD_COLUMN.get(field, "nha_tai_tro"), message)
        problems += bad
        todo.append((donor, dict(date=day, value_vnd=value, form=form, channel=channel, campaign=campaign,
                                 goods=_text(cell(r, "hien_vat"))[:300],
                                 bank_reference=_text(cell(r, "ma_giao_dich"))[:100])))
    if problems:
        return Result(problems, rows=len(rows))
    with transaction.atomic():
        for donor, kw in todo:
            if donor.pk is None:
                key = fold_key(donor.name)
                if key in donors and donors[key].pk:
                    donor = donors[key]
                else:
                    donor = actions.create_donor(actor, fund, kind=donor.kind, name=donor.name, anonymous=donor.anonymous)
                    donors[key] = donor
            actions.record_donation(actor, fund, donor=donor, source="import", **kw)
    return Result([], rows=len(rows), written=len(todo))
