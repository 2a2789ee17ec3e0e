"""The programme results report (Biểu 02): figures equal hand-computed sums of supports written
through the actions; a correction counts once, a cancelled or planned support not at all; the
DỰ THẢO mark follows the recognition of the period's years; scope and bad parameters."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from chungtay.households import actions as hh_actions
from chungtay.households.models import Assessment
from chungtay.reports.readback import pdf_text, xlsx_rows
from chungtay.support import actions
from chungtay.support.report import programme_results
from chungtay.units.models import Unit
from tests.support_helpers import facts, part, poor_in

YEAR = 2024
CITIZEN_ID = "062080123456"


def _category(hh, year):
    a = Assessment.objects.filter(household=hh, year=year, kind="periodic", is_current=True).first()
    return a.category if a else None


def _escaped(hh, y):
    """Hand rule: poor in y − 1 and not poor in y or y + 1; near-poor and average or above."""
    start = _category(hh, y - 1)
    if start not in ("poor", "near_poor"):
        return None
    for e in (y, y + 1):
        c = _category(hh, e)
        if c is not None and (c != "poor" if start == "poor" else c not in ("poor", "near_poor")):
            return start
    return None


@pytest.fixture
def ledger(commune_officer, my_commune):
    """Five households of the commune with supports of 2024 (and one of 2023)."""
    h1, h2, h3, h4, h5 = poor_in(my_commune, YEAR - 1, 5)
    o = commune_officer
    actions.record_support(o, h1, facts(h1, quantity=Decimal("2"), value_vnd=20_000_000))           # DA3.TDA1 70/30
    actions.record_support(o, h1, facts(h1, part=part("GNBV2125.DA5"), kind="house", unit_of_measure="căn",
                                        value_vnd=40_000_000, funding=[("NSTW", 100, True)]))
    actions.record_support(o, h2, facts(h2, kind="seed", quantity=Decimal("300.5"), unit_of_measure="kg",
                                        value_vnd=5_000_001))                                      # 3.500.001 / 1.500.000
    first = actions.record_support(o, h3, facts(h3, value_vnd=10_000_000))
    actions.correct_support(o, first, facts(h3, value_vnd=12_000_000, quantity=Decimal("1")), reason="giá đúng")
    gone = actions.record_support(o, h4, facts(h4, value_vnd=7_000_000))
    actions.cancel_support(o, gone, reason="hộ trả lại")
    actions.record_support(o, h5, facts(h5, status="planned", value_vnd=9_000_000))
    # recorded on the project, not a sub-project: its own "not split" row
    actions.record_support(o, h5, facts(h5, part=part("GNBV2125.DA3"), kind="tools", unit_of_measure="cái",
                                        value_vnd=3_000_000, funding=[("NSDP", 50, True), ("HO", 50, True)]))
    actions.record_support(o, h2, facts(h2, date=dt.date(YEAR - 1, 6, 1), value_vnd=1_000_000))  # outside the period
    return {"h1": h1, "h2": h2, "h3": h3, "h4": h4, "h5": h5}


def test_figures_equal_the_hand_computed_sums(ledger, commune_officer, my_commune):
    h1, h2, h3, h5 = ledger["h1"], ledger["h2"], ledger["h3"], ledger["h5"]
    r = programme_results(commune_officer, my_commune, YEAR, YEAR)
    t = r.total
    assert t.supports == 5                                      # h4's cancelled and h5's planned left out
    assert t.value_vnd == 20_000_000 + 40_000_000 + 5_000_001 + 12_000_000 + 3_000_000
    assert t.households == 4
    supported = [h1, h2, h3, h5]
    assert t.poor == sum(_category(h, YEAR - 1) == "poor" for h in supported)
    assert t.near_poor == sum(_category(h, YEAR - 1) == "near_poor" for h in supported)
    escaped = [_escaped(h, YEAR) for h in supported]
    assert (t.escaped_poor, t.escaped_near) == (escaped.count("poor"), escaped.count("near_poor"))
    assert t.escaped == t.escaped_poor + t.escaped_near
    # funds by source, exactly (70/30 of 5.000.001 by the largest remainder)
    assert t.source("NSTW") == 14_000_000 + 40_000_000 + 3_500_001 + 8_400_000
    assert t.source("HO") == 6_000_000 + 1_500_000 + 3_600_000 + 1_500_000
    assert t.source("NSDP") == 1_500_000
    assert sum(s.amount_vnd for s in t.sources) == t.value_vnd
    # by kind, with outputs
    live = t.kind("livestock")
    assert (live.supports, live.value_vnd, live.outputs) == (2, 32_000_000, [(Decimal("3"), "con")])
    assert t.kind("seed").outputs == [(Decimal("300.5"), "kg")]
    assert t.kind("house").value_vnd == 40_000_000 and t.kind("tools").supports == 1
    assert sum(k.value_vnd for k in t.kinds) == t.value_vnd
    # rows: the programme, its projects and sub-project, the "not split" row of DA3
    rows = {x.key: x for x in r.rows}
    assert {"GNBV2125", "GNBV2125.DA3", "GNBV2125.DA3.TDA1", "GNBV2125.DA3#own", "GNBV2125.DA5"} <= set(rows)
    assert rows["GNBV2125.DA3.TDA1"].value_vnd == 20_000_000 + 5_000_001 + 12_000_000
    assert rows["GNBV2125.DA3.TDA1"].households == 3
    assert rows["GNBV2125.DA3#own"].value_vnd == 3_000_000
    assert rows["GNBV2125.DA3"].value_vnd == 40_000_001 and rows["GNBV2125"].value_vnd == t.value_vnd
    for field in ("supports", "value_vnd"):
        assert sum(getattr(x, field) for x in r.leaves) == getattr(t, field)
    for x in r.rows:
        assert sum(s.amount_vnd for s in x.sources) == x.value_vnd == sum(k.value_vnd for k in x.kinds)
    assert (r.planned, r.planned_vnd) == (1, 9_000_000)


def test_a_two_year_period_and_a_village(ledger, commune_officer, my_commune):
    r = programme_results(commune_officer, my_commune, YEAR - 1, YEAR)
    assert r.total.supports == 6 and r.total.value_vnd == 80_000_001 + 1_000_000
    h1 = ledger["h1"]
    v = programme_results(commune_officer, h1.village, YEAR, YEAR)
    own = [h for h in ledger.values() if h.village_id == h1.village_id]
    assert v.total.households == len({h.pk for h in own if h.pk != ledger["h4"].pk})


def _get(client, name, **q):
    return client.get(reverse(f"support:{name}"), q)


def test_page_and_files_of_a_recognised_year_have_no_draft_mark(ledger, as_commune_officer, my_commune):
    c = as_commune_officer
    r = _get(c, "report", unit=my_commune.pk, **{"from": YEAR, "to": YEAR})
    assert r.status_code == 200 and r["Cache-Control"] == "no-store, private"
    html = r.content.decode()
    assert "80.000.001" in html and "DỰ THẢO" not in html and "Biểu 02" in html
    x = _get(c, "report_xlsx", unit=my_commune.pk, **{"from": YEAR, "to": YEAR})
    assert x.status_code == 200 and x["Cache-Control"] == "no-store, private"
    name = x["Content-Disposition"]
    assert name.isascii() and name.endswith('-2024.xlsx"') and "bieu-02" in name
    cells = [v for row in xlsx_rows(x.content) for v in row if v is not None]
    assert 80_000_001 in cells and 1_500_000 in cells            # the total; NSDP of the tools
    assert not any("DỰ THẢO" in str(v) for v in cells)
    assert any("10/2022/TT-BLĐTBXH" in str(v) for v in cells)
    p = _get(c, "report_pdf", unit=my_commune.pk, **{"from": YEAR, "to": YEAR})
    assert p.status_code == 200 and p["Content-Type"] == "application/pdf" and p["Content-Disposition"].isascii()
    text = " ".join(pdf_text(p.content).split())
    assert "80.000.001" in text and "DỰ THẢO" not in text and "Tổng cộng" in text
    assert "không phải mẫu chính thức" in text.lower() or "KHÔNG phải mẫu chính thức" in text


def test_a_period_with_an_unrecognised_year_is_a_draft(ledger, as_commune_officer, my_commune):
    c = as_commune_officer
    assert dt.date.today().year >= 2026
    q = {"unit": my_commune.pk, "from": YEAR, "to": 2026}
    assert "DỰ THẢO" in _get(c, "report", **q).content.decode()
    x = _get(c, "report_xlsx", **q)
    assert x["Content-Disposition"].endswith('-du-thao.xlsx"')
    assert any("DỰ THẢO" in str(v) for row in xlsx_rows(x.content) for v in row if v)
    from openpyxl import load_workbook
    assert "DỰ THẢO" in load_workbook(io.BytesIO(x.content)).worksheets[0].oddHeader.center.text
    text = pdf_text(_get(c, "report_pdf", **q).content)
    assert "DỰ THẢO" in text and "2026" in text


def test_another_communes_officer_gets_404(ledger, client, other_commune_officer, my_commune):
    client.force_login(other_commune_officer)
    for name in ("report", "report_xlsx", "report_pdf"):
        assert _get(client, name, unit=my_commune.pk, **{"from": YEAR}).status_code == 404
    assert _get(client, "report", unit="abc").status_code == 404
    assert _get(client, "report", unit=str(2 ** 70)).status_code == 404


@pytest.mark.parametrize("q, words", [
    ({"from": "abc"}, "4 chữ số"), ({"from": "2024", "to": "2023"}, "không sau năm cuối kỳ"),
    ({"to": "2999"}, "không được sau năm hiện tại"), ({"from": "1999"}, "từ năm 2000"),
    ({"from": "2000", "to": "2025"}, "dài nhất"), ({"from": "２０２４"}, "4 chữ số"),
    ({"from": "99999999999999999999"}, "4 chữ số")])
def test_bad_years_are_a_vietnamese_message_never_a_500(as_commune_officer, my_commune, q, words):
    r = _get(as_commune_officer, "report", unit=my_commune.pk, **q)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Kỳ báo cáo không hợp lệ" in html and words in html
    assert _get(as_commune_officer, "report_pdf", unit=my_commune.pk, **q).status_code == 400


def test_no_citizen_id_in_any_output(commune_officer, as_commune_officer, my_commune):
    village = Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).order_by("code").first()
    hh = hh_actions.create_household(commune_officer, code="BC-0001", village=village, address="Thôn test",
                                     head={"full_name": "Nguyễn Văn An", "sex": "M", "birth_year": 1980,
                                           "ethnicity": "Kinh", "citizen_id": CITIZEN_ID})
    actions.record_support(commune_officer, hh, facts(hh, value_vnd=2_000_000))
    q = {"unit": village.pk, "from": YEAR}
    page = _get(as_commune_officer, "report", **q).content.decode()
    x = _get(as_commune_officer, "report_xlsx", **q).content
    p = _get(as_commune_officer, "report_pdf", **q).content
    assert "2.000.000" in page
    for text in (page, " ".join(str(v) for r in xlsx_rows(x) for v in r if v), pdf_text(p)):
        assert CITIZEN_ID not in text and "Nguyễn Văn An" not in text and "BC-0001" not in text


def test_the_page_in_english(ledger, as_commune_officer, my_commune):
    from chungtay.web.middleware import LANG_COOKIE
    as_commune_officer.cookies[LANG_COOKIE] = "en"
    html = _get(as_commune_officer, "report", unit=my_commune.pk, **{"from": YEAR}).content.decode()
    assert "Programme results report" in html and "Funds by source" in html and "Escaped poverty" in html
    bad = _get(as_commune_officer, "report", unit=my_commune.pk, **{"from": "x"}).content.decode()
    assert "Invalid period" in bad and "four-digit year" in bad
