"""Lists for public posting (niêm yết): generated from the year's results, Vietnamese official
heading, and nothing but number, head's name, village and category — never an ID number,
income, health or deprivation detail."""
import re

import pytest
from django.urls import reverse

from chungtay.core.fmt import nfc
from chungtay.core.standards import standard_for_year
from chungtay.households import actions
from chungtay.households.models import Assessment, Household
from chungtay.households.movements import unit_movements
from chungtay.reports.readback import pdf_text, xlsx_rows, xlsx_text
from chungtay.units.models import Unit

YEAR = 2025
SAFE_NAME = re.compile(r'^(inline|attachment); filename="[a-z0-9][a-z0-9.-]*"$')


def _get(client, name, unit, **params):
    q = "&".join(f"{k}={v}" for k, v in {"year": YEAR, **params}.items())
    return client.get(reverse(f"reports:{name}", args=[unit.pk]) + "?" + q)


def _results(unit_filter, categories=("poor", "near_poor")):
    return list(Assessment.objects.filter(year=YEAR, kind=Assessment.PERIODIC, is_current=True,
                                          category__in=categories, **unit_filter)
                .values_list("household__head_name", "category"))


def _section(rows, title):
    """Rows (number, name, village, category) of one section of the Excel list."""
    out, inside = [], False
    for r in rows:
        first = r[0]
        if isinstance(first, str) and re.match(r"^[IV]+\. ", first):
            inside = title in first
            continue
        if inside and isinstance(first, (int, float)):
            out.append(r[:4])
        elif inside and first not in (None, "STT"):
            inside = False
    return out


def test_commune_list_pdf_has_the_official_heading(as_commune_officer, my_commune):
    r = _get(as_commune_officer, "posting_list_pdf", my_commune)
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert SAFE_NAME.match(r["Content-Disposition"]), r["Content-Disposition"]
    assert r["Content-Disposition"].endswith(f'-{YEAR}.pdf"')
    assert r.content.startswith(b"%PDF")
    text = pdf_text(r.content)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN",
                     my_commune.full_name.upper(), f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {YEAR}",
                     f"{my_commune.name}, ngày", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "(Ký, ghi rõ họ tên, đóng dấu)",
                     "I. HỘ NGHÈO", "II. HỘ CẬN NGHÈO", "STT", "Họ và tên chủ hộ", "Phân loại hộ"):
        assert expected in text, expected
    # Generated from the data: every poor / near-poor head of the commune is on it.
    results = _results({"commune": my_commune})
    assert results
    flat = " ".join(text.split())
    for name, _cat in results:
        assert nfc(name) in flat


def test_commune_list_xlsx_holds_exactly_the_years_results(as_commune_officer, my_commune):
    r = _get(as_commune_officer, "posting_list_xlsx", my_commune)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert SAFE_NAME.match(r["Content-Disposition"])
    rows = xlsx_rows(r.content)
    assert rows[0][0] == "ỦY BAN NHÂN DÂN" and rows[1][0] == my_commune.full_name.upper()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in rows[0] and "Độc lập - Tự do - Hạnh phúc" in rows[1]
    for cat, title, label in (("poor", "HỘ NGHÈO (", "Hộ nghèo"), ("near_poor", "HỘ CẬN NGHÈO (", "Hộ cận nghèo")):
        listed = _section(rows, title)
        expected = sorted(nfc(n) for n, c in _results({"commune": my_commune}) if c == cat)
        assert sorted(r[1] for r in listed) == expected
        assert [r[0] for r in listed] == list(range(1, len(listed) + 1))     # numbered 1..n
        assert {r[3] for r in listed} == {label}
        villages = set(Unit.objects.filter(parent=my_commune).values_list("name", flat=True))
        assert all(any(r[2].startswith(v) for v in villages) for r in listed)


def test_escaped_sections_follow_the_movements(as_commune_officer, commune_officer, my_commune):
    rows = xlsx_rows(_get(as_commune_officer, "posting_list_xlsx", my_commune).content)
    mr = unit_movements(commune_officer, my_commune, YEAR - 1, YEAR)
    escaped = _section(rows, "HỘ THOÁT NGHÈO (")
    assert len(escaped) == mr.counts["escaped_poverty"] + mr.counts["poor_to_near_poor"]
    assert len(_section(rows, "HỘ THOÁT CẬN NGHÈO (")) == mr.counts["escaped_near_poverty"]
    heads = dict(Household.objects.filter(pk__in=mr.households("poor_to_near_poor")).values_list("pk", "head_name"))
    assert sorted(r[1] for r in escaped if "cận nghèo" in r[3]) == sorted(nfc(h) for h in heads.values())
    without = xlsx_text(_get(as_commune_officer, "posting_list_xlsx", my_commune, escaped=0).content)
    assert "THOÁT NGHÈO" not in without and "HỘ CẬN NGHÈO (" in without


def test_village_list_holds_only_that_village(as_commune_officer, my_commune):
    village = (Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE,
                                   id__in=Assessment.objects.filter(year=YEAR, category="poor").values("village_id"))
               .order_by("code").first())
    r = _get(as_commune_officer, "posting_list_pdf", village)
    assert r.status_code == 200 and SAFE_NAME.match(r["Content-Disposition"])
    text = " ".join(pdf_text(r.content).split())
    assert village.name in text and my_commune.full_name.upper() in text
    mine = {nfc(n) for n, _ in _results({"village": village})}
    assert all(n in text for n in mine)
    poor = len(_results({"village": village}, ("poor",)))
    near = len(_results({"village": village}, ("near_poor",)))
    assert f"Tổng số: {poor} hộ nghèo, {near} hộ cận nghèo" in text
    rows = xlsx_rows(_get(as_commune_officer, "posting_list_xlsx", village).content)
    listed = _section(rows, "HỘ NGHÈO (") + _section(rows, "HỘ CẬN NGHÈO (")
    assert sorted(r[1] for r in listed) == sorted(mine)


def test_province_and_pre_2025_units_have_no_posting_list(as_province_officer, my_commune):
    assert _get(as_province_officer, "posting_list_pdf", my_commune.parent).status_code == 404
    legacy = Unit.objects.filter(system=Unit.SYSTEM_LEGACY, level=Unit.COMMUNE,
                                 legacy_children__parent=my_commune).first()
    assert _get(as_province_officer, "posting_list_xlsx", legacy).status_code == 404


@pytest.fixture
def private_household(commune_officer, my_commune):
    """A poor household whose ID number, income, health and deprivations are all recorded."""
    village = Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).order_by("code").first()
    hh = actions.create_household(commune_officer, code="RPT-PRIV-1", village=village, address="Số 9, đường Hoa",
                                  head={"full_name": "Phạm Văn Kín", "sex": "M", "birth_year": 1980,
                                        "ethnicity": "Kinh", "citizen_id": "051080004321",
                                        "health_insurance": True, "disability": True, "schooling": "primary",
                                        "work": "farming"})
    actions.add_member(commune_officer, hh, {"full_name": "Trần Thị Riêng", "sex": "F", "birth_year": 1984,
                                             "ethnicity": "Kinh", "relation": "spouse",
                                             "citizen_id": "051184009876", "health_insurance": False})
    std = standard_for_year(YEAR)
    deprived = list(std.indicator_codes[:4])
    a = actions.record_assessment(commune_officer, hh, year=YEAR, income=1_234_567, deprived=deprived,
                                  _round_ok=True)      # recorded by the year's round
    assert a.category == "poor"
    return hh, std, deprived


FORBIDDEN_LABELS = ("CCCD", "CMND", "định danh", "Thu nhập", "thu nhập", "Bảo hiểm", "BHYT", "sức khỏe",
                    "khuyết tật", "Điểm A", "điểm B", "thiếu hụt")


def test_lists_carry_no_id_income_or_health_detail(as_commune_officer, my_commune, private_household):
    hh, std, deprived = private_household
    outputs = {}
    for unit in (my_commune, hh.village):
        outputs[f"pdf {unit.level}"] = pdf_text(_get(as_commune_officer, "posting_list_pdf", unit).content)
        outputs[f"xlsx {unit.level}"] = xlsx_text(_get(as_commune_officer, "posting_list_xlsx", unit).content)
    forbidden = ["051080004321", "051184009876", "4321", "9876", "1234567", "1.234.567", "1,234,567",
                 "Trần Thị Riêng", "Số 9, đường Hoa", hh.code, *FORBIDDEN_LABELS]
    forbidden += [std.indicator(c).name_vi for c in deprived] + [std.indicator(c).deprivation_vi for c in deprived
                                                                  if std.indicator(c).deprivation_vi]
    for name, text in outputs.items():
        assert "Phạm Văn Kín" in text, name          # the head is listed …
        flat = " ".join(text.split())
        leaked = [f for f in forbidden if f in text or f in flat]
        assert not leaked, (name, leaked)           # … and nothing else about the family
    # The Excel list has exactly four columns: number, head's name, village, category.
    rows = xlsx_rows(_get(as_commune_officer, "posting_list_xlsx", my_commune).content)
    assert ["STT", "Họ và tên chủ hộ", "Thôn, tổ dân phố", "Phân loại hộ"] in [r[:4] for r in rows]
    assert all(len([v for v in r if v not in (None, "")]) <= 4 for r in rows)


def test_a_year_without_a_previous_review_says_so(as_commune_officer, my_commune):
    first = Assessment.objects.order_by("year").values_list("year", flat=True).first()
    r = as_commune_officer.get(reverse("reports:posting_list_pdf", args=[my_commune.pk]) + f"?year={first}")
    text = " ".join(pdf_text(r.content).split())
    assert f"Không có kết quả rà soát năm {first - 1}" in text
    assert "III." not in text
