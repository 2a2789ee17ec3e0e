"""The pure ledger (chungtay/core/ledger.py): balanced integer postings, reversals, receipts and
the bank statement reader and matcher, without a database."""
import datetime as dt

import pytest

from chungtay.core import ledger as L

D = dt.date(2025, 10, 20)


def test_a_transaction_balances_in_whole_vnd():
    t = L.transaction([L.Line("1:bank", 500_000), L.Line("1:unallocated", -500_000)], D)
    assert L.balances(t.lines) == {"1:bank": 500_000, "1:unallocated": -500_000}
    with pytest.raises(L.LedgerError, match="không cân"):
        L.transaction([L.Line("1:bank", 500_000), L.Line("1:unallocated", -499_999)], D)
    with pytest.raises(L.LedgerError, match="số đồng nguyên"):
        L.transaction([L.Line("1:bank", 0.5), L.Line("1:unallocated", -0.5)], D)
    with pytest.raises(L.LedgerError, match="ít nhất hai dòng"):
        L.transaction([L.Line("1:bank", 0)], D)


def test_a_reversal_negates_and_is_done_once():
    t = L.Transaction((L.Line("1:bank", 7), L.Line("1:unallocated", -7)), D, id=4)
    r = L.reversal(t, D)
    assert r.reverses == 4 and L.balances(t.lines + r.lines) == {"1:bank": 0, "1:unallocated": 0}
    with pytest.raises(L.LedgerError, match="đã được đảo"):
        L.reversal(t, D, reversed_ids=[4])
    with pytest.raises(L.LedgerError, match="Không đảo một bút toán đảo"):
        L.reversal(L.Transaction(r.lines, D, reverses=4, id=5), D)


def test_overdraft_is_refused():
    with pytest.raises(L.LedgerError, match="Không đủ số dư"):
        L.check_no_overdraft({"1:bank": 5}, [L.Line("1:bank", -6), L.Line("1:earmarked:house", 6)])
    with pytest.raises(L.LedgerError, match="Vượt số còn lại"):
        L.check_no_overdraft({"1:bank": 9, "1:earmarked:house": -5}, [L.Line("1:bank", -6), L.Line("1:earmarked:house", 6)])
    L.check_no_overdraft({"1:bank": 9, "1:earmarked:house": -6}, [L.Line("1:bank", -6), L.Line("1:earmarked:house", 6)])


def test_receipts_are_unbroken():
    book = L.ReceiptBook()
    assert [book.next() for _ in range(3)] == [1, 2, 3]
    L.check_unbroken([3, 1, 2])
    with pytest.raises(L.LedgerError, match="Thiếu số biên lai 2"):
        L.check_unbroken([1, 3])
    with pytest.raises(L.LedgerError, match="bị trùng"):
        L.check_unbroken([1, 2, 2])
    assert L.receipt_label(2025, 7, "QVNN-X") == "QVNN-X-2025-00007"


def test_statement_reads_both_headers_and_names_row_and_column():
    rows = L.parse_statement("ngày;số tiền;mã tham chiếu;diễn giải\n20/10/2025;1.000.000;FT1;Ung ho\n", "a.csv")
    assert rows == [L.StatementLine(2, D, 1_000_000, "FT1", "Ung ho")]
    with pytest.raises(L.LedgerError) as e:
        L.parse_statement(b"date,amount,reference,description\n2025-10-20,5,x,y\n2025-10-21,1.5e3,x,y\n", "b.csv")
    assert e.value.vi.startswith("b.csv, dòng 3, cột số tiền")
    with pytest.raises(L.LedgerError, match="dòng 1: thiếu cột số tiền"):
        L.parse_statement("date,reference,description\n", "c.csv")
    with pytest.raises(L.LedgerError, match="dòng 2, cột ngày"):
        L.parse_statement("date,amount,reference,description\n32/10/2025,5,,\n", "d.csv")


def test_reconcile_matches_amount_window_and_reference():
    st = [L.StatementLine(2, D, 100, "FT9", "QVNN-1"), L.StatementLine(3, D, 100, "", ""),
          L.StatementLine(4, D, 300, "", ""), L.StatementLine(5, D + dt.timedelta(days=10), 100, "", "")]
    entries = [L.Entry(1, D, 100, ""), L.Entry(2, D + dt.timedelta(days=1), 100, "QVNN-1"), L.Entry(3, D, 200, "")]
    r = L.reconcile(st, entries)
    assert [(s.row, e.id) for s, e in r.matched] == [(2, 2), (3, 1)]
    assert [s.row for s in r.unmatched_statement] == [4, 5]
    assert [e.id for e in r.unmatched_ledger] == [3]
