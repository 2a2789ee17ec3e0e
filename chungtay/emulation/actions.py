"""Every write of the emulation movement: each takes the acting user, checks role and area
(``roles.require`` on the movement's unit), validates, writes and leaves an AuditEvent.

Scoring (:func:`compute_run`) gathers each participant's value per criterion — computed from
platform data for criteria with a ``source`` (``sources.figure``), else the latest value entered
(council, else re-check, else self-assessment) — and hands the columns to the pure core
(``chungtay.core.emulation.score``); points, totals, ranks within the cluster and bands are the
core's, and each score keeps ``explain``'s formula and the figures behind its value.
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from chungtay.accounts.access import scope_for
from chungtay.accounts.roles import require
from chungtay.core import emulation as core
from chungtay.core.emulation_sources import SOURCES
from chungtay.households.actions import audit
from chungtay.households.models import Household
from chungtay.i18n import tr
from chungtay.units.models import Unit

from . import evidence as files
from . import sources
from .models import (ACTIVITY_NAMES, COUNCIL, LEVEL_NAMES, NEXT_RUN_STATE, NEXT_STATE, PUBLISHED, RECHECK,
                     STAGE_FIELD, Activity, Cluster, ClusterMember, CriteriaSet, Movement, MovementContent,
                     Participant, Pact, RegisteredTarget, Registration, Score, ScoreRun, ScoreTotal)

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_VALUE = 1e12


def _err(field: str | None, vi: str, en: str) -> ValidationError:
    return ValidationError({field: tr(vi, en)} if field else tr(vi, en))


def check(actor, action: str, movement: Movement | None = None, unit: Unit | None = None) -> None:
    """``require`` on the movement's unit. A national movement (no unit) is reference data loaded
    with the app (migration 0002: 1258/QĐ-TTg, 666/QĐ-TTg): nobody writes it here."""
    unit = unit if unit is not None else (movement.unit if movement is not None else None)
    if unit is None:
        require(actor, action)
        raise PermissionDenied(tr("Phong trào cấp Trung ương là dữ liệu có sẵn của hệ thống, không ghi ở đây",
                                  "A national movement is reference data of the platform, not written here"))
    require(actor, action, unit)
    if action == "activity_report":
        _front_own_unit(actor, unit)


def _front_own_unit(actor, unit: Unit) -> None:
    """A Fatherland Front committee reports the activities of its own unit's movements only (as it keeps
    only its own unit's fund): the province committee does not report in a commune's movement."""
    from chungtay.accounts.roles import FRONT, MATRIX, _chain_ids, _grants
    officers = MATRIX["activity_report"][0] - {FRONT}
    chain = _chain_ids(actor, unit)
    for role, unit_id in _grants(actor):
        if (role in officers and unit_id in chain) or (role == FRONT and unit_id == unit.pk):
            return
    raise PermissionDenied(tr(
        f"Hoạt động của phong trào {unit.full_name} do Ủy ban MTTQ Việt Nam {unit.full_name} báo cáo",
        f"The activities of a movement of {unit.full_name} are reported by its own Fatherland Front committee"))


def _year(y, field="year") -> int:
    if not isinstance(y, int) or isinstance(y, bool) or not FIRST_YEAR <= y <= LAST_YEAR:
        raise _err(field, "Năm không hợp lệ (2000–2100)", "Invalid year (2000–2100)")
    return y


def _text(v, field: str, vi: str, en: str, limit: int) -> str:
    v = " ".join(str(v or "").split())
    if not v:
        raise _err(field, vi, en)
    return v[:limit]


def _in_period(movement: Movement, year: int, field="year") -> None:
    if not movement.start_year <= year <= movement.end_year:
        raise _err(field, f"Năm {year} ngoài thời gian của phong trào ({movement.start_year}–{movement.end_year})",
                   f"{year} is outside the movement's period ({movement.start_year}–{movement.end_year})")


# --------------------------------------------------------------------------- movements

@transaction.atomic
def launch_movement(actor, *, level: str, name: str, decision_no: str, decision_date: dt.date, issuer: str,
                    unit: Unit | None, start_year: int, end_year: int, parent: Movement | None = None,
                    goals=(), goal_text: str = "", contents=()) -> Movement:
    """Record a launching decision of a province or a commune (``level`` follows the unit);
    ``contents``: the titles, in order. A derived movement (``parent``: a province's from the
    national one, a commune's from its own province's) lies within its parent's period and may take
    its parent's goals (the launch page offers them, with its contents)."""
    if level not in LEVEL_NAMES or level == "national":
        raise _err("level", "Cấp phát động không hợp lệ", "Unknown level")
    if (unit is None) != (level == "national") or (unit is not None and (
            unit.system != Unit.SYSTEM_2025 or unit.level != level)):
        raise _err("unit", "Đơn vị phát động phải đúng cấp (Trung ương: không có đơn vị; tỉnh; xã)",
                   "The launching unit must match the level (national: none; a province; a commune)")
    check(actor, "movement_launch", unit=unit)
    name = _text(name, "name", "Cần tên phong trào", "Give the movement's name", 300)
    decision_no = _text(decision_no, "decision_no", "Cần số quyết định / kế hoạch phát động",
                        "Give the launching decision's number", 60)
    issuer = _text(issuer, "issuer", "Cần cơ quan ban hành", "Give the issuer", 200)
    _year(start_year, "start_year")
    _year(end_year, "end_year")
    if end_year < start_year:
        raise _err("end_year", "Năm kết thúc trước năm bắt đầu", "The end year is before the start year")
    if not isinstance(decision_date, dt.date) or decision_date.year < FIRST_YEAR:
        raise _err("decision_date", "Ngày quyết định không hợp lệ", "Invalid decision date")
    if parent is not None:
        if not Movement.objects.for_user(actor).filter(pk=parent.pk).exists():
            raise _err("parent", "Phong trào cấp trên không có trong địa bàn", "Unknown parent movement")
        above = {"province": "national", "commune": "province"}.get(level)
        if parent.level != above:
            raise _err("parent", "Phong trào của tỉnh phát triển từ phong trào Trung ương, của xã từ phong trào tỉnh",
                       "A province's movement derives from the national one, a commune's from its province's")
        if level == "commune" and parent.unit_id != unit.parent_id:
            raise _err("parent", "Phong trào cấp trên phải là của tỉnh chứa xã này",
                       "The parent movement must be the province's of this commune")
        if not parent.start_year <= start_year <= end_year <= parent.end_year:
            raise _err("start_year", f"Thời gian của phong trào ({start_year}–{end_year}) phải nằm trong thời gian của "
                                     f"phong trào cấp trên {parent.decision_no} ({parent.start_year}–{parent.end_year})",
                       f"The movement's period ({start_year}–{end_year}) must lie within its parent's "
                       f"{parent.decision_no} ({parent.start_year}–{parent.end_year})")
    titles = [" ".join(str(t).split())[:2000] for t in contents if str(t).strip()]
    province = commune = None
    if unit is not None:
        province, commune = (unit, None) if unit.level == Unit.PROVINCE else (unit.parent, unit)
    m = Movement.objects.create(name=name, level=level, decision_no=decision_no, decision_date=decision_date,
                                issuer=issuer, unit=unit, province=province, commune=commune, parent=parent,
                                start_year=start_year, end_year=end_year, goal_text=(goal_text or "").strip()[:4000],
                                created_by=actor if getattr(actor, "pk", None) else None)
    targets = list(goals)
    if targets:
        from chungtay.plans.models import Target
        ok = set(Target.objects.filter(pk__in=[t.pk for t in targets]).values_list("pk", flat=True))
        inherited = set(parent.goals.values_list("pk", flat=True)) if parent is not None else set()
        for t in targets:
            # a derived movement may take its parent's goals (a province's targets for a commune's movement)
            if t.pk not in ok or (unit is not None and t.pk not in inherited and not scope_for(actor).covers(t.unit)):
                raise _err("goals", "Chỉ tiêu không thuộc địa bàn", "A target outside the area")
        m.goals.set(targets)
    for i, t in enumerate(titles, 1):
        MovementContent.objects.create(movement=m, number=i, title=t)
    audit(actor, "emulation.launch", m, unit, level=level, decision_no=decision_no, contents=len(titles),
          goals=len(targets))
    return m


@transaction.atomic
def advance_movement(actor, movement: Movement, to: str) -> Movement:
    check(actor, "movement_launch", movement)
    m = Movement.objects.select_for_update().get(pk=movement.pk)
    if NEXT_STATE.get(m.state) != to:
        raise _err(None, "Phong trào không chuyển được sang bước này", "The movement cannot move to this step")
    before, m.state = m.state, to
    m.save(update_fields=["state"])
    audit(actor, "emulation.state", m, m.unit, before=before, after=to)
    return m


def _open(movement: Movement) -> None:
    from .models import CLOSED
    if movement.state == CLOSED:
        raise _err(None, "Phong trào đã kết thúc", "The movement is closed")


# --------------------------------------------------------------------------- participants, clusters

def _inside(movement: Movement, unit: Unit) -> bool:
    if movement.unit_id is None:
        return True
    u = unit
    while u is not None:
        if u.pk == movement.unit_id:
            return True
        u = u.parent
    return False


@transaction.atomic
def add_participant(actor, movement: Movement, *, unit: Unit | None = None, partner=None,
                    household: Household | None = None, joined_on: dt.date | None = None) -> Participant:
    check(actor, "emulation_manage", movement)
    _open(movement)
    if sum(x is not None for x in (unit, partner, household)) != 1:
        raise _err(None, "Chọn một đơn vị, một tổ chức hoặc một hộ", "Choose one unit, one partner or one household")
    if unit is not None:
        if unit.system != Unit.SYSTEM_2025 or not _inside(movement, unit):
            raise _err("unit", "Đơn vị không thuộc địa bàn của phong trào", "The unit is outside the movement's area")
        from chungtay.units.labels import unit_label
        kind, name = Participant.UNIT, unit_label(unit)    # "Thôn 1 (xã … cũ)" beside its namesakes
    elif partner is not None:
        from chungtay.support.models import Partner
        if not Partner.objects.for_user(actor).filter(pk=partner.pk).exists() or not _inside(
                movement, partner.commune or partner.province):
            raise _err("partner", "Tổ chức không có trong danh sách của địa bàn", "Unknown partner in this area")
        kind, name = Participant.PARTNER, partner.name
    else:
        if not Household.objects.for_user(actor).filter(pk=household.pk).exists() or not _inside(
                movement, household.village):
            raise _err("household", "Hộ không thuộc địa bàn của phong trào", "The household is outside the movement's area")
        kind, name = Participant.HOUSEHOLD, f"{household.code} {household.head_name}".strip()
    try:
        with transaction.atomic():
            p = Participant.objects.create(movement=movement, kind=kind, unit=unit, partner=partner, household=household,
                                           name=name[:200], joined_on=joined_on)
    except IntegrityError:
        raise _err(None, f"{name} đã tham gia phong trào", f"{name} already takes part") from None
    audit(actor, "emulation.participant", p, movement.unit, kind=kind, movement=movement.pk)
    return p


@transaction.atomic
def add_cluster(actor, movement: Movement, *, name: str, kind: str = Cluster.CLUSTER) -> Cluster:
    check(actor, "emulation_manage", movement)
    _open(movement)
    name = _text(name, "name", "Cần tên cụm, khối", "Give the cluster's name", 200)
    if kind not in (Cluster.CLUSTER, Cluster.BLOCK):
        raise _err("kind", "Loại cụm, khối không hợp lệ", "Unknown kind")
    if Cluster.objects.filter(movement=movement, name__iexact=name).exists():
        raise _err("name", f"Đã có cụm, khối '{name}'", f"There is already a cluster '{name}'")
    c = Cluster.objects.create(movement=movement, name=name, kind=kind)
    audit(actor, "emulation.cluster", c, movement.unit, kind=kind)
    return c


@transaction.atomic
def set_member(actor, cluster: Cluster, participant: Participant, *, year: int, role: str = ClusterMember.MEMBER
               ) -> ClusterMember:
    """Put a participant in a cluster for a year (head, deputy or member; the year's previous head or
    deputy becomes a member: rotation)."""
    movement = cluster.movement
    check(actor, "emulation_manage", movement)
    _year(year)
    _in_period(movement, year)
    if participant.movement_id != movement.pk:
        raise _err("participant", "Đối tượng không tham gia phong trào này", "Not a participant of this movement")
    if role not in dict((k, vi) for k, vi, _ in ClusterMember.ROLES):
        raise _err("role", "Vai trò không hợp lệ", "Unknown role")
    other = ClusterMember.objects.filter(participant=participant, year=year).exclude(cluster=cluster).first()
    if other is not None:
        raise _err("participant", f"{participant.name} đã thuộc {other.cluster.name} năm {year}",
                   f"{participant.name} is already in {other.cluster.name} in {year}")
    if role != ClusterMember.MEMBER:
        ClusterMember.objects.filter(cluster=cluster, year=year, role=role).exclude(participant=participant).update(
            role=ClusterMember.MEMBER)
    m, _ = ClusterMember.objects.update_or_create(cluster=cluster, participant=participant, year=year,
                                                  defaults={"role": role})
    audit(actor, "emulation.member", m, movement.unit, cluster=cluster.pk, year=year, role=role)
    return m


# --------------------------------------------------------------------------- registration, pact, activity

def _decimal(v, field: str) -> Decimal:
    try:
        d = Decimal(str(v).replace(",", ".").strip())
        if not d.is_finite() or abs(d) > Decimal("1e12"):
            raise InvalidOperation
        return d.quantize(Decimal("0.001"))
    except (InvalidOperation, TypeError, ValueError):
        raise _err(field, "Giá trị đăng ký phải là số", "The planned value must be a number") from None


@transaction.atomic
def register(actor, participant: Participant, *, year: int, titles=(), targets=(), registered_on: dt.date,
             note: str = "") -> Registration:
    """``targets``: (content, unit of measure, planned value[, note]) rows, as in Form 1a."""
    movement = participant.movement
    check(actor, "emulation_register", movement)
    _open(movement)
    _year(year)
    _in_period(movement, year)
    titles = [" ".join(str(t).split())[:200] for t in titles if str(t).strip()]
    rows = []
    for i, row in enumerate(targets, 1):
        content, uom, planned = (" ".join(str(x or "").split()) for x in row[:3])
        if not content and not uom and not planned:
            continue
        if not content or not uom:
            raise _err("targets", f"Chỉ tiêu {i}: cần nội dung và đơn vị tính",
                       f"Target {i}: give the content and the unit of measure")
        rows.append((content[:300], uom[:40], _decimal(planned, "targets"), str(row[3] if len(row) > 3 else "")[:200]))
    if not titles and not rows:
        raise _err(None, "Cần ít nhất một danh hiệu hoặc một chỉ tiêu đăng ký",
                   "Give at least one title or one registered target")
    if participant.kind == Participant.HOUSEHOLD and participant.household_id is not None:
        from chungtay.support.models import Pledge
        if Pledge.objects.filter(household_id=participant.household_id, year=year).exists():
            raise _err("year", f"Hộ {participant.name} đã đăng ký thoát nghèo năm {year} (Chương trình hỗ trợ → "
                               "Đăng ký thoát nghèo): đăng ký đó tính là đăng ký thi đua của hộ, không nhập lại",
                       f"Household {participant.name} pledged to escape poverty in {year} (Support → Pledges): "
                       "the pledge counts as its registration, not typed again")
    if Registration.objects.filter(participant=participant, year=year).exists():
        raise _err("year", f"{participant.name} đã đăng ký thi đua năm {year}",
                   f"{participant.name} has already registered for {year}")
    r = Registration.objects.create(participant=participant, year=year, titles=titles, registered_on=registered_on,
                                    note=(note or "").strip()[:300],
                                    created_by=actor if getattr(actor, "pk", None) else None)
    for content, uom, planned, tnote in rows:
        RegisteredTarget.objects.create(registration=r, content=content, unit_of_measure=uom, planned_value=planned,
                                        note=tnote)
    audit(actor, "emulation.register", r, movement.unit, year=year, titles=len(titles), targets=len(rows))
    return r


def _with_file(fn):
    """Store an upload inside the action's transaction; remove the file if the write fails."""
    def wrapped(actor, *args, upload=None, **kw):
        stored = []
        try:
            return fn(actor, *args, upload=upload, stored=stored, **kw)
        except BaseException:
            for ev in stored:
                files.discard(ev)
            raise
    wrapped.__doc__ = fn.__doc__
    return wrapped


@_with_file
@transaction.atomic
def sign_pact(actor, cluster: Cluster, *, year: int, title: str, clauses: str, signed_on: dt.date, parties=(),
              upload=None, stored=None) -> Pact:
    movement = cluster.movement
    check(actor, "emulation_manage", movement)
    _open(movement)
    _year(year)
    _in_period(movement, year)
    title = _text(title, "title", "Cần tên giao ước", "Give the pact's title", 300)
    clauses = (clauses or "").strip()
    if not clauses:
        raise _err("clauses", "Cần nội dung giao ước", "Give the pact's clauses")
    parties = list(parties)
    members = set(ClusterMember.objects.filter(cluster=cluster, year=year).values_list("participant_id", flat=True))
    if len(parties) < 2:
        raise _err("parties", "Giao ước cần ít nhất hai bên", "A pact needs at least two parties")
    if any(p.pk not in members for p in parties):
        raise _err("parties", f"Các bên phải là thành viên của cụm năm {year}",
                   f"The parties must be members of the cluster in {year}")
    if Pact.objects.filter(cluster=cluster, year=year).exists():
        raise _err("year", f"Cụm đã ký giao ước năm {year}", f"The cluster already signed its pact for {year}")
    scan = None
    if upload is not None:
        scan = files.store(actor, movement, upload, "scan")
        stored.append(scan)
    pact = Pact.objects.create(cluster=cluster, year=year, title=title, clauses=clauses[:20000], signed_on=signed_on,
                               scan=scan, created_by=actor if getattr(actor, "pk", None) else None)
    pact.parties.set(parties)
    audit(actor, "emulation.pact", pact, movement.unit, year=year, parties=len(parties), scan=bool(scan))
    return pact


@_with_file
@transaction.atomic
def report_activity(actor, movement: Movement, participant: Participant, *, kind: str, title: str, date: dt.date,
                    content: MovementContent | None = None, quantity=None, unit_of_measure: str = "",
                    reached: int | None = None, invited: int | None = None, story: str = "", support_ids=(),
                    donation_ids=(), upload=None, stored=None) -> Activity:
    check(actor, "activity_report", movement)
    _open(movement)
    if participant.movement_id != movement.pk:
        raise _err("participant", "Đối tượng không tham gia phong trào này", "Not a participant of this movement")
    if kind not in ACTIVITY_NAMES:
        raise _err("kind", "Loại hoạt động không hợp lệ", "Unknown kind of activity")
    if content is not None and content.movement_id != movement.pk:
        raise _err("content", "Nội dung không thuộc phong trào này", "Not a content of this movement")
    title = _text(title, "title", "Cần tên hoạt động", "Give the activity's title", 300)
    if not isinstance(date, dt.date):
        raise _err("date", "Ngày không hợp lệ", "Invalid date")
    _in_period(movement, date.year, "date")
    if date > dt.date.today():
        raise _err("date", "Hoạt động đã thực hiện không thể có ngày trong tương lai", "An activity cannot be in the future")
    q = None if quantity in (None, "") else _decimal(quantity, "quantity")
    if q is not None and q < 0:
        raise _err("quantity", "Số lượng không được âm", "The quantity cannot be negative")
    if reached is not None and invited is not None and reached > invited:
        raise _err("reached", f"Số tham gia ({reached}) lớn hơn số được mời ({invited})",
                   f"More took part ({reached}) than were invited ({invited})")
    if kind == "exemplary" and not (story or "").strip():
        raise _err("story", "Gương điển hình cần câu chuyện, thành tích", "An exemplary person needs a story")
    from chungtay.support.models import Support
    support_ids = sorted({int(i) for i in support_ids})
    visible = set(Support.objects.for_user(actor).filter(entry_id__in=support_ids, is_current=True)
                  .values_list("entry_id", flat=True))
    if set(support_ids) - visible:
        raise _err("supports", "Có hỗ trợ không tồn tại hoặc ngoài địa bàn: " + ", ".join(
            map(str, sorted(set(support_ids) - visible))), "Unknown supports or outside the area")
    donation_ids = sorted({int(i) for i in donation_ids})
    if donation_ids:
        try:
            from chungtay.fund.models import Donation
        except ImportError:
            raise _err("donations", "Chưa có Quỹ Vì người nghèo", "The Fund for the Poor is not installed") from None
        seen = set(Donation.objects.for_user(actor).filter(pk__in=donation_ids).values_list("pk", flat=True))
        if set(donation_ids) - seen:
            raise _err("donations", "Có khoản ủng hộ không tồn tại hoặc ngoài địa bàn",
                       "Unknown donations or outside the area")
    if kind == "support" and not support_ids and not donation_ids:
        raise _err("supports", "Vận động nguồn lực: chọn các hỗ trợ, khoản ủng hộ đã ghi (không nhập lại)",
                   "Support mobilised: pick the supports or donations already recorded (not typed twice)")
    ev = None
    if upload is not None:
        ev = files.store(actor, movement, upload)
        stored.append(ev)
    a = Activity.objects.create(movement=movement, participant=participant, content=content, kind=kind, title=title,
                                date=date, year=date.year, quantity=q, unit_of_measure=(unit_of_measure or "").strip()[:40],
                                reached=reached, invited=invited, story=(story or "").strip()[:20000],
                                donation_ids=donation_ids, evidence=ev,
                                created_by=actor if getattr(actor, "pk", None) else None)
    if support_ids:
        a.supports.set(support_ids)
    audit(actor, "emulation.activity", a, movement.unit, kind=kind, supports=len(support_ids),
          donations=len(donation_ids), evidence=bool(ev))
    return a


# --------------------------------------------------------------------------- criteria and scoring

def _bilingual(name) -> bool:
    return isinstance(name, dict) and all(isinstance(name.get(k), str) and name[k].strip() for k in ("vi", "en"))


def parse_criteria(data) -> core.CriteriaTable:
    """The core's checks (its problems in Vietnamese when the language is Vietnamese), plus what the
    app asks more than ``chungtay emulation score``: each criterion named in Vietnamese and English
    (``"name": {"vi": …, "en": …}``), and each ``source`` known."""
    try:
        table = core.parse_table(data)
    except core.TableError as e:
        raise _err("table", "Bảng tiêu chí không hợp lệ: " + "; ".join(e.problems_vi),
                   "Malformed criteria table: " + "; ".join(e.problems)) from None
    bad = []
    by_column: dict[str, set] = {}
    for i, c in enumerate(table.raw["criteria"], 1):
        src = c.get("source")
        if src is not None and src not in SOURCES:
            bad.append(f"{i} ({c['code']}): {src!r}")
        by_column.setdefault(c["column"], set()).add(src)
    if bad:
        raise _err("table", "Nguồn dữ liệu không biết ở tiêu chí " + ", ".join(bad) + " (dùng: " + ", ".join(SOURCES) + ")",
                   "Unknown data source in criteria " + ", ".join(bad))
    mixed = [c for c, s in by_column.items() if len(s) > 1]
    if mixed:
        raise _err("table", "Một cột dùng hai nguồn dữ liệu khác nhau: " + ", ".join(mixed),
                   "One column with two different data sources: " + ", ".join(mixed))
    unnamed = [f"{i} ({c['code']})" for i, c in enumerate(table.raw["criteria"], 1) if not _bilingual(c.get("name"))]
    if unnamed:
        raise _err("table", "Cần tên tiêu chí bằng tiếng Việt và tiếng Anh, dạng \"name\": {\"vi\": \"…\", \"en\": \"…\"}, "
                   "ở tiêu chí " + ", ".join(unnamed),
                   "Name each criterion in Vietnamese and English, as \"name\": {\"vi\": \"…\", \"en\": \"…\"}, "
                   "in criteria " + ", ".join(unnamed))
    return table


@transaction.atomic
def add_criteria_set(actor, movement: Movement, data) -> CriteriaSet:
    check(actor, "emulation_manage", movement)
    _open(movement)
    table = parse_criteria(data)
    last = CriteriaSet.objects.filter(movement=movement, code=table.code).order_by("-version").first()
    name = table.name if isinstance(table.name, str) else (table.name.get("vi") or table.code)
    cs = CriteriaSet.objects.create(movement=movement, code=table.code, version=(last.version + 1) if last else 1,
                                    name=str(name)[:300], table=dict(table.raw),
                                    created_by=actor if getattr(actor, "pk", None) else None)
    audit(actor, "emulation.criteria", cs, movement.unit, code=cs.code, version=cs.version,
          criteria=len(table.criteria))
    return cs


@transaction.atomic
def open_run(actor, criteria_set: CriteriaSet, *, year: int) -> ScoreRun:
    movement = criteria_set.movement
    check(actor, "scoring_run", movement)
    _open(movement)
    _year(year)
    _in_period(movement, year)
    if ScoreRun.objects.filter(criteria_set=criteria_set, year=year).exists():
        raise _err("year", f"Đã có đợt chấm điểm năm {year} theo bộ tiêu chí này",
                   f"There is already a scoring of {year} with this criteria set")
    run = ScoreRun.objects.create(movement=movement, criteria_set=criteria_set, year=year,
                                  created_by=actor if getattr(actor, "pk", None) else None)
    audit(actor, "emulation.run", run, movement.unit, year=year, criteria_set=criteria_set.pk)
    return run


def _not_published(run: ScoreRun) -> None:
    if run.state == PUBLISHED:
        raise _err(None, "Kết quả đã công bố, không sửa được", "The scores are published and cannot change")


@_with_file
@transaction.atomic
def enter_value(actor, run: ScoreRun, participant: Participant, criterion: str, value, *, upload=None,
                stored=None) -> Score:
    """The value of an entered criterion at the run's stage (self-assessment, re-check, council),
    with its evidence: ``upload`` (a photo or PDF: the unit's proof at self-assessment, the re-check
    record or the council's minutes later) is required unless this participant's value on this
    criterion already has a file. A value that changes what is scored marks the scores as needing
    a new computation (``computed_at`` cleared): :func:`advance_run` waits for it."""
    check(actor, "scoring_run", run.movement)
    run = ScoreRun.objects.select_for_update().get(pk=run.pk)
    _not_published(run)
    if participant.movement_id != run.movement_id:
        raise _err("participant", "Đối tượng không tham gia phong trào này", "Not a participant of this movement")
    table = core.parse_table(run.criteria_set.table)
    raw = {c["code"]: c for c in table.raw["criteria"]}
    if criterion not in raw:
        raise _err("criterion", "Không có tiêu chí này", "No such criterion")
    src = raw[criterion].get("source")
    if src and sources.figure(src, participant, run.year, run.movement).value is not None:
        # entered only where the platform has no such data for the participant (a partner's poverty rate)
        raise _err("criterion", "Tiêu chí này được tính từ số liệu của hệ thống, không nhập tay",
                   "This criterion is computed from the platform's data, not entered")
    try:
        v = float(str(value).replace(",", ".").strip())
    except (TypeError, ValueError):
        v = math.nan
    if not math.isfinite(v) or abs(v) > MAX_VALUE:
        raise _err("value", "Giá trị phải là số", "The value must be a number")
    score = Score.objects.filter(run=run, participant=participant, criterion=criterion).first()
    if upload is None and (score is None or score.evidence_id is None):
        raise _err("evidence", "Cần tệp minh chứng (ảnh, PDF) cho giá trị nhập tay: hồ sơ tự chấm của đơn vị, biên bản "
                               "phúc tra hoặc biên bản họp hội đồng",
                   "An entered value needs its evidence (a photo or PDF): the unit's self-assessment file, the "
                   "re-check record or the council's minutes")
    if score is None:
        score = Score.objects.create(run=run, participant=participant, criterion=criterion)
    before = _entered(score)
    setattr(score, STAGE_FIELD[run.state], v)
    if upload is not None:
        score.evidence = files.store(actor, run.movement, upload)
        stored.append(score.evidence)
    score.save()
    if run.computed_at is not None and _entered(score) != before:
        run.computed_at = None          # the scores shown are of the inputs before this value
        run.save(update_fields=["computed_at"])
    audit(actor, "emulation.value", score, run.movement.unit, stage=run.state, criterion=criterion,
          evidence=score.evidence_id)
    return score


def _entered(score: Score | None) -> float | None:
    if score is None:
        return None
    for f in ("council_value", "recheck_value", "self_value"):
        v = getattr(score, f)
        if v is not None:
            return v
    return None


def _inputs(run: ScoreRun, table: core.CriteriaTable, existing: dict) -> dict:
    """What :func:`compute_run` scores now: the participants, their clusters of the run's year, each
    column's values (nan where missing), the figures behind them, what is missing and the entered
    values without evidence."""
    movement = run.movement
    raw = {c["code"]: c for c in table.raw["criteria"]}
    parts = list(movement.participants.select_related("unit__parent__parent", "partner", "household__village")
                 .order_by("name", "id"))
    clusters = dict(ClusterMember.objects.filter(cluster__movement=movement, year=run.year)
                    .values_list("participant_id", "cluster__name"))
    columns: dict[str, list[float]] = {col: [] for col in table.columns}
    figures: dict[tuple[int, str], tuple[str, str]] = {}
    missing, unproven = [], []

    def entered(p, code):
        s = existing.get((p.pk, code))
        v = _entered(s)
        if v is not None and s.evidence_id is None:
            unproven.append(f"{p.name}: {code}")
        return v

    for p in parts:
        done = set()
        for c in table.criteria:
            if c.column in done:
                continue
            done.add(c.column)
            src = raw[c.code].get("source")
            if src:
                fig = sources.figure(src, p, run.year, movement)
                v = fig.value
                if v is None:
                    v = entered(p, c.code)
                figures[(p.pk, c.column)] = (fig.vi, fig.en)
            else:
                v = entered(p, c.code)
                if v is None:
                    for code in table.columns[c.column]:
                        v = v if v is not None else entered(p, code)
                figures[(p.pk, c.column)] = ("Giá trị nhập (tự chấm / phúc tra / hội đồng)",
                                             "Entered value (self-assessment / re-check / council)")
            if v is None:
                missing.append(f"{p.name}: {c.code}")
            columns[c.column].append(math.nan if v is None else v)
    return {"parts": parts, "clusters": clusters, "columns": columns, "figures": figures, "missing": missing,
            "unproven": unproven, "raw": raw}


@transaction.atomic
def compute_run(actor, run: ScoreRun) -> core.Result:
    """Compute every participant's scores (see the module docstring); a participant without a
    value on a criterion, or an entered value without evidence, stops the computation with the list."""
    check(actor, "scoring_run", run.movement)
    run = ScoreRun.objects.select_for_update().select_related("movement", "criteria_set").get(pk=run.pk)
    _not_published(run)
    movement = run.movement
    table = core.parse_table(run.criteria_set.table)
    existing = {(s.participant_id, s.criterion): s for s in Score.objects.filter(run=run)}
    got = _inputs(run, table, existing)
    parts, clusters, columns, figures, missing, raw = (got[k] for k in ("parts", "clusters", "columns", "figures",
                                                                         "missing", "raw"))
    if not parts:
        raise _err(None, "Phong trào chưa có đối tượng tham gia", "The movement has no participant")
    if missing:
        raise _err(None, "Thiếu giá trị, cần nhập kèm minh chứng: " + "; ".join(missing[:30]),
                   "Values missing, enter them with evidence: " + "; ".join(missing[:30]))
    if got["unproven"]:
        raise _err(None, "Giá trị nhập chưa có minh chứng, cần tải tệp lên: " + "; ".join(got["unproven"][:30]),
                   "Entered values without evidence, upload a file: " + "; ".join(got["unproven"][:30]))
    cl = [clusters.get(p.pk, tr("(chưa vào cụm)", "(no cluster)")) for p in parts]
    result = core.score(table, columns, [str(p.pk) for p in parts], cl)
    ScoreTotal.objects.filter(run=run).delete()
    for i, (p, r) in enumerate(zip(parts, result.participants)):
        for c in table.criteria:
            vi, en = result.explain(i, c.code)
            fvi, fen = figures[(p.pk, c.column)]
            s = existing.get((p.pk, c.code)) or Score(run=run, participant=p, criterion=c.code)
            s.source = raw[c.code].get("source") or ""
            s.value = float(result.values[c.column][i])
            s.points = r.scores[c.code]
            s.explanation_vi, s.explanation_en, s.figures_vi, s.figures_en = vi, en, fvi, fen
            s.save()
        ScoreTotal.objects.create(run=run, participant=p, cluster=r.cluster or "", total=r.total, rank=r.rank,
                                  band=r.band or "")
    run.computed_at = timezone.now()
    run.save(update_fields=["computed_at"])
    audit(actor, "emulation.compute", run, movement.unit, participants=len(parts), year=run.year)
    return result


NO_CLUSTER = {"(chưa vào cụm)", "(no cluster)"}


def changed_since_computed(run: ScoreRun) -> list[tuple[str, str]]:
    """What differs between the scores stored and the inputs now, (Vietnamese, English) pairs
    ("participant: criterion", the
    participants added or gone, the clusters changed): entered values, the platform's figures
    (results, supports, the Fund…), participants and clusters. Empty when the scores are current."""
    table = core.parse_table(run.criteria_set.table)
    existing = {(s.participant_id, s.criterion): s for s in Score.objects.filter(run=run)}
    got = _inputs(run, table, existing)
    totals = {t.participant_id: t for t in ScoreTotal.objects.filter(run=run).select_related("participant")}
    out = []
    for i, p in enumerate(got["parts"]):
        t = totals.pop(p.pk, None)
        if t is None:
            out.append((f"{p.name}: chưa có trong lần tính", f"{p.name}: not in the computation"))
            continue
        now = got["clusters"].get(p.pk)
        if (now or "") != t.cluster and not (now is None and t.cluster in NO_CLUSTER):
            out.append((f"{p.name}: cụm, khối", f"{p.name}: cluster"))
        for c in table.criteria:
            v, s = got["columns"][c.column][i], existing.get((p.pk, c.code))
            old = None if s is None else s.value
            if old is None or math.isnan(v) or abs(v - old) > 1e-9 * max(1.0, abs(old)):
                out.append((f"{p.name}: {c.code}",) * 2)
    out += [(f"{t.participant.name}: không còn tham gia", f"{t.participant.name}: no longer takes part")
            for t in totals.values()]
    return out


@transaction.atomic
def advance_run(actor, run: ScoreRun, *, comment_days: int = 15, today: dt.date | None = None) -> ScoreRun:
    """Self-assessment → cluster re-check → council (``scoring_run``) → published (``scoring_publish``,
    with a public-comment period of ``comment_days``)."""
    to = NEXT_RUN_STATE.get(run.state)
    check(actor, "scoring_publish" if to == PUBLISHED else "scoring_run", run.movement)
    run = ScoreRun.objects.select_for_update().get(pk=run.pk)
    to = NEXT_RUN_STATE.get(run.state)
    if to is None:
        raise _err(None, "Kết quả đã công bố", "The scores are already published")
    if to in (COUNCIL, PUBLISHED, RECHECK):
        if run.computed_at is None and not ScoreTotal.objects.filter(run=run).exists():
            raise _err(None, "Chưa tính điểm: bấm “Tính điểm” trước", "Compute the scores first")
        changed = changed_since_computed(run) if run.computed_at is not None else []
        if run.computed_at is None or changed:
            more = " …" if len(changed) > 10 else ""
            vi = (": " + "; ".join(v for v, _ in changed[:10]) + more) if changed else ""
            en = (": " + "; ".join(e for _, e in changed[:10]) + more) if changed else ""
            raise _err(None, "Số liệu đã thay đổi sau lần tính điểm" + vi + ". Bấm “Tính điểm” lại trước khi chuyển "
                             "bước hoặc công bố (điểm đang hiện là của số liệu cũ)",
                       "The inputs changed after the scores were computed" + en + ". Compute the scores again "
                       "before moving on or publishing (the scores shown are of the old inputs)")
    if to == PUBLISHED:
        if not isinstance(comment_days, int) or not 1 <= comment_days <= 90:
            raise _err("comment_days", "Thời gian lấy ý kiến từ 1 đến 90 ngày", "The comment period is 1 to 90 days")
        run.published_on = today or dt.date.today()
        run.comment_until = run.published_on + dt.timedelta(days=comment_days)
    before, run.state = run.state, to
    run.save()
    audit(actor, "emulation.run_state", run, run.movement.unit, before=before, after=to)
    return run
