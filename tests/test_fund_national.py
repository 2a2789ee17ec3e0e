"""The national Fund for the Poor (issue 11 §1: a fund for each level): kept by the Central
Committee of the Front (a Front committee assignment without a unit), one only; it sends money to
the provinces' funds (the transfer appears in both books) and pays no household itself; the national
level sees every fund, a province committee sees its own and does not write the national books; its
receipt, its statements and its public page name the Central Committee."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungtay.accounts.models import Assignment, AuditEvent
from chungtay.fund import actions, public, queries
from chungtay.fund.models import Fund, LedgerLine
from chungtay.households.models import Household
from tests.fund_helpers import commune_front, donor, fund_of, province_front

DAY = dt.date(2025, 10, 20)


@pytest.fixture
def tw(db):
    from django.contrib.auth import get_user_model
    u = get_user_model().objects.create_user("mttq-tw", first_name="Ủy ban Trung ương")
    Assignment.objects.create(user=u, unit=None, role="front_committee")
    return u


@pytest.fixture
def national(tw):
    nf = actions.open_fund(tw, None, opened_on=dt.date(2021, 1, 4))
    actions.record_donation(tw, nf, donor=donor(tw, nf, name="Tập đoàn Đông Dương"), date=DAY, value_vnd=9_000_000_000)
    return nf


def test_the_central_committee_opens_the_one_national_fund(tw, national, my_commune):
    assert (national.level, national.unit_id, national.province_id, national.code) == ("national", None, None, "QVNN-TW")
    assert national.committee == "Ủy ban Trung ương MTTQ Việt Nam"
    assert AuditEvent.objects.filter(action="fund.open", object_id=str(national.pk), actor=tw).exists()
    with pytest.raises(ValidationError, match="Đã có Quỹ Vì người nghèo Trung ương"):
        actions.open_fund(tw, None)
    with pytest.raises(PermissionDenied, match="Ủy ban Trung ương"):
        actions.open_fund(province_front(my_commune), None)


def test_money_goes_to_a_province_and_shows_in_both_books(tw, national, my_commune):
    pf_user = province_front(my_commune)
    pf = fund_of(pf_user, my_commune.parent)
    cf = fund_of(commune_front(my_commune), my_commune)
    t = actions.record_transfer(tw, national, pf, amount_vnd=2_000_000_000, date=dt.date(2025, 11, 25),
                                reference="QĐ 44/QĐ-MTTW-BTT")
    assert {(ln.fund_id, ln.account, ln.amount) for ln in LedgerLine.objects.filter(txn=t.txn)} == {
        (national.pk, "bank", -2_000_000_000), (national.pk, "unallocated", 2_000_000_000),
        (pf.pk, "bank", 2_000_000_000), (pf.pk, "unallocated", -2_000_000_000)}
    assert queries.balances(pf)["bank"] == 2_000_000_000
    actions.record_transfer(pf_user, pf, national, amount_vnd=100_000_000, date=dt.date(2025, 11, 26))   # and back up
    assert queries.balances(national)["bank"] == 7_100_000_000
    with pytest.raises(ValidationError, match="quỹ Trung ương và quỹ tỉnh"):
        actions.record_transfer(tw, national, cf, amount_vnd=1, date=dt.date(2025, 11, 26))    # not to a commune


def test_it_pays_no_household_itself(tw, national, my_commune):
    hh = Household.objects.filter(commune=my_commune, status="active").order_by("id").first()
    actions.decide_allocation(tw, national, decision_no="1/QĐ-MTTW", decision_date=DAY, title="",
                              lines=[("emergency", my_commune.parent, 1_000_000_000)])     # a province's line: yes
    for attempt in (lambda: actions.record_disbursement(tw, national, household=hh, purpose="emergency",
                                                        amount_vnd=1_000, date=DAY),
                    lambda: actions.household_for(tw, national, hh.code),
                    lambda: actions.create_house(tw, national, household=hh, fund_vnd=1_000)):
        with pytest.raises(ValidationError, match="không chi trực tiếp cho hộ"):
            attempt()


def test_who_sees_and_who_writes_the_national_books(client, tw, national, my_commune, admin_user, commune_officer):
    pf_user = province_front(my_commune)
    pf = fund_of(pf_user, my_commune.parent)
    assert set(Fund.objects.for_user(tw)) >= {national, pf}
    assert set(Fund.objects.for_user(admin_user)) >= {national, pf}
    assert national not in Fund.objects.for_user(pf_user) and national not in Fund.objects.for_user(commune_officer)
    with pytest.raises(PermissionDenied, match="Trung ương"):
        actions.record_donation(pf_user, national, donor=national.donors.first(), date=DAY, value_vnd=1)
    with pytest.raises(PermissionDenied):
        actions.record_donation(tw, pf, donor=donor(pf_user, pf), date=DAY, value_vnd=1)     # nor the national below
    client.force_login(tw)
    page = client.get("/fund/").content.decode()
    assert "Quỹ Vì người nghèo Trung ương" in page and pf.name in page
    detail = client.get(f"/fund/{national.pk}/")
    assert detail.status_code == 200 and "Ghi ủng hộ" in detail.content.decode()
    # no button for what the actions refuse it: paying a household, starting a house
    assert f"/fund/{national.pk}/disburse/" not in detail.content.decode()
    assert f"/fund/{national.pk}/houses/" not in detail.content.decode()
    assert f"/fund/{national.pk}/houses/new/" not in client.get(f"/fund/{national.pk}/houses/").content.decode()
    assert f"/fund/{national.pk}/disburse/" not in client.get(f"/fund/{national.pk}/disbursements/").content.decode()
    transfer = client.get(f"/fund/{national.pk}/transfer/").content.decode()
    assert pf.name in transfer
    client.force_login(pf_user)
    assert client.get(f"/fund/{national.pk}/").status_code == 404


def test_its_receipt_statements_and_public_page_name_the_central_committee(client, tw, national):
    from pypdf import PdfReader
    import io
    d = national.donations.get()
    client.force_login(tw)
    r = client.get(f"/fund/donations/{d.pk}/receipt.pdf")
    text = PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    assert r.status_code == 200 and "TRUNG ƯƠNG" in text and "Hà Nội, ngày 20 tháng 10 năm 2025" in text
    period = actions.publish_period(tw, national, start=dt.date(2025, 10, 17), end=dt.date(2025, 11, 18))
    for ext in ("pdf", "xlsx"):
        r = client.get(f"/fund/{national.pk}/statements/{period.pk}.{ext}")
        assert r.status_code == 200 and len(r.content) > 1000, ext
    assert client.get(f"/fund/{national.pk}/recipients/").status_code == 200      # no village to choose
    client.logout()
    assert "Quỹ Vì người nghèo Trung ương" in client.get("/fund/public/").content.decode()
    page = client.get(f"/fund/public/{period.pk}/").content.decode()
    assert "9.000.000.000" in page and public.statement(period).received == 9_000_000_000


def test_the_api_lists_it_for_the_national_level(tw, national):
    from tests.test_api_support import KeyClient
    r = KeyClient(tw).get("/funds", {"level": "national"})
    assert r.status_code == 200, r.content
    (item,) = r.json()["items"]
    assert (item["id"], item["unit_id"], item["province_id"], item["bank_vnd"]) == (national.pk, None, None, 9_000_000_000)
