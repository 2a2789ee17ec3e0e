"""The tablet-survey pages of a round through the web client: the link on the round page (only
for who may use it), the two downloads, the upload (imported table or error table), the ODK
Central sync button; and the same pages in headless Chromium as the commune officer."""
from __future__ import annotations

import io
from types import SimpleNamespace as NS

import pytest
from django.urls import reverse
from pyxform.xls2xform import convert

from chungtay.field import xlsform
from chungtay.field.models import FieldSubmission
from chungtay.households.models import Assessment
from chungtay.reviews import actions as round_actions
from tests.stubs import exports
from tests.stubs.odk_central import CentralStub

YEAR = 2026


@pytest.fixture
def rnd(commune_officer, my_commune):
    r = round_actions.open_round(commune_officer, my_commune, YEAR)
    round_actions.start_survey(commune_officer, r)
    return r


def kobo_file(rnd, codes, *, income="1200000", name="kobo.csv"):
    form = xlsform.build(rnd, [("x", "x")])
    subs = [{"uuid": f"11111111-2222-4333-8444-{i:012d}", "values": {
        "ma_ho": c, "can_cu": "income", "thu_nhap": income, "thieu_hut": "employment nutrition latrine"}}
        for i, c in enumerate(codes)]
    f = io.BytesIO(exports.to_csv(exports.kobo_rows(form, subs), ";"))
    f.name = name
    return f


def test_round_page_links_to_the_tablet_survey_only_for_the_officer(client, rnd, commune_officer, village_head,
                                                                    province_officer):
    link = reverse("field:round", args=[rnd.pk])
    client.force_login(commune_officer)
    assert link in client.get(reverse("round", args=[rnd.pk])).content.decode()
    for user in (village_head, province_officer):
        client.force_login(user)
        page = client.get(reverse("round", args=[rnd.pk]))
        assert page.status_code == 200 and link not in page.content.decode()
        assert client.get(link).status_code == 403


def test_downloads(client, rnd, commune_officer):
    client.force_login(commune_officer)
    page = client.get(reverse("field:round", args=[rnd.pk])).content.decode()
    assert f"chungtay_{rnd.commune.code}_{YEAR}" in page and "Dữ liệu cá nhân" in page
    r = client.get(reverse("field:xlsform", args=[rnd.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="chungtay_{rnd.commune.code}_{YEAR}.xlsx"' in r["Content-Disposition"]
    assert convert(xlsform=io.BytesIO(r.content), file_type=".xlsx").warnings == []
    r = client.get(reverse("field:households", args=[rnd.pk]))
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    text = r.content.decode("utf-8")
    assert text.startswith("name,label,thon,chu_ho,ten_thon,khu_vuc,ket_qua_truoc")
    assert len(text.splitlines()) == rnd.members.count() + 1


def test_upload_imports_or_shows_the_errors(client, rnd, commune_officer):
    client.force_login(commune_officer)
    url = reverse("field:import", args=[rnd.pk])
    codes = list(rnd.members.filter(household__is_urban=False).order_by("household__code")
                 .values_list("household__code", flat=True)[:3])
    bad = client.post(url, {"file": kobo_file(rnd, codes, income="-3")})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "3 lỗi – chưa ghi gì" in html and "Thu nhập không được âm" in html
    assert not FieldSubmission.objects.exists()
    ok = client.post(url, {"file": kobo_file(rnd, codes)})
    assert ok.status_code == 200
    html = ok.content.decode()
    assert "Đã nhập: 3 hộ" in html and html.count('class="tag poor"') == 3
    assert "Hộ nghèo: thu nhập 1.200.000 đ ≤ chuẩn nghèo 1.500.000 đ" in html
    assert Assessment.objects.filter(household__code__in=codes, year=YEAR, is_current=True, category="poor").count() == 3
    again = client.post(url, {"file": kobo_file(rnd, codes)})
    assert "Không có gì thay đổi" in again.content.decode() and FieldSubmission.objects.count() == 3
    assert client.post(url, {}).status_code == 400


def test_the_web_upload_has_a_size_limit(client, rnd, commune_officer, monkeypatch):
    from chungtay.field import submissions
    monkeypatch.setattr(submissions, "WEB_MAX_SUBMISSIONS", 2)
    client.force_login(commune_officer)
    codes = list(rnd.members.order_by("household__code").values_list("household__code", flat=True)[:3])
    r = client.post(reverse("field:import", args=[rnd.pk]), {"file": kobo_file(rnd, codes)})
    assert r.status_code == 400 and "Tệp có 3 dòng, quá 2 phiếu một lần nhập" in r.content.decode()
    assert not FieldSubmission.objects.exists()


def test_sync_button(client, rnd, commune_officer, monkeypatch):
    client.force_login(commune_officer)
    url = reverse("field:sync", args=[rnd.pk])
    r = client.post(url)
    assert r.status_code == 400 and "Chưa cấu hình máy chủ ODK Central" in r.content.decode()
    code = rnd.members.order_by("household__code").first().household.code
    with CentralStub(email="a@b.vn", password="p", project=3, form=f"chungtay_{rnd.commune.code}_{YEAR}") as stub:
        stub.add("uuid:abc", {"ho": {"ma_ho": code}, "thu_nhap_diem": {"can_cu": "income", "thu_nhap": 5_000_000},
                              "chi_so": {"thieu_hut": "khong"}, "dang_ky_thoat_ngheo": "0"})
        for k, v in {"URL": stub.url, "PROJECT": "3", "EMAIL": "a@b.vn", "PASSWORD": "p"}.items():
            monkeypatch.setenv(f"CHUNGTAY_ODK_CENTRAL_{k}", v)
        page = client.get(reverse("field:round", args=[rnd.pk])).content.decode()
        assert "Đồng bộ từ ODK Central" in page and "127.0.0.1" in page and "a@b.vn" not in page
        r = client.post(url)
    assert r.status_code == 200 and "Đã nhập: 1 hộ" in r.content.decode()
    assert FieldSubmission.objects.get().source == "central"


# ------------------------------------------------------------------ in the browser

@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_officer_downloads_the_form_and_imports_in_the_browser(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from tests.installations import installation, served
    from tests.test_e2e_pages import CHROMIUM, PASSWORD, SHOTS as shots
    shots.mkdir(parents=True, exist_ok=True)
    with installation(tmp_path / "inst", "field", 1500) as inst, served(inst) as server, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = b.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN", accept_downloads=True)
        page.goto(server + "/login/")
        page.fill("input[name=username]", "xa")
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary")
        page.goto(server + "/reviews/")
        page.fill("input[name=year]", str(YEAR))
        page.click("button:has-text('Mở đợt rà soát')")
        page.click("button:has-text('Bắt đầu rà soát')")
        expect(page.locator("#field-survey")).to_be_visible()
        page.click("#field-survey a")
        expect(page.locator("h1")).to_have_text("Rà soát bằng máy tính bảng")
        page.screenshot(path=str(shots / "field-1-page.png"), full_page=True)
        with page.expect_download() as d:
            page.click("a:has-text('Tải biểu mẫu XLSForm')")
        assert convert(xlsform=d.value.path(), file_type=".xlsx").warnings == []
        with page.expect_download() as d:
            page.click("a:has-text('Tải danh sách hộ')")
        lines = open(d.value.path(), encoding="utf-8").read().splitlines()
        codes = [ln.split(",")[0] for ln in lines[1:4]]
        rnd = NS(year=YEAR, kind="periodic", month=None, commune=NS(code="x", full_name="x"))
        bad = tmp_path / "loi.csv"
        bad.write_bytes(kobo_file(rnd, codes, income="abc").getvalue())
        page.set_input_files("input[name=file]", str(bad))
        page.click("button:has-text('Kiểm tra và nhập')")
        expect(page.locator("#field-errors")).to_contain_text("Thu nhập phải là số (đồng/người/tháng)")
        page.screenshot(path=str(shots / "field-2-errors.png"), full_page=True)
        good = tmp_path / "kobo.csv"
        good.write_bytes(kobo_file(rnd, codes).getvalue())
        page.set_input_files("input[name=file]", str(good))
        page.click("button:has-text('Kiểm tra và nhập')")
        expect(page.locator("#field-result tbody tr")).to_have_count(3)
        expect(page.locator("#field-result")).to_contain_text("Hộ nghèo")
        page.screenshot(path=str(shots / "field-3-imported.png"), full_page=True)
        b.close()
        assert inst.sql("select count(*) from field_fieldsubmission")[0][0] == 3
