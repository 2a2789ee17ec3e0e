"""The movement's review report (báo cáo sơ kết / tổng kết, issue 12 §7; docs/emulation.md,
"Review report"): what goes into it. The only place with queries; ``report_docx.py`` and
``report_pdf.py`` lay it out, ``views_report.py`` serves it, ``report_actions.py`` publishes it.

The report of a movement for a **unit** (the movement's unit, or a unit inside it, within the
reader's area) and a **period** (``first … last``, inside the movement's period) has the shape of
the Kon Tum results article of 23/08/2018 (the seeds):

I. **Results against the plan.** The unit's poverty rate each year from the baseline (poor ÷
   households of the current periodic results), the households that escaped each year, the
   average fall a year against the plan's points (``sources.figure``: the same figures the
   scoring computes), and each goal of the movement (a target of ``chungtay.plans``) with the
   progress page's figures and formulas (``plans.progress.target_progress``) and its check of a
   published figure: where a published figure does not follow from its inputs the report says so
   (the seeds' 3.56 points a year). A year whose periodic review is not yet recognised for the unit
   (``households.completeness``) is marked in its row — "(tạm tính)" — with its coverage under the
   table ("đã rà soát 1/6.150 hộ"), as the fall and the escaped figures are (``sources.figure``).
II. **Activities**, counted from the movement's ``Activity`` records by kind (communication,
   training, models replicated, support mobilised, exemplary people), with quantities summed by
   unit of measure and training attendance (reached of invited) — and those of the movements
   derived from it inside the unit (a province's report counts its communes' movements), each
   labelled by its movement (``ActivityItem.movement_vi``).
III. **Supports and donations mobilised**, summed from the support ledger (delivered supports,
   current versions) and the Fund for the Poor (donations not reversed), never typed again:
   integer VND.
IV. **The best units and people**: the published scorings of the period (the first three of each
   cluster by rank, the top band), the exemplary people, and the awards when the decision
   register of §6 exists (``awards`` is None otherwise: a labelled hook).

Everything in :class:`Report` is plain data (text and numbers, no model instances), so its
figures can be fingerprinted: a publication (an ``AuditEvent``, see ``report_actions``) keeps the
fingerprint, and the report is a draft (DỰ THẢO) until published and again when its figures have
changed since.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Q

from chungtay.core.fmt import number
from chungtay.households.models import Assessment
from chungtay.reports.data import issuer_for
from chungtay.units.models import Unit

from . import sources
from .models import ACTIVITY_KINDS, PUBLISHED, Activity, Movement, Participant, ScoreRun, ScoreTotal

PUBLISH_ACTION = "emulation.report_publish"
COLUMN = {Unit.PROVINCE: "province_id", Unit.COMMUNE: "commune_id", Unit.VILLAGE: "village_id"}
TOP_N = 3


# --------------------------------------------------------------------------- formatting

def n_vi(x, digits: int = 0) -> str:
    """Vietnamese number: 10.340; 3,56 (trailing decimal zeros dropped)."""
    if x is None:
        return "–"
    s = number(float(x), digits, "vi")
    if "," in s:
        s = s.rstrip("0").rstrip(",")
    return s


def vnd(x: int) -> str:
    return number(int(x), 0, "vi")


def qty(q: Decimal) -> str:
    whole, _, frac = f"{Decimal(q).normalize():f}".partition(".")
    return number(int(whole), 0, "vi") + ("," + frac if frac else "")


# --------------------------------------------------------------------------- the data

@dataclass
class Check:
    follows: bool
    vi: str
    en: str


@dataclass
class Line:
    """One figure: what it is, its value, where it comes from, how it is computed, its check."""
    label_vi: str
    label_en: str
    value: float | int | None
    value_vi: str
    source_vi: str = ""
    formula_vi: str = ""
    formula_en: str = ""
    check: Check | None = None


@dataclass
class YearRow:
    year: int
    households: int
    poor: int
    rate: float | None
    escaped: int | None          # poor in year − 1 and not poor in year (None for the baseline)
    escaped_vi: str = ""
    provisional_vi: str = ""     # the year's review not yet recognised: "đã rà soát 1/6.150 hộ" (else empty)


@dataclass
class Goal:
    """A goal of the movement (a plan target) with the progress page's figures."""
    name_vi: str
    plan_vi: str
    unit_vi: str
    lines: list[Line]
    status: str
    published: Check | None
    published_source: str = ""


@dataclass
class Results:
    base_year: int
    years: list[YearRow]
    lines: list[Line]                     # the unit's fall a year, against the plan, escaped in total
    goals: list[Goal]
    note_vi: str = ""


@dataclass
class ActivityItem:
    title: str
    participant: str
    date: str
    content: str
    figure_vi: str                        # "10 cụm pano"; "72/86 đơn vị cử người"
    story: str = ""
    movement_vi: str = ""                 # a derived movement's activity: "phong trào 15/KH-UBND của Xã …" (else empty)


@dataclass
class ActivityGroup:
    kind: str
    name_vi: str
    name_en: str
    count: int
    totals_vi: list[str]                  # quantities summed by unit of measure, attendance
    items: list[ActivityItem]


@dataclass
class Money:
    label_vi: str
    count: int
    value_vnd: int
    formula_vi: str = ""


@dataclass
class Mobilised:
    supports: Money
    supports_households: int
    supports_by_kind: list[Money]
    supports_by_year: list[Money]
    partners: list[Money]                 # supports provided by the participating partners
    linked: Money                         # supports named by the "support mobilised" activities
    fund_installed: bool
    donations: Money | None
    donations_by_year: list[Money]
    donations_by_form: list[Money]
    partner_donations: list[Money]
    linked_donations: Money | None


@dataclass
class Ranked:
    rank: int
    name: str
    cluster: str
    total: float
    total_vi: str
    band: str


@dataclass
class Scoring:
    year: int
    code: str
    published_on: str
    top: list[Ranked]
    best_band: str
    best_band_members: list[str]


@dataclass
class Best:
    scorings: list[Scoring]
    unpublished: list[str]                # runs of the period not yet published (left out)
    exemplary: list[ActivityItem]
    awards: list[dict] | None             # None: the decision register (§6) is not there yet
    awards_note_vi: str = ""


@dataclass
class Publication:
    version: int
    on: str                               # dd/mm/yyyy
    by: str
    fingerprint: str


@dataclass
class Report:
    movement_id: int
    movement_name: str
    decision_vi: str                      # "Kế hoạch số 2736/KH-UBND ngày 11/10/2017 của UBND tỉnh Kon Tum"
    parent_vi: str
    unit_id: int
    unit_name: str
    agency_upper: str
    agency_name: str
    place: str
    committee: str
    first: int
    last: int
    kind: str                             # "interim" (sơ kết) or "final" (tổng kết)
    participants: dict
    contents: list[str]
    goal_text: str
    results: Results
    activities: list[ActivityGroup]
    mobilised: Mobilised
    best: Best
    published: Publication | None = None  # the latest publication of this unit and period
    fingerprint: str = ""

    @property
    def draft(self) -> bool:
        return self.published is None or self.published.fingerprint != self.fingerprint

    @property
    def version(self) -> int:
        """The version this text is: the published one, or the next one while a draft."""
        if self.published is None:
            return 1
        return self.published.version + (1 if self.draft else 0)

    @property
    def status(self):
        """What the DỰ THẢO mark says (``draft_vi``, as reports.pdf's draft_box reads it)."""
        if not self.draft:
            return None
        if self.published is None:
            return _Reason("Báo cáo chưa được công bố")
        return _Reason(f"Số liệu đã thay đổi sau khi công bố bản số {self.published.version} ngày "
                       f"{self.published.on}: đây là dự thảo bản số {self.version}")

    @property
    def kind_vi(self) -> str:
        return "tổng kết" if self.kind == "final" else "sơ kết"

    @property
    def period_vi(self) -> str:
        return f"năm {self.first}" if self.first == self.last else f"giai đoạn {self.first}–{self.last}"

    @property
    def title_vi(self) -> str:
        return f"BÁO CÁO {self.kind_vi.upper()} PHONG TRÀO THI ĐUA"

    @property
    def number_vi(self) -> str:
        return "Số: ......../BC-UBND"


@dataclass
class _Reason:
    draft_vi: str


# --------------------------------------------------------------------------- the unit and its participants

def _ancestors(u: Unit) -> list[int]:
    out = []
    while u is not None:
        out.append(u.pk)
        u = u.parent
    return out


def inside(unit: Unit, u: Unit | None) -> bool:
    """``u`` is ``unit`` or lies inside it."""
    return u is not None and unit.pk in _ancestors(u)


def _participants(m: Movement, unit: Unit) -> list[Participant]:
    parts = list(m.participants.select_related("unit__parent__parent", "partner", "household"))
    if m.unit_id == unit.pk:
        return parts
    out = []
    for p in parts:
        if p.kind == Participant.UNIT and inside(unit, p.unit):
            out.append(p)
        elif p.kind == Participant.PARTNER and p.partner.commune_id == unit.pk:
            out.append(p)
        elif p.kind == Participant.HOUSEHOLD and unit.pk in (p.household.village_id, p.household.commune_id,
                                                              p.household.province_id):
            out.append(p)
    return out


# --------------------------------------------------------------------------- I. results

def _rates(unit: Unit, years: list[int]) -> dict[int, tuple[int, int]]:
    if unit.system != Unit.SYSTEM_2025 or unit.level not in COLUMN:
        return {}
    rows = (Assessment.objects.filter(kind=Assessment.PERIODIC, is_current=True, year__in=years,
                                      **{COLUMN[unit.level]: unit.pk})
            .values("year").annotate(total=Count("id"), poor=Count("id", filter=Q(category="poor"))).order_by())
    return {r["year"]: (r["poor"], r["total"]) for r in rows}


def _provisional(unit: Unit, years: list[int]) -> dict:
    """year → YearStatus of those of ``years`` (with results) whose review is not yet recognised for
    the unit (``households.completeness``, the rule of the whole app; the unit's every household, as
    the rates count them): a few aggregate queries for all the years, one cached count each."""
    if not years or unit.system != Unit.SYSTEM_2025 or unit.level not in COLUMN:
        return {}
    from chungtay.households.completeness import year_statuses
    from chungtay.support.radar import _WholeUnit
    return {y: st for y, st in year_statuses(_WholeUnit(), unit, years).items() if st.provisional}


def _results(user, m: Movement, unit: Unit, first: int, last: int) -> Results:
    as_unit = Participant(movement=m, kind=Participant.UNIT, unit=unit, name=unit.name)
    target = sources.plan_target(m, unit)
    base_year = target.baseline_year if target else m.start_year - 1
    years = list(range(base_year, last + 1))
    counts = _rates(unit, years)
    provisional = _provisional(unit, [y for y in years if counts.get(y, (0, 0))[1]])
    rows = []
    for y in years:
        poor, total = counts.get(y, (0, 0))
        esc = None
        esc_vi = ""
        if y > base_year and y >= first and total:
            f = sources.figure("escaped", as_unit, y, m)
            esc, esc_vi = (int(f.value) if f.value is not None else None), f.vi
        st = provisional.get(y)
        rows.append(YearRow(y, total, poor, 100.0 * poor / total if total else None, esc, esc_vi,
                            st.coverage_vi if st is not None else ""))
    lines = []
    fall = sources.figure("poverty_rate_fall", as_unit, last, m)
    src = "Kết quả rà soát định kỳ (bản hiện hành) của các hộ trên địa bàn"
    lines.append(Line(f"Tỷ lệ hộ nghèo giảm bình quân mỗi năm ({base_year}–{last})",
                      f"Average fall of the poverty rate a year ({base_year}–{last})",
                      fall.value, f"{n_vi(fall.value, 2)} điểm %/năm" if fall.value is not None else "–",
                      src, fall.vi, fall.en))
    share = sources.figure("poverty_plan_share", as_unit, last, m)
    if target is not None:
        lines.append(Line(f"So với kế hoạch ({target.plan.document_no}: {n_vi(target.counted, 2)} điểm %/năm)",
                          "Against the plan", None if share.value is None else 100 * share.value,
                          f"{n_vi(100 * share.value, 2)}%" if share.value is not None else "–",
                          f"{target.plan.document_no}, chỉ tiêu “{target.note or target.get_metric_display()}”",
                          share.vi, share.en))
    escaped = [r.escaped for r in rows if r.escaped is not None]
    if escaped:
        span = [r.year for r in rows if r.escaped is not None]
        open_ = [r for r in rows if r.escaped is not None and r.provisional_vi]
        mark_vi = "".join(f"Số liệu tạm tính – kết quả rà soát năm {r.year} chưa được công nhận ({r.provisional_vi}). "
                          for r in open_)
        mark_en = "".join(f"Provisional – the {r.year} review is not yet recognised ({provisional[r.year].coverage_en}). "
                          for r in open_)
        lines.append(Line(f"Tổng số hộ thoát nghèo ({span[0]}–{span[-1]})", "Households escaped in total",
                          sum(escaped), n_vi(sum(escaped)), src,
                          mark_vi + " + ".join(str(x) for x in escaped) + f" = {sum(escaped)} hộ",
                          mark_en + " + ".join(str(x) for x in escaped) + f" = {sum(escaped)} households"))
    note = "" if target else (
        "Không có chỉ tiêu giảm tỷ lệ hộ nghèo (điểm %/năm) của kế hoạch cho địa bàn này hoặc đơn vị cấp trên của nó "
        f"trong số các mục tiêu của phong trào: năm gốc là năm trước khi phong trào bắt đầu ({base_year}).")
    return Results(base_year, rows, lines, _goals(user, m, unit, last), note)


def _goals(user, m: Movement, unit: Unit, last: int) -> list[Goal]:
    """The movement's goals that concern the report's unit: all of them for the movement's own
    unit, those of units inside it for a unit below; only those the reader's area covers (the
    progress figures are read within it, as on the progress page)."""
    from chungtay.accounts.access import scope_for
    from chungtay.plans.progress import target_progress
    scope = scope_for(user)
    out = []
    for t in m.goals.select_related("plan", "unit__parent__parent").order_by("id"):
        if m.unit_id != unit.pk and not inside(unit, t.unit):
            continue
        if not scope.everything and not scope.covers(t.unit):
            continue
        tp = target_progress(user, t, as_of=last)
        p = tp.progress
        lines = [Line("Năm gốc", "Baseline", tp.baseline.value,
                      f"{tp.baseline.year}: {n_vi(tp.baseline.value, 2)}", _source(tp.baseline.source))]
        if tp.actual is not None:
            lines.append(Line("Kết quả", "Result", tp.actual.value, f"{tp.actual.year}: {n_vi(tp.actual.value, 2)}",
                              _source(tp.actual.source)))
        if p.average_change is not None:
            lines.append(Line("Thay đổi bình quân mỗi năm (chiều tốt)", "Average change a year",
                              p.average_change, n_vi(p.average_change, 2), "",
                              _vi_decimals(p.formulas[0]) if p.formulas else "", p.formulas[0] if p.formulas else ""))
        if p.achievement_pct is not None:
            lines.append(Line(f"So với kế hoạch ({n_vi(t.counted, 2)})", "Against the plan", p.achievement_pct,
                              f"{n_vi(p.achievement_pct, 2)}%", "",
                              _vi_decimals(p.formulas[1]) if len(p.formulas) > 1 else "",
                              p.formulas[1] if len(p.formulas) > 1 else ""))
        published = None
        if tp.published is not None:
            published = Check(tp.published.follows, tp.published.message_vi, tp.published.message_en)
            lines.append(Line(f"Số đã công bố ({t.published_year})", "Published figure", t.published_change,
                              f"{n_vi(t.published_change, 2)} điểm %/năm", t.published_source,
                              _vi_decimals(f"({n_vi(tp.baseline.value, 2)} − kết quả {t.published_year}) ÷ "
                                           f"({t.published_year} − {t.baseline_year})"), "", published))
        elif t.published_change is not None:
            published = Check(False, f"Không kiểm tra được số công bố {n_vi(t.published_change, 2)}: thiếu số liệu năm "
                              f"gốc hoặc năm {t.published_year}.", f"The published {t.published_change} cannot be "
                              f"checked: the baseline or the {t.published_year} figure is missing.")
        unit_vi = t.unit.full_name or t.unit.name
        if t.unit_tag:
            unit_vi += f" ({TAGS.get(t.unit_tag, t.unit_tag)})"
        out.append(Goal(t.note or t.get_metric_display(), f"{t.plan.document_no}", unit_vi, lines, p.status,
                        published, t.published_source))
    return out


TAGS = {"poor_district": "các huyện nghèo"}


def _source(s: str) -> str:
    return "Số liệu hộ (rà soát định kỳ)" if s == "registry" else s or ""


def _vi_decimals(text: str) -> str:
    import re
    return re.sub(r"(\d)\.(\d)", r"\1,\2", text)


# --------------------------------------------------------------------------- II. activities

def derived(m: Movement, unit: Unit) -> list[tuple[Movement, list[Participant]]]:
    """The movements derived from ``m`` (recursively: a province's communes' movements) that
    concern ``unit``, each with its participants inside the unit: all of them for a derived
    movement of a unit inside ``unit``, those inside ``unit`` when ``unit`` lies inside the derived
    movement's unit."""
    out, seen, todo = [], {m.pk}, [m]
    while todo:
        for d in Movement.objects.filter(parent=todo.pop(0)).select_related("unit__parent").order_by("id"):
            if d.pk in seen or d.unit is None:
                continue
            seen.add(d.pk)
            todo.append(d)
            if inside(unit, d.unit) or inside(d.unit, unit):
                out.append((d, _participants(d, unit)))
    return out


def _derived_label(d: Movement) -> str:
    return f"phong trào {d.decision_no} của {d.unit.full_name or d.unit.name}"


def _activity_rows(m: Movement, parts: list[Participant], first: int, last: int,
                   below: list[tuple[Movement, list[Participant]]]) -> list[tuple[Activity, str]]:
    """The activities of ``m``'s participants in the report, then those of the derived movements
    (``below``), each with its movement's label (empty for ``m``'s own), by date."""
    rows = [(a, "") for a in m.activities.filter(year__gte=first, year__lte=last, participant_id__in={p.pk for p in parts})
            .select_related("participant", "content")]
    for d, dparts in below:
        label = _derived_label(d)
        rows += [(a, label) for a in d.activities.filter(year__gte=first, year__lte=last,
                                                          participant_id__in={p.pk for p in dparts})
                 .select_related("participant", "content")]
    return sorted(rows, key=lambda r: (r[0].date, bool(r[1]), r[0].id))


def _activities(m: Movement, parts: list[Participant], first: int, last: int,
                below: list[tuple[Movement, list[Participant]]] = ()) -> list[ActivityGroup]:
    rows = _activity_rows(m, parts, first, last, list(below))
    acts = [a for a, _ in rows]
    labels = {a.pk: label for a, label in rows}
    out = []
    for kind, vi, en in ACTIVITY_KINDS:
        mine = [a for a in acts if a.kind == kind]
        if not mine:
            out.append(ActivityGroup(kind, vi, en, 0, [], []))
            continue
        sums: dict[str, Decimal] = defaultdict(Decimal)
        reached = invited = 0
        with_attendance = 0
        for a in mine:
            if a.quantity is not None:
                sums[a.unit_of_measure.strip() or "đơn vị"] += a.quantity
            if a.reached is not None and a.invited is not None:
                reached += a.reached
                invited += a.invited
                with_attendance += 1
        totals = [f"{qty(q)} {u}" for u, q in sums.items()]
        if with_attendance:
            totals.append(f"{reached}/{invited} đơn vị được mời cử người tham gia")
        out.append(ActivityGroup(kind, vi, en, len(mine), totals, [_item(a, labels[a.pk]) for a in mine]))
    return out


def _item(a: Activity, movement_vi: str = "") -> ActivityItem:
    fig = []
    if a.quantity is not None:
        fig.append(f"{qty(a.quantity)} {a.unit_of_measure}".strip())
    if a.reached is not None:
        fig.append(f"{a.reached}/{a.invited} đơn vị cử người" if a.invited is not None else f"{a.reached} người")
    return ActivityItem(a.title, a.participant.name, a.date.strftime("%d/%m/%Y"),
                        f"{a.content.number}" if a.content_id else "", "; ".join(fig), a.story, movement_vi)


# --------------------------------------------------------------------------- III. supports and donations

def _money(label: str, values: list[int], formula: bool = True) -> Money:
    total = sum(values)
    f = ""
    if formula and values:
        f = f"tổng {len(values)} khoản = {vnd(total)} đồng" if len(values) > 6 else \
            " + ".join(vnd(v) for v in values) + f" = {vnd(total)} đồng"
    return Money(label, len(values), total, f)


def _mobilised(user, m: Movement, unit: Unit, parts: list[Participant], first: int, last: int,
               below: list[tuple[Movement, list[Participant]]] = ()) -> Mobilised:
    from chungtay.support.models import DELIVERED, KIND_NAMES, Support
    base = Support.objects.filter(is_current=True, status=DELIVERED, year__gte=first, year__lte=last)
    here = base.filter(**{COLUMN[unit.level]: unit.pk}) if unit.level in COLUMN else base.none()
    rows = list(here.values_list("household_id", "kind", "year", "value_vnd").order_by())
    by_kind, by_year = defaultdict(list), defaultdict(list)
    for _, k, y, v in rows:
        by_kind[k].append(v)
        by_year[y].append(v)
    supports = _money(f"Hỗ trợ đã trao cho hộ trên địa bàn {_period(first, last)}", [r[3] for r in rows])
    kinds = [_money(KIND_NAMES.get(k, (k, k))[0], v, formula=False) for k, v in sorted(by_kind.items())]
    years = [_money(f"Năm {y}", v, formula=False) for y, v in sorted(by_year.items())]
    partners = []
    for p in parts:
        if p.kind == Participant.PARTNER:
            vals = list(base.filter(provider_partner_id=p.partner_id).values_list("value_vnd", flat=True))
            partners.append(_money(p.name, vals))
    support_acts = [a for a, _ in _activity_rows(m, parts, first, last, list(below)) if a.kind == "support"]
    entry_ids = set()
    for a in support_acts:
        entry_ids |= {e.pk for e in a.supports.all()}
    linked = _money("Hỗ trợ gắn với hoạt động “Vận động nguồn lực hỗ trợ”",
                    list(base.filter(entry_id__in=entry_ids).values_list("value_vnd", flat=True)))

    fund_installed = apps.is_installed("chungtay.fund")
    donations = linked_d = None
    d_years, d_forms, p_don = [], [], []
    if fund_installed:
        from chungtay.fund.models import Donation
        alive = Donation.objects.filter(txn__reversal__isnull=True, date__year__gte=first, date__year__lte=last)
        funds = (Q(fund__unit_id=unit.pk) | Q(fund__province_id=unit.pk)) if unit.level == Unit.PROVINCE \
            else Q(fund__unit_id=unit.pk)
        drows = list(alive.filter(funds).values_list("date__year", "form", "value_vnd").order_by())
        donations = _money(f"Ủng hộ Quỹ Vì người nghèo trên địa bàn {_period(first, last)}", [r[2] for r in drows])
        dy, df = defaultdict(list), defaultdict(list)
        for y, form, v in drows:
            dy[y].append(v)
            df[form].append(v)
        forms = {k: vi for k, vi, _ in Donation.FORMS}
        d_years = [_money(f"Năm {y}", v, formula=False) for y, v in sorted(dy.items())]
        d_forms = [_money(forms.get(f, f), v, formula=False) for f, v in sorted(df.items())]
        for p in parts:
            if p.kind == Participant.PARTNER:
                p_don.append(_money(p.name, list(alive.filter(donor__partner_id=p.partner_id)
                                                 .values_list("value_vnd", flat=True))))
        d_ids = set()
        for a in support_acts:
            d_ids |= {int(x) for x in (a.donation_ids or []) if str(x).isdigit()}
        linked_d = _money("Ủng hộ gắn với hoạt động “Vận động nguồn lực hỗ trợ”",
                          list(alive.filter(pk__in=d_ids).values_list("value_vnd", flat=True)))
    return Mobilised(supports, len({r[0] for r in rows}), kinds, years, partners, linked, fund_installed, donations,
                     d_years, d_forms, p_don, linked_d)


def _period(first: int, last: int) -> str:
    return f"năm {first}" if first == last else f"{first}–{last}"


# --------------------------------------------------------------------------- IV. the best

def _best(m: Movement, parts: list[Participant], first: int, last: int, exemplary: list[ActivityItem]) -> Best:
    ids = {p.pk for p in parts}
    scorings, unpublished = [], []
    for run in ScoreRun.objects.filter(movement=m, year__gte=first, year__lte=last).select_related(
            "criteria_set").order_by("year", "id"):
        if run.state != PUBLISHED:
            unpublished.append(f"{run.criteria_set.code} năm {run.year}")
            continue
        totals = [t for t in ScoreTotal.objects.filter(run=run).select_related("participant")
                  .order_by("cluster", "rank", "participant__name") if t.participant_id in ids]
        top = [Ranked(t.rank, t.participant.name, t.cluster, t.total, n_vi(t.total, 2), t.band)
               for t in totals if t.rank <= TOP_N]
        bands = [b["label"] for b in sorted(run.criteria_set.table.get("bands", []), key=lambda b: b["min"])]
        best_band = bands[-1] if bands else ""
        scorings.append(Scoring(run.year, run.criteria_set.code,
                                run.published_on.strftime("%d/%m/%Y") if run.published_on else "", top, best_band,
                                [t.participant.name for t in totals if best_band and t.band == best_band]))
    awards, note = _awards(m, parts, first, last)
    return Best(scorings, unpublished, exemplary, awards, note)


def _awards(m: Movement, parts, first: int, last: int) -> tuple[list[dict] | None, str]:
    """The commendations of the period's achievements (``year`` in ``first … last``) in §6's
    decision register: issued decisions (``final``) of the movement for the report's participants,
    revoked ones left out and counted in the note.

    Read through guarded lookups (``AwardDecision`` is looked up by name, the form's name through
    ``commendation.FORMS_BY_CODE`` when present): without the register the report keeps a labelled,
    empty section, and a register of another shape is said, never a 500."""
    from . import models as emu
    Decision = getattr(emu, "AwardDecision", None)
    if Decision is None:
        return None, ("Sổ quyết định khen thưởng (mục 6: đề nghị, quyết định, giấy khen, bằng khen) chưa có trong hệ "
                      "thống: phần khen thưởng sẽ được lấy từ sổ này khi có.")
    try:
        from .commendation import FORMS_BY_CODE
    except ImportError:
        FORMS_BY_CODE = {}
    try:
        with transaction.atomic():            # a savepoint: a failed read leaves the request's transaction usable
            return _read_awards(Decision, FORMS_BY_CODE, m, parts, first, last)
    except Exception as e:                      # the register's shape is not the one read here: say so
        return None, f"Sổ quyết định khen thưởng chưa đọc được ({type(e).__name__}): phần này để trống."


def _read_awards(Decision, FORMS_BY_CODE, m, parts, first, last):
    ids = {p.pk for p in parts}
    qs = (Decision.objects.filter(movement=m, final=True, year__gte=first, year__lte=last)
          .select_related("nomination").order_by("decided_on", "id"))
    out, revoked = [], 0
    for d in qs:
        if d.nomination.participant_id not in ids:
            continue
        if hasattr(d, "revocation"):
            revoked += 1
            continue
        form = FORMS_BY_CODE.get(d.form_code)
        out.append({"number": d.number, "date": d.decided_on.strftime("%d/%m/%Y"), "issuer": d.issuer,
                    "form": form.vi if form else d.form_code, "subject": d.subject_name, "year": d.year,
                    "bonus_vnd": int(d.bonus_vnd)})
    note = f"Không tính {revoked} quyết định đã bị thu hồi." if revoked else ""
    return out, note


# --------------------------------------------------------------------------- the report

def review_report(user, m: Movement, unit: Unit, first: int, last: int) -> Report:
    """The report of ``unit`` (checked by the caller: in the user's area, the movement's unit or
    inside it) for ``first … last`` (inside the movement's period)."""
    parts = _participants(m, unit)
    issuer = issuer_for(unit)
    upper, name = issuer.agency
    below = derived(m, unit)                  # the derived (commune) movements' activities count too
    acts = _activities(m, parts, first, last, below)
    exemplary = next((g.items for g in acts if g.kind == "exemplary"), [])
    counts = defaultdict(int)
    for p in parts:
        counts[p.kind] += 1
    r = Report(
        movement_id=m.pk, movement_name=m.name,
        decision_vi=f"{m.decision_no} ngày {m.decision_date.strftime('%d/%m/%Y')} của {m.issuer}",
        parent_vi=(f"{m.parent.name} ({m.parent.decision_no} ngày {m.parent.decision_date.strftime('%d/%m/%Y')} "
                   f"của {m.parent.issuer})") if m.parent_id else "",
        unit_id=unit.pk, unit_name=unit.full_name or unit.name, agency_upper=upper, agency_name=name,
        place=issuer.place, committee=issuer.committee, first=first, last=last,
        kind="final" if last >= m.end_year else "interim",
        participants={"total": len(parts), "units": counts[Participant.UNIT], "partners": counts[Participant.PARTNER],
                      "households": counts[Participant.HOUSEHOLD]},
        contents=[f"{c.number}. {c.title}" for c in m.contents.all()], goal_text=m.goal_text,
        results=_results(user, m, unit, first, last), activities=acts,
        mobilised=_mobilised(user, m, unit, parts, first, last, below), best=_best(m, parts, first, last, exemplary))
    r.fingerprint = fingerprint(r)
    r.published = latest_publication(m, unit, first, last)
    return r


def fingerprint(r: Report) -> str:
    """sha256 of the report's figures (everything but the publication)."""
    d = asdict(r)
    d.pop("published", None)
    d.pop("fingerprint", None)
    for y in d["results"]["years"]:         # a final year's row as before the mark existed: the
        if not y.get("provisional_vi"):     # fingerprints of reports already published stay valid
            y.pop("provisional_vi", None)
    items = [it for g in d["activities"] for it in g["items"]] + list(d["best"]["exemplary"])
    for it in items:                        # likewise an activity of the movement itself (no label):
        if not it.get("movement_vi"):       # only a derived movement's activity changes the figures
            it.pop("movement_vi", None)
    return hashlib.sha256(json.dumps(d, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def publications(m: Movement, unit: Unit, first: int, last: int):
    from chungtay.accounts.models import AuditEvent
    return (AuditEvent.objects.filter(action=PUBLISH_ACTION, object_type="movement", object_id=str(m.pk),
                                      changes__report_unit=unit.pk, changes__first=first, changes__last=last)
            .select_related("actor").order_by("-id"))


def latest_publication(m: Movement, unit: Unit, first: int, last: int) -> Publication | None:
    e = publications(m, unit, first, last).first()
    if e is None:
        return None
    c = e.changes
    who = (e.actor.get_full_name() or e.actor.username) if e.actor_id else ""
    return Publication(int(c.get("version", 1)), c.get("published_on_vi", e.at.strftime("%d/%m/%Y")), who,
                       c.get("fingerprint", ""))
