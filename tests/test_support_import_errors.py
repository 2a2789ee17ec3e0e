"""Supports from Excel: the template comes back in, bad rows are reported by file, row, column
and reason in Vietnamese, and one bad row writes nothing."""
import csv
import io

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from chungtay.accounts.models import AuditEvent
from chungtay.households.models import Household
from chungtay.support import importer
from chungtay.support.models import Support
from tests.support_helpers import poor_in

HEAD = ["Mã hộ", "Số TT thành viên", "Mã chương trình", "Loại hỗ trợ", "Mô tả", "Số lượng", "Đơn vị tính",
        "Giá trị (đồng)", "Nguồn vốn", "Ngày", "Trạng thái", "Đơn vị / tổ chức hỗ trợ", "Số văn bản"]


def workbook(path, rows, head=HEAD):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("HoTro")
    for j, h in enumerate(head):
        ws.write_string(0, j, h)
    for i, r in enumerate(rows, 1):
        for j, v in enumerate(r):
            if v is None:
                continue
            if isinstance(v, (int, float)):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, v)
    wb.close()
    return path


def good_row(code, value=20_000_000):
    return [code, None, "GNBV2125.DA3.TDA1", "Con giống, vật nuôi", "Bò cái", 1, "con", value, "NSTW 70%; HO 30%",
            "10/05/2024", "Đã trao", None, "12/QĐ-UBND"]


def test_a_good_file_is_written_with_its_audit(tmp_path, commune_officer, my_commune):
    hs = poor_in(my_commune, 2024, 3)
    f = workbook(tmp_path / "ho-tro.xlsx", [good_row(h.code) for h in hs])
    result = importer.check_and_import(commune_officer, f, "ho-tro.xlsx")
    assert result.problems == [] and result.written == 3
    rows = Support.objects.filter(household__in=hs, source="import")
    assert rows.count() == 3 and {s.provider_unit_id for s in rows} == {my_commune.pk}
    assert [(x.source.code, x.amount_vnd) for x in rows[0].funding.all()] == [("NSTW", 14_000_000), ("HO", 6_000_000)]
    assert AuditEvent.objects.filter(action="support.import", changes__rows=3).exists()


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(tmp_path, commune_officer, my_commune,
                                                                        other_commune):
    hs = poor_in(my_commune, 2024, 3)
    stranger = Household.objects.filter(commune=other_commune).order_by("id").first()
    bad_value = good_row(hs[1].code)
    bad_value[7] = "hai mươi triệu"
    bad_funding = good_row(hs[2].code)
    bad_funding[8] = "NSTW 70%; HO 20%"
    bad_programme = good_row(hs[0].code)
    bad_programme[2] = "GNBV2125.DA9"
    bad_date = good_row(hs[0].code)
    bad_date[9] = "32/13/2024"
    rows = [good_row(hs[0].code), bad_value, bad_funding, good_row(stranger.code), bad_programme, bad_date]
    f = workbook(tmp_path / "loi.xlsx", rows)
    before = Support.objects.count()
    result = importer.check_and_import(commune_officer, f, "loi.xlsx")
    got = {(p.row, p.column): p.reason for p in result.problems}
    assert got[(3, "Giá trị (đồng)")].startswith("Giá trị phải là số đồng nguyên")
    assert got[(4, "Nguồn vốn")] == "Các tỷ lệ cộng lại 90%, phải đúng 100%"
    assert got[(5, "Mã hộ")] == "Không có hộ mã này trong địa bàn được giao"
    assert "Không có mã chương trình" in got[(6, "Mã chương trình")]
    assert "Ngày không hợp lệ" in got[(7, "Ngày")]
    assert (2, "Mã hộ") not in got and all(p.sheet == "HoTro" for p in result.problems)
    assert Support.objects.count() == before


def test_a_rule_of_the_form_is_reported_on_its_column(tmp_path, commune_officer, my_commune):
    h = poor_in(my_commune, 2024, 1)[0]
    row = good_row(h.code)
    row[9] = "10/05/2019"                      # before the programme's period
    result = importer.check_and_import(commune_officer, workbook(tmp_path / "a.xlsx", [row]), "a.xlsx")
    assert [(p.row, p.column) for p in result.problems] == [(2, "Mã chương trình")]
    assert "2021–2025" in result.problems[0].reason


def test_missing_columns_and_unreadable_files(tmp_path, commune_officer):
    f = workbook(tmp_path / "thieu.xlsx", [["X"]], head=["Mã hộ", "Ghi chú"])
    reasons = [p.reason for p in importer.check_and_import(commune_officer, f, "thieu.xlsx").problems]
    assert "Thiếu cột bắt buộc 'Mã chương trình' (chuong_trinh)" in reasons
    junk = tmp_path / "hong.xlsx"
    junk.write_bytes(b"not a zip at all")
    problems = importer.check_and_import(commune_officer, junk, "hong.xlsx").problems
    assert len(problems) == 1 and problems[0].reason.startswith("Tệp 'hong.xlsx'")
    odd = tmp_path / "a.txt"
    odd.write_text("x")
    assert "Không hỗ trợ loại tệp" in importer.check_and_import(commune_officer, odd, "a.txt").problems[0].reason


def test_the_template_lists_the_catalogue_and_reads_back(tmp_path, commune_officer, my_commune):
    data = importer.template()
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert wb.sheet_names == ["HoTro", "HuongDan"]
    assert wb.get_sheet_by_name("HoTro").to_python()[0] == HEAD
    guide = [c for r in wb.get_sheet_by_name("HuongDan").to_python() for c in r]
    assert "GNBV2125.DA3.TDA1" in guide and "MTQG2635" in guide and "NSTW" in guide
    # the template with rows typed in imports
    h = poor_in(my_commune, 2024, 1)[0]
    f = workbook(tmp_path / "mau.xlsx", [good_row(h.code)])
    assert importer.check_and_import(commune_officer, f, "mau.xlsx").written == 1


def test_csv_and_the_page(tmp_path, client, commune_officer, my_commune, village_head):
    h = poor_in(my_commune, 2024, 1)[0]
    row = good_row(h.code, 0)
    row[8] = "NSTW 100%"
    buf = io.StringIO()
    csv.writer(buf).writerows([HEAD, ["" if v is None else v for v in row]])
    text = buf.getvalue()
    client.force_login(commune_officer)
    r = client.post("/support/import/", {"file": _upload("ho-tro.csv", text.encode())})
    assert r.status_code == 302 and Support.objects.filter(household=h, source="import", value_vnd=0).exists()
    bad = text.replace(h.code, "MA-SAI")
    r = client.post("/support/import/", {"file": _upload("sai.csv", bad.encode())})
    page = r.content.decode()
    assert r.status_code == 200 and "Không ghi gì" in page and "Không có hộ mã này trong địa bàn được giao" in page
    assert client.get("/support/import/template.xlsx").status_code == 200
    client.force_login(village_head)
    assert client.get("/support/import/").status_code == 403


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(name, data)
