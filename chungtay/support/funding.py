"""Funding sources of one support: shares and amounts (pure Python, no Django).

The decision (docs/support.md): every support stores, per source, an integer VND **amount**
and an integer percentage **share**. The amounts sum exactly to the support's value; the
shares sum exactly to 100. Either is entered, the other is derived by the largest-remainder
rule, so no đồng and no point is lost to rounding:

- shares entered ("NSTW 70%; HO 30%"): amount_i = floor(value × share_i / 100), and the
  đồng left over go one by one to the largest remainders (the first listed on a tie);
- amounts entered ("NSTW 14000000; HO 6000000"): they must sum to the value; share_i is
  derived the same way from 100 × amount_i / value.

A support worth 0 đ (a job connection, a training place paid elsewhere) keeps its shares
with amounts of 0: who funds it is still recorded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SOURCES = 10


class FundingError(ValueError):
    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(vi)


@dataclass(frozen=True)
class Line:
    source: str
    share: int        # percent, integer
    amount: int       # VND, integer


def _largest_remainder(total: int, weights: list[int], whole: int) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (which sum to ``whole``) into integers that
    sum to ``total`` exactly."""
    raw = [total * w for w in weights]
    base = [r // whole for r in raw]
    left = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] % whole), i))
    for i in order[:left]:
        base[i] += 1
    return base


def split(value: int, entries: list[tuple[str, int, bool]]) -> list[Line]:
    """``entries``: (source code, number, is_percent) → lines with shares and amounts."""
    if not entries:
        raise FundingError("Cần ít nhất một nguồn vốn", "At least one funding source is needed")
    if len(entries) > MAX_SOURCES:
        raise FundingError(f"Nhiều nhất {MAX_SOURCES} nguồn vốn", f"At most {MAX_SOURCES} funding sources")
    codes = [e[0] for e in entries]
    for c in codes:
        if codes.count(c) > 1:
            raise FundingError(f"Nguồn vốn {c} ghi hai lần", f"Funding source {c} is given twice")
    kinds = {e[2] for e in entries}
    if len(kinds) > 1:
        raise FundingError("Ghi tất cả nguồn vốn theo tỷ lệ % hoặc tất cả theo số tiền, không trộn lẫn",
                           "Give every source as a percentage or every source as an amount, not both")
    numbers = [e[1] for e in entries]
    if any(not isinstance(n, int) or isinstance(n, bool) for n in numbers):
        raise FundingError("Tỷ lệ và số tiền phải là số nguyên", "Shares and amounts must be whole numbers")
    if kinds == {True}:
        if any(n <= 0 or n > 100 for n in numbers):
            raise FundingError("Mỗi tỷ lệ phải từ 1% đến 100%", "Each share must be 1% to 100%")
        if sum(numbers) != 100:
            raise FundingError(f"Các tỷ lệ cộng lại {sum(numbers)}%, phải đúng 100%",
                               f"The shares add up to {sum(numbers)}%, they must make exactly 100%")
        amounts = _largest_remainder(value, numbers, 100)
        return [Line(c, s, a) for c, s, a in zip(codes, numbers, amounts)]
    if any(n < 0 for n in numbers):
        raise FundingError("Số tiền không được âm", "An amount cannot be negative")
    if sum(numbers) != value:
        raise FundingError(f"Các nguồn vốn cộng lại {sum(numbers):,} đ, khác giá trị hỗ trợ {value:,} đ"
                           .replace(",", "."),
                           f"The sources add up to {sum(numbers):,} VND, not the support's value {value:,} VND")
    if value == 0:
        raise FundingError("Hỗ trợ trị giá 0 đ: ghi nguồn vốn theo tỷ lệ %",
                           "A support worth 0 VND: give the sources as percentages")
    shares = _largest_remainder(100, numbers, value)
    return [Line(c, s, a) for c, s, a in zip(codes, shares, numbers)]


_ENTRY = re.compile(r"^\s*([A-Za-zĐđ_][\w\-]*)\s*[:=]?\s*([0-9][0-9.,\s]*)\s*(%?)\s*$")


def parse(text: str) -> list[tuple[str, int, bool]]:
    """'NSTW 70%; HO 30%' or 'NSTW: 14.000.000; HO: 6.000.000' → entries for :func:`split`.
    Amounts may use Vietnamese thousands separators (dots) or commas; no decimals."""
    text = (text or "").strip()
    if not text:
        raise FundingError("Cần ít nhất một nguồn vốn", "At least one funding source is needed")
    out = []
    for part in re.split(r"[;\n]", text):
        if not part.strip():
            continue
        m = _ENTRY.match(part)
        if not m:
            raise FundingError(f"Không hiểu '{part.strip()[:40]}': viết MÃ_NGUỒN TỶ_LỆ% hoặc MÃ_NGUỒN SỐ_TIỀN, "
                               "cách nhau bởi dấu chấm phẩy (ví dụ: NSTW 70%; HO 30%)",
                               f"Cannot read '{part.strip()[:40]}': write SOURCE SHARE% or SOURCE AMOUNT, "
                               "separated by semicolons (e.g. NSTW 70%; HO 30%)")
        digits = re.sub(r"[.,\s]", "", m.group(2))
        out.append((m.group(1).upper(), int(digits), m.group(3) == "%"))
    return out


def describe(lines) -> str:
    """'NSTW 70%; HO 30%' (for exports and the audit)."""
    return "; ".join(f"{ln.source} {ln.share}%" for ln in lines)
