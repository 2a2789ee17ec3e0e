"""Statements of a published period (PDF, Excel): the figures are the ledger's, the public page
serves published periods only, large statements go to the job worker (issue 11 §5)."""
import datetime as dt
import io
import subprocess

import pytest
from openpyxl import load_workbook

from chungtay.fund import actions, statements
from chungtay.fund.models import LedgerLine
from chungtay.households.models import Household
from tests.fund_helpers import commune_front, donor, fund_of, province_front


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def published(my_commune):
    front = commune_front(my_commune)
    fund = fund_of(front, my_commune)
    province = province_front(my_commune)
    pfund = fund_of(province, my_commune.parent)
    before = dt.date(2025, 9, 1)
    actions.record_donation(front, fund, donor=donor(front, fund, name="Hợp tác xã Trước Kỳ"), date=before,
                            value_vnd=4_000_000, channel="cash")                       # opening balance
    day = dt.date(2025, 10, 20)
    actions.record_donation(front, fund, donor=donor(front, fund, name="Công ty TNHH Minh Phát"), date=day,
                            value_vnd=30_000_000)
    actions.record_donation(front, fund, donor=donor(front, fund, name="Lê Văn Kín", kind="individual", anonymous=True),
                            date=day, value_vnd=2_000_000, form="in_kind", goods="Gạo")
    wrong = actions.record_donation(front, fund, donor=donor(front, fund, name="Nhầm Lẫn"), date=day, value_vnd=999)
    actions.reverse(front, wrong.txn, date=day, reason="ghi trùng")
    actions.record_donation(province, pfund, donor=donor(province, pfund, name="Ngân hàng Tỉnh"), date=before,
                            value_vnd=50_000_000)
    actions.record_transfer(province, pfund, fund, amount_vnd=10_000_000, date=day)
    actions.decide_allocation(front, fund, decision_no="3/QĐ-MTTQ", decision_date=day, title="",
                              lines=[("house", my_commune, 20_000_000)])
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None).order_by("id").first()
    actions.record_disbursement(front, fund, household=hh, purpose="house", amount_vnd=15_000_000, date=day)
    period = actions.publish_period(front, fund, start=dt.date(2025, 10, 1), end=dt.date(2025, 11, 30))
    return period, hh, front


def test_the_movement_is_the_ledger(published):
    period, _, _ = published
    m = statements.movement(period)
    assert m.balanced()
    assert (m.opening, m.received_money, m.received_goods, m.paid) == (4_000_000, 30_000_000, 2_000_000, 15_000_000)
    assert m.corrections == 0                      # the reversed donation and its reversal cancel
    assert (m.transfers_in, m.transfers_out) == (10_000_000, 0)
    held = LedgerLine.objects.filter(fund=period.fund, account__in=["cash", "bank", "goods"], txn__date__lte=period.end)
    assert m.closing == sum(held.values_list("amount", flat=True))
    s = statements.full_statement(period)
    assert s.received == m.received and s.paid == m.paid and s.allocated == 20_000_000


def test_public_pdf_and_excel(client, published):
    period, hh, _ = published
    r = client.get(f"/fund/public/{period.pk}/sao-ke.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "Công ty TNHH Minh Phát" in text and "Nhà hảo tâm giấu tên" in text
    assert "Lê Văn Kín" not in text and "Nhầm Lẫn" not in text and hh.head_name not in text and hh.code not in text
    assert "32.000.000" in text and "15.000.000" in text and "20.000.000" in text
    m = statements.movement(period)
    assert statements.vnd(m.closing) in text and statements.vnd(m.opening) in text
    r = client.get(f"/fund/public/{period.pk}/sao-ke.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    cells = [c for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Nhà hảo tâm giấu tên" in cells and "Công ty TNHH Minh Phát" in cells and "Lê Văn Kín" not in cells
    assert 30_000_000 in cells and 2_000_000 in cells and m.closing in cells and 32_000_000 in cells
    assert all(isinstance(c, (int, str)) for c in cells)            # whole VND, never a float


def test_unknown_or_bad_period_and_format(client, published):
    period, _, _ = published
    assert client.get(f"/fund/public/{period.pk + 1000}/sao-ke.pdf").status_code == 404
    assert client.get(f"/fund/public/{period.pk}/sao-ke.docx").status_code == 404
    assert client.get("/fund/public/0/sao-ke.pdf").status_code == 404
    assert client.get(f"/fund/public/{period.pk}/").content.decode().count("sao-ke.") == 2


def test_the_funds_own_page_scoped(client, published, other_commune_officer, village_head, province_officer):
    period, _, front = published
    url = f"/fund/{period.fund_id}/statements/{period.pk}.pdf"
    client.force_login(front)
    assert f"/statements/{period.pk}.xlsx" in client.get(f"/fund/{period.fund_id}/").content.decode()
    assert client.get(url).content.startswith(b"%PDF")
    for u, code in ((village_head, 200), (province_officer, 200), (other_commune_officer, 404)):
        client.force_login(u)
        assert client.get(url).status_code == code, u.username
    client.force_login(front)
    assert client.get(f"/fund/{period.fund_id}/statements/{period.pk + 999}.pdf").status_code == 404
    assert client.get(f"/fund/{period.fund_id}/statements/{period.pk}.exe").status_code == 404


def _run_worker():
    from chungtay.jobs.liveness import WorkerLock
    from chungtay.jobs.worker import Worker
    with WorkerLock() as worker_id:
        return Worker(worker_id).run_ready()


def test_a_large_statement_is_made_by_the_worker(client, published, monkeypatch, settings, tmp_path):
    from chungtay.jobs.models import PreparedFile
    settings.DATA_DIR = str(tmp_path)
    monkeypatch.setattr(statements, "INLINE_MAX", 1)
    period, _, front = published
    client.force_login(front)
    url = f"/fund/{period.fund_id}/statements/{period.pk}.xlsx"
    assert "Tạo tệp" in client.get(url).content.decode()
    r = client.post(url)
    assert r.status_code == 302
    f = PreparedFile.objects.get(user=front, kind="fund.statement_xlsx")
    _run_worker()
    f.refresh_from_db()
    assert f.status == PreparedFile.DONE, f.message
    d = client.get(f"/jobs/files/{f.pk}/download")
    wb = load_workbook(io.BytesIO(b"".join(d.streaming_content)))
    assert "Công ty TNHH Minh Phát" in [c for ws in wb for row in ws.iter_rows(values_only=True) for c in row]
    # the public page: queued once (202), made by the worker, then served
    client.logout()
    assert client.get(f"/fund/public/{period.pk}/sao-ke.pdf").status_code == 202
    assert client.get(f"/fund/public/{period.pk}/sao-ke.pdf").status_code == 202
    assert _run_worker() == 1                      # one build, not two
    r = client.get(f"/fund/public/{period.pk}/sao-ke.pdf")
    assert r.status_code == 200
    assert "Nhà hảo tâm giấu tên" in pdf_text(b"".join(r.streaming_content))
