"""Bank reconciliation: a statement CSV matched to the fund's bank entries by amount, date window
and reference; unmatched lines listed on both sides; a bad file refused whole, naming file, row
and column."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chungtay.fund import actions
from chungtay.fund.models import BankStatement
from tests.fund_helpers import commune_front, donor, fund_of


@pytest.fixture
def setup(my_commune):
    front = commune_front(my_commune)
    fund = fund_of(front, my_commune)
    d = donor(front, fund)
    day = dt.date(2025, 10, 20)
    a = actions.record_donation(front, fund, donor=d, date=day, value_vnd=5_000_000, bank_reference="FT111")
    b = actions.record_donation(front, fund, donor=d, date=day, value_vnd=5_000_000, bank_reference="FT222")
    c = actions.record_donation(front, fund, donor=d, date=day, value_vnd=7_000_000)             # not on the statement
    actions.record_donation(front, fund, donor=d, date=day, value_vnd=1_000_000, channel="cash")  # cash: not a bank line
    return front, fund, a, b, c


def test_it_matches_and_lists_what_is_left(setup):
    front, fund, a, b, c = setup
    csv = ("date,amount,reference,description\n"
           "2025-10-21,5.000.000,FT222,Ung ho quy\n"
           "20/10/2025,5000000,FT111,Ung ho quy\n"
           "2025-10-22,9000000,FT999,Khong ro\n")
    st, result = actions.import_statement(front, fund, name="sao-ke-10.csv", data=csv.encode())
    got = {s.reference: e.id for s, e in result.matched}
    assert got == {"FT111": a.txn.lines.get(account="bank").pk, "FT222": b.txn.lines.get(account="bank").pk}
    assert [s.row for s in result.unmatched_statement] == [4]
    assert [e.id for e in result.unmatched_ledger] == [c.txn.lines.get(account="bank").pk]
    assert (st.matched, st.unmatched_statement, st.unmatched_ledger) == (2, 1, [c.txn.lines.get(account="bank").pk])


def test_a_bad_file_is_refused_whole(setup, client):
    front, fund, *_ = setup
    with pytest.raises(ValidationError) as e:
        actions.import_statement(front, fund, name="xau.csv",
                                 data=b"date,amount,reference,description\n2025-10-21,5000000,a,b\n2025-10-21,abc,a,b\n")
    assert "xau.csv, dòng 3, cột số tiền" in e.value.messages[0]
    assert not BankStatement.objects.filter(fund=fund).exists()
    client.force_login(front)
    from django.core.files.uploadedfile import SimpleUploadedFile
    r = client.post(f"/fund/{fund.pk}/bank/", {"window_days": 3, "file": SimpleUploadedFile(
        "thieu.csv", b"date,amount,reference\n2025-10-21,5,a\n", content_type="text/csv")})
    assert r.status_code == 200 and "thieu.csv, dòng 1: thiếu cột diễn giải" in r.content.decode()
    r = client.post(f"/fund/{fund.pk}/bank/", {"window_days": 3, "file": SimpleUploadedFile(
        "dung.csv", b"date,amount,reference,description\n2025-10-20,7000000,,\n", content_type="text/csv")})
    assert r.status_code == 200 and "dung.csv" in r.content.decode()
    assert BankStatement.objects.get(fund=fund).matched == 1
