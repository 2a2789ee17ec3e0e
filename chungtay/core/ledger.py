"""The Fund for the Poor's books, the pure part: double-entry postings in whole VND.

No Django here (usable from a notebook). The app keeps the same rules in its tables
(``chungtay/fund``); this module decides what may be written.

- A **transaction** is a list of :class:`Line` ``(account, amount)`` whose amounts sum to
  exactly 0; a positive amount is a debit, a negative one a credit. Amounts are Python ints
  (VND), never floats; 0 lines are refused.
- A **balance** is the sum of the lines of an account (:func:`balances`), nothing else.
- A **reversal** (:func:`reversal`) is a new transaction with every line negated, referring to
  the original; the original is never changed. A transaction is reversed at most once and a
  reversal is not reversed again (record the entry anew instead).
- **Receipts** (:class:`ReceiptBook`): numbers 1, 2, 3, … for each fund and year, with no gap and
  no repeat (:func:`check_unbroken`).
- **Bank reconciliation** (:func:`parse_statement`, :func:`reconcile`): a statement CSV matched
  to ledger entries by amount, a date window and the reference.

Accounts of a fund (the app names them ``"<fund id>:<name>"``): assets ``cash``, ``bank``,
``goods`` (donations in kind, at their valuation) and capital ``unallocated`` (received, not
yet allocated) and ``earmarked:<purpose>`` (allocated by a decision, not yet paid out).
:func:`check_no_overdraft` keeps assets ≥ 0 and capital ≤ 0 (credit).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

MAX_AMOUNT = 10 ** 15           # one line: far above any fund (the national fund collects ~10^12 a year)
ASSETS = ("cash", "bank", "goods")
CAPITAL_PREFIXES = ("unallocated", "earmarked:")


class LedgerError(ValueError):
    """A refused posting, with the reason in Vietnamese and English."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


def _vnd(n: int) -> str:
    return f"{n:,}".replace(",", ".") + " đ"


@dataclass(frozen=True)
class Line:
    account: str
    amount: int


@dataclass(frozen=True)
class Transaction:
    lines: tuple[Line, ...]
    date: dt.date
    memo: str = ""
    reverses: int | None = None      # id of the transaction this one reverses
    id: int | None = None


def check_lines(lines: Iterable[Line]) -> tuple[Line, ...]:
    """The lines of one transaction, or LedgerError: integers, not 0, sum 0, at least two."""
    out = tuple(lines)
    if len(out) < 2:
        raise LedgerError("Một bút toán cần ít nhất hai dòng (nợ và có)",
                          "A transaction needs at least two lines (debit and credit)")
    for ln in out:
        if not isinstance(ln.amount, int) or isinstance(ln.amount, bool):
            raise LedgerError(f"Số tiền của tài khoản {ln.account} phải là số đồng nguyên",
                              f"The amount of account {ln.account} must be whole VND")
        if ln.amount == 0:
            raise LedgerError(f"Dòng của tài khoản {ln.account} có số tiền 0", f"Account {ln.account}: amount 0")
        if abs(ln.amount) > MAX_AMOUNT:
            raise LedgerError(f"Số tiền của tài khoản {ln.account} quá lớn", f"Account {ln.account}: amount too large")
        if not isinstance(ln.account, str) or not ln.account.strip():
            raise LedgerError("Thiếu tài khoản", "An account is missing")
    total = sum(ln.amount for ln in out)
    if total != 0:
        raise LedgerError(f"Bút toán không cân: tổng nợ và có lệch {_vnd(total)}",
                          f"The transaction does not balance: off by {total} VND")
    return out


def transaction(lines: Iterable[Line], date: dt.date, memo: str = "", reverses: int | None = None) -> Transaction:
    return Transaction(check_lines(lines), date, memo, reverses)


def balances(lines: Iterable[Line]) -> dict[str, int]:
    """Account → sum of its lines (accounts that sum to 0 are kept: they were used)."""
    out: dict[str, int] = defaultdict(int)
    for ln in lines:
        out[ln.account] += ln.amount
    return dict(out)


def reversal(original: Transaction, date: dt.date, memo: str = "", *, reversed_ids: Iterable[int] = (),
             reversal_ids: Iterable[int] = ()) -> Transaction:
    """A new transaction that cancels ``original`` line by line.

    ``reversed_ids``: ids of transactions already reversed; ``reversal_ids``: ids of transactions
    that are themselves reversals (neither may be reversed)."""
    if original.id is not None and original.id in set(reversed_ids):
        raise LedgerError("Bút toán này đã được đảo rồi", "This transaction has already been reversed")
    if original.reverses is not None or (original.id is not None and original.id in set(reversal_ids)):
        raise LedgerError("Không đảo một bút toán đảo: hãy ghi lại bút toán đúng",
                          "A reversal is not reversed: record the right entry anew")
    if date < original.date:
        raise LedgerError("Ngày đảo không được trước ngày của bút toán gốc",
                          "The reversal cannot be dated before the original")
    return transaction([Line(ln.account, -ln.amount) for ln in original.lines], date,
                       memo or f"Đảo bút toán {original.id}", reverses=original.id)


def is_asset(account: str) -> bool:
    return account.rsplit(":", 1)[-1] in ASSETS


def is_capital(account: str) -> bool:
    name = account.split(":", 1)[1] if ":" in account and account.split(":", 1)[0].isdigit() else account
    return name.startswith(CAPITAL_PREFIXES)


def check_no_overdraft(current: dict[str, int], lines: Iterable[Line], names: dict[str, str] | None = None) -> None:
    """Refuse lines that would leave an asset below 0 (paying money the fund does not hold) or a
    capital account above 0 (spending more than was received or allocated)."""
    names = names or {}
    after = dict(current)
    for ln in lines:
        after[ln.account] = after.get(ln.account, 0) + ln.amount
    for ln in lines:
        a, v = ln.account, after[ln.account]
        label = names.get(a, a)
        if is_asset(a) and v < 0:
            raise LedgerError(f"Không đủ số dư ở {label}: còn {_vnd(current.get(a, 0))}, cần {_vnd(-ln.amount)}",
                              f"Not enough in {label}: {current.get(a, 0)} VND held, {-ln.amount} needed")
        if is_capital(a) and v > 0:
            raise LedgerError(f"Vượt số còn lại của {label}: còn {_vnd(-current.get(a, 0))}",
                              f"More than is left in {label}: {-current.get(a, 0)} VND")


# ------------------------------------------------------------------ receipts

@dataclass
class ReceiptBook:
    """Receipt numbers of one fund and year: the next is always the count so far + 1."""
    issued: list[int] = field(default_factory=list)

    def next(self) -> int:
        n = len(self.issued) + 1
        self.issued.append(n)
        return n


def next_receipt(last: int | None) -> int:
    return (last or 0) + 1


def check_unbroken(numbers: Iterable[int]) -> None:
    """1..n, each once: raise LedgerError naming the first gap or repeat."""
    seen = sorted(numbers)
    for i, n in enumerate(seen, start=1):
        if n != i:
            if i > 1 and n == seen[i - 2]:
                raise LedgerError(f"Số biên lai {n} bị trùng", f"Receipt number {n} is repeated")
            raise LedgerError(f"Thiếu số biên lai {i}", f"Receipt number {i} is missing")


def receipt_label(year: int, number: int, fund_code: str = "") -> str:
    return f"{fund_code + '-' if fund_code else ''}{year}-{number:05d}"


# ------------------------------------------------------------------ bank reconciliation

STATEMENT_COLUMNS = ("date", "amount", "reference", "description")
COLUMN_NAMES_VI = {"date": "ngày", "amount": "số tiền", "reference": "mã tham chiếu", "description": "diễn giải"}
MAX_STATEMENT_ROWS = 100_000


@dataclass(frozen=True)
class StatementLine:
    row: int                 # row in the file (the header is row 1)
    date: dt.date
    amount: int              # + money in, − money out
    reference: str
    description: str


@dataclass(frozen=True)
class Entry:
    """A ledger line on the fund's bank account, as reconciliation sees it."""
    id: int
    date: dt.date
    amount: int
    reference: str = ""


def _date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(text)


def _amount(text: str) -> int:
    t = text.strip().replace(" ", "")
    neg = t.startswith("-")
    digits = t.lstrip("+-").replace(".", "")
    if not digits.isdigit():
        raise ValueError(text)
    n = int(digits)
    return -n if neg else n


def parse_statement(data: bytes | str, name: str = "sao-ke.csv") -> list[StatementLine]:
    """A bank statement CSV (UTF-8, comma or semicolon, header ``date,amount,reference,description``
    — or the Vietnamese ``ngày,số tiền,mã tham chiếu,diễn giải``); dates ``YYYY-MM-DD`` or
    ``DD/MM/YYYY``; amounts in whole VND, ``-`` for money out, ``.`` allowed as thousands
    separator. All or nothing: the first problem raises LedgerError naming file, row and column."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LedgerError(f"{name}: tệp không phải UTF-8", f"{name}: the file is not UTF-8") from None
    lines = data.splitlines()
    if not lines:
        raise LedgerError(f"{name}: tệp rỗng", f"{name}: the file is empty")
    delim = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(data), delimiter=delim)
    header = [h.strip().lower() for h in next(reader)]
    by_vi = {v: k for k, v in COLUMN_NAMES_VI.items()}
    header = [by_vi.get(h, h) for h in header]
    missing = [c for c in STATEMENT_COLUMNS if c not in header]
    if missing:
        raise LedgerError(f"{name}, dòng 1: thiếu cột {', '.join(COLUMN_NAMES_VI[c] + ' (' + c + ')' for c in missing)}",
                          f"{name}, row 1: missing column {', '.join(missing)}")
    pos = {c: header.index(c) for c in STATEMENT_COLUMNS}
    out: list[StatementLine] = []
    for row_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if row_no > MAX_STATEMENT_ROWS + 1:
            raise LedgerError(f"{name}: quá {MAX_STATEMENT_ROWS:,} dòng".replace(",", "."),
                              f"{name}: more than {MAX_STATEMENT_ROWS} rows")
        cells = {c: (row[i] if i < len(row) else "") for c, i in pos.items()}
        try:
            day = _date(cells["date"])
        except ValueError:
            raise LedgerError(f"{name}, dòng {row_no}, cột ngày: “{cells['date']}” không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY)",
                              f"{name}, row {row_no}, column date: “{cells['date']}” is not a date") from None
        try:
            amount = _amount(cells["amount"])
        except ValueError:
            raise LedgerError(f"{name}, dòng {row_no}, cột số tiền: “{cells['amount']}” không phải số đồng nguyên",
                              f"{name}, row {row_no}, column amount: “{cells['amount']}” is not whole VND") from None
        if amount == 0 or abs(amount) > MAX_AMOUNT:
            raise LedgerError(f"{name}, dòng {row_no}, cột số tiền: số tiền phải khác 0 và không quá lớn",
                              f"{name}, row {row_no}, column amount: must be non-zero and not too large")
        out.append(StatementLine(row_no, day, amount, cells["reference"].strip()[:100], cells["description"].strip()[:300]))
    return out


@dataclass
class Reconciliation:
    matched: list[tuple[StatementLine, Entry]]
    unmatched_statement: list[StatementLine]
    unmatched_ledger: list[Entry]


def _ref(s: str) -> str:
    return "".join(ch for ch in s.upper() if ch.isalnum())


def reconcile(statement: list[StatementLine], entries: list[Entry], window_days: int = 3) -> Reconciliation:
    """Match each statement line to at most one ledger entry of the same amount whose date is within
    ``window_days``; an entry whose reference appears in the line's reference or description wins,
    then the closest date, then the lower id. Each entry is used once."""
    by_amount: dict[int, list[Entry]] = defaultdict(list)
    for e in sorted(entries, key=lambda e: (e.date, e.id)):
        by_amount[e.amount].append(e)
    used: set[int] = set()
    matched, lonely = [], []
    for s in sorted(statement, key=lambda s: (s.date, s.row)):
        text = _ref(s.reference + " " + s.description)
        best, best_key = None, None
        for e in by_amount.get(s.amount, ()):
            if e.id in used or abs((e.date - s.date).days) > window_days:
                continue
            ref_hit = bool(e.reference) and _ref(e.reference) in text
            key = (not ref_hit, abs((e.date - s.date).days), e.id)
            if best_key is None or key < best_key:
                best, best_key = e, key
        if best is None:
            lonely.append(s)
        else:
            used.add(best.id)
            matched.append((s, best))
    rest = [e for e in sorted(entries, key=lambda e: (e.date, e.id)) if e.id not in used]
    return Reconciliation(matched, sorted(lonely, key=lambda s: s.row), rest)
