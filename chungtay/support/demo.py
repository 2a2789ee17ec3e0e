"""Demo supports, partners, pairings and pledges for the demo province (``chungtay demo``).

Built from the synthetic population, not invented beside it: a household that the generator marks
as having pledged to escape poverty in year Y (``Assessment.pledged_escape``, see
``chungtay.synth``) gets a Pledge for Y; the pledges the generator followed with support
(``synth.supported_draw`` on the household code and year — the generator's own choice, to which it
added its known effect ``SUPPORT_BOOST``) get a support in Y from the National Target Programme
2021–2025 (2021–2025) or the provincial budget (2016–2020), given by the commune as one
distribution decision per commune, year and kind — as a commune gives 46 cows to 46 households.
About one pledge in six gets nothing: the radar's "pledges with no support behind them".
Kinds and values follow the Kon Tum 2017–2018 report (movement.md): cows, goats, pigs, ducks,
seed rice and maize, coffee and avocado seedlings, fertiliser, tools, barns, houses, loans.

Everything is written in bulk, as rows with their ids (a few seconds for the demo province), once:
a second call changes nothing. The rows are ordinary ledger rows (version 1, current,
``source="distribution"``) with their funding shares summing exactly to the value, recorded by no
user (the demo's loader).
"""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from chungtay.bulk import insert_dicts, next_id, reset_sequences
from chungtay.households.models import Assessment, Household
from chungtay.units.models import Unit

from .models import Distribution, FundingSource, Pairing, Partner, Pledge, ProgrammePart, Support, SupportEntry, \
    SupportFunding

SEED = 20161231

# (kind, description, quantity, unit, value VND, part 2021–2025, funding [(source, %)], weight)
PACKAGES = [
    ("livestock", "Bò cái giống", 1, "con", 20_000_000, "GNBV2125.DA3.TDA1", [("NSTW", 70), ("HO", 30)], 22),
    ("livestock", "Dê giống", 3, "con", 9_000_000, "GNBV2125.DA2", [("NSTW", 80), ("HO", 20)], 12),
    ("livestock", "Lợn giống", 2, "con", 5_000_000, "GNBV2125.DA3.TDA1", [("NSTW", 80), ("HO", 20)], 10),
    ("livestock", "Vịt giống", 100, "con", 3_000_000, "GNBV2125.DA3.TDA1", [("NSTW", 100)], 6),
    ("seed", "Lúa, ngô giống", 50, "kg", 1_500_000, "GNBV2125.DA3.TDA1", [("NSTW", 100)], 12),
    ("seed", "Cây cà phê, bơ giống", 400, "cây", 6_000_000, "GNBV2125.DA3.TDA1", [("NSTW", 70), ("HO", 30)], 10),
    ("fertiliser", "Phân bón", 500, "kg", 4_000_000, "GNBV2125.DA3.TDA1", [("NSTW", 100)], 8),
    ("tools", "Máy cày mini, công cụ sản xuất", 1, "bộ", 7_000_000, "GNBV2125.DA3.TDA1", [("NSTW", 50), ("HO", 50)], 4),
    ("barn", "Làm chuồng trại", 1, "chuồng", 5_000_000, "GNBV2125.DA3.TDA1", [("NSTW", 60), ("HO", 40)], 5),
    ("house", "Xây nhà Đại đoàn kết", 1, "căn", 50_000_000, "GNBV2125.DA5", [("NSTW", 80), ("QVNN", 20)], 4),
    ("loan", "Vay vốn hộ nghèo", 1, "món", 50_000_000, "NHCSXH", [("NHCSXH", 100)], 7),
]

PARTNERS = [("womens_union", "Hội Liên hiệp Phụ nữ tỉnh Kon Tum"), ("farmers_association", "Hội Nông dân tỉnh Kon Tum"),
            ("armed_forces", "Đồn Biên phòng Sa Loong"), ("enterprise", "Công ty Cổ phần Cà phê Đắk Hà"),
            ("youth_union", "Tỉnh đoàn Kon Tum"), ("veterans_association", "Hội Cựu chiến binh tỉnh Kon Tum")]
COMMITMENTS = ["Hướng dẫn kỹ thuật chăn nuôi, trồng trọt; thăm hộ mỗi quý",
               "Hỗ trợ giống và hướng dẫn tiết kiệm; vận động con em đi học",
               "Giúp ngày công làm chuồng trại, sửa nhà; giới thiệu việc làm"]


def _split(value: int, shares: list[tuple[str, int]]) -> list[int]:
    """Amounts of the shares, summing exactly to ``value`` (the last takes the remainder)."""
    out = [value * s // 100 for _, s in shares]
    out[-1] += value - sum(out)
    return out


@transaction.atomic
def create_demo_supports(province_code: str = "51", log=lambda m: None) -> dict:
    """Pledges, supports (with distributions and funding), partners and pairings of the demo; once."""
    if Support.objects.filter(source="distribution", recorded_by__isnull=True).exists():
        return {"created": False}
    province = Unit.objects.get(system=Unit.SYSTEM_2025, level=Unit.PROVINCE, code=province_code)
    rng = random.Random(SEED)
    parts = {p.code: p for p in ProgrammePart.objects.filter(code__in={k[5] for k in PACKAGES} | {"NSDP"})}
    programme_of = {code: (p.programme if p.programme_id else p) for code, p in parts.items()}
    sources = {s.code: s for s in FundingSource.objects.all()}
    rows = list(Assessment.objects.filter(province=province, kind=Assessment.PERIODIC, is_current=True,
                                          pledged_escape=True, household__status="active")
                .values_list("household_id", "year", "village_id", "commune_id", "category").order_by("year", "household_id"))
    codes = dict(Household.objects.filter(id__in={r[0] for r in rows}).values_list("id", "code"))
    weights = [k[7] for k in PACKAGES]
    pledges, planned = [], []
    for hh, year, village, commune, category in rows:
        goal = Pledge.ESCAPE_POVERTY if category in ("poor", None) else Pledge.ESCAPE_NEAR
        pk = rng.choices(range(len(PACKAGES)), weights)[0]
        kind = PACKAGES[pk][0]
        pledges.append(dict(household_id=hh, year=year, goal=goal, plan=_plan(kind), support_asked=PACKAGES[pk][1],
                            kinds_asked=[kind], registered_on=dt.date(year, 1, 15 + rng.randrange(10)),
                            village_id=village, commune_id=commune, province_id=province.pk))
        if _generator_supported(codes.get(hh), year):
            planned.append((hh, year, village, commune, pk))
    insert_dicts(Pledge, pledges)
    groups = defaultdict(list)                       # one decision per commune, year and package
    for hh, year, village, commune, pk in planned:
        groups[(commune, year, pk)].append((hh, village))
    decisions, entries, versions, lines = [], [], [], []
    d_id, e_id, s_id = next_id(Distribution), next_id(SupportEntry), next_id(Support)
    for n, ((commune, year, pk), members) in enumerate(sorted(groups.items())):
        kind, desc, qty, uom, value, part_code, shares, _ = PACKAGES[pk]
        if year < 2021:                              # before the programme: the provincial budget
            part_code, shares = ("NHCSXH", [("NHCSXH", 100)]) if kind == "loan" else ("NSDP", [("NSDP", 100)])
        part = parts[part_code]
        day = dt.date(year, 3 + rng.randrange(4), 1 + rng.randrange(28))
        decision_no = f"{100 + n}/QĐ-UBND"
        decisions.append(dict(id=d_id, decision_no=decision_no, decision_date=day, unit_id=commune,
                              province_id=province.pk, commune_id=commune, households=len(members),
                              title=f"Hỗ trợ {desc.lower()} cho hộ đăng ký thoát nghèo năm {year}"))
        for hh, village in members:
            entries.append(dict(id=e_id, household_id=hh, distribution_id=d_id))
            versions.append(dict(id=s_id, entry_id=e_id, household_id=hh, part_id=part.pk,
                                 programme_id=programme_of[part_code].pk, kind=kind, description=desc,
                                 quantity=Decimal(qty), unit_of_measure=uom, value_vnd=value, date=day, year=year,
                                 provider_unit_id=commune, document_no=decision_no, status="delivered",
                                 village_id=village, commune_id=commune, province_id=province.pk,
                                 source="distribution"))
            for (code, share), amount in zip(shares, _split(value, shares)):
                lines.append(dict(support_id=s_id, source_id=sources[code].pk, share=share, amount_vnd=amount))
            e_id, s_id = e_id + 1, s_id + 1
        d_id += 1
    # rows as they are, with their ids (no model objects: the ORM took ~10 s over these 200,000 rows)
    for model, rows in ((Distribution, decisions), (SupportEntry, entries), (Support, versions),
                        (SupportFunding, lines)):
        insert_dicts(model, rows)
    reset_sequences(Distribution, SupportEntry, Support)
    pairings = _pairings(province, rng)
    log(f"Demo supports: {len(pledges):,} pledges, {len(versions):,} supports in {len(groups):,} distributions, "
        f"{pairings} pairings")
    return {"created": True, "pledges": len(pledges), "supports": len(versions), "distributions": len(groups),
            "pairings": pairings}


def _generator_supported(code: str | None, year: int) -> bool:
    """Did the generator follow this pledge with support (HK-62-0000123 → household number 123)?"""
    from chungtay.synth import supported_draw
    try:
        number = int((code or "").rsplit("-", 1)[-1])
    except ValueError:
        return False
    return bool(supported_draw([number], year)[0])


def _plan(kind: str) -> str:
    return {"livestock": "Nhận giống, làm chuồng, chăn nuôi sinh sản để bán con giống",
            "seed": "Trồng giống mới trên diện tích của hộ, học kỹ thuật của khuyến nông",
            "loan": "Vay vốn chính sách để mở rộng sản xuất, trả đúng hạn",
            "house": "Có nhà ở ổn định, tập trung sản xuất"}.get(kind, "Tập trung sản xuất, tiết kiệm chi tiêu")


def _pairings(province: Unit, rng: random.Random) -> int:
    partners = [Partner.objects.get_or_create(unit=province, name=name, defaults={"kind": kind, "province": province})[0]
                for kind, name in PARTNERS]
    latest = Assessment.objects.filter(province=province, kind=Assessment.PERIODIC).order_by("-year").values_list(
        "year", flat=True).first()
    if latest is None:
        return 0
    poor = list(Household.objects.filter(province=province, status="active", assessments__year=latest,
                                         assessments__is_current=True, assessments__kind=Assessment.PERIODIC,
                                         assessments__category="poor")
                .order_by("commune_id", "id").values_list("id", "village_id", "commune_id")[:4000])
    chosen = rng.sample(poor, min(len(poor), 600))
    out = [Pairing(partner=rng.choice(partners), household_id=hh, village_id=v, commune_id=c, province=province,
                   start_date=dt.date(latest, 2, 1), end_date=dt.date(latest + 1, 12, 31),
                   commitments=rng.choice(COMMITMENTS), document_no=f"{rng.randrange(10, 99)}/KH-PH")
           for hh, v, c in sorted(chosen)]
    Pairing.objects.bulk_create(out, batch_size=2000)
    return len(out)
