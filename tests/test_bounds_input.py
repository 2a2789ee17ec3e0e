"""Numbers have sensible bounds; the survey accepts Vietnamese number formats; duplicate citizen
IDs and impossible birth years are refused with a clear message (web form, actions and import)."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chungtay.households import actions
from chungtay.households.bounds import MAX_INCOME
from chungtay.units.models import Unit

from .test_import_support import ID_AN, good_rows, run, villages_of, write_xlsx

HEAD = {"full_name": "Nguyễn Văn An", "sex": "M", "birth_year": 1980, "ethnicity": "Kinh", "citizen_id": ID_AN}


@pytest.fixture
def village(my_commune):
    return Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).order_by("code").first()


@pytest.fixture
def household(commune_officer, village):
    return actions.create_household(commune_officer, code="B-0001", village=village, head=HEAD)


def _survey(client, hh, value, lang="vi", basis="income"):
    client.cookies["chungtay_lang"] = lang
    return client.post(reverse("assessment_new", args=[hh.pk]) + "?year=2026",
                       {"year": 2026, "basis": basis, "value": value})


def test_the_survey_accepts_vietnamese_thousands(as_commune_officer, household):
    r = _survey(as_commune_officer, household, "1.200.000")
    assert r.status_code == 302
    assert household.assessments.get(year=2026).income == 1_200_000


@pytest.mark.parametrize("typed,stored", [("1200000", 1_200_000), ("1,200,000", 1_200_000),
                                          ("1.200.000 đ", 1_200_000), ("1.500.000,4", 1_500_000)])
def test_the_survey_reads_income_as_the_import_does(as_commune_officer, household, typed, stored):
    assert _survey(as_commune_officer, household, typed).status_code == 302
    assert household.assessments.get(year=2026).income == stored


def test_a_huge_income_is_refused_with_a_message_not_a_server_error(as_commune_officer, household):
    r = _survey(as_commune_officer, household, "9" * 30)
    assert r.status_code == 200
    assert "Thu nhập phải từ 0 đến 100.000.000.000 đồng/người/tháng" in r.content.decode()
    assert not household.assessments.filter(year=2026).exists()


def test_the_bound_message_follows_the_language(as_commune_officer, household):
    r = _survey(as_commune_officer, household, "1e15", lang="en")
    assert "Income must be between 0 and 100,000,000,000 VND per person per month" in r.content.decode()


@pytest.mark.parametrize("typed", ["abc", "1..2", "nan", "inf", "1e400", "12-3"])
def test_text_that_is_not_a_number_is_refused(as_commune_officer, household, typed):
    r = _survey(as_commune_officer, household, typed)
    assert r.status_code == 200 and "Nhập một số, ví dụ 1.200.000" in r.content.decode()


def test_a_negative_income_is_refused(as_commune_officer, household):
    assert "Thu nhập không được âm" in _survey(as_commune_officer, household, "-5").content.decode()


def test_score_a_has_its_own_bounds(as_commune_officer, household):
    r = _survey(as_commune_officer, household, "5000", basis="score_a")
    assert "Điểm A phải từ 0 đến 1000" in r.content.decode()


@pytest.mark.parametrize("income", [MAX_INCOME + 1, -1, float("nan"), float("inf"), "abc", True])
def test_record_assessment_refuses_an_income_outside_the_bounds(commune_officer, household, income):
    with pytest.raises(ValidationError) as e:
        actions.record_assessment(commune_officer, household, year=2026, income=income)
    assert "Thu nhập" in " ".join(e.value.messages) or "Giá trị phải là một số" in " ".join(e.value.messages)
    assert not household.assessments.filter(year=2026).exists()


def test_record_assessment_accepts_the_largest_income(commune_officer, household):
    a = actions.record_assessment(commune_officer, household, year=2026, income=MAX_INCOME)
    a.refresh_from_db()
    assert a.income == MAX_INCOME


def test_a_birth_year_in_the_future_is_refused(commune_officer, household):
    with pytest.raises(ValidationError) as e:
        actions.add_member(commune_officer, household, {"full_name": "Bé", "sex": "F",
                                                        "birth_year": date.today().year + 1, "relation": "child"})
    assert f"Năm sinh phải từ 1900 đến {date.today().year}" in e.value.message_dict["birth_year"]


def test_a_birth_year_before_1900_is_refused_by_the_form(as_commune_officer, household):
    as_commune_officer.cookies["chungtay_lang"] = "en"
    r = as_commune_officer.post(reverse("member_add", args=[household.pk]), {
        "full_name": "Cụ", "sex": "M", "birth_year": 1850, "ethnicity": "Kinh", "relation": "parent"})
    assert r.status_code == 200
    assert f"Year of birth must be between 1900 and {date.today().year}" in r.content.decode()
    assert household.members.count() == 1


def test_a_duplicate_citizen_id_is_refused_in_another_household(commune_officer, household, village):
    with pytest.raises(ValidationError) as e:
        actions.create_household(commune_officer, code="B-0002", village=village, head=HEAD)
    assert "đã được đăng ký cho một người khác" in " ".join(e.value.message_dict["citizen_id"])
    assert not household.__class__.objects.filter(code="B-0002").exists()      # nothing half-written


def test_a_duplicate_citizen_id_is_refused_in_the_same_household(as_commune_officer, household):
    r = as_commune_officer.post(reverse("member_add", args=[household.pk]), {
        "full_name": "Nguyễn Văn An", "sex": "M", "birth_year": 1980, "ethnicity": "Kinh", "relation": "other",
        "citizen_id": ID_AN})
    assert r.status_code == 200
    assert "Số CCCD này đã được đăng ký cho một người khác" in r.content.decode()
    assert household.members.count() == 1


def test_the_import_refuses_a_citizen_id_registered_in_another_household(commune_officer, my_commune, household,
                                                                       tmp_path):
    vs = villages_of(my_commune)
    sheets = good_rows(vs[0].code, vs[1].code)      # its first member carries ID_AN, already in B-0001
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "dup.xlsx", sheets))
    assert not out.ok
    found = [(p.sheet, p.row, p.column, p.reason) for p in out.problems]
    assert ("NhanKhau", 2, "Số CCCD", "Số CCCD đã được đăng ký cho một người ở hộ khác: mỗi người chỉ được "
            "đăng ký một lần") in found
    assert all(ID_AN not in str(p.value) for p in out.problems)       # masked


def test_the_import_refuses_an_income_above_the_bound(commune_officer, my_commune, tmp_path):
    vs = villages_of(my_commune)
    sheets = good_rows(vs[0].code, vs[1].code, prefix="00990")
    sheets["RaSoat"][1][2] = "900.000.000.000"
    for row in sheets["RaSoat"][1:]:
        row[1] = 2026
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "big.xlsx", sheets))
    assert [(p.row, p.column, p.reason) for p in out.problems] == [
        (2, "Thu nhập", "Thu nhập phải từ 0 đến 100.000.000.000 (đồng/người/tháng)")]


def test_the_live_preview_refuses_a_huge_income_in_the_users_language(as_commune_officer):
    import json as _json
    url = reverse("api:classify")
    body = _json.dumps({"year": 2025, "income": 99999999999999, "deprived": []})
    r = as_commune_officer.post(url, body, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"].startswith("Thu nhập phải từ 0 đến 100.000.000.000")
    as_commune_officer.cookies["chungtay_lang"] = "en"
    r = as_commune_officer.post(url, body, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"].startswith("Income must be between 0 and")
