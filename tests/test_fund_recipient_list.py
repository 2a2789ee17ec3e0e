"""The village recipient list: the household head's name, the village and the support only (no ID
number, no household code, no address); reversed payments left out; DỰ THẢO when the period is not
published; the village head gets their own village only; outside the area 404; bad input 400."""
import datetime as dt
import io
import re
import subprocess

import pytest
from openpyxl import load_workbook

from chungtay.fund import actions
from chungtay.households.models import Household
from tests.fund_helpers import commune_front, donor, fund_of


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def paid(my_commune, village_head):
    front = commune_front(my_commune)
    fund = fund_of(front, my_commune)
    day = dt.date(2025, 10, 20)
    actions.record_donation(front, fund, donor=donor(front, fund), date=day, value_vnd=100_000_000)
    actions.decide_allocation(front, fund, decision_no="4/QĐ-MTTQ", decision_date=day, title="",
                              lines=[("house", my_commune, 60_000_000), ("scholarship", my_commune, 10_000_000)])
    village = village_head.assignments.get().unit
    mine = list(Household.objects.filter(village=village, status="active", end_year=None).order_by("id")[:3])
    other = Household.objects.filter(commune=my_commune, status="active", end_year=None).exclude(village=village).first()
    actions.record_disbursement(front, fund, household=mine[0], purpose="house", amount_vnd=40_000_000, date=day)
    actions.record_disbursement(front, fund, household=mine[1], purpose="scholarship", amount_vnd=1_500_000, date=day)
    wrong = actions.record_disbursement(front, fund, household=mine[2], purpose="scholarship", amount_vnd=2_500_000,
                                        date=day)
    actions.reverse(front, wrong.txn, date=day, reason="nhầm hộ")
    actions.record_disbursement(front, fund, household=other, purpose="scholarship", amount_vnd=1_500_000, date=day)
    return front, fund, village, mine, other


def _url(fund, village, fmt="pdf", start="2025-10-01", end="2025-11-30"):
    return f"/fund/{fund.pk}/recipients/?village={village.pk}&start={start}&end={end}&format={fmt}"


def test_the_list_holds_name_village_support_only(client, paid):
    front, fund, village, mine, other = paid
    client.force_login(front)
    assert village.name in client.get(f"/fund/{fund.pk}/recipients/").content.decode()
    r = client.get(_url(fund, village))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert mine[0].head_name in text and mine[1].head_name in text and village.name in text
    assert "40.000.000" in text and "1.500.000" in text and "41.500.000" in text and "20/10/2025" in text
    assert "Học bổng" in text and "Xây, sửa nhà" in text
    assert mine[2].head_name not in text and other.head_name not in text        # reversed; another village
    for hh in mine:
        assert hh.code not in text and (not hh.address or hh.address not in text)
    assert not re.search(r"(?<![\d.])\d{9}(\d{3})?(?![\d.])", text)           # no CMND/CCCD-like number
    assert "DỰ THẢO" in text                                                    # the period is not published
    x = load_workbook(io.BytesIO(client.get(_url(fund, village, "xlsx")).content))
    cells = [c for row in x.active.iter_rows(values_only=True) for c in row if c is not None]
    assert mine[0].head_name in cells and 41_500_000 in cells and any("DỰ THẢO" in str(c) for c in cells)
    assert mine[0].code not in cells


def test_published_period_has_no_draft_mark(client, paid):
    front, fund, village, mine, _ = paid
    actions.publish_period(front, fund, start=dt.date(2025, 10, 1), end=dt.date(2025, 11, 30))
    client.force_login(front)
    text = pdf_text(client.get(_url(fund, village)).content)
    assert "DỰ THẢO" not in text and mine[0].head_name in text


def test_who_gets_which_village(client, paid, village_head, commune_officer, other_commune_officer, province_officer):
    _, fund, village, mine, other = paid
    client.force_login(village_head)
    assert mine[0].head_name in pdf_text(client.get(_url(fund, village)).content)
    assert client.get(_url(fund, other.village)).status_code == 404             # not the head's village
    for u in (commune_officer, province_officer):
        client.force_login(u)
        assert client.get(_url(fund, other.village)).status_code == 200, u.username
    client.force_login(other_commune_officer)
    assert client.get(_url(fund, village)).status_code == 404
    client.logout()
    assert client.get(_url(fund, village)).status_code == 302


@pytest.mark.parametrize("query,code", [("start=2025-13-01", 400), ("start=x&end=y", 400),
                                        ("start=2025-12-01&end=2025-01-01", 400), ("start=1900-01-01", 400),
                                        ("format=docx", 400), ("village=abc", 404), ("village=999999999", 404),
                                        ("village=", 400)])
def test_bad_parameters(client, paid, query, code):
    front, fund, village, _, _ = paid
    client.force_login(front)
    base = {"village": str(village.pk), "start": "2025-10-01", "end": "2025-11-30", "format": "pdf"}
    for part in query.split("&"):
        k, v = part.split("=", 1)
        base[k] = v
    from urllib.parse import urlencode
    assert client.get(f"/fund/{fund.pk}/recipients/?{urlencode(base)}").status_code == code
