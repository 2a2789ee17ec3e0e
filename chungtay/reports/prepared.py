"""The reports that are too large for a web request, built by the worker as prepared files
(chungtay.jobs.files; docs/jobs.md, docs/reports.md):

* the posting lists of every commune of a province — a ZIP of the communes' PDFs, or one Excel
  workbook with a sheet per commune;
* the summary reports of a province and of each of its communes in one workbook (the province's
  sheet first, then one sheet per commune, rows = villages).

Each commune's part is exactly the commune's own output (the same ``data`` and layout functions),
read with the requesting user's scope.
"""
from __future__ import annotations

import io
import re
import zipfile

from chungtay.core import fmt
from chungtay.households.stats import year_rows
from chungtay.jobs.files import Kind, register
from chungtay.units.models import Unit

from . import data, pdf, xlsx

PROVINCE = ((Unit.SYSTEM_2025, Unit.PROVINCE),)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def communes_with_results(user, province: Unit, year: int) -> list[Unit]:
    """The province's communes with results of ``year`` in the user's area, in Vietnamese order."""
    communes = list(Unit.objects.filter(parent=province, system=Unit.SYSTEM_2025, level=Unit.COMMUNE)
                    .filter(id__in=year_rows(user, year).filter(province_id=province.id).values("commune_id")))
    communes.sort(key=lambda u: (fmt.sort_key(u.name), u.code))
    return communes


def _communes_or_404(user, province, year):
    communes = communes_with_results(user, province, year)
    if not communes:
        from django.http import Http404
        raise Http404(f"Không có kết quả rà soát năm {year} của xã nào trong {province.full_name}")
    return communes


def sheet_names(units: list[Unit]) -> list[str]:
    """Excel sheet names (≤ 31 characters, unique, none of []:*?/\\) from the units' names."""
    out, seen = [], set()
    for u in units:
        base = re.sub(r"[\[\]:*?/\\']", "", fmt.fold(u.name).title())[:28] or u.code
        name, n = base, 2
        while name.lower() in seen:
            name, n = f"{base[:26]} {n}", n + 1
        seen.add(name.lower())
        out.append(name)
    return out


def build_posting_zip(user, province, params, out, progress) -> None:
    year = params["year"]
    communes = _communes_or_404(user, province, year)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:     # PDFs are compressed already
        for i, c in enumerate(communes):
            progress(2 + 96 * i // len(communes), f"Đang lập danh sách {c.full_name} ({i + 1}/{len(communes)})")
            pl = data.posting_list(user, c, year)
            z.writestr(f"danh-sach-ho-ngheo-ho-can-ngheo-{data.slug(c.full_name)}-{year}.pdf", pdf.posting_list_pdf(pl))
    progress(100, "Đã lập xong")


def build_posting_xlsx(user, province, params, out, progress) -> None:
    import xlsxwriter
    year = params["year"]
    communes = _communes_or_404(user, province, year)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    wb.set_properties({"title": f"Danh sách hộ nghèo, hộ cận nghèo năm {year} – {province.full_name}",
                       "author": f"Chung Tay – {province.full_name}", "comments": "Chung Tay"})
    st = xlsx.Styles(wb)
    for i, (c, name) in enumerate(zip(communes, sheet_names(communes))):
        progress(2 + 90 * i // len(communes), f"Đang lập danh sách {c.full_name} ({i + 1}/{len(communes)})")
        xlsx.posting_list_sheet(wb, st, name, data.posting_list(user, c, year))
    progress(94, "Đang ghi tệp Excel")
    wb.close()
    out.write(buf.getvalue())
    progress(100, "Đã lập xong")


def build_summaries_xlsx(user, province, params, out, progress) -> None:
    import xlsxwriter
    year = params["year"]
    communes = _communes_or_404(user, province, year)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    wb.set_properties({"title": f"Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo năm {year} – {province.full_name}",
                       "author": f"Ủy ban nhân dân {province.full_name}", "comments": "Chung Tay"})
    st = xlsx.Styles(wb)
    progress(2, f"Đang lập biểu tổng hợp {province.full_name}")
    xlsx.summary_sheet(wb, st, "Toan tinh", data.summary(user, province, year), total_name="TongCong")
    names = sheet_names(communes)
    for i, (c, name) in enumerate(zip(communes, names)):
        progress(5 + 88 * i // len(communes), f"Đang lập biểu tổng hợp {c.full_name} ({i + 1}/{len(communes)})")
        xlsx.summary_sheet(wb, st, name, data.summary(user, c, year), total_name=None)
    progress(95, "Đang ghi tệp Excel")
    wb.close()
    out.write(buf.getvalue())
    progress(100, "Đã lập xong")


def _name(prefix: str, ext: str):
    return lambda unit, params: f"{prefix}-{data.slug(unit.full_name or unit.name)}-{params['year']}.{ext}"


POSTING_ZIP = register(Kind(
    "reports.posting_lists_zip", ("Danh sách niêm yết của các xã (PDF, nén .zip)",
                                  "Posting lists of every commune (PDFs in a .zip)"),
    "zip", "application/zip", PROVINCE, build_posting_zip, _name("danh-sach-niem-yet-cac-xa", "zip"),
    description=("Mỗi xã một tệp PDF, như bản in của xã.", "One PDF per commune, as the commune prints it.")))
POSTING_XLSX = register(Kind(
    "reports.posting_lists_xlsx", ("Danh sách niêm yết của các xã (Excel, mỗi xã một trang tính)",
                                   "Posting lists of every commune (Excel, a sheet per commune)"),
    "xlsx", XLSX, PROVINCE, build_posting_xlsx, _name("danh-sach-ho-ngheo-ho-can-ngheo-cac-xa", "xlsx")))
SUMMARIES_XLSX = register(Kind(
    "reports.summaries_xlsx", ("Biểu tổng hợp của tỉnh và từng xã (Excel)",
                               "Summary reports of the province and each commune (Excel)"),
    "xlsx", XLSX, PROVINCE, build_summaries_xlsx, _name("bieu-tong-hop-tinh-va-cac-xa", "xlsx"),
    description=("Trang tính đầu là biểu của tỉnh (theo xã), sau đó mỗi xã một trang tính (theo thôn).",
                 "The first sheet is the province's (by commune), then one sheet per commune (by village).")))
