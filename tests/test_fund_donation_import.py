"""Import of a donation list (Excel or CSV): all or nothing, every bad cell named by sheet, row,
column and value; receipts in file order; donors found by name or added."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chungtay.fund.models import Donation
from tests.fund_helpers import commune_front, donor, fund_of


@pytest.fixture
def setup(my_commune):
    front = commune_front(my_commune)
    fund = fund_of(front, my_commune)
    donor(front, fund, name="Công ty TNHH Minh Phát")
    return front, fund


def _xlsx(rows):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "UngHo"
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


HEAD = ["Nhà tài trợ", "Loại nhà tài trợ", "Giấu tên", "Ngày", "Số tiền / giá trị (đồng)", "Hình thức", "Kênh", "Hiện vật"]


def test_a_good_list_is_written_in_order(client, setup):
    front, fund = setup
    client.force_login(front)
    data = _xlsx([HEAD, ["Công ty TNHH Minh Phát", "", "", "20/10/2025", "5.000.000", "", "Chuyển khoản", ""],
                  ["Trần Thị C", "Cá nhân", "x", "21/10/2025", 200000, "Tiền", "Tiền mặt", ""],
                  ["Đồn Biên phòng Sa Huỳnh", "Đơn vị lực lượng vũ trang", "", "22/10/2025", 3000000, "Hiện vật", "",
                   "50 thùng mì"]])
    r = client.post(f"/fund/{fund.pk}/donations/import/", {"file": SimpleUploadedFile("ung-ho.xlsx", data)})
    assert r.status_code == 302, r.content.decode()[-3000:]
    rows = list(Donation.objects.filter(fund=fund).order_by("receipt_no").select_related("donor"))
    assert [(d.receipt_no, d.donor.name, d.value_vnd, d.form, d.channel) for d in rows] == [
        (1, "Công ty TNHH Minh Phát", 5_000_000, "money", "bank"), (2, "Trần Thị C", 200_000, "money", "cash"),
        (3, "Đồn Biên phòng Sa Huỳnh", 3_000_000, "in_kind", "")]
    assert rows[1].donor.anonymous and rows[2].donor.kind == "armed_forces"
    assert fund.donors.count() == 3


def test_one_bad_cell_and_nothing_is_written(client, setup):
    front, fund = setup
    client.force_login(front)
    data = _xlsx([HEAD, ["A", "", "", "20/10/2025", "5.000.000", "", "", ""],
                  ["B", "", "", "31/02/2025", "1,5", "", "", ""],
                  ["C", "", "", "20/10/2025", "100", "Hiện vật", "", ""]])
    r = client.post(f"/fund/{fund.pk}/donations/import/", {"file": SimpleUploadedFile("sai.xlsx", data)})
    page = r.content.decode()
    assert r.status_code == 200
    assert "Ngày không hợp lệ" in page and "Số tiền phải là số đồng nguyên" in page
    assert "Ghi hiện vật ủng hộ" in page                       # row 4: in kind without the goods
    assert not Donation.objects.filter(fund=fund).exists() and fund.donors.count() == 1


def test_a_csv_without_a_required_column(client, setup):
    front, fund = setup
    client.force_login(front)
    r = client.post(f"/fund/{fund.pk}/donations/import/",
                    {"file": SimpleUploadedFile("ds.csv", "Nhà tài trợ,Ngày\nA,20/10/2025\n".encode())})
    assert r.status_code == 200 and "Thiếu cột bắt buộc &#x27;Số tiền / giá trị (đồng)&#x27;" in r.content.decode()
