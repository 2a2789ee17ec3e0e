"""The programme results report (issue 10 §7, "Biểu 02"): what goes into it (the only place
with queries; ``report_xlsx.py`` and ``report_pdf.py`` lay it out, ``views_report.py`` serves).

For a unit (province, commune or village of the 2025 hierarchy, in the user's area) and a period
(``first … last`` years), one row per programme, project and sub-project of the catalogue that
has supports in the period, in catalogue order, with:

- **households** supported (distinct within the row), and among them the **poor** and
  **near-poor** at the start of the period (the household's current periodic result of
  ``first − 1``);
- **supports by kind**: count and VND; **outputs**: quantities summed by kind and unit of
  measure (12 con, 300 kg);
- **funds by source**: VND from ``SupportFunding`` of the same versions;
- **escaped**: supported households that escaped at the next review, by the definition of
  :mod:`chungtay.core.outcomes` (poor in Y − 1 and not poor in Y or Y + 1; near-poor in Y − 1 and
  average or above in Y or Y + 1; Y = the household's first support year in the row), split by
  the starting level, with the undecided (``pending``) beside them. A result of the year **after**
  the period (``last + 1``, the Y + 1 of a support of the last year) counts only when that year is
  final for the unit: a closed report never counts a provisional result, and its households stay
  "not yet decided" until the round is recognised (``Report.not_counted``, said in a note). Results
  of the period's own years count as they are: a provisional one makes the report a DỰ THẢO.

Counted: **delivered** supports, **current versions only** (a correction counts once, as
corrected); cancelled supports and planned ones are left out (the planned are counted in a
note). Money is integer VND; each row's kinds and sources sum exactly to its value, and the
rows without child rows (the "leaves", including a "not split" row for supports recorded on a
programme or project that also has child rows) sum exactly to the total. Households are
distinct within a row, so child rows may add up to more than their parent.

**Closed period** (no DỰ THẢO mark): every year of the period has its periodic review
recognised (or locked, or over) for the unit — :func:`chungtay.households.completeness.year_statuses`,
the rule behind ``reports.data.year_status_of``. A period including an unrecognised year (the
current one, typically) is a draft.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from chungtay.core import outcomes as oc
from chungtay.households.completeness import year_statuses
from chungtay.reports.data import Issuer, issuer_for
from chungtay.units.models import Unit

from .models import KIND_NAMES, KINDS, FundingSource, ProgrammePart, Support, SupportFunding
from .queries import unit_filter
from .radar import _by_id, _chunks, _unit_column

MAX_YEARS = 15
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")
KIND_ORDER = {k: i for i, (k, *_) in enumerate(KINDS)}


@dataclass
class KindLine:
    kind: str
    name_vi: str
    name_en: str
    supports: int = 0
    value_vnd: int = 0
    outputs: list[tuple[Decimal, str]] = field(default_factory=list)     # (quantity, unit of measure)


@dataclass
class SourceLine:
    code: str
    name_vi: str
    name_en: str
    amount_vnd: int = 0


@dataclass
class Row:
    key: str                  # the part's code; code + "#own"; "total"
    level: str                # programme / project / subproject / own / total
    depth: int
    number: str               # I, II … for programmes; DA3, TDA1 … below
    name_vi: str
    name_en: str
    leaf: bool = True         # no child rows: the leaves sum to the total
    households: int = 0
    poor: int = 0             # … poor at the start of the period
    near_poor: int = 0        # … near-poor at the start of the period
    supports: int = 0
    value_vnd: int = 0
    kinds: list[KindLine] = field(default_factory=list)
    sources: list[SourceLine] = field(default_factory=list)
    escaped: int = 0          # escaped at the next review (core.outcomes)
    escaped_poor: int = 0     # … of them poor before the support
    escaped_near: int = 0     # … of them near-poor before the support
    eligible: int = 0         # poor or near-poor the year before the support
    decided: int = 0
    pending: int = 0

    def kind(self, code: str) -> KindLine | None:
        return next((k for k in self.kinds if k.kind == code), None)

    def source(self, code: str) -> int:
        return next((s.amount_vnd for s in self.sources if s.code == code), 0)


@dataclass
class DraftReason:
    """What the DỰ THẢO mark says (``draft_vi``, as ``YearStatus`` has it for one year)."""
    draft_vi: str


@dataclass
class Report:
    unit: Unit
    first: int
    last: int
    issuer: Issuer
    rows: list[Row]
    total: Row
    statuses: dict                       # year → YearStatus
    not_counted: object | None = None    # YearStatus of last + 1 when provisional and left out of "escaped"
    planned: int = 0                     # planned (not yet delivered) supports, not counted
    planned_vnd: int = 0
    kinds_used: list[tuple[str, str, str]] = field(default_factory=list)     # (code, vi, en)
    sources_used: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def draft(self) -> bool:
        return not all(s.final for s in self.statuses.values())

    @property
    def open_years(self) -> list[int]:
        return [y for y, s in sorted(self.statuses.items()) if not s.final]

    @property
    def status(self) -> DraftReason | None:
        if not self.draft:
            return None
        lines = [self.statuses[y].draft_vi for y in self.open_years]
        return DraftReason("Kỳ báo cáo chưa khóa sổ: " + "; ".join(lines))

    @property
    def escape_note_vi(self) -> str:
        """Why the "escaped" columns leave out the year after the period (empty: nothing left out)."""
        st = self.not_counted
        if st is None:
            return ""
        return (f"Cột hộ thoát nghèo, thoát cận nghèo chưa tính kết quả rà soát năm {st.year}: kết quả năm này chưa "
                f"được Chủ tịch Ủy ban nhân dân công nhận (số liệu tạm tính – {st.coverage_vi}). Hộ chỉ còn chờ kết "
                f"quả năm {st.year} được ghi ở cột \"Chưa đủ kết quả\" cho đến khi kết quả năm đó được công nhận.")

    @property
    def escape_note_en(self) -> str:
        st = self.not_counted
        if st is None:
            return ""
        return (f"The escaped columns do not count the {st.year} review: it is not yet recognised by the chairman "
                f"(provisional – {st.coverage_en}). Households waiting only for a {st.year} result are "
                f"\"not yet decided\" until it is recognised.")

    @property
    def period_vi(self) -> str:
        return f"năm {self.first}" if self.first == self.last else f"từ năm {self.first} đến năm {self.last}"

    @property
    def period_en(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"

    @property
    def leaves(self) -> list[Row]:
        return [r for r in self.rows if r.leaf]


class _Acc:
    """The supports of one row, accumulated."""

    def __init__(self):
        self.households: set[int] = set()
        self.supports = 0
        self.value = 0
        self.kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.outputs: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self.sources: dict[str, int] = defaultdict(int)
        self.lines: list[tuple[int, int, int]] = []       # (household, year, value) for core.outcomes

    def add(self, s: tuple, funding: list[tuple[str, int]]) -> None:
        _, hh, _, kind, qty, uom, value, year = s
        self.households.add(hh)
        self.supports += 1
        self.value += value
        k = self.kinds[kind]
        k[0] += 1
        k[1] += value
        self.outputs[(kind, uom.strip())] += qty
        for code, amount in funding:
            self.sources[code] += amount
        self.lines.append((hh, year, value))

    def merge(self, other: "_Acc") -> None:
        self.households |= other.households
        self.supports += other.supports
        self.value += other.value
        for kind, (n, v) in other.kinds.items():
            self.kinds[kind][0] += n
            self.kinds[kind][1] += v
        for key, q in other.outputs.items():
            self.outputs[key] += q
        for code, a in other.sources.items():
            self.sources[code] += a
        self.lines += other.lines


def supports_in(user, unit: Unit, first: int, last: int):
    """The current versions of the unit's supports in the period, within the user's area."""
    return Support.objects.for_user(user).filter(is_current=True, year__gte=first, year__lte=last,
                                                 **unit_filter(unit)).order_by()


def _history(unit: Unit, households: set[int], first: int) -> dict[int, dict[int, str]]:
    """household → {year: category} of the current periodic results from ``first − 1`` on, of the
    unit (the unit lies in the user's area: the views check it with ``unit_for_user``)."""
    col, own = _unit_column(unit)
    history: dict[int, dict[int, str]] = {h: {} for h in households}
    for ids in _chunks(households):
        for h, y, c, u in _by_id(col, ids, first - 1, since=True):
            if u == own:
                history[h][y] = c
    return history


def _figures(row: Row, acc: _Acc, history, first: int, last: int, sources: dict, kinds_used: set) -> Row:
    row.households = len(acc.households)
    start = [history.get(h, {}).get(first - 1) for h in acc.households]
    row.poor = start.count(oc.POOR)
    row.near_poor = start.count(oc.NEAR)
    row.supports, row.value_vnd = acc.supports, acc.value
    outputs = defaultdict(list)
    for (kind, uom), q in sorted(acc.outputs.items()):
        outputs[kind].append((q, uom))
    row.kinds = [KindLine(k, *KIND_NAMES.get(k, (k, k)), n, v, outputs[k])
                 for k, (n, v) in sorted(acc.kinds.items(), key=lambda kv: KIND_ORDER.get(kv[0], 99))]
    kinds_used.update(acc.kinds)
    row.sources = [SourceLine(code, *sources.get(code, (code, code)), amount)
                   for code, amount in sorted(acc.sources.items(), key=lambda ca: _pos(sources, ca[0]))]
    o = oc.outcomes(history, acc.lines, first, last)
    row.escaped, row.eligible, row.decided, row.pending = o.escaped, o.eligible, o.decided, o.pending
    first_year: dict[int, int] = {}
    for h, y, _ in acc.lines:
        first_year[h] = min(y, first_year.get(h, y))
    for h in o.escaped_ids:
        if history[h].get(first_year[h] - 1) == oc.POOR:
            row.escaped_poor += 1
        else:
            row.escaped_near += 1
    return row


def _pos(sources: dict, code: str) -> tuple:
    return (list(sources).index(code) if code in sources else len(sources), code)


def _short(part: ProgrammePart) -> str:
    root = part.programme
    if root is not None and part.code.startswith(root.code + "."):
        return part.code[len(root.code) + 1:].split(".")[-1]
    return part.code


OWN_LABEL = {ProgrammePart.PROGRAMME: ("Ghi chung cho chương trình, không chia theo dự án",
                                       "Recorded on the programme, not split by project"),
             ProgrammePart.PROJECT: ("Ghi chung cho dự án, không chia theo tiểu dự án",
                                     "Recorded on the project, not split by sub-project")}


def programme_results(user, unit: Unit, first: int, last: int) -> Report:
    """The report of ``unit`` (already checked against the user's area) for ``first … last``."""
    base = supports_in(user, unit, first, last)
    rows_raw = list(base.filter(status="delivered").values_list(
        "id", "household_id", "part_id", "kind", "quantity", "unit_of_measure", "value_vnd", "year"))
    planned = list(base.filter(status="planned").values_list("value_vnd", flat=True))
    funding: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for sid, code, amount in SupportFunding.objects.filter(
            support__in=base.filter(status="delivered").values("id")).values_list("support_id", "source__code",
                                                                                 "amount_vnd").order_by():
        funding[sid].append((code, amount))
    sources = {s.code: (s.name_vi, s.name_en) for s in FundingSource.objects.order_by("position")}
    parts = {p.id: p for p in ProgrammePart.objects.select_related("programme").order_by("position", "id")}
    own: dict[int, _Acc] = defaultdict(_Acc)
    for s in rows_raw:
        own[s[2]].add(s, funding.get(s[0], []))
    history = _history(unit, {s[1] for s in rows_raw}, first)
    # The statuses of the period's years, and of the year after it when a supported household has a
    # result of it (the escape of a support of the last year may be decided by it): one batch.
    after = last + 1
    wanted = range(first, after + 1) if any(after in ys for ys in history.values()) else range(first, after)
    statuses = year_statuses(user, unit, wanted)
    not_counted = statuses.pop(after, None)
    if not_counted is not None and not_counted.final:
        not_counted = None
    if not_counted is not None:
        # a year after the period whose review is not yet recognised is not counted: a report never
        # counts a provisional result beyond its own (draft-marked) years; the households whose
        # escape depends on it stay "not yet decided" until the round is recognised
        for ys in history.values():
            ys.pop(after, None)

    children: dict[int | None, list[ProgrammePart]] = defaultdict(list)
    for p in parts.values():
        children[p.parent_id if p.parent_id in parts else None].append(p)
    kinds_used: set[str] = set()
    out: list[Row] = []
    total = _Acc()
    n_programme = 0

    def walk(p: ProgrammePart, depth: int) -> _Acc | None:
        nonlocal n_programme
        acc = _Acc()
        mine = own.get(p.id)
        if mine is not None:
            acc.merge(mine)
        at = len(out)
        out.append(None)                       # this part's row, filled in when its subtree is known
        child_rows = 0
        if mine is not None and children.get(p.id):
            out.append(None)                   # the "not split" row, kept only if there are child rows
        own_at = len(out) - 1 if mine is not None and children.get(p.id) else None
        for c in children.get(p.id, []):
            sub = walk(c, depth + 1)
            if sub is not None:
                acc.merge(sub)
                child_rows += 1
        if acc.supports == 0:
            del out[at:]
            return None
        if p.level == ProgrammePart.PROGRAMME or depth == 0:
            n_programme += 1
            number = ROMAN[n_programme - 1] if n_programme <= len(ROMAN) else str(n_programme)
        else:
            number = _short(p)
        out[at] = _figures(Row(p.code, p.level, depth, number, p.name_vi, p.name_en, leaf=child_rows == 0), acc,
                           history, first, last, sources, kinds_used)
        if own_at is not None:
            if child_rows:
                vi, en = OWN_LABEL.get(p.level, OWN_LABEL[ProgrammePart.PROJECT])
                out[own_at] = _figures(Row(p.code + "#own", "own", depth + 1, "", vi, en), mine, history, first, last,
                                       sources, kinds_used)
            else:
                del out[own_at]
        return acc

    # programmes are numbered in catalogue order, so the roots are walked in position order
    for root in children.get(None, []):
        sub = walk(root, 0)
        if sub is not None:
            total.merge(sub)
    total_row = _figures(Row("total", "total", 0, "", "Tổng cộng", "Total", leaf=False), total, history, first, last,
                         sources, kinds_used)
    return Report(unit=unit, first=first, last=last, issuer=issuer_for(unit), rows=out, total=total_row,
                  statuses=statuses, not_counted=not_counted, planned=len(planned), planned_vnd=sum(planned),
                  kinds_used=[(k, vi, en) for k, vi, en in KINDS if k in kinds_used],
                  sources_used=[(c, *sources[c]) for c in sources if total.sources.get(c)]
                  + [(c, c, c) for c in sorted(total.sources) if c not in sources])


def money_vi(x: int) -> str:
    return f"{x:,}".replace(",", ".")


def quantity_vi(q: Decimal) -> str:
    """2500.5 → '2.500,5' (Vietnamese separators)."""
    whole, _, frac = f"{Decimal(q).normalize():f}".partition(".")
    return money_vi(int(whole)) + ("," + frac if frac else "")


def outputs_vi(line: KindLine) -> str:
    """'12 con; 300 kg' — the quantities of one kind, by unit of measure."""
    return "; ".join(f"{quantity_vi(q)} {uom}".strip() for q, uom in line.outputs)


TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN HỖ TRỢ GIẢM NGHÈO THEO CHƯƠNG TRÌNH, DỰ ÁN"
FORM = "Biểu 02 (tham khảo)"
FORM_LINE = "(Theo cấu trúc Biểu 02 – Kết quả thực hiện Chương trình, Thông tư 10/2022/TT-BLĐTBXH; chi tiết cột do Chung Tay thiết kế)"


def notes_vi(r: Report) -> list[str]:
    """The notes printed under the tables: what follows Circular 10/2022/TT-BLĐTBXH and what is
    our own design, and how each figure is counted."""
    out = [
        "Cấu trúc biểu: Thông tư 10/2022/TT-BLĐTBXH ngày 31/5/2022 quy định Biểu 02 \"Kết quả thực hiện Chương trình\" "
        "trong bộ biểu giám sát, đánh giá Chương trình mục tiêu quốc gia giảm nghèo bền vững. Nội dung chi tiết các cột "
        "của Biểu 02 không có trong các nguồn công khai đã tra cứu, nên biểu này KHÔNG phải mẫu chính thức: theo Thông tư "
        "là tên và mục đích của biểu (kết quả thực hiện theo Chương trình) và cách chia dòng theo Chương trình → Dự án → "
        "Tiểu dự án (Quyết định 90/QĐ-TTg); các cột, cách tính và phần nguồn vốn, loại hỗ trợ là thiết kế của Chung Tay "
        "từ sổ hỗ trợ. Khi có mẫu chính thức, cần đối chiếu và điều chỉnh.",
        "Số liệu: các hỗ trợ đã trao có năm hỗ trợ trong kỳ, theo phiên bản hiện hành (hỗ trợ đã sửa tính một lần theo "
        "nội dung đã sửa); không tính hỗ trợ đã thu hồi, hủy"
        + (f" và {r.planned} hỗ trợ dự kiến chưa trao ({money_vi(r.planned_vnd)} đồng)." if r.planned
           else " và hỗ trợ dự kiến chưa trao."),
        "Số hộ được hỗ trợ: mỗi hộ tính một lần trong một dòng; hộ nhận hỗ trợ của nhiều dự án, tiểu dự án được tính ở "
        "mỗi dòng đó, nên số hộ của các dòng con có thể cộng lại lớn hơn dòng trên. Số lượt, giá trị, nguồn vốn cộng "
        "đúng: các dòng không có dòng con cộng lại bằng dòng Tổng cộng.",
        f"Hộ nghèo, hộ cận nghèo đầu kỳ: theo kết quả rà soát định kỳ năm {r.first - 1} của hộ trên địa bàn.",
        "Hộ thoát nghèo, thoát cận nghèo: hộ nghèo năm trước năm được hỗ trợ lần đầu trong kỳ (năm Y) không còn nghèo ở "
        "kết quả rà soát năm Y hoặc Y + 1; hộ cận nghèo năm Y − 1 đạt mức sống trung bình trở lên ở năm Y hoặc Y + 1. "
        "\"Chưa đủ kết quả\": chưa thoát và chưa có kết quả rà soát năm Y + 1 (kết quả của năm sau kỳ báo cáo chỉ "
        "được tính khi kết quả năm đó đã được Chủ tịch Ủy ban nhân dân công nhận).",
        "Nguồn vốn: số tiền theo từng nguồn của từng hỗ trợ (số nguyên đồng, cộng đúng bằng giá trị hỗ trợ). Số lượng "
        "kết quả đầu ra cộng theo loại hỗ trợ và đơn vị tính đã ghi.",
        "Dự thảo: báo cáo của một kỳ là dự thảo cho đến khi kết quả rà soát của mọi năm trong kỳ được Chủ tịch Ủy ban nhân "
        "dân công nhận (khóa sổ) trên địa bàn báo cáo.",
    ]
    if r.escape_note_vi:
        out.insert(5, r.escape_note_vi)
    return out
