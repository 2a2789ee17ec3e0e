"""Load a synthetic population (chungtay.synth) into the database, and the demo accounts.

Bulk paths use executemany on raw INSERTs: the ORM would take minutes for the ~1.3 million
assessment rows of the demo province. The rows are the same ones the actions would write;
one audit event records the load.
"""
from __future__ import annotations

import base64
import functools
import os
from datetime import datetime, timezone

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count

from chungtay.accounts.models import Assignment, AuditEvent
from chungtay.bulk import (atomic_keys_checked_once, collector_paused, foreign_keys_deferred, indexes_deferred,
                           insert_rows, next_id, release_memory, reset_sequences)
from chungtay.core import fmt
from chungtay.core.standards import get_standard
from chungtay.units.loader import load_units
from chungtay.units.models import Unit, UnitTag

from . import protect
from .models import Assessment, Household, Member, YearSummary

DEMO_PASSWORD = "chungtay2025"


@functools.lru_cache(maxsize=1)
def demo_password_hash() -> str:
    """The demo's one password, hashed once: a hash takes about half a second by design, and the demo
    has ten users."""
    from django.contrib.auth.hashers import make_password
    return make_password(DEMO_PASSWORD)


def create_demo_user(username: str, **fields):
    """A demo persona with the demo password."""
    return get_user_model().objects.create(username=username, password=demo_password_hash(), **fields)


DEMO_USERS = [
    ("admin", DEMO_PASSWORD, "Quản trị, toàn quốc / administrator, national"),
    ("tinh", DEMO_PASSWORD, "Cán bộ tỉnh Quảng Ngãi / province officer"),
    ("xa", DEMO_PASSWORD, "Cán bộ giảm nghèo xã / commune poverty officer"),
    ("xa2", DEMO_PASSWORD, "Cán bộ một xã khác / officer of another commune"),
    ("chutich", DEMO_PASSWORD, "Chủ tịch UBND xã (cùng xã với 'xa') / commune chairman"),
    ("thon", DEMO_PASSWORD, "Trưởng thôn / village head"),
    ("mttq", DEMO_PASSWORD, "Ủy ban MTTQ xã (cùng xã với 'xa'), Quỹ Vì người nghèo / commune Front committee"),
    ("mttqtinh", DEMO_PASSWORD, "Ủy ban MTTQ tỉnh / province Front committee"),
    ("mttqtw", DEMO_PASSWORD, "Ủy ban Trung ương MTTQ, Quỹ Trung ương / the Front's Central Committee, national fund"),
]


def _batches(table, columns=None, size: int = 100_000):
    """A pyarrow table as dicts of Python lists, ``size`` rows at a time (the whole population
    as Python objects at once was most of the demo load's 2 GB)."""
    t = table.select(columns) if columns else table
    for batch in t.to_batches(max_chunksize=size):
        yield batch.to_pydict()


DEMO_TAG_SOURCE = "demo (synthetic)"


def replace_plan() -> dict:
    """What ``load_population(replace=True)`` would delete and keep (for the confirmation)."""
    return {"demo_households": Household.objects.filter(source=Household.DEMO).count(),
            "kept_households": Household.objects.exclude(source=Household.DEMO).count()}


def _remove_demo_population() -> dict:
    """Delete the demo population only (source="demo"): its households, members, results and
    their review-round entries. Imported and registered households stay, with their villages."""
    from chungtay.reviews.models import Complaint, RoundHousehold
    demo = Household.objects.filter(source=Household.DEMO)
    removed = {"complaints": Complaint.objects.filter(household__in=demo).delete()[0],
               "round_entries": RoundHousehold.objects.filter(household__in=demo).delete()[0]}
    # Everything else that points at a demo household (supports, pledges, field submissions, the
    # prepared lists, …): found from the model graph, so a new app cannot be forgotten. Assessments
    # and members are many and go below in raw SQL.
    for rel in Household._meta.get_fields(include_hidden=True):   # hidden: related_name="+" too
        if not (rel.auto_created and not rel.concrete and rel.one_to_many):
            continue
        if rel.related_model in (Assessment, Member, Household, Complaint, RoundHousehold):
            continue
        n = rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": demo}).delete()[0]
        if n:
            removed[rel.related_model._meta.label_lower] = n
    ids = f"SELECT id FROM {Household._meta.db_table} WHERE source = %s"
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {Household._meta.db_table} SET split_from_id = NULL WHERE split_from_id IN ({ids})",
                    [Household.DEMO])
        for key, model in (("assessments", Assessment), ("members", Member)):
            cur.execute(f"DELETE FROM {model._meta.db_table} WHERE household_id IN ({ids})", [Household.DEMO])
            removed[key] = cur.rowcount
        cur.execute(f"DELETE FROM {Household._meta.db_table} WHERE source = %s", [Household.DEMO])
        removed["households"] = cur.rowcount
    YearSummary.objects.all().delete()          # recounted at the end of the load
    UnitTag.objects.filter(source=DEMO_TAG_SOURCE).delete()
    return removed


def load_population(pop, replace: bool = False, log=lambda m: None, actor=None) -> dict:
    """Load the synthetic population. ``replace``: first delete the previous demo population
    (only it: see :func:`_remove_demo_population`); the caller confirms and names the actor,
    recorded in the audit event with the counts. One transaction; on SQLite its foreign keys are
    checked once at its end (chungtay.bulk.atomic_keys_checked_once)."""
    with atomic_keys_checked_once():
        return _load_population(pop, replace, log, actor)


def _load_population(pop, replace: bool, log, actor) -> dict:
    from chungtay.synth import POOR_DISTRICTS
    load_units()
    if connection.vendor == "sqlite":
        # a page cache of 40 MB (SQLite's default is 2 MB) for the index inserts: 400 MB held the peak
        # at 1.13 GB for no gain over 100 MB (0.83 GB); 40 MB: 0.79 GB, ~3 % slower (docs/benchmarks.md)
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size=-40000")
    removed = None
    if Household.objects.exists():
        if not replace:
            return {"skipped": Household.objects.count()}
        removed = _remove_demo_population()
        log(f"  removed the demo population: {removed}")
        taken = set(Household.objects.filter(code__in=list(pop.households.column("household_code").to_pylist()))
                    .values_list("code", flat=True)[:5])
        if taken:
            raise ValueError("the new demo population reuses codes of kept (imported or registered) households: "
                             + ", ".join(sorted(taken)))
    # the stamp as the database's own form, once: not adapted again for each of 1.5 million rows
    now = connection.ops.adapt_datetimefield_value(datetime.now(timezone.utc))
    units = {(u["system"], u["level"], u["code"]): u for u in
             Unit.objects.filter(level__in=[Unit.PROVINCE, Unit.DISTRICT, Unit.COMMUNE])
             .values("id", "system", "level", "code", "parent_id")}

    def uid(system, level, code):
        return units[(system, level, code)]["id"]

    # Villages (a village code names one place: a village kept from an earlier load, still used
    # by kept households, is reused)
    v = pop.villages.to_pydict()
    have = set(Unit.objects.filter(level=Unit.VILLAGE, system=Unit.SYSTEM_2025).values_list("code", flat=True))
    Unit.objects.bulk_create([
        Unit(system=Unit.SYSTEM_2025, level=Unit.VILLAGE, code=code, name=name, full_name=name, kind="thon",
             sort_name=fmt.sort_string(name),
             parent_id=uid("2025", "commune", cc), legacy_parent_id=uid("legacy", "commune", lc), is_urban=urb)
        for code, name, cc, lc, urb in zip(v["village_code"], v["name"], v["commune_code"],
                                           v["legacy_commune_code"], v["is_urban"]) if code not in have],
        batch_size=2000)
    if removed is not None:      # villages of the old demo that nothing uses any more
        from django.db.models import ProtectedError
        from chungtay.accounts.models import Assignment
        unused = (Unit.objects.filter(level=Unit.VILLAGE).exclude(code__in=v["village_code"])
                  .exclude(id__in=Household.objects.values("village_id"))
                  .exclude(id__in=Assessment.objects.values("village_id"))
                  .exclude(id__in=Assignment.objects.filter(unit__isnull=False).values("unit_id")))
        try:
            with transaction.atomic():
                removed["villages"] = unused.delete()[1].get("units.Unit", 0)
        except ProtectedError:
            removed["villages"] = 0
    villages = {r["code"]: r for r in Unit.objects.filter(level=Unit.VILLAGE).values("id", "code", "parent_id",
                                                                                      "legacy_parent_id")}
    tags = [UnitTag(unit_id=uid("legacy", "district", d), tag=UnitTag.POOR_DISTRICT, start_year=2016,
                    end_year=2025, source=DEMO_TAG_SOURCE) for d in POOR_DISTRICTS
            if ("legacy", "district", d) in units]
    tags += [UnitTag(unit_id=villages[c]["id"], tag=UnitTag.ESPECIALLY_DIFFICULT_VILLAGE, start_year=2016,
                     source=DEMO_TAG_SOURCE) for c, ed in zip(v["village_code"], v["especially_difficult"]) if ed]
    UnitTag.objects.bulk_create(tags)
    log(f"  {len(villages):,} villages")

    # Households
    h = pop.households.to_pydict()
    first_id = next_id(Household)
    hid = {code: first_id + i for i, code in enumerate(h["household_code"])}
    heads, names = {}, {}
    for m in _batches(pop.members, ["household_code", "full_name", "relation", "ethnicity"]):
        for code, name, rel, eth in zip(m["household_code"], m["full_name"], m["relation"], m["ethnicity"]):
            names.setdefault(code, []).append(name)
            if rel == "head":
                heads[code] = (name, eth)
    fold_cache: dict[str, str] = {}

    def folded(s):
        r = fold_cache.get(s)
        if r is None:
            r = fold_cache[s] = fmt.fold(s)
        return r

    def hh_rows():
        for i, code in enumerate(h["household_code"]):
            vil = villages[h["village_code"][i]]
            commune = vil["parent_id"]
            head = heads.get(code, ("", "Kinh"))
            end = h["end_year"][i]
            yield (hid[code], code, vil["id"], commune, _province_of(units, commune), h["address"][i],
                   h["is_urban"][i], head[0], head[1] != "Kinh",
                   " ".join([folded(code)] + [folded(n) for n in names.get(code, [])])[:400],
                   h["end_reason"][i] or "active", h["start_year"][i], end,
                   hid.get(h["split_from"][i]) if h["split_from"][i] else None, now, Household.DEMO)
    # one transaction, the tables' indexes built once at the end; executemany on SQLite, COPY on PostgreSQL
    tables = ("households_household", "households_member", "households_assessment")
    with transaction.atomic(), foreign_keys_deferred(*tables), indexes_deferred(*tables):
        n_h = insert_rows("households_household",
                      ["id", "code", "village_id", "commune_id", "province_id", "address", "is_urban", "head_name",
                       "ethnic_minority", "search_text", "status", "start_year", "end_year", "split_from_id",
                       "created_at", "source"], hh_rows())
        log(f"  {n_h:,} households")

        fk = protect.field_key()
        aes, key = AESGCM(fk.aes_key), fk.mac_key
        import hashlib
        import hmac

        def member_rows():
            for m in _batches(pop.members):
                for i, code in enumerate(m["household_code"]):
                    cid = m["citizen_id"][i]
                    enc = dig = ""
                    if cid:
                        nonce = os.urandom(12)
                        enc = fk.prefix + base64.b64encode(nonce + aes.encrypt(nonce, cid.encode(), None)).decode()
                        dig = hmac.new(key, cid.encode(), hashlib.sha256).hexdigest()
                    yield (hid[code], m["member_no"][i], m["full_name"][i], m["sex"][i], m["birth_year"][i],
                           m["ethnicity"][i], m["relation"][i], enc, dig, m["health_insurance"][i],
                           m["schooling"][i] or "", m["disability"][i], m["work"][i] or "")
        n_m = insert_rows("households_member",
                      ["household_id", "member_no", "full_name", "sex", "birth_year", "ethnicity", "relation",
                       "citizen_id_encrypted", "citizen_id_digest", "health_insurance", "schooling", "disability",
                       "work"], member_rows())
        log(f"  {n_m:,} members")

        def place(vil):
            """(village, commune, province, legacy commune, district, legacy province) of a village."""
            lc = vil["legacy_parent_id"]
            district = _parent(units, lc)
            return (vil["id"], vil["parent_id"], _province_of(units, vil["parent_id"]), lc, district,
                    _parent(units, district))
        # each household's place and each (standard, mask)'s twelve flags made once, not for every result
        hh_place = {code: place(villages[vc]) for code, vc in zip(h["household_code"], h["village_code"])}
        flags: dict[tuple[str, int], tuple] = {}

        def deps_of(std, mask):
            d = flags.get((std, mask))
            if d is None:
                n = len(get_standard(std).indicators)
                d = flags[(std, mask)] = tuple(bool(mask >> b & 1) if b < n else False for b in range(12))
            return d

        def assessment_rows():
            for a in _batches(pop.assessments):
                for code, year, std, area, income, mask, n_dep, cat, ethnic, pledged in zip(
                        a["household_code"], a["year"], a["standard"], a["area"], a["income"], a["deprivation_mask"],
                        a["deprivation_count"], a["category"], a["ethnic_minority"], a["pledged_escape"]):
                    yield (hid[code], year, std, area, income, *deps_of(std, mask), n_dep, cat, ethnic, pledged,
                           *hh_place[code])
        n_a = insert_rows("households_assessment",
                      ["household_id", "year", "standard", "area", "income"] + [f"dep_{i}" for i in range(1, 13)] +
                      ["deprivation_count", "category", "ethnic_minority", "pledged_escape", "village_id", "commune_id",
                       "province_id", "legacy_commune_id", "district_id", "legacy_province_id"], assessment_rows(),
                      constants={"kind": "periodic", "version": 1, "is_current": True, "basis": "income",
                                 "score_a": None, "explanation_vi": "", "explanation_en": "", "recorded_at": now,
                                 "reason": ""})
        log(f"  {n_a:,} assessments")
    reset_sequences(Household, Member, Assessment)
    from chungtay.prepared.refresh import TABLES as PREPARED

    from .summary import refresh
    # the recount writes millions of rows: their keys checked and their indexes built once at the end
    with foreign_keys_deferred(YearSummary._meta.db_table, *PREPARED), \
            indexes_deferred(YearSummary._meta.db_table, *PREPARED):
        refresh()
    counts = {"villages": len(villages), "households": n_h, "members": n_m, "assessments": n_a}
    changes = {**counts, "replaced": removed} if removed is not None else counts
    AuditEvent.objects.create(actor=actor if getattr(actor, "pk", None) else None, action="demo.load",
                              object_type="population", object_id="synthetic", changes=changes)
    return changes


_parent_cache: dict[int, int | None] = {}


def _parent(units, unit_id):
    if unit_id is None:
        return None
    if not _parent_cache:
        _parent_cache.update({u["id"]: u["parent_id"] for u in units.values()})
    return _parent_cache.get(unit_id)


def _province_of(units, commune_id):
    return _parent(units, commune_id)


def create_demo_users() -> None:
    """Personas: national admin, province officer, two commune officers, the chairman of the
    first commune, a village head. Adds the personas a demo database made earlier lacks."""
    User = get_user_model()
    if User.objects.filter(username="chutich").exists():
        return
    province = Unit.objects.get(system=Unit.SYSTEM_2025, level=Unit.PROVINCE, code="51")
    communes = list(Household.objects.filter(commune__is_urban=False).values("commune_id").annotate(n=Count("id"))
                    .order_by("-n", "commune_id")[:2])
    c1, c2 = (Unit.objects.get(pk=c["commune_id"]) for c in communes)
    first = Assignment.objects.filter(user__username="xa").select_related("unit").first()
    c1 = first.unit if first else c1       # the chairman joins the existing officer's commune
    # the village head's village: the commune's largest (a village of one or two households would
    # leave the village head's pages nearly empty on a small demo)
    village = (Unit.objects.filter(parent=c1, level=Unit.VILLAGE).annotate(n=Count("households"))
               .order_by("-n", "code").first())
    specs = [("admin", "Quản trị hệ thống", None, "national"),
             ("tinh", "Nguyễn Thị Lan", province, "province_officer"),
             ("xa", "Trần Văn Minh", c1, "commune_officer"),
             ("xa2", "Lê Thị Hoa", c2, "commune_officer"),
             ("chutich", "Phạm Văn Đức", c1, "commune_chairman"),
             ("thon", "A Thút", village, "village_head")]
    for username, name, unit, role in specs:
        if User.objects.filter(username=username).exists():
            continue
        # Vietnamese names are written family name first: keep the full name in one field.
        u = create_demo_user(username, first_name=name, is_superuser=username == "admin", is_staff=username == "admin")
        Assignment.objects.create(user=u, unit=unit, role=role)


def setup_demo(households: int = 129_000, seed: int = 20161231, log=print, movement: bool = True) -> None:
    """The demo province: units, population, personas, historical rounds, the Kon Tum plan and (with
    ``movement``) the movement's records — pledges, supports, partners, pairings (support/demo.py).
    The test world loads it without the movement, so that tests write their own supports."""
    with collector_paused():             # millions of rows as tuples: see chungtay.bulk.collector_paused
        _setup_demo(households, seed, log, movement)


def _setup_demo(households: int, seed: int, log, movement: bool) -> None:
    from chungtay import synth
    load_units()
    if not Household.objects.exists():
        log(f"Generating the demo province ({households:,} households, 2016–2025)…")
        release_memory()                 # migrate's model states
        pop = synth.generate(households=households, years=range(2016, 2026), seed=seed)
        release_memory()                 # the generator's working arrays: the load's peak sits on top
        log("Loading into the database…")
        load_population(pop, log=log)
    create_demo_users()
    from .demo_extras import create_kon_tum_plan, record_historical_rounds
    record_historical_rounds(log)       # the loaded years' reviews are over: their figures are final
    create_kon_tum_plan(log)            # the seeds' real plan (README)
    if movement:
        from chungtay.support.demo import create_demo_supports
        create_demo_supports(log=log)
        from chungtay.fund.demo import create_demo_front_user, create_demo_fund
        create_demo_front_user()         # mttq (commune) and mttqtinh (province) Front committees
        create_demo_fund(log)            # their Funds for the Poor: peak months, donations, payments, houses
        from chungtay.revolving.demo import create_demo_models
        create_demo_models(log)          # goats in Kroong (Ngọk Bay), bio-fertiliser capital in Kon Đào
        from chungtay.groups.demo import create_demo_groups
        create_demo_groups(log)          # the Women's Union's group models
        from chungtay.emulation.demo import create_demo_movement
        create_demo_movement(log)        # Kon Tum's movement 2017–2020: clusters, pact, activities, scores
    from chungtay.support.prepared import prepare_defaults
    from chungtay.units.models import Unit
    provinces = Unit.objects.filter(pk__in=Household.objects.values("province").distinct())
    n = prepare_defaults(provinces)      # the province radar and outcomes pages open fast from the first load
    log(f"Prepared {n} province analyses (radar, outcomes)")
