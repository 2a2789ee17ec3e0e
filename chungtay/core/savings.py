"""Savings-and-loan ledger of a group (pure Python, no Django): balances from an append-only
list of entries, and the check of a new entry or a reversal.

An entry is (kind, amount, sign): ``kind`` one of deposit / withdrawal / loan / repayment,
``amount`` a positive integer of VND, ``sign`` +1 for an ordinary entry and −1 for the
reversing entry that corrects it (same kind and amount, opposite effect).
"""
from __future__ import annotations

from dataclasses import dataclass

DEPOSIT, WITHDRAWAL, LOAN, REPAYMENT = "deposit", "withdrawal", "loan", "repayment"
KINDS = (DEPOSIT, WITHDRAWAL, LOAN, REPAYMENT)
MAX_AMOUNT = 10 ** 12


@dataclass(frozen=True)
class Balance:
    savings: int = 0            # deposits − withdrawals
    loans: int = 0              # loans outstanding: loans − repayments

    def plus(self, kind: str, amount: int, sign: int = 1) -> "Balance":
        a = amount * sign
        if kind == DEPOSIT:
            return Balance(self.savings + a, self.loans)
        if kind == WITHDRAWAL:
            return Balance(self.savings - a, self.loans)
        if kind == LOAN:
            return Balance(self.savings, self.loans + a)
        if kind == REPAYMENT:
            return Balance(self.savings, self.loans - a)
        raise ValueError(kind)


def balance(entries) -> Balance:
    """entries: iterable of (kind, amount, sign)."""
    b = Balance()
    for kind, amount, sign in entries:
        b = b.plus(kind, amount, sign)
    return b


def fund(member_balances) -> int:
    """Money the group holds: all savings less the loans outstanding."""
    return sum(b.savings - b.loans for b in member_balances)


class EntryError(ValueError):
    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi, self.en = vi, en


def check(member: Balance, group_fund: int, kind: str, amount, sign: int = 1) -> Balance:
    """The member's balance after the entry, or EntryError when the entry would leave a
    negative savings balance, a negative loan, or lend more than the group holds."""
    if kind not in KINDS:
        raise EntryError("Loại giao dịch không hợp lệ", "Unknown kind of entry")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise EntryError("Số tiền phải là số đồng nguyên dương", "The amount must be a positive whole number of VND")
    if amount > MAX_AMOUNT:
        raise EntryError("Số tiền quá lớn (tối đa 1.000 tỷ đồng)", "The amount is too large (at most 10^12 VND)")
    after = member.plus(kind, amount, sign)
    if after.savings < 0:
        raise EntryError(f"Số tiền rút vượt số dư tiết kiệm ({member.savings:,} đồng)".replace(",", "."),
                         f"The withdrawal exceeds the savings balance ({member.savings:,} VND)")
    if after.loans < 0:
        raise EntryError(f"Số tiền trả vượt dư nợ ({member.loans:,} đồng)".replace(",", "."),
                         f"The repayment exceeds the loan outstanding ({member.loans:,} VND)")
    change = (after.savings - after.loans) - (member.savings - member.loans)
    if group_fund + change < 0:
        raise EntryError(f"Quỹ của tổ không đủ (còn {group_fund:,} đồng)".replace(",", "."),
                         f"The group's fund is not enough ({group_fund:,} VND left)")
    return after
