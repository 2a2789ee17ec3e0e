"""What goes into each official output, read from the registry within the user's area.

The renderers (pdf.py, xlsx.py) only lay out what these functions return, so every output is
generated from the data and the selection rules live in one place:

- posting lists: a review year's current periodic results, poor and near-poor households, and
  the households that escaped poverty / near-poverty since the previous review;
- the certificate: one household's current result of a year (poor or near-poor only);
- the summary report: counts per child unit, movements since the previous year and the poor
  households deprived in each indicator of the year's standard.

Posting lists carry only what the law requires to be public (name of the head, village,
category); nothing here selects ID numbers, income or health details.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.core.exceptions import FieldError
from django.http import Http404
from django.utils import timezone

from chungtay.core import fmt
from chungtay.core.movements import NONE, movement
from chungtay.core.standards import CATEGORY_NAMES, Standard, StandardError, get_standard, standard_for_year
from chungtay.households.models import Assessment, Household, Member
from chungtay.households.movements import commune_movements, unit_movements, village_movements
from chungtay.households.stats import Figures, available_years, unit_report, year_rows
from chungtay.units import labels as unit_labels
from chungtay.units.labels import inline_name
from chungtay.units.models import Unit

ELIGIBLE = ("poor", "near_poor")
RELATIONS = dict(Member.RELATIONS)


# ---------------------------------------------------------------- units and issuers

@dataclass
class Issuer:
    """The People's Committee that issues a document: a commune's, or a province's."""
    unit: Unit                       # the commune (or province) whose committee issues it
    province: Unit | None

    @property
    def agency(self) -> tuple[str, str]:
        return "ỦY BAN NHÂN DÂN", (self.unit.full_name or self.unit.name).upper()

    @property
    def place(self) -> str:
        return self.unit.name

    @property
    def committee(self) -> str:
        return f"Ủy ban nhân dân {inline_name(self.unit)}"


def issuer_for(unit: Unit) -> Issuer:
    commune = unit.parent if unit.level == Unit.VILLAGE else unit
    province = commune.parent if commune.level != Unit.PROVINCE else None
    return Issuer(commune, province)


def village_labels(commune: Unit) -> dict[int, str]:
    """Alias of :func:`chungtay.units.labels.village_labels` (the one source of village labels)."""
    return unit_labels.village_labels(commune)


DRAFT = "DỰ THẢO"


def legal_basis(standard: Standard | None, year: int) -> list[str]:
    """The legal texts that make ``standard`` the one of review ``year``, in the standard's order:
    a text issued after the year, or one that applies to another single year ("áp dụng cho năm
    2026"), is left out. 2021 cites Decision 59/2015 and Decree 07/2021 Art. 2; 2022 cites Decree
    07/2021 only; 2026 adds Decree 351/2025."""
    if not standard:
        return []
    out = []
    for text in standard.legal_basis:
        only = re.search(r"áp dụng cho năm (\d{4})", text)
        if only and int(only.group(1)) != year:
            continue
        issued = re.search(r"\d+/(\d{4})/", text)
        if issued and int(issued.group(1)) > year:
            continue
        # keep the notes that say how the text applies; drop the others ("hiệu lực …", "điểm A, điểm B")
        text = re.sub(r"\s*\((?!áp dụng|sửa đổi)[^)]*\)", "", text).strip()
        out.append(text)
    return out


def basis_lines(standard: Standard | None, year: int) -> list[str]:
    """"Căn cứ …;" lines citing the legal basis of the year's standard (the first names the standard)."""
    texts = legal_basis(standard, year)
    if not texts:
        return []
    name = standard.name_vi[:1].lower() + standard.name_vi[1:]
    return [f"Căn cứ {t}{' quy định ' + name if i == 0 else ''};" for i, t in enumerate(texts)]


def year_status_of(user, unit: Unit, year: int):
    """Final or provisional (draft) status of the unit's results of ``year``."""
    from chungtay.households.completeness import year_status
    return year_status(user, unit, year)


def date_line(place: str, d: date | None = None) -> str:
    d = d or timezone.localdate()
    return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def slug(*parts) -> str:
    """ASCII-safe file name part: "Xã Ngọk Bay" -> "xa-ngok-bay"."""
    s = fmt.fold(" ".join(str(p) for p in parts if p not in (None, "")))
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "x"


def _standard(year: int) -> Standard | None:
    try:
        return standard_for_year(year)
    except StandardError:
        return None


def has_previous_review(user, year: int) -> bool:
    """Movements need the previous year's review: it is held everywhere at once, so it exists
    when any result of that year is on record in the user's area."""
    return (year - 1) in available_years(user)


def round_info(commune: Unit, year: int) -> dict:
    """Optional details of the commune's periodic review round (posting days, chairman's name)
    when the review-rounds app is installed and has a round for the year; {} otherwise."""
    try:
        model = apps.get_model("reviews", "ReviewRound")
    except LookupError:
        return {}
    try:
        r = model.objects.filter(commune_id=commune.id, year=year, kind="periodic").first()
    except FieldError:
        return {}
    if r is None:
        return {}
    return {"posting_days": getattr(r, "posting_days", None), "chairman": getattr(r, "decided_by", "") or "",
            "decision_no": getattr(r, "decision_no", "") or "", "decision_date": getattr(r, "decision_date", None)}


# ---------------------------------------------------------------- posting lists

POSTING_UNITS = {(Unit.SYSTEM_2025, Unit.COMMUNE): "commune_id", (Unit.SYSTEM_2025, Unit.VILLAGE): "village_id"}


class _Document:
    """What every official document shows: DỰ THẢO before recognition (``status`` is the
    households.completeness.YearStatus of its unit) and the legal basis of its own year."""

    @property
    def draft(self) -> bool:
        return bool(self.status and self.status.provisional)

    @property
    def basis(self) -> list[str]:
        return basis_lines(self.standard, self.year)


@dataclass
class ListRow:
    no: int
    head_name: str
    village: str
    category: str


@dataclass
class ListSection:
    key: str
    title: str
    rows: list[ListRow]


@dataclass
class PostingList(_Document):
    unit: Unit
    issuer: Issuer
    year: int
    standard: Standard | None
    sections: list[ListSection]
    escaped_included: bool
    previous_year_missing: bool
    posting_days: int | None
    chairman: str = ""
    status: object = None             # households.completeness.YearStatus of the commune

    @property
    def counts(self) -> dict[str, int]:
        return {s.key: len(s.rows) for s in self.sections}

    unit_label: str = ""

    @property
    def subtitle(self) -> str:
        where = [self.unit_label or self.unit.full_name] if self.unit.level == Unit.VILLAGE else []
        where += [self.issuer.unit.full_name if not where else inline_name(self.issuer.unit)]
        if self.issuer.province:
            where.append(inline_name(self.issuer.province))
        text = ", ".join(where)
        return text[:1].upper() + text[1:]


def _posting_filter(unit: Unit) -> dict:
    col = POSTING_UNITS.get((unit.system, unit.level))
    if col is None:
        raise Http404("Danh sách niêm yết chỉ lập cho xã/phường hoặc thôn/tổ dân phố")
    return {col: unit.id}


def _sort_key(village: str, code: str):
    return fmt.sort_key(village), code


def posting_list(user, unit: Unit, year: int, escaped: bool = True) -> PostingList:
    where = _posting_filter(unit)
    issuer = issuer_for(unit)
    labels = village_labels(issuer.unit)
    base = Assessment.objects.for_user(user).filter(year=year, kind=Assessment.PERIODIC, is_current=True, **where)
    rows = [(cat, labels.get(v, ""), head, code) for cat, v, head, code in base.filter(category__in=ELIGIBLE)
            .values_list("category", "village_id", "household__head_name", "household__code")]
    sections = []
    for cat, title in (("poor", "HỘ NGHÈO"), ("near_poor", "HỘ CẬN NGHÈO")):
        sel = sorted((r for r in rows if r[0] == cat), key=lambda r: _sort_key(r[1], r[3]))
        sections.append(ListSection(cat, title, [
            ListRow(i, head or "(chưa ghi tên chủ hộ)", village, CATEGORY_NAMES[cat][0])
            for i, (_, village, head, _code) in enumerate(sel, 1)]))
    previous_missing = False
    if escaped:
        previous_missing = not has_previous_review(user, year)
        if not previous_missing:
            sections += _escaped_sections(user, issuer.unit, year, base, labels)
    info = round_info(issuer.unit, year)
    return PostingList(unit, issuer, year, _standard(year), sections, escaped, previous_missing,
                       info.get("posting_days"), info.get("chairman", ""), unit_label=labels.get(unit.id, ""),
                       status=year_status_of(user, issuer.unit, year))


ESCAPED = {
    "escaped_poverty": ("escaped", "Thoát nghèo"),
    "poor_to_near_poor": ("escaped", "Thoát nghèo (nay cận nghèo)"),
    "escaped_near_poverty": ("escaped_near", "Thoát cận nghèo"),
}


def _escaped_sections(user, commune: Unit, year: int, base, labels: dict[int, str]) -> list[ListSection]:
    # Movements are classified for the whole commune (a household that moved between two of
    # its villages is not lost), then restricted to the list's unit by where it lives this year.
    mr = unit_movements(user, commune, year - 1, year)
    ids = {h: m for h, m in mr.by_household.items() if m in ESCAPED}
    found = base.filter(household_id__in=list(ids)).values_list(
        "household_id", "village_id", "household__head_name", "household__code")
    by_section: dict[str, list] = {"escaped": [], "escaped_near": []}
    for hid, village, head, code in found:
        key, label = ESCAPED[ids[hid]]
        by_section[key].append((labels.get(village, ""), code, head, label))
    out = []
    for key, title in (("escaped", "HỘ THOÁT NGHÈO"), ("escaped_near", "HỘ THOÁT CẬN NGHÈO")):
        sel = sorted(by_section[key], key=lambda r: _sort_key(r[0], r[1]))
        out.append(ListSection(key, title, [ListRow(i, head or "(chưa ghi tên chủ hộ)", village, label)
                                            for i, (village, _c, head, label) in enumerate(sel, 1)]))
    return out


# ---------------------------------------------------------------- certificate

BY_SEX = {"spouse": {"M": "Chồng", "F": "Vợ"}, "parent": {"M": "Bố", "F": "Mẹ"}}


def relation_name(relation: str, sex: str) -> str:
    """"Vợ" or "Chồng" rather than "Vợ/chồng" when the member's sex is known."""
    return BY_SEX.get(relation, {}).get(sex) or RELATIONS.get(relation, relation)


class NotEligible(Exception):
    """The household's result of that year is not poor / near-poor (or there is none)."""


@dataclass
class MemberRow:
    no: int
    name: str
    ethnicity: str
    relation: str
    born_male: int | None
    born_female: int | None


@dataclass
class Certificate(_Document):
    household: Household
    assessment: Assessment
    issuer: Issuer
    village: Unit
    year: int
    category: str
    standard: Standard | None
    head_name: str
    head_ethnicity: str
    members: list[MemberRow]
    chairman: str = ""
    village_label: str = ""
    status: object = None             # households.completeness.YearStatus of the commune

    @property
    def category_name(self) -> str:
        return CATEGORY_NAMES[self.category][0]

    @property
    def address(self) -> str:
        """The recorded address, unless it only repeats the village (and an older commune name)."""
        a = self.household.address.strip()
        return "" if fmt.fold(a).startswith(fmt.fold(self.village.name)) else a

    @property
    def residence(self) -> str:
        parts = [self.village_label or self.village.full_name or self.village.name, inline_name(self.issuer.unit)]
        if self.issuer.province:
            parts.append(inline_name(self.issuer.province))
        return ", ".join(parts)


def certificate(user, household_id: int, year: int) -> Certificate:
    """The certificate of a household for a review year; 404 outside the user's area,
    NotEligible when that year's current result is not poor or near-poor."""
    hh = (Household.objects.for_user(user).select_related("village").filter(pk=household_id).first())
    if hh is None:
        raise Http404("Không tìm thấy hộ")
    # The year's current result: the periodic round's, unless a regular (monthly) review of the
    # same year recorded later changed it.
    a = (Assessment.objects.for_user(user).filter(household=hh, year=year, is_current=True)
         .select_related("village__parent__parent").order_by("-recorded_at", "-id").first())
    if a is None:
        raise NotEligible(f"Hộ chưa có kết quả rà soát năm {year}.")
    if a.category not in ELIGIBLE:
        raise NotEligible(f"Theo kết quả rà soát năm {year}, hộ không thuộc diện hộ nghèo, hộ cận nghèo "
                          f"({CATEGORY_NAMES[a.category][0].lower()}): không cấp giấy chứng nhận.")
    members = list(hh.members.all())
    members.sort(key=lambda m: (m.relation != "head", m.member_no))
    head = next((m for m in members if m.relation == "head"), None)
    try:
        standard = get_standard(a.standard)
    except StandardError:
        standard = _standard(year)
    issuer = issuer_for(a.village)
    return Certificate(
        hh, a, issuer, a.village, year, a.category, standard,
        head_name=head.full_name if head else hh.head_name, head_ethnicity=head.ethnicity if head else "",
        members=[MemberRow(i, m.full_name, m.ethnicity, relation_name(m.relation, m.sex),
                           m.birth_year if m.sex == "M" else None, m.birth_year if m.sex == "F" else None)
                 for i, m in enumerate(members, 1)],
        chairman=round_info(issuer.unit, year).get("chairman", ""),
        village_label=village_labels(issuer.unit).get(a.village_id, ""),
        status=year_status_of(user, issuer.unit, year))


# ---------------------------------------------------------------- summary report

SUMMARY_UNITS = {(Unit.SYSTEM_2025, Unit.COMMUNE): Unit.VILLAGE, (Unit.SYSTEM_2025, Unit.PROVINCE): Unit.COMMUNE}
MOVEMENT_KEYS = ("escaped_poverty", "poor_to_near_poor", "newly_poor", "re_poor")


@dataclass
class SummaryRow:
    unit: Unit | None
    label: str
    figures: Figures
    moves: dict[str, int] | None      # None when the previous year has no results

    def value(self, key: str):
        f = self.figures
        if key in ("escaped_total", "poor_to_near_poor", "newly_poor", "re_poor"):
            if self.moves is None:
                return None
            if key == "escaped_total":
                return self.moves["escaped_poverty"] + self.moves["poor_to_near_poor"]
            return self.moves[key]
        if key.startswith("dep_"):
            i = int(key[4:]) - 1
            return f.deprived[i] if i < len(f.deprived) else 0
        return getattr(f, key)


@dataclass
class Summary(_Document):
    unit: Unit
    issuer: Issuer
    year: int
    standard: Standard | None
    child_level: str
    rows: list[SummaryRow]
    total: SummaryRow
    has_movements: bool
    standard_changed: bool
    chairman: str = ""
    indicators: list = field(default_factory=list)
    status: object = None             # households.completeness.YearStatus of the unit


def summary(user, unit: Unit, year: int) -> Summary:
    child_level = SUMMARY_UNITS.get((unit.system, unit.level))
    if child_level is None:
        raise Http404("Biểu tổng hợp lập cho xã/phường (theo thôn) hoặc tỉnh (theo xã)")
    report = unit_report(user, unit, year)
    n = len(report.total.deprived)
    by_id = {f.unit.id: f for f in report.children if f.unit}
    children = list(Unit.objects.filter(parent=unit, system=Unit.SYSTEM_2025, level=child_level))
    known = {u.id for u in children}
    children += [f.unit for f in report.children if f.unit and f.unit.id not in known]
    labels = village_labels(unit) if unit.level == Unit.COMMUNE else {}
    children.sort(key=lambda u: (fmt.sort_key(labels.get(u.id) or u.name), u.code))
    has_prev = has_previous_review(user, year)
    moves = _movements(user, unit, children, year) if has_prev and _active(user, unit, year) else {}
    before, now = _standard(year - 1), _standard(year)
    changed = has_prev and (before.code if before else None) != (now.code if now else None)
    rows = []
    for u in children:
        f = by_id.get(u.id) or Figures(u, deprived=[0] * n)
        rows.append(SummaryRow(u, labels.get(u.id) or u.full_name or u.name, f,
                               {k: moves.get(u.id, Counter()).get(k, 0) for k in MOVEMENT_KEYS} if has_prev else None))
    total_moves = None
    if has_prev:
        total_moves = {k: sum(r.moves[k] for r in rows) for k in MOVEMENT_KEYS}
    total = SummaryRow(unit, "Tổng cộng", report.total, total_moves)
    issuer = issuer_for(unit) if unit.level != Unit.PROVINCE else Issuer(unit, None)
    info = round_info(unit, year) if unit.level == Unit.COMMUNE else {}
    return Summary(unit, issuer, year, report.standard, child_level, rows, total, has_prev, changed,
                   info.get("chairman", ""), list(report.standard.indicators) if report.standard else [],
                   status=year_status_of(user, unit, year))


def _active(user, unit: Unit, year: int) -> bool:
    """Any result in the unit in the year or the one before (else every movement is 0)."""
    select = "commune_id" if unit.level == Unit.COMMUNE else "province_id"
    return year_rows(user, year).filter(**{select: unit.id}).exists() or \
        year_rows(user, year - 1).filter(**{select: unit.id}).exists()


def _movements(user, unit: Unit, children: list[Unit], year: int) -> dict[int, Counter]:
    """Movement counts per child unit, classified per commune as each commune reports them;
    a province's figures are the sum of its communes' (the official reporting chain)."""
    out: dict[int, Counter] = {}
    if unit.level == Unit.COMMUNE:
        prepared = village_movements(user, unit, year)
        if prepared is not None:
            return prepared
        mr = unit_movements(user, unit, year - 1, year)
        where = dict(Assessment.objects.for_user(user).filter(
            year=year, kind=Assessment.PERIODIC, is_current=True, commune_id=unit.id)
            .values_list("household_id", "village_id"))
        for h, m in mr.by_household.items():
            if m in MOVEMENT_KEYS:
                out.setdefault(where.get(h), Counter())[m] += 1
        return out
    return province_movements(user, unit, year)


def province_movements(user, province: Unit, year: int) -> dict[int, Counter]:
    """The tracked movements of every commune of a province, in a few queries.

    Same rule as ``unit_movements(user, commune, year - 1, year)`` for each commune (the core
    ``movement`` function, every query restricted to the commune at the time; "re-poor" counts
    earlier reviews under the second year's standard only), which at the scale of a province
    (100k+ households) would take most of a minute commune by commune. Only the poor-earlier
    set matters for the tracked movements (newly poor vs re-poor), and only for the households
    poor now and not poor before. tests/test_reports_summary.py checks every commune's row
    against that commune's own report (built with ``unit_movements``).
    """
    prepared = commune_movements(user, province, year)
    if prepared is not None:
        return prepared
    base = Assessment.objects.for_user(user).filter(kind=Assessment.PERIODIC, is_current=True,
                                                    province_id=province.id).order_by()
    before: dict[int, dict[int, str]] = {}
    after: dict[int, dict[int, str]] = {}
    std_to: dict[int, str] = {}
    for c, h, cat, _std in base.filter(year=year - 1).values_list(
            "commune_id", "household_id", "category", "standard").iterator(chunk_size=5000):
        before.setdefault(c, {})[h] = cat
    for c, h, cat, std in base.filter(year=year).values_list(
            "commune_id", "household_id", "category", "standard").iterator(chunk_size=5000):
        after.setdefault(c, {})[h] = cat
        std_to.setdefault(c, std)
    candidates = [h for c, hs in after.items() for h, cat in hs.items()
                  if cat == "poor" and before.get(c, {}).get(h) != "poor"]
    poor_earlier: dict[int, set[int]] = {}
    wanted = set(candidates)
    if wanted:
        for c, h, std in (base.filter(year__lt=year - 1, category="poor", standard__in=set(std_to.values()))
                          .values_list("commune_id", "household_id", "standard").iterator(chunk_size=5000)):
            if h in wanted and std == std_to.get(c):
                poor_earlier.setdefault(c, set()).add(h)
    out: dict[int, Counter] = {}
    for c in set(before) | set(after):
        b, a, pe = before.get(c, {}), after.get(c, {}), poor_earlier.get(c, set())
        counts = Counter(movement(b.get(h, NONE), a.get(h, NONE), h in pe, False) for h in set(b) | set(a))
        out[c] = Counter({k: counts.get(k, 0) for k in MOVEMENT_KEYS})
    return out
