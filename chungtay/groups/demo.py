"""Demo groups of the demo province (code 51), modelled on the seeds: the Women's Union runs
cooperative and group models for poor and near-poor women (15 models with 320 members
province-wide in the seeds); here six groups with members from poor and near-poor households,
quarterly meetings and a savings ledger. Idempotent: a group already present is left as it is.

Written through the actions (role check, audit) as the province officer ``tinh``."""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max

from chungtay.households.models import Assessment, Household
from chungtay.support import people
from chungtay.support.models import Partner
from chungtay.units.models import Unit

from . import actions
from .models import Group

PROVINCE_CODE = "51"

# (name, kind, commune index, in one village?, run by the Women's Union?, founded, members, purpose)
SPECS = [
    ("Tổ hợp tác chăn nuôi bò sinh sản", "cooperative_group", 0, False, True, dt.date(2021, 10, 20), 14,
     "Phụ nữ nghèo cùng nuôi bò sinh sản, góp vốn xoay vòng con giống, chia sẻ kỹ thuật chăn nuôi"),
    ("Tổ tiết kiệm và vay vốn phụ nữ", "savings_loan", 0, True, True, dt.date(2022, 3, 8), 16,
     "Tiết kiệm hằng tháng, cho thành viên vay nhỏ từ quỹ tổ để phát triển sản xuất"),
    ("Tổ nhóm sinh kế dệt thổ cẩm", "livelihood", 1, True, True, dt.date(2022, 6, 1), 12,
     "Giữ nghề dệt truyền thống, bao tiêu sản phẩm qua hợp tác xã du lịch cộng đồng"),
    ("Tổ nhóm sinh kế trồng cà phê xen mắc ca", "livelihood", 1, False, True, dt.date(2023, 2, 15), 15,
     "Trồng xen, chăm sóc và tiêu thụ chung cà phê, mắc ca"),
    ("Hợp tác xã nông nghiệp dược liệu", "cooperative", 2, False, False, dt.date(2021, 4, 1), 18,
     "Trồng sâm dây, đảng sâm dưới tán rừng; liên kết tiêu thụ"),
    ("Tổ tiết kiệm và vay vốn thôn", "savings_loan", 2, True, True, dt.date(2022, 9, 1), 14,
     "Tiết kiệm và vay vốn xoay vòng trong tổ, do Chi hội Phụ nữ thôn quản lý"),
]


def _communes(province: Unit) -> list[Unit]:
    """The commune of the demo commune officer first, then the communes with most poor households."""
    year = Assessment.objects.filter(province=province, kind=Assessment.PERIODIC).aggregate(y=Max("year"))["y"]
    ids = [r["commune_id"] for r in Assessment.objects.filter(
        province=province, year=year, kind=Assessment.PERIODIC, is_current=True, category__in=["poor", "near_poor"])
        .values("commune_id").annotate(n=Count("id")).order_by("-n", "commune_id")[:6]]
    from chungtay.accounts.models import Assignment
    first = Assignment.objects.filter(user__username="xa").values_list("unit_id", flat=True).first()
    if first in ids:
        ids.remove(first)
    if first:
        ids.insert(0, first)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids).select_related("parent")}
    return [units[i] for i in ids if i in units]


def _poor_households(place: Unit, n: int, rng: random.Random, taken: set[int]) -> list[Household]:
    field = "village" if place.level == Unit.VILLAGE else "commune"
    year = Assessment.objects.filter(**{field: place}, kind=Assessment.PERIODIC).aggregate(y=Max("year"))["y"]
    ids = list(Assessment.objects.filter(**{field: place}, year=year, kind=Assessment.PERIODIC, is_current=True,
                                         category__in=["poor", "near_poor"]).order_by("household_id")
               .values_list("household_id", flat=True))
    hs = [h for h in Household.objects.filter(pk__in=ids, status="active").order_by("id") if h.pk not in taken]
    rng.shuffle(hs)
    return hs[:n]


def _quarters(start: dt.date, end: dt.date):
    d = dt.date(start.year, ((start.month - 1) // 3) * 3 + 1, 1)
    while d <= end:
        nxt = dt.date(d.year + (d.month + 2) // 12, (d.month + 2) % 12 + 1, 1)
        if d >= start:
            yield d
        d = nxt


def create_demo_groups(log=print, seed: int = 20250308, last: dt.date = dt.date(2025, 12, 31)) -> dict:
    """Create the demo groups (skip those already there). Returns counts of what was made."""
    made = {"groups": 0, "members": 0, "meetings": 0, "entries": 0}
    actor = get_user_model().objects.filter(username="tinh").first()
    province = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.PROVINCE, code=PROVINCE_CODE).first()
    if actor is None or province is None or not Household.objects.filter(province=province).exists():
        log("Demo groups: no demo province or no province officer 'tinh'; skipped")
        return made
    communes = _communes(province)
    if not communes:
        return made
    union_name = f"Hội Liên hiệp Phụ nữ {province.full_name}"
    union = Partner.objects.filter(unit=province, name=union_name).first() or people.create_partner(
        actor, unit=province, name=union_name, kind="womens_union", contact="Ban Kinh tế, Hội LHPN tỉnh")
    rng = random.Random(seed)
    last = min(last, dt.date.today())
    for name, kind, ci, in_village, by_union, founded, size, purpose in SPECS:
        commune = communes[ci % len(communes)]
        if Group.objects.filter(commune=commune, name__startswith=name).exists():
            continue
        with transaction.atomic():
            village = None
            if in_village:
                village = (Unit.objects.filter(parent=commune, level=Unit.VILLAGE)
                           .annotate(n=Count("households")).order_by("-n", "code").first())
            full = f"{name} {village.name}" if village is not None and name.endswith("thôn") else name
            g = actions.create_group(actor, commune=commune, village=village, name=full, kind=kind,
                                     partner=union if by_union else None, run_by_unit=None if by_union else commune,
                                     founded_on=founded, purpose=purpose)
            made["groups"] += 1
            hhs = _poor_households(village or commune, size, rng, set())
            members = []
            for i, h in enumerate(hhs):
                woman = h.members.filter(sex="F", birth_year__lte=founded.year - 18).order_by("member_no").first()
                role = "leader" if i == 0 else ("treasurer" if i == 1 and kind == "savings_loan" else "member")
                joined = founded + dt.timedelta(days=rng.randrange(0, 120)) if i > 2 else founded
                members.append(actions.add_member(actor, g, household=h, member=woman if by_union else None, role=role,
                                                  joined_on=min(joined, last)))
            made["members"] += len(members)
            if len(members) > 4 and rng.random() < 0.8:     # one member moved away: the record is closed, kept
                gone = members[-1]
                actions.leave_group(actor, gone, left_on=min(gone.joined_on + dt.timedelta(days=400), last),
                                    reason="Chuyển đi làm ăn xa")
                gone.refresh_from_db()
            topics = ["Sinh hoạt định kỳ, thu tiền tiết kiệm", "Tập huấn kỹ thuật chăn nuôi, trồng trọt",
                      "Bình xét cho thành viên vay vốn", "Chia sẻ kinh nghiệm làm ăn, kế hoạch thoát nghèo"]
            for q in _quarters(founded + dt.timedelta(days=30), last):
                held = q + dt.timedelta(days=rng.randrange(5, 25))
                if held > last:
                    break
                present = sum(1 for m in members if m.joined_on <= held and (m.left_on is None or m.left_on >= held))
                if present == 0:
                    continue
                actions.record_meeting(actor, g, held_on=held, attendees=max(1, present - rng.randrange(0, 3)),
                                       topic=rng.choice(topics), minutes="Thống nhất nội dung sinh hoạt; "
                                       f"{present} thành viên tham gia.")
                made["meetings"] += 1
            if kind == "livelihood" and rng.random() < 0.5:
                continue
            start = max(founded, dt.date(2024, 1, 1))
            for q in _quarters(start, last):
                when = q + dt.timedelta(days=10)
                if when > last:
                    break
                for m in members:
                    if m.joined_on <= when and (m.left_on is None or m.left_on >= when):
                        actions.record_entry(actor, g, membership=m, kind="deposit",
                                             amount_vnd=rng.choice([50_000, 100_000, 150_000, 200_000]), date=when)
                        made["entries"] += 1
                active = [m for m in members if m.left_on is None]
                if kind == "savings_loan" and q.month in (4, 10) and active:   # a small demo may have no one left
                    borrower = rng.choice(active)
                    from .queries import member_balances
                    fund = sum(b.savings - b.loans for b in member_balances(g).values())
                    amount = min(3_000_000, fund // 2) // 100_000 * 100_000
                    if amount > 0:
                        actions.record_entry(actor, g, membership=borrower, kind="loan", amount_vnd=amount,
                                             date=when + dt.timedelta(days=1), note="Vay nuôi heo, mua giống")
                        repay = dt.date(when.year, when.month + 2, 15)
                        if repay <= last:
                            actions.record_entry(actor, g, membership=borrower, kind="repayment", amount_vnd=amount // 2,
                                                 date=repay, note="Trả một nửa nợ gốc")
                            made["entries"] += 1
                        made["entries"] += 1
            first = g.savings.order_by("id").first()
            if first is not None:                      # a correction: a reversing entry, the wrong line kept
                wrong = actions.record_entry(actor, g, membership=first.membership, kind="deposit", amount_vnd=100_000,
                                             date=first.date, note="Ghi trùng")
                actions.reverse_entry(actor, wrong, reason="Ghi trùng phiếu thu", date=first.date)
                made["entries"] += 2
    log(f"Demo groups: {made['groups']} groups, {made['members']} members, {made['meetings']} meetings, "
        f"{made['entries']} savings entries")
    return made
