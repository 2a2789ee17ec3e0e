"""Helpers for the import tests: small workbooks and CSV files in the template's layout.

(No tests here: the file name only keeps it beside the tests it serves.)
"""
from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter

from chungtay.core.standards import standard_for_year

YEAR = 2024
INDICATORS = standard_for_year(YEAR).indicator_codes          # 2021–2025: 12 indicators
HH_HEAD = ["Mã hộ", "Thôn", "Địa chỉ", "Khu vực"]
MEMBER_HEAD = ["Mã hộ", "Họ tên", "Giới tính", "Năm sinh", "Dân tộc", "Quan hệ", "Số CCCD", "BHYT", "Học vấn",
               "Khuyết tật", "Việc làm"]
REVIEW_HEAD = ["Mã hộ", "Năm", "Thu nhập", "Điểm A", *[f"x ({c})" for c in INDICATORS], "Đăng ký thoát nghèo"]

# Citizen ID numbers: birth-place 062, century/sex digit, two digits of the birth year, six digits.
ID_AN = "062080123456"        # man, 1980
ID_BINH = "062182654321"      # woman, 1982
ID_CUONG = "062210111222"     # boy, 2010
ID_DUNG = "062075000777"      # man, 1975


def ticks(*deprived: str) -> list[int]:
    return [1 if c in deprived else 0 for c in INDICATORS]


def good_rows(village_name: str, village2: str, prefix: str = "00120") -> dict[str, list[list]]:
    """Three households (codes with leading zeros), seven members, three review answers."""
    a, b, c = f"{prefix}1", f"{prefix}2", f"{prefix}3"
    return {
        "Ho": [HH_HEAD,
               [a, village_name, "Số 1, đường Trần Phú", "nông thôn"],
               [b, village_name, "", ""],
               [c, village2, "Xóm Rẫy", "thành thị"]],
        "NhanKhau": [MEMBER_HEAD,
                     [a, "Nguyễn Văn An", "Nam", 1980, "Kinh", "Chủ hộ", ID_AN, "Có", "THPT", "Không", "Nông nghiệp"],
                     [a, "Lê Thị Bình", "Nữ", 1982, "Kinh", "Vợ", ID_BINH, "Có", "THCS", "", "Làm công"],
                     [a, "Nguyễn Văn Cường", "Nam", 2010, "Kinh", "Con", ID_CUONG, "Có", "Đang đi học", "", ""],
                     [b, "A Thút", "Nam", 1975, "Xơ Đăng", "Chủ hộ", ID_DUNG, "Không", "Tiểu học", "", "Nông nghiệp"],
                     [b, "Y Hoa", "Nữ", 1979, "Xơ Đăng", "Vợ", "", "Không", "Chưa đi học", "Có", "Nông nghiệp"],
                     [c, "Trần Thị Hạnh", "Nữ", 1960, "Kinh", "Chủ hộ", "", "Có", "", "", "Nghỉ hưu"],
                     [c, "Trần Minh Khang", "Nam", 1990, "Kinh", "Con", "", "Có", "Trên THPT", "", "Làm công"]],
        "RaSoat": [REVIEW_HEAD,
                   [a, YEAR, 1_200_000, "", *ticks("employment", "nutrition", "latrine"), "Có"],
                   [b, YEAR, "900.000", "", *ticks("employment", "health_insurance", "water_source", "latrine"), ""],
                   [c, YEAR, 4_000_000, "", *ticks(), "Không"]],
    }


def write_xlsx(path: Path, sheets: dict[str, list[list]], text_columns=("Mã hộ", "Số CCCD", "Thôn")) -> Path:
    """Codes are written as text cells (as the template's text-formatted columns keep them)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        header = rows[0]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is None or v == "":
                    continue
                if i > 0 and header[j] in text_columns:
                    ws.write_string(i, j, str(v))
                else:
                    ws.write(i, j, v)
    wb.close()
    return path


def write_csv(path: Path, rows: list[list], delimiter: str = ",", encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f, delimiter=delimiter)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
    return path


def villages_of(commune):
    from chungtay.units.models import Unit
    return list(Unit.objects.filter(parent=commune, level=Unit.VILLAGE).order_by("code"))


def run(user, commune, *paths, dry_run=False):
    from chungtay.imports.actions import run_import
    return run_import(user, commune, [(p, Path(p).name) for p in paths], dry_run=dry_run)


def db_counts():
    from chungtay.accounts.models import AuditEvent
    from chungtay.households.models import Assessment, Household, Member, YearSummary
    return {"households": Household.objects.count(), "members": Member.objects.count(),
            "assessments": Assessment.objects.count(), "summaries": YearSummary.objects.count(),
            "audit": AuditEvent.objects.count()}
