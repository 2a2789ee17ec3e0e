"""The poor / near-poor household certificate: only for a household whose current result of
the year is poor or near-poor; members as the law lists them; no ID number, income or health."""
import re

import pytest
from django.urls import reverse

from chungtay.accounts.models import AuditEvent
from chungtay.core.fmt import nfc
from chungtay.core.standards import standard_for_year
from chungtay.households import actions
from chungtay.households.models import Assessment
from chungtay.reports import data
from chungtay.reports.readback import pdf_text
from chungtay.units.models import Unit

YEAR = 2025


def _url(hh_id, year=YEAR):
    return reverse("reports:certificate_pdf", args=[hh_id]) + f"?year={year}"


def _result(commune, category):
    return (Assessment.objects.filter(commune=commune, year=YEAR, kind=Assessment.PERIODIC, is_current=True,
                                      category=category).select_related("household").order_by("id").first())


@pytest.mark.parametrize("category, title", [("poor", "GIẤY CHỨNG NHẬN HỘ NGHÈO"),
                                             ("near_poor", "GIẤY CHỨNG NHẬN HỘ CẬN NGHÈO")])
def test_certificate_of_a_poor_or_near_poor_household(as_commune_officer, my_commune, category, title):
    a = _result(my_commune, category)
    r = as_commune_officer.get(_url(a.household_id))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    disp = r["Content-Disposition"]
    assert re.match(r'^inline; filename="giay-chung-nhan-[a-z0-9-]+-2025\.pdf"$', disp), disp
    assert r["Cache-Control"] == "no-store, private"
    text = pdf_text(r.content)
    flat = " ".join(text.split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     my_commune.full_name.upper(), title, f"Năm {YEAR}", "CHỦ TỊCH", "(Ký, ghi rõ họ tên, đóng dấu)",
                     "Họ và tên", "Dân tộc", "Quan hệ với chủ hộ", "Năm sinh", "Nam", "Nữ",
                     f"hộ cận nghèo năm {YEAR + 1}", my_commune.name):
        assert expected in flat, expected
    hh = a.household
    assert nfc(hh.head_name) in flat
    for m in hh.members.all():
        assert re.search(rf"{re.escape(nfc(m.full_name))} {re.escape(m.ethnicity)} ", flat), m.full_name
        assert str(m.birth_year) in flat


def test_birth_year_goes_in_the_column_of_the_members_sex(commune_officer, my_commune):
    a = _result(my_commune, "poor")
    cert = data.certificate(commune_officer, a.household_id, YEAR)
    members = list(a.household.members.all())
    assert len(cert.members) == len(members)
    assert cert.members[0].relation == "Chủ hộ"
    by_name = {m.full_name: m for m in members}
    for row in cert.members:
        m = by_name[row.name]
        assert (row.born_male, row.born_female) == ((m.birth_year, None) if m.sex == "M" else (None, m.birth_year))
        assert row.ethnicity == m.ethnicity


@pytest.mark.parametrize("category", ["average", "above_average"])
def test_no_certificate_when_the_year_result_is_not_poor(as_commune_officer, my_commune, category):
    a = _result(my_commune, category)
    r = as_commune_officer.get(_url(a.household_id))
    assert r.status_code == 404
    body = r.content.decode()
    assert "Không cấp giấy chứng nhận hộ nghèo, hộ cận nghèo" in body
    assert "không cấp giấy chứng nhận" in body


def test_no_certificate_for_a_year_without_result(as_commune_officer, my_commune):
    a = _result(my_commune, "poor")
    r = as_commune_officer.get(_url(a.household_id, 1999))
    assert r.status_code == 404 and "Hộ chưa có kết quả rà soát năm 1999" in r.content.decode()


@pytest.fixture
def certified(commune_officer, my_commune):
    village = Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).order_by("code").first()
    hh = actions.create_household(commune_officer, code="RPT-CERT-1", village=village, address="Số 9, đường Hoa",
                                  head={"full_name": "Hoàng Văn Chứng", "sex": "M", "birth_year": 1975,
                                        "ethnicity": "Tày", "citizen_id": "051075001357", "health_insurance": True,
                                        "disability": True})
    actions.add_member(commune_officer, hh, {"full_name": "Nông Thị Nhận", "sex": "F", "birth_year": 1979,
                                             "ethnicity": "Nùng", "relation": "spouse", "citizen_id": "051179002468"})
    actions.add_member(commune_officer, hh, {"full_name": "Hoàng Văn Con", "sex": "M", "birth_year": 2010,
                                             "ethnicity": "Tày", "relation": "child"})
    std = standard_for_year(YEAR)
    actions.record_assessment(commune_officer, hh, year=YEAR, income=987_654, deprived=list(std.indicator_codes[:3]),
                              _round_ok=True)      # recorded by the year's round
    return hh, std


def test_certificate_lists_members_without_private_details(as_commune_officer, certified):
    hh, std = certified
    r = as_commune_officer.get(_url(hh.pk))
    assert r.status_code == 200
    flat = " ".join(pdf_text(r.content).split())
    assert "Hộ gia đình ông/bà: Hoàng Văn Chứng" in flat and "Dân tộc: Tày" in flat
    assert "1 Hoàng Văn Chứng Tày Chủ hộ 1975" in flat
    assert "2 Nông Thị Nhận Nùng Vợ 1979" in flat
    assert "3 Hoàng Văn Con Tày Con 2010" in flat
    assert "Số 9, đường Hoa" in flat                     # the address is on the certificate
    for leak in ("051075001357", "051179002468", "1357", "2468", "987654", "987.654", "CCCD", "Thu nhập",
                 "thu nhập", "BHYT", "khuyết tật", "sức khỏe", *[i.name_vi for i in std.indicators[:3]]):
        assert leak not in flat, leak


def test_certificate_is_audited_without_names(as_commune_officer, commune_officer, certified):
    hh, _ = certified
    as_commune_officer.get(_url(hh.pk))
    ev = AuditEvent.objects.filter(action="report.certificate", object_id=str(hh.pk)).get()
    assert ev.actor == commune_officer and ev.changes == {"year": YEAR, "category": "poor"}
    assert "Hoàng" not in str(ev.changes)


def test_a_later_regular_review_withdraws_the_certificate(as_commune_officer, commune_officer, certified):
    hh, std = certified
    assert as_commune_officer.get(_url(hh.pk)).status_code == 200
    actions.record_assessment(commune_officer, hh, year=YEAR, income=9_000_000, deprived=[],
                              kind=Assessment.REGULAR, reason="thoát nghèo qua rà soát thường xuyên")
    r = as_commune_officer.get(_url(hh.pk))
    assert r.status_code == 404 and "không cấp giấy chứng nhận" in r.content.decode()
