"""Every write to the registry goes through a function here: it takes the acting user,
checks the user's area, and leaves an audit record (without personal data)."""
from __future__ import annotations

import functools
import random
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction

from chungtay.accounts.access import scope_for
from chungtay.accounts.models import AuditEvent
from chungtay.accounts.roles import require
from chungtay.core import classify as core_classify
from chungtay.core import fmt
from chungtay.core.classify import ClassificationError
from chungtay.core.standards import StandardError, get_standard, standard_for_year
from chungtay.units.models import Unit

from chungtay.i18n import tr

from . import bounds, summary
from .models import KINH, Assessment, Household, Member

MEMBER_FIELDS = ("full_name", "sex", "birth_year", "ethnicity", "relation", "health_insurance",
                 "schooling", "disability", "work")


CLASH = ("Có người khác vừa lưu cùng lúc, hãy thử lại", "Someone else saved at the same moment: please try again")
_TRANSIENT = ("database is locked", "deadlock detected", "could not serialize", "lock timeout",
              "could not obtain lock")


class ConcurrentWrite(ValidationError):
    """A save that clashed with another one several times in a row: nothing was written and
    the form is shown again with what the user typed ("try again")."""


def retry_on_clash(fn=None, *, attempts: int = 4):
    """Run the action in its own transaction; when it clashes with a concurrent writer
    (a unique constraint such as a version number, a deadlock, SQLite's busy timeout),
    roll back and run it again, a few times, then raise :class:`ConcurrentWrite` (a
    ValidationError: views re-render the form with its message). Inside an outer
    transaction it only calls through: the outermost retrying action retries."""
    if fn is None:
        return functools.partial(retry_on_clash, attempts=attempts)

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if transaction.get_connection().in_atomic_block:
            return fn(*args, **kwargs)
        for attempt in range(attempts):
            try:
                with transaction.atomic():
                    return fn(*args, **kwargs)
            except OperationalError as e:
                if not any(t in str(e).lower() for t in _TRANSIENT):
                    raise
            except IntegrityError:
                pass
            time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
        raise ConcurrentWrite(tr(*CLASH), code="concurrent_write")
    return run


def lock_commune(commune_id: int) -> None:
    """Serialise the writes of one commune's households, results and summaries until the
    transaction ends (see summary.lock_communes)."""
    summary.lock_communes([commune_id])


def periodic_refusal(commune_id: int, year: int, *, via_round: bool = False):
    """Why a periodic result of the commune's year may not be written now (None: it may).

    - the year's periodic round is locked: changes go through a regular review;
    - the round exists and is open: its results are written only by its steps (survey form,
      complaint re-check), never directly from the household page;
    - the year has no round record but the commune already has a later year (loaded or
      reviewed): the year is closed as if locked.
    The import (imports.engine) writes results of past years in bulk and checks locked
    rounds itself."""
    from chungtay.reviews.models import ReviewRound
    rnd = ReviewRound.objects.filter(commune_id=commune_id, year=year, kind=ReviewRound.PERIODIC).first()
    if rnd is not None and rnd.state == ReviewRound.LOCKED:
        return tr(f"Kết quả rà soát năm {year} đã được công nhận và khóa: thay đổi phải qua rà soát thường xuyên",
                  f"The {year} review results are recognised and locked: changes go through a regular review")
    if rnd is not None and rnd.state == ReviewRound.RECOGNISED and not via_round:
        return tr(f"Kết quả rà soát định kỳ năm {year} đã được công nhận: thay đổi phải qua rà soát thường xuyên",
                  f"The {year} periodic results are recognised: changes go through a regular review")
    if rnd is not None:
        if via_round:
            return None
        return tr(f"Xã đang có đợt rà soát định kỳ năm {year}: kết quả định kỳ chỉ ghi qua các bước của đợt "
                  "rà soát (phiếu rà soát, phúc tra)",
                  f"The commune's {year} periodic review is open: periodic results are recorded only through "
                  "the review's steps (survey form, re-check)")
    later = (Assessment.objects.filter(commune_id=commune_id, kind=Assessment.PERIODIC,
                                       year__in=list(range(year + 1, year + 11))).exists()
             or ReviewRound.objects.filter(commune_id=commune_id, kind=ReviewRound.PERIODIC, year__gt=year).exists())
    if later:
        return tr(f"Kết quả rà soát định kỳ năm {year} đã chốt (xã đã có số liệu các năm sau): thay đổi phải "
                  "qua rà soát thường xuyên",
                  f"The {year} periodic results are closed (the commune has later years): changes go through a "
                  "regular review")
    return None


def audit(actor, action: str, obj, unit=None, **changes) -> AuditEvent:
    return AuditEvent.objects.create(actor=actor if getattr(actor, "pk", None) else None,
                                     action=action, object_type=type(obj).__name__.lower(),
                                     object_id=str(obj.pk), unit=unit, changes=changes)


def _check_village(actor, village: Unit) -> None:
    if village.level != Unit.VILLAGE or village.system != Unit.SYSTEM_2025:
        raise ValidationError("Hộ phải thuộc một thôn/tổ dân phố")
    if not scope_for(actor).covers(village):
        raise PermissionDenied("Thôn này nằm ngoài địa bàn được giao")


def _refresh_derived(household: Household) -> None:
    members = list(household.members.all())
    head = next((m for m in members if m.relation == "head"), None)
    household.head_name = head.full_name if head else ""
    household.ethnic_minority = bool(head and head.ethnicity.strip() != KINH)
    household.search_text = fmt.fold(" ".join([household.code] + [m.full_name for m in members]))[:400]
    household.save(update_fields=["head_name", "ethnic_minority", "search_text"])


def _member(household: Household, data: dict, member_no: int) -> Member:
    m = Member(household=household, member_no=member_no,
               **{k: (fmt.nfc(v) if isinstance(v, str) else v) for k, v in data.items() if k in MEMBER_FIELDS})
    if isinstance(m.birth_year, int) and (err := bounds.birth_year_error(m.birth_year)):
        raise ValidationError({"birth_year": tr(*err)})
    if data.get("citizen_id"):
        try:
            m.set_citizen_id(data["citizen_id"])
        except ValueError as e:
            raise ValidationError({"citizen_id": str(e)}) from None
        # one person, one registration: the keyed digest finds the same number anywhere
        # (the other household is not named: it may lie outside the user's area)
        if Member.objects.filter(citizen_id_digest=m.citizen_id_digest).exclude(pk=m.pk).exists():
            raise ValidationError({"citizen_id": tr(
                "Số CCCD này đã được đăng ký cho một người khác: mỗi người chỉ được đăng ký một lần",
                "This citizen ID is already registered for another person: a person is registered only once")})
    m.full_clean(exclude=["household"])
    return m


@retry_on_clash
@transaction.atomic
def create_household(actor, *, code: str, village: Unit, address: str = "", is_urban: bool | None = None,
                     head: dict) -> Household:
    require(actor, "household_create", village)
    _check_village(actor, village)
    code = fmt.nfc(code)
    lock_commune(village.parent_id)
    if Household.objects.filter(code=code).exists():
        # the same answer whether the code is used in the user's area or elsewhere: it must
        # not confirm that a code exists outside the area
        raise ValidationError({"code": tr(f"Mã hộ {code} không dùng được (đã được dùng cho một hộ khác): hãy "
                                          "chọn mã khác",
                                          f"Household code {code} cannot be used (it is taken): choose another")})
    commune = village.parent
    hh = Household.objects.create(
        code=code, village=village, commune=commune, province=commune.parent, address=fmt.nfc(address),
        is_urban=commune.is_urban if is_urban is None else is_urban, status="active")
    _member(hh, {**head, "relation": "head"}, 1).save()
    _refresh_derived(hh)
    audit(actor, "household.create", hh, village, code=code, village=village.code)
    return hh


@transaction.atomic
def add_member(actor, household: Household, data: dict) -> Member:
    require(actor, "member_add", household.village)
    if not scope_for(actor).covers(household.village):
        raise PermissionDenied("Hộ nằm ngoài địa bàn được giao")
    if data.get("relation") == "head" and household.members.filter(relation="head").exists():
        raise ValidationError({"relation": "Hộ đã có chủ hộ"})
    no = (household.members.order_by("-member_no").values_list("member_no", flat=True).first() or 0) + 1
    m = _member(household, data, no)
    m.save()
    _refresh_derived(household)
    audit(actor, "member.add", household, household.village, member_no=no,
          fields=sorted(k for k in data if k in MEMBER_FIELDS))
    return m


def _number_error(value, check) -> tuple[str, str] | None:
    """Bounds for callers other than the web form (CLI, scripts): a finite number in range."""
    import math
    try:
        ok = not isinstance(value, bool) and math.isfinite(float(value))
    except (TypeError, ValueError):
        ok = False
    return check(float(value)) if ok else ("Giá trị phải là một số", "The value must be a number")


@retry_on_clash
@transaction.atomic
def record_assessment(actor, household: Household, *, year: int, income: float | None = None,
                      score_a: float | None = None, deprived=(), kind: str = Assessment.PERIODIC,
                      standard_code: str | None = None, pledged_escape: bool = False,
                      reason: str = "", _round_ok: bool = False) -> Assessment:
    """Classify and store a new version of the household's result for the round.

    Periodic results are written only through their round's steps (``_round_ok``: the
    review actions) or, for a year without a round record, until the commune has a later
    year (:func:`periodic_refusal`); a locked year changes only through a regular review
    (kind="regular"). The commune's lock serialises concurrent saves (versions, summary)."""
    require(actor, "round_survey" if _round_ok else "household_assess", household.village)
    if not scope_for(actor).covers(household.village):
        raise PermissionDenied("Hộ nằm ngoài địa bàn được giao")
    if kind not in (Assessment.PERIODIC, Assessment.REGULAR):
        raise ValidationError(tr("Loại rà soát không hợp lệ", "Unknown kind of review"))
    lock_commune(household.commune_id)
    if household.end_year is not None and year > household.end_year:
        raise ValidationError(tr(f"Hộ {household.code} không còn trong địa bàn sau năm {household.end_year} "
                                 f"({household.get_status_display()}): không ghi kết quả năm {year}",
                                 f"Household {household.code} left after {household.end_year}: "
                                 f"no result can be recorded for {year}"))
    if household.start_year is not None and year < household.start_year:
        # a result for an earlier year shows the household existed then: it counts from that year
        Household.objects.filter(pk=household.pk).update(start_year=year)
        household.start_year = year
    if kind == Assessment.PERIODIC and (why := periodic_refusal(household.commune_id, year, via_round=_round_ok)):
        raise ValidationError(why)
    for value, check in ((income, bounds.income_error), (score_a, bounds.score_error)):
        if value is not None and (err := _number_error(value, check)):
            raise ValidationError(tr(*err))
    try:
        standard = get_standard(standard_code) if standard_code else standard_for_year(year)
        result = core_classify(standard, area="urban" if household.is_urban else "rural",
                               income=income, score_a=score_a, deprived=deprived)
    except (ClassificationError, StandardError) as e:
        raise ValidationError(str(e)) from None
    previous = (Assessment.objects.filter(household=household, year=year, kind=kind)
                .order_by("-version").values("pk", "version", "village_id").first())
    if previous:
        Assessment.objects.filter(household=household, year=year, kind=kind, is_current=True).update(is_current=False)
    village = household.village
    # the pre-2025 district and province of the village's old commune, by id in one query (three
    # lookups through the units before; the result keeps ids only)
    district_id = legacy_province_id = None
    if village.legacy_parent_id is not None:
        district_id, legacy_province_id = (Unit.objects.filter(pk=village.legacy_parent_id)
                                           .values_list("parent_id", "parent__parent_id").get())
    a = Assessment(
        household=household, year=year, kind=kind, version=(previous["version"] + 1) if previous else 1,
        is_current=True, standard=standard.code, area=result.area, basis=result.basis,
        income=round(income) if result.basis == "income" else None,
        score_a=score_a if result.basis == "score_a" else None,
        deprivation_count=result.deprivation_count, category=result.category,
        explanation_vi=result.explanation_vi, explanation_en=result.explanation_en,
        ethnic_minority=household.ethnic_minority, pledged_escape=pledged_escape,
        village=village, commune_id=household.commune_id, province_id=household.province_id,
        legacy_commune_id=village.legacy_parent_id, district_id=district_id, legacy_province_id=legacy_province_id,
        recorded_by=actor if getattr(actor, "pk", None) else None, reason=reason[:300])
    for i, code in enumerate(standard.indicator_codes, 1):
        setattr(a, f"dep_{i}", code in result.deprived)
    a.save()
    if kind == Assessment.PERIODIC:
        # the version it replaces may have been counted in another village (the household moved)
        summary.refresh(year, sorted({village.id, previous["village_id"] if previous else village.id}),
                        households=[household.pk])
    audit(actor, "assessment.record", household, village, year=year, kind=kind, version=a.version,
          standard=standard.code, category=result.category, basis=result.basis)
    return a


CLOSED_STATUSES = ("moved_away", "merged", "died_out")


@transaction.atomic
def close_household(actor, household: Household, *, status: str, year: int, reason: str) -> Household:
    """Record that the household moved away, merged into another or died out in ``year``.

    Its history stays; it leaves the lists and counts of the later years. ``end_year`` becomes
    the last review year in which it counts: ``year`` itself when it already has that year's
    periodic result (it left after the review), else ``year - 1``
    (households.completeness.exists_in). Listed-but-not-surveyed entries in open periodic rounds
    of the years it no longer exists are withdrawn. Audited with the reason.
    """
    from datetime import date

    from chungtay.reviews.models import ReviewRound, RoundHousehold
    # registry maintenance: the role that registers households also closes them
    require(actor, "household_create", household.village)
    if not scope_for(actor).covers(household.village):
        raise PermissionDenied("Hộ nằm ngoài địa bàn được giao")
    hh = Household.objects.select_for_update().get(pk=household.pk)
    if status not in CLOSED_STATUSES:
        raise ValidationError({"status": tr("Chọn một lý do kết thúc hợp lệ: chuyển đi, nhập hộ hoặc không còn thành viên",
                                            "Choose a valid ending: moved away, merged or died out")})
    if hh.status != "active":
        raise ValidationError(tr(f"Hộ đã được ghi nhận kết thúc ({hh.get_status_display().lower()}) từ trước",
                                 "The household has already been closed"))
    reason = fmt.nfc(reason or "")[:300]
    if not reason:
        raise ValidationError({"reason": tr("Cần ghi lý do (ví dụ: chuyển đến xã nào, nhập vào hộ nào)",
                                            "A reason is required (e.g. where it moved, which household it joined)")})
    if not isinstance(year, int) or not (2000 <= year <= date.today().year + 1):
        raise ValidationError({"year": tr(f"Năm phải từ 2000 đến {date.today().year + 1}",
                                          f"The year must be between 2000 and {date.today().year + 1}")})
    if hh.start_year and year < hh.start_year:
        raise ValidationError({"year": tr(f"Hộ được đăng ký từ năm {hh.start_year}: năm kết thúc không thể sớm hơn",
                                          f"The household was registered in {hh.start_year}: it cannot end earlier")})
    periodic = Assessment.objects.filter(household=hh, kind=Assessment.PERIODIC, is_current=True)
    later = periodic.filter(year__gt=year).order_by("-year").values_list("year", flat=True).first()
    if later:
        raise ValidationError({"year": tr(f"Hộ đã có kết quả rà soát năm {later}: năm kết thúc phải từ {later} trở đi",
                                          f"The household has a {later} review result: it cannot end before {later}")})
    end_year = year if periodic.filter(year=year).exists() else year - 1
    hh.status, hh.end_year = status, end_year
    hh.save(update_fields=["status", "end_year"])
    withdrawn, _ = RoundHousehold.objects.filter(
        household=hh, step=RoundHousehold.LISTED, round__kind=ReviewRound.PERIODIC, round__year__gt=end_year,
        round__state__in=[ReviewRound.LISTING, ReviewRound.SURVEYING]).delete()
    audit(actor, "household.close", hh, hh.village, status=status, year=year, end_year=end_year, reason=reason,
          withdrawn_from_rounds=withdrawn)
    household.status, household.end_year = hh.status, hh.end_year
    return hh
