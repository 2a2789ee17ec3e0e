"""The two revolving models of the seeds (Kon Tum 2017–2018 report, movement.md): breeding
goats in Kroong commune (Kon Tum city; since 2025 in the commune its default mapping names,
xã Ngọk Bay) and coffee bio-fertiliser capital in Kon Đào commune (Đắk Tô). A few generations of
pass-ons, one overdue obligation, a death and a sale (whose money buys a female for the next
household). Idempotent: a model whose code exists is left as it is.

Everything is written through the actions (with audit records) by a commune officer of each
commune: the demo personas ``ngocbay`` and ``kondao`` are created when missing.
"""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from chungtay.accounts.models import Assignment
from chungtay.households.models import Household
from chungtay.units.models import Unit, UnitMapping

from . import actions
from .models import RevolvingModel

GOATS, FERTILISER = "DE-KROONG-2017", "PHANVS-KONDAO-2017"
PERSONAS = {GOATS: ("ngocbay", "Y Hoa"), FERTILISER: ("kondao", "A Dũng")}


def find_commune(name: str, district_words: tuple[str, ...] = ()) -> tuple[Unit | None, Unit | None]:
    """(2025 commune, legacy commune) for a commune named in the seeds: the legacy commune of
    that name in the district (old Kon Tum, 62), then its default 2025 commune; else a 2025
    commune of that name in the province 51."""
    legacy = None
    for u in Unit.objects.filter(system=Unit.SYSTEM_LEGACY, level=Unit.COMMUNE, name=name).select_related("parent__parent"):
        if u.parent and u.parent.parent and u.parent.parent.code == "62" and \
                (not district_words or any(w in u.parent.name for w in district_words)):
            legacy = u
            break
    if legacy is not None:
        m = UnitMapping.objects.filter(legacy=legacy).order_by("-is_default", "id").select_related("new").first()
        if m is not None:
            return m.new, legacy
    new = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.COMMUNE, name=name, parent__code="51").first()
    return new, legacy


def _households(commune: Unit, legacy: Unit | None, n: int) -> list[Household]:
    live = Household.objects.filter(commune=commune, status="active", end_year=None).order_by("id")
    first = list(live.filter(village__legacy_parent=legacy)[:n]) if legacy is not None else []
    more = list(live.exclude(pk__in=[h.pk for h in first])[: n - len(first)]) if len(first) < n else []
    return first + more


def _officer(code: str, commune: Unit):
    from chungtay.households.demo import create_demo_user
    username, name = PERSONAS[code]
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = create_demo_user(username, first_name=name)
        Assignment.objects.create(user=user, unit=commune, role="commune_officer")
    return user


def create_demo_models(log=print, today: dt.date | None = None) -> list[RevolvingModel]:
    """Build the two models (idempotent); returns the models built or found."""
    today = today or dt.date.today()
    out = []
    for code, build in ((GOATS, _goats), (FERTILISER, _fertiliser)):
        existing = RevolvingModel.objects.filter(code=code).first()
        if existing is not None:
            out.append(existing)
            continue
        m = build(today, log)
        if m is not None:
            out.append(m)
    return out


@transaction.atomic
def _goats(today: dt.date, log) -> RevolvingModel | None:
    commune, legacy = find_commune("Kroong", ("Kon Tum",))
    if commune is None:
        log("  revolving: no commune for Kroong in the units table — goats skipped")
        return None
    h = _households(commune, legacy, 8)
    if len(h) < 8:
        log(f"  revolving: {commune.full_name} has {len(h)} households (8 needed) — goats skipped")
        return None
    u = _officer(GOATS, commune)
    D = dt.date
    m = actions.create_model(
        u, commune=commune, code=GOATS, name="Nuôi dê sinh sản luân chuyển (xã Kroong cũ)", kind="livestock",
        rule_type="offspring", months=24, start_date=D(2017, 3, 1), planned=[x.code for x in h],
        rule_note="Con dê cái đầu tiên sinh ra chuyển cho hộ tiếp theo; dê đực bán, tiền mua dê cái giao hộ khác",
        description="Mô hình nhân rộng theo hình thức luân chuyển (báo cáo Phong trào Kon Tum 2017–2018).",
        today=today)
    w = "Trưởng thôn, Chi hội Phụ nữ"
    d1 = actions.add_asset(u, m, code="D01", value_vnd=3_500_000, household=h[0], date=D(2017, 3, 15), sex="female",
                           description="Dê cái giống Bách Thảo", witness=w, decision_no="12/QĐ-UBND", today=today)
    d2 = actions.add_asset(u, m, code="D02", value_vnd=3_500_000, household=h[1], date=D(2017, 3, 15), sex="female",
                           description="Dê cái giống Bách Thảo", witness=w, decision_no="12/QĐ-UBND", today=today)
    d3 = actions.add_asset(u, m, code="D03", value_vnd=3_500_000, household=h[2], date=D(2017, 3, 15), sex="female",
                           description="Dê cái giống Bách Thảo", witness=w, decision_no="12/QĐ-UBND", today=today)
    k1 = actions.record_birth(u, m, d1, code="D01-1", sex="female", value_vnd=1_800_000, date=D(2018, 1, 10), today=today)
    actions.record_transfer(u, m, k1, to_household=h[3], date=D(2018, 9, 1), witness=w, decision_no="02/QĐ-thôn",
                            today=today)
    k2 = actions.record_birth(u, m, d2, code="D02-1", sex="male", value_vnd=1_800_000, date=D(2018, 2, 1), today=today)
    actions.record_sale(u, m, k2, date=D(2018, 10, 5), amount_vnd=2_800_000, replacement_code="D02-R",
                        replacement_value=2_800_000, replacement_sex="female", to_household=h[4], witness=w,
                        decision_no="03/QĐ-thôn", note="Dê đực bán, tiền mua dê cái", today=today)
    actions.record_death(u, m, d3, date=D(2018, 6, 20), note="Dê chết do bệnh tụ huyết trùng", today=today)
    k3 = actions.record_birth(u, m, k1, code="D04", sex="female", value_vnd=1_900_000, date=D(2019, 11, 1), today=today)
    actions.record_transfer(u, m, k3, to_household=h[5], date=D(2020, 5, 10), witness=w, decision_no="05/QĐ-thôn",
                            today=today)      # h[5] never passes on: the overdue obligation
    replacement = m.assets.get(code="D02-R")
    k4 = actions.record_birth(u, m, replacement, code="D05", sex="female", value_vnd=2_000_000, date=D(2020, 2, 1),
                              today=today)
    actions.record_transfer(u, m, k4, to_household=h[6], date=max(today - dt.timedelta(days=100), D(2020, 3, 1)),
                            witness=w, decision_no="09/QĐ-thôn", today=today)     # late, and h[6] holds in time
    log(f"  revolving: {GOATS} in {commune.full_name} (7 households reached, 1 overdue)")
    return m


@transaction.atomic
def _fertiliser(today: dt.date, log) -> RevolvingModel | None:
    commune, legacy = find_commune("Kon Đào", ("Đắk Tô", "Đăk Tô", "Tô"))
    if commune is None:
        log("  revolving: no commune for Kon Đào in the units table — fertiliser skipped")
        return None
    h = _households(commune, legacy, 6)
    if len(h) < 6:
        log(f"  revolving: {commune.full_name} has {len(h)} households (6 needed) — fertiliser skipped")
        return None
    u = _officer(FERTILISER, commune)
    D = dt.date
    m = actions.create_model(
        u, commune=commune, code=FERTILISER, name="Vốn luân chuyển mua phân vi sinh bón cà phê (xã Kon Đào)",
        kind="fertiliser", rule_type="rotate", months=12, start_date=D(2017, 5, 1), planned=[x.code for x in h],
        rule_note="Hộ nhận vốn mua phân vi sinh, sau 12 tháng hoàn trả để chuyển cho hộ tiếp theo",
        description="Mô hình nhân rộng theo hình thức luân chuyển vốn (báo cáo Phong trào Kon Tum 2017–2018).",
        today=today)
    w = "Trưởng thôn, Hội Nông dân xã"
    p1 = actions.add_asset(u, m, code="PB-01", value_vnd=15_000_000, household=h[0], date=D(2017, 5, 1),
                           description="Khoản vốn mua phân vi sinh", witness=w, decision_no="20/QĐ-UBND", today=today)
    p2 = actions.add_asset(u, m, code="PB-02", value_vnd=15_000_000, household=h[1], date=D(2017, 5, 1),
                           description="Khoản vốn mua phân vi sinh", witness=w, decision_no="20/QĐ-UBND", today=today)
    actions.record_transfer(u, m, p1, to_household=h[2], date=D(2018, 4, 20), witness=w, decision_no="04/QĐ-thôn",
                            today=today)
    actions.record_transfer(u, m, p2, to_household=h[3], date=D(2018, 4, 25), witness=w, decision_no="05/QĐ-thôn",
                            today=today)
    actions.record_transfer(u, m, p1, to_household=h[4], date=max(today - dt.timedelta(days=200), D(2019, 6, 1)),
                            witness=w, decision_no="11/QĐ-thôn", today=today)
    actions.record_transfer(u, m, p2, to_household=h[5], date=max(today - dt.timedelta(days=30), D(2019, 6, 1)),
                            witness=w, decision_no="12/QĐ-thôn", today=today)
    log(f"  revolving: {FERTILISER} in {commune.full_name} (6 households reached)")
    return m
