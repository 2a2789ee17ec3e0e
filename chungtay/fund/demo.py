"""Demo data of the Fund for the Poor (issue 11 §6): the national fund (its keeper the persona
``mttqtw``, large donations each peak month and a transfer to the province after it), the demo
province's fund (2025 code "51") and the fund of the demo commune (the one of the persona ``xa``), with five peak months 2021–2025, one
disaster appeal, donors of every kind, pledges, a few hundred donations, a transfer, allocations,
payments to poor households (each one also a support of the household), Great Unity houses up to
their handover, one correction (a reversal) and each year's peak month published per fund.

Everything is written **through the actions** (``chungtay.fund.actions``) by the Front committee
personas ``mttq`` (the commune) and ``mttqtinh`` (the province): the ledger, the receipt numbers,
the supports and the audit log are the real ones. Deterministic (a fixed seed) and once: a second
call changes nothing. Amounts are whole đồng.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from chungtay.accounts.models import Assignment
from chungtay.households.models import Assessment, Household
from chungtay.units.models import Unit

from . import actions, payments, queries
from .models import Campaign, Donation, Donor, Fund

SEED = 20251017
YEARS = range(2021, 2026)
FRONT_USERS = [("mttq", "Hồ Thị Thu", "commune"), ("mttqtinh", "Đinh Văn Sơn", "province")]
MARKER = "Tháng cao điểm Vì người nghèo 2021"         # the commune's first campaign: the demo is there
# health-insurance card for a year: 4.5 % of the base salary × 12 (1.49 M until 6/2023, 1.8 M, 2.34 M from 7/2024)
HEALTH_CARD = {2021: 804_600, 2022: 804_600, 2023: 972_000, 2024: 1_263_600, 2025: 1_263_600}
HOUSE_VND = {"commune": 50_000_000, "province": 60_000_000}
LIVELIHOOD_VND = 8_000_000
SCHOLARSHIP_VND = 1_500_000

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô", "Hồ", "Dương", "Đinh"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thanh", "Quốc", "Thu", "Hữu", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc",
         "Quang", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vân", "Yến"]
ENTERPRISES = ["Công ty TNHH Xây dựng Trường Thịnh", "Công ty CP Nông sản Sơn Hà", "Công ty TNHH Thương mại Minh Phát",
               "Doanh nghiệp tư nhân Vật liệu xây dựng Hòa Bình", "Công ty CP Thủy điện Đăk Pô Kô",
               "Công ty TNHH Chế biến gỗ Ngọc Linh", "Hợp tác xã Nông nghiệp Sâm Ngọc Linh"]
IN_KIND = {"commune": [("Gạo tẻ (1 tấn)", 15_000_000), ("Chăn, áo ấm (100 bộ)", 12_000_000),
                       ("Sách vở, đồ dùng học tập (150 bộ)", 9_000_000), ("Mì tôm, dầu ăn, nước mắm (200 suất)", 10_000_000)],
           "province": [("Gạo tẻ (3 tấn)", 45_000_000), ("Chăn, áo ấm (300 bộ)", 36_000_000),
                        ("Xe đạp cho học sinh nghèo (30 chiếc)", 45_000_000)]}


def _vnd(x: float, step: int) -> int:
    return max(step, int(round(x / step)) * step)


def _lower(name: str) -> str:
    """"Xã Đăk Rơ Wa" → "xã Đăk Rơ Wa" (the level word inside a sentence)."""
    return name[:1].lower() + name[1:]


def _people(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(n)]


# ------------------------------------------------------------------ personas

def create_demo_front_user():
    """The Front committee personas: ``mttq`` on the demo commune (the one of ``xa``) and ``mttqtinh``
    on the demo province (2025 code "51"), password ``DEMO_PASSWORD``. Added once; returns both."""
    from chungtay.households.demo import create_demo_user
    User = get_user_model()
    commune = User.objects.get(username="xa").assignments.get().unit
    units = {"commune": commune, "province": commune.parent}
    out = []
    for username, name, level in FRONT_USERS:
        u = User.objects.filter(username=username).first()
        if u is None:
            u = create_demo_user(username, first_name=name)
            Assignment.objects.create(user=u, unit=units[level], role="front_committee")
        out.append(u)
    return tuple(out)


NATIONAL_FRONT = ("mttqtw", "Vũ Thị Hạnh")           # the Central Committee's fund keeper (synthetic persona)
NATIONAL_DONORS = [("enterprise", "Tập đoàn Công nghiệp Đông Dương"), ("enterprise", "Ngân hàng TMCP Phương Nam"),
                   ("enterprise", "Tổng công ty Viễn thông Trường Giang"), ("organisation", "Hội Doanh nhân trẻ Việt Nam"),
                   ("armed_forces", "Bộ Tư lệnh Quân khu 5"), ("individual", "Nhà hảo tâm kiều bào tại Úc")]


def create_demo_national_front():
    """The persona ``mttqtw``: a Front committee assignment without a unit, the Central Committee."""
    from chungtay.households.demo import create_demo_user
    username, name = NATIONAL_FRONT
    u = get_user_model().objects.filter(username=username).first()
    if u is None:
        u = create_demo_user(username, first_name=name)
        Assignment.objects.create(user=u, unit=None, role="front_committee")
    return u


def _national_books(pf: Fund, rng: random.Random) -> Fund:
    """The national fund: each peak month a few large donations, and after it a transfer to the demo
    province's fund (it then appears in both books)."""
    tw = create_demo_national_front()
    nf = Fund.objects.filter(level=Fund.NATIONAL).first() or actions.open_fund(
        tw, None, committee="Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam", opened_on=dt.date(2021, 1, 4))
    if not nf.bank_accounts.exists():
        actions.add_bank_account(tw, nf, bank="Kho bạc Nhà nước – Sở Giao dịch", number="3761.0.1058924")
    donors = [actions.create_donor(tw, nf, kind=k, name=n, anonymous=k == "individual") for k, n in NATIONAL_DONORS]
    for year in YEARS:
        start, end = actions.peak_month(year)
        c = actions.create_campaign(tw, nf, kind=Campaign.PEAK, name=f"Tháng cao điểm Vì người nghèo {year}",
                                    start=start, end=end, target_vnd=100_000_000_000)
        for i, donor in enumerate(donors):
            day = start + dt.timedelta(days=1 + 5 * i)
            value = _vnd(rng.uniform(2e9, 12e9) if donor.kind != "individual" else rng.uniform(2e8, 6e8), 100_000_000)
            actions.record_donation(tw, nf, donor=donor, date=day, value_vnd=value, campaign=c, channel="bank",
                                    bank_reference=f"FT{day:%y%m%d}{rng.randrange(10_000, 99_999)}")
        actions.record_transfer(tw, nf, pf, amount_vnd=_vnd(rng.uniform(1.5e9, 2.5e9), 100_000_000),
                                date=end + dt.timedelta(days=7),
                                reference=f"QĐ {40 + year - 2021}/QĐ-MTTW-BTT: hỗ trợ tỉnh {pf.unit.name} sau Tháng cao điểm {year}")
    return nf


# ------------------------------------------------------------------ the books

class _Book:
    """One fund being filled: its acting committee user and a seeded random source."""

    def __init__(self, user, fund: Fund, rng: random.Random, level: str):
        self.user, self.fund, self.rng, self.level = user, fund, rng, level
        self.donors: dict[str, list[Donor]] = {}
        self.count = {"donations": 0, "in_kind": 0, "pledges": 0, "disbursements": 0, "allocations": 0}

    def donor(self, kind: str, name: str, **kw) -> Donor:
        d = actions.create_donor(self.user, self.fund, kind=kind, name=name, **kw)
        self.donors.setdefault(kind, []).append(d)
        return d

    def give(self, donor: Donor, date: dt.date, value: int, *, campaign=None, pledge=None, channel="bank",
             goods: str = "") -> Donation:
        form = Donation.IN_KIND if goods else Donation.MONEY
        ref = f"FT{date:%y%m%d}{self.rng.randrange(10_000, 99_999)}" if channel == "bank" and not goods else ""
        d = actions.record_donation(self.user, self.fund, donor=donor, date=date, value_vnd=value, form=form,
                                    channel=channel, campaign=campaign, pledge=pledge, goods=goods, bank_reference=ref)
        self.count["donations"] += 1
        self.count["in_kind"] += bool(goods)
        return d

    def balance(self, account: str) -> int:
        return queries.balances(self.fund).get(account, 0)

    def pay_all(self, allocation, plan: list) -> dict:
        """Pay the plan's households in one list: from the bank while it holds enough, else cash (goods
        for the emergency purpose); a payment neither holds enough for is left unpaid (allocated, not
        paid yet: the money is split between bank and cash). Returns {purpose: [disbursements]}."""
        held = queries.balances(self.fund)
        todo = []
        for p in plan:
            if p.purpose == "emergency":
                source = "goods"
            else:
                source = next((a for a in ("bank", "cash") if held.get(a, 0) >= p.amount_vnd), None)
                if source is None:
                    continue
                held[source] -= p.amount_vnd
            todo.append(dataclasses.replace(p, paid_from=source))
        paid: dict[str, list] = {}
        for d in payments.pay_households(self.user, self.fund, allocation=allocation, payments=todo) if todo else []:
            paid.setdefault(d.purpose, []).append(d)
        self.count["disbursements"] += len(todo)
        return paid


# donor kind → (weight, channel choices, amount for a commune, amount for the province)
def _amount(rng: random.Random, level: str, kind: str) -> int:
    if level == "commune":
        return {"individual": lambda: rng.choice([100_000, 200_000, 200_000, 300_000, 500_000, 500_000, 1_000_000,
                                                  2_000_000]),
                "unit": lambda: _vnd(rng.uniform(2e6, 8e6), 100_000),
                "organisation": lambda: _vnd(rng.uniform(3e6, 15e6), 500_000),
                "enterprise": lambda: _vnd(rng.uniform(10e6, 50e6), 1_000_000),
                "armed_forces": lambda: _vnd(rng.uniform(3e6, 10e6), 500_000)}[kind]()
    return {"individual": lambda: _vnd(rng.uniform(5e6, 50e6), 1_000_000),
            "unit": lambda: _vnd(rng.uniform(20e6, 80e6), 1_000_000),
            "organisation": lambda: _vnd(rng.uniform(20e6, 150e6), 5_000_000),
            "enterprise": lambda: _vnd(rng.uniform(100e6, 800e6), 50_000_000),
            "armed_forces": lambda: _vnd(rng.uniform(30e6, 100e6), 5_000_000)}[kind]()


MIX = {"commune": [("individual", 50), ("unit", 20), ("organisation", 10), ("enterprise", 12), ("armed_forces", 8)],
       "province": [("individual", 10), ("unit", 15), ("organisation", 25), ("enterprise", 35), ("armed_forces", 15)]}
CHANNELS = {"individual": [("cash", 6), ("bank", 4)], "unit": [("payroll", 7), ("bank", 3)],
            "organisation": [("payroll", 5), ("bank", 5)], "enterprise": [("bank", 1)],
            "armed_forces": [("payroll", 6), ("cash", 2), ("bank", 2)]}


def _pick(rng, weighted):
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def _donors(book: _Book, commune: Unit, province: Unit, partners) -> None:
    """Donors of every kind for the fund; a few linked to the support demo's partners (if any)."""
    rng, c, p = book.rng, commune.name, province.name
    if book.level == "commune":
        for n, name in enumerate(_people(rng, 24)):
            book.donor("individual", name, anonymous=n % 6 == 5)
        for name in [f"Trường Tiểu học xã {c}", f"Trường THCS xã {c}", f"Trạm Y tế xã {c}",
                     f"Cán bộ, công chức UBND xã {c}"]:
            book.donor("unit", name)
        for name in [f"Hội Nông dân xã {c}", f"Hội Liên hiệp Phụ nữ xã {c}", f"Đoàn Thanh niên xã {c}"]:
            book.donor("organisation", name)
        for name in ENTERPRISES[:3]:
            book.donor("enterprise", name)
        for name in [f"Ban Chỉ huy Quân sự xã {c}", f"Công an xã {c}"]:
            book.donor("armed_forces", name)
    else:
        for n, name in enumerate(_people(rng, 8)):
            book.donor("individual", name, anonymous=n % 4 == 3)
        for name in [f"Bệnh viện Đa khoa tỉnh {p}", "Trường Đại học Phạm Văn Đồng", f"Kho bạc Nhà nước {p}"]:
            book.donor("unit", name)
        for name in [f"Sở Giáo dục và Đào tạo tỉnh {p}", f"Sở Y tế tỉnh {p}", f"Liên đoàn Lao động tỉnh {p}",
                     f"Hội Doanh nhân trẻ tỉnh {p}"]:
            book.donor("organisation", name)
        for name in ENTERPRISES:
            book.donor("enterprise", name)
        for name in [f"Bộ Chỉ huy Quân sự tỉnh {p}", f"Bộ Chỉ huy Bộ đội Biên phòng tỉnh {p}", f"Công an tỉnh {p}"]:
            book.donor("armed_forces", name)
        kinds = {"armed_forces": "armed_forces", "enterprise": "enterprise"}
        for partner in partners:
            book.donor(kinds.get(partner.kind, "organisation"), partner.name, partner=partner)


def _households(commune_ids, year: int, categories=("poor",), limit: int = 3000) -> list[Household]:
    """Active households of these communes assessed in one of ``categories`` in ``year`` (by id)."""
    ids = (Assessment.objects.filter(commune_id__in=commune_ids, year=year, kind=Assessment.PERIODIC, is_current=True,
                                     category__in=categories).order_by("household_id").values_list("household_id", flat=True))
    return list(Household.objects.filter(pk__in=ids[:limit], status="active").exclude(end_year__lt=year)
                .select_related("village", "commune", "province").order_by("id"))


def _peak_year(book: _Book, year: int, n: int, campaign: Campaign, pledges: list, extra=()) -> None:
    """n donations in the campaign, and the pledges made at its launch (the first paid in full in two
    instalments, the second in part — the last year's not yet), recorded in date order so that the
    receipt numbers follow the dates. ``extra``: (date, callable) events of the same weeks."""
    rng = book.rng
    start, end = campaign.start, campaign.end
    events = []
    in_kind_every = 12 if book.level == "commune" else 10
    for i in range(n):
        day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
        kind = _pick(rng, MIX[book.level])
        donor = rng.choice(book.donors[kind])
        if i % in_kind_every == in_kind_every // 2:
            goods, value = rng.choice(IN_KIND[book.level])
            events.append((day, lambda d=donor, day=day, v=value, g=goods: book.give(d, day, v, campaign=campaign, goods=g)))
        else:
            value, channel = _amount(rng, book.level, kind), _pick(rng, CHANNELS[kind])
            events.append((day, lambda d=donor, day=day, v=value, c=channel: book.give(d, day, v, campaign=campaign,
                                                                                       channel=c)))
    for k, (donor, amount) in enumerate(pledges):
        p = actions.record_pledge(book.user, book.fund, donor=donor, amount_vnd=amount, made_on=start,
                                  due_date=dt.date(year, 12, 31), campaign=campaign,
                                  note="Cam kết tại Lễ phát động Tháng cao điểm")
        book.count["pledges"] += 1
        if k == 0:
            events.append((end - dt.timedelta(days=10), lambda d=donor, p=p, v=amount // 2: book.give(
                d, end - dt.timedelta(days=10), v, campaign=campaign, pledge=p)))
            events.append((end, lambda d=donor, p=p, v=amount - amount // 2: book.give(d, end, v, campaign=campaign, pledge=p)))
        elif k == 1 and year < YEARS[-1]:
            events.append((end, lambda d=donor, p=p, v=amount // 4 * 2: book.give(d, end, v, campaign=campaign, pledge=p)))
    for _, event in sorted([*events, *extra], key=lambda e: e[0]):
        event()


NAMES = {"house": "Hỗ trợ xây nhà Đại đoàn kết", "livelihood": "Hỗ trợ giống, vốn phát triển sản xuất",
         "scholarship": "Học bổng cho học sinh nghèo vượt khó", "health_insurance": "Thẻ BHYT năm {next}",
         "emergency": "Quà Tết bằng hiện vật (gạo, chăn ấm, nhu yếu phẩm)"}
# level → (purpose, share of the money budget, cap of households, who: poor only or poor and near-poor)
PLAN = {"commune": [("house", 0.45, 6, "poor"), ("livelihood", 0.25, 20, "poor"), ("scholarship", 0.12, 40, "both"),
                    ("health_insurance", 0.12, 60, "both")],
        "province": [("house", 0.75, 20, "poor"), ("scholarship", 0.1, 50, "both")]}
GIFT = {"commune": (500_000, 3_000_000, 60), "province": (500_000, 2_000_000, 80)}   # goods per household; at most so many


def _allocate_and_pay(book: _Book, year: int, poor: list[Household], near: list[Household], housed: set,
                      share: float) -> dict:
    """One allocation decision after the peak month (a share of the money not yet allocated, and the
    goods given as Tết gifts), paid to poor (and near-poor) households of the year in December; a
    household gets one house only. Returns {purpose: [disbursements]}."""
    rng, fund = book.rng, book.fund
    if not poor:
        return {}
    goods = book.balance("goods")
    budget = int((-book.balance("unallocated") - goods) * share)
    prices = {"house": HOUSE_VND[book.level], "livelihood": LIVELIHOOD_VND, "scholarship": SCHOLARSHIP_VND,
              "health_insurance": HEALTH_CARD[year]}
    plan = []                                             # (purpose, household, amount)
    for purpose, part, cap, who in PLAN[book.level]:
        pool = [h for h in (poor if who == "poor" else poor + near) if not (purpose == "house" and h.pk in housed)]
        k = min(int(budget * part // prices[purpose]), cap, len(pool))
        for h in rng.sample(pool, k):
            plan.append((purpose, h, prices[purpose]))
            if purpose == "house":
                housed.add(h.pk)
    low, high, cap = GIFT[book.level]
    k = min(goods // low, cap, len(poor + near))
    each = min(high, max(low, goods // k // 100_000 * 100_000)) if k else 0
    plan += [("emergency", h, each) for h in rng.sample(poor + near, k)]   # the rest of the goods stays in store
    if not plan:
        return {}
    lines: dict[tuple[str, int], int] = {}
    units = {fund.unit.pk: fund.unit}
    for purpose, h, amount in plan:
        unit = h.commune if book.level == "province" and purpose == "house" else fund.unit
        units[unit.pk] = unit
        lines[(purpose, unit.pk)] = lines.get((purpose, unit.pk), 0) + amount
    book.count["allocations"] += 1
    alloc = actions.decide_allocation(
        book.user, fund, decision_no=f"{book.count['allocations']:02d}/QĐ-MTTQ-{'BTT' if book.level == 'province' else 'BTT.X'}",
        decision_date=dt.date(year, 11, 28), title=f"Phân bổ Quỹ Vì người nghèo sau Tháng cao điểm năm {year}",
        lines=[(p, units[u], v) for (p, u), v in sorted(lines.items())])
    return book.pay_all(alloc, [payments.Payment(h, purpose, amount, dt.date(year, 12, 2 + (i * 3) % 27),
                                                 description=NAMES[purpose].format(next=year + 1))
                                for i, (purpose, h, amount) in enumerate(plan)])


@transaction.atomic
def create_demo_fund(log=lambda m: None, donations: int = 300) -> dict:
    """The demo's Fund for the Poor (see the module's docstring); once. ``donations``: about how many
    peak-month donations (the test world uses fewer)."""
    User = get_user_model()
    xa = User.objects.filter(username="xa").first()
    if xa is None:
        return {"created": False, "reason": "no demo commune"}
    commune = xa.assignments.get().unit
    province = commune.parent
    if Campaign.objects.filter(fund__unit=commune, name=MARKER).exists():
        return {"created": False}
    mttq, mttqtinh = create_demo_front_user()
    from chungtay.support.models import Partner
    partners = list(Partner.objects.filter(province=province).order_by("id")[:4])
    rng = random.Random(SEED)

    def fund(user, unit, committee):
        return Fund.objects.filter(unit=unit).first() or actions.open_fund(user, unit, committee=committee,
                                                                           opened_on=dt.date(2021, 1, 4))
    pf = fund(mttqtinh, province, f"Ban Thường trực Ủy ban MTTQ Việt Nam {_lower(province.full_name)}")
    cf = fund(mttq, commune, f"Ban Thường trực Ủy ban MTTQ Việt Nam {_lower(commune.full_name)}")
    if not pf.bank_accounts.exists():
        actions.add_bank_account(mttqtinh, pf, bank=f"Ngân hàng TMCP Công thương Việt Nam (VietinBank) – Chi nhánh {province.name}",
                                 number="118000051005")
    if not cf.bank_accounts.exists():
        actions.add_bank_account(mttq, cf, bank=f"Ngân hàng Nông nghiệp và Phát triển Nông thôn (Agribank) – Chi nhánh {province.name}",
                                 number=f"5100205{commune.code[-5:]:0>5}")
    pbook, cbook = _Book(mttqtinh, pf, rng, "province"), _Book(mttq, cf, rng, "commune")
    _donors(pbook, commune, province, partners)
    _donors(cbook, commune, province, [])
    n_province = max(len(YEARS), round(donations * 0.3))
    n_commune = max(len(YEARS), donations - n_province)
    communes = {u.pk: u for u in Unit.objects.filter(parent=province, level=Unit.COMMUNE)}
    paid: dict[str, list] = {}
    houses, housed = [], set()
    for y, year in enumerate(YEARS):
        grow = 0.85 + 0.075 * y                       # a little more every year
        start, end = actions.peak_month(year)
        name = f"Tháng cao điểm Vì người nghèo {year}"
        pc = actions.create_campaign(mttqtinh, pf, kind=Campaign.PEAK, name=name, start=start, end=end,
                                     target_vnd=_vnd(4_000e6 * grow * max(1, donations / 300), 500_000_000))
        cc = actions.create_campaign(mttq, cf, kind=Campaign.PEAK, name=name, start=start, end=end,
                                     target_vnd=_vnd(200e6 * grow * max(0.2, donations / 300), 10_000_000))
        if year == 2024:                              # typhoon Yagi (bão số 3), September 2024
            appeal = actions.create_campaign(
                mttqtinh, pf, kind=Campaign.DISASTER, name="Ủng hộ đồng bào bị thiệt hại do bão số 3 (Yagi) năm 2024",
                start=dt.date(2024, 9, 10), end=dt.date(2024, 9, 30), target_vnd=0)
            for i in range(max(3, n_province // 15)):
                kind = _pick(rng, MIX["province"])
                pbook.give(rng.choice(pbook.donors[kind]), dt.date(2024, 9, 10 + 20 * i // max(3, n_province // 15)),
                           _amount(rng, "province", kind) // 2, campaign=appeal, channel="bank")
        per_p = max(1, round(n_province / len(YEARS) * grow))
        per_c = max(1, round(n_commune / len(YEARS) * grow))
        _peak_year(pbook, year, per_p, pc, [(pbook.donors["enterprise"][y % 7], 500_000_000),
                                             (pbook.donors["enterprise"][(y + 3) % 7], 300_000_000)])
        extra = []
        if year == 2025:
            # the correction: 5,000,000 keyed as 50,000,000, reversed the next day and recorded anew
            def correction(donor=cbook.donors["enterprise"][0], campaign=cc):
                wrong = cbook.give(donor, dt.date(2025, 10, 27), 50_000_000, campaign=campaign)
                actions.reverse(mttq, wrong.txn, date=dt.date(2025, 10, 28),
                                reason=f"Ghi nhầm số tiền (50.000.000 thay vì 5.000.000), biên lai {wrong.receipt}")
                cbook.give(donor, dt.date(2025, 10, 28), 5_000_000, campaign=campaign)
            extra.append((dt.date(2025, 10, 27), correction))
        _peak_year(cbook, year, per_c, cc, [(cbook.donors["enterprise"][y % 3], 20_000_000),
                                             (cbook.donors["organisation"][y % 3], 10_000_000)], extra)
        if year == 2024:                              # the province sends money for the commune's houses
            amount = _vnd(min(-pbook.balance("unallocated") * 0.1, 300e6), 10_000_000)
            actions.record_transfer(mttqtinh, pf, cf, amount_vnd=amount, date=dt.date(2024, 11, 25),
                                    reference="CV 215/MTTQ-BTT: hỗ trợ xây nhà Đại đoàn kết")
        for book, units, share in ((cbook, [commune.pk], 0.85), (pbook, list(communes), 0.5)):
            poor = _households(units, year)
            near = _households(units, year, ("near_poor",))
            for purpose, ds in _allocate_and_pay(book, year, poor, near, housed, share).items():
                paid.setdefault(purpose, []).extend(ds)
                if book is cbook and purpose == "house" and year >= 2024:
                    houses += ds
    for i, d in enumerate(houses[:2]):               # two Great Unity houses, built and handed over
        h = actions.create_house(mttq, cf, household=d.household, fund_vnd=d.amount_vnd, state_vnd=20_000_000 * i,
                                 community_vnd=8_000_000 + 2_000_000 * i, household_vnd=12_000_000, disbursement=d)
        day = d.date
        for stage, gap in [("started", 3), ("frame", 20), ("roof", 15), ("finished", 20), ("handed_over", 5)]:
            day = min(day + dt.timedelta(days=gap), dt.date(2025, 12, 31))
            h = actions.advance_house(mttq, h, stage=stage, date=day)
    if len(houses) > 2:                              # and one still being built
        d = houses[-1]                               # the latest paid
        h = actions.create_house(mttq, cf, household=d.household, fund_vnd=d.amount_vnd, community_vnd=5_000_000,
                                 household_vnd=10_000_000, disbursement=d)
        actions.advance_house(mttq, h, stage="started", date=d.date + dt.timedelta(days=5))
    nf = _national_books(pf, rng)
    today = dt.date.today()
    for user, f in ((pbook.user, pf), (cbook.user, cf), (create_demo_national_front(), nf)):
        for year in YEARS:                           # each year's peak month, published when it ended
            start, end = actions.peak_month(year)
            if end <= today:
                actions.publish_period(user, f, start=start, end=end)
    out = {"created": True, "funds": 3, "donations": pbook.count["donations"] + cbook.count["donations"],
           "province": _totals(pf, pbook), "commune": _totals(cf, cbook),
           "disbursements": {p: len(ds) for p, ds in paid.items()}, "houses": min(3, len(houses))}
    log(f"Demo fund: {out['donations']} donations, province {out['province']['received']:,} đ received, "
        f"commune {out['commune']['received']:,} đ; {sum(out['disbursements'].values())} payments to households")
    return out


def _totals(fund: Fund, book: _Book) -> dict:
    from django.db.models import Sum
    alive = Donation.objects.filter(fund=fund, txn__reversal__isnull=True)
    s = queries.summary(fund)
    return {**book.count, "received": alive.aggregate(t=Sum("value_vnd"))["t"] or 0, "held": s["held"],
            "unallocated": s["unallocated"], "earmarked": s["earmarked"]}
