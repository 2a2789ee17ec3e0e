"""The DuckDB engine (chungtay.core.radar_sql) agrees with the pure cores (core.radar, core.outcomes):
the same households in every radar list and the same outcome figures, on the constructed histories of
tests/test_radar_core.py and tests/test_outcomes_core.py and on a generated population with
synthetic supports, pledges and households that left — written to Parquet in the export layout.

The core is fed the way the Django reader feeds it: ``Latest`` rows from
``chungtay.support.radar._latest_row`` (the standard's indicator order, cutoff and near-poor line)."""
from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from chungtay.core import outcomes as oc
from chungtay.core import radar as rc
from chungtay.core import radar_sql as rs
from chungtay.core.standards import get_standard
from chungtay.support.radar import _latest_row

P, N, A, AA = "poor", "near_poor", "average", "above_average"
STD = "2021-2025"
CODES = get_standard(STD).indicator_codes
KINDS = ["cash", "livestock", "seed", "fertiliser", "tools", "barn", "house", "health_card", "scholarship",
         "training", "job", "loan"]


def arow(h, year, category, deps=(), income=None, basis="income", area="rural", standard=STD,
         commune="00001", province="01"):
    mask = sum(1 << CODES.index(d) for d in deps) if standard == STD else 0
    return dict(household_code=h, year=year, category=category, standard=standard, area=area, basis=basis,
                income=income, mask=mask, commune_code=commune, province_code=province)


def srow(h, year, kind="cash", value=1, status="delivered", part="GNBV2125.DA1", commune="00001", province="01"):
    return dict(household_code=h, year=year, kind=kind, value_vnd=value, status=status, part_code=part,
                commune_code=commune, province_code=province)


def write(tmp, assessments, supports):
    """Both tables in the export layout: DIR/year=/province=/assessments.parquet and DIR/supports/…"""
    for old in list(tmp.glob("year=*")) + list(tmp.glob("supports")):
        shutil.rmtree(old)
    a = pa.Table.from_pylist(assessments) if assessments else None
    if a is not None:
        mask = np.asarray(a.column("mask").to_numpy(zero_copy_only=False), np.int64)
        a = a.drop_columns(["mask"])
        for i in range(12):
            a = a.append_column(f"dep_{i + 1}", pa.array((mask >> i) & 1 == 1))
        for (y, p) in {(r["year"], r["province_code"]) for r in assessments}:
            part = a.filter((pc.field("year") == y) & (pc.field("province_code") == p))
            d = tmp / f"year={y}" / f"province={p}"
            d.mkdir(parents=True, exist_ok=True)
            pq.write_table(part, d / "assessments.parquet")
    text = bool(supports) and isinstance(supports[0]["household_code"], str)
    s = pa.Table.from_pylist(supports, schema=pa.schema(
        [("household_code", pa.string() if text else pa.int64()), ("year", pa.int16()), ("kind", pa.string()), ("value_vnd", pa.int64()),
         ("status", pa.string()), ("part_code", pa.string()), ("commune_code", pa.string()),
         ("province_code", pa.string())]))
    for (y, p) in {(r["year"], r["province_code"]) for r in supports} or {(2000, "01")}:
        part = s.filter((pc.field("year") == y) & (pc.field("province_code") == p))
        d = tmp / "supports" / f"year={y}" / f"province={p}"
        d.mkdir(parents=True, exist_ok=True)
        pq.write_table(part, d / "supports.parquet")


def tables(tmp, con, pledges=None, gone=None, province=None, code="BIGINT"):
    t = rs.export_tables(tmp, province=province)
    if not any(tmp.glob("year=*")):          # no results at all: an empty table of the right shape
        con.execute("CREATE OR REPLACE TABLE _a (household_code BIGINT, year INTEGER, category VARCHAR, standard VARCHAR, "
                    "area VARCHAR, basis VARCHAR, income BIGINT, commune_code VARCHAR, province_code VARCHAR, "
                    + ", ".join(f"dep_{i} BOOLEAN" for i in range(1, 13)) + ")")
        t.assessments = "_a"
    if pledges is not None:
        con.execute(f"CREATE OR REPLACE TABLE _pl (pledge_id BIGINT, household_code {code}, year INTEGER, "
                    "commune_code VARCHAR, province_code VARCHAR)")
        if pledges:
            con.executemany("INSERT INTO _pl VALUES (?, ?, ?, ?, ?)", pledges)
        t.pledges = "_pl"
    if gone is not None:
        con.execute(f"CREATE OR REPLACE TABLE _g (household_code {code})")
        if gone:
            con.executemany("INSERT INTO _g VALUES (?)", [(h,) for h in gone])
        t.gone = "_g"
    return t


def in_unit(r, unit):
    return unit is None or r[f"{unit[0]}_code"] == unit[1]


def core_radar(assessments, supports, pledges, gone, unit, year, latest_year=None):
    """The pure core, fed as the Django reader feeds it (unit filter on every row, gone left out)."""
    rows = [r for r in assessments if in_unit(r, unit)]
    L = latest_year or max((r["year"] for r in rows), default=None)
    history, latest = {}, {}
    for r in rows:
        if r["household_code"] in gone:
            continue
        history.setdefault(r["household_code"], {})[r["year"]] = r["category"]
        if r["year"] == L and r["category"] in rc.POORISH:
            latest[r["household_code"]] = _latest_row((r["household_code"], r["category"], r["standard"], r["area"],
                                                       r["basis"], r["income"], r["mask"]))
    sup = [(s["household_code"], s["year"], s["kind"]) for s in supports
           if s["status"] == "delivered" and in_unit(s, unit)]
    pl = [(p, h, y) for p, h, y, c, pr in pledges
          if h not in gone and in_unit({"commune_code": c, "province_code": pr}, unit)]
    return rc.radar(history, latest, sup, pl, year=year, latest_year=L)


def sql_radar(con, t, unit, year, latest_year=None, by_year=True):
    return rs.radar(con, t, unit=unit, year=year, latest_year=latest_year, by_year=by_year)


def plain(a):
    """Ids as Python values (the engine gives numpy arrays: integers, or objects for text codes)."""
    return [v.item() if hasattr(v, "item") else v for v in a]


def assert_same_radar(core: rc.Radar, sql: rs.RadarResult, by_year=True):
    assert sql.latest_year == core.latest_year
    assert sql.counts() == core.counts()
    assert plain(sql.ids["persistent"]) == sorted(h for h, _ in core.persistent)
    assert plain(sql.ids["unsupported"]) == sorted(h for h, _ in core.unsupported)
    assert plain(sql.ids["fell_back"]) == sorted(h for h, *_ in core.fell_back)
    assert plain(sql.ids["near_escape"]) == sorted(h for h, *_ in core.near_escape)
    assert plain(sql.ids["pledges"]) == sorted(p for p, *_ in core.pledges)
    if by_year:
        assert sql.fell_back_by_year == core.fell_back_by_year


def core_outcomes(assessments, supports, unit, first, last, kind="", programme=""):
    history = {}
    for r in assessments:
        if in_unit(r, unit):
            history.setdefault(r["household_code"], {})[r["year"]] = r["category"]
    sup = [(s["household_code"], s["year"], s["value_vnd"]) for s in supports
           if s["status"] == "delivered" and in_unit(s, unit) and first <= s["year"] <= last
           and (not kind or s["kind"] == kind) and s["part_code"].startswith(programme)]
    return oc.outcomes(history, sup, first, last)


FIGURES = ("supported", "eligible", "decided", "pending", "escaped", "stayed_1_n", "stayed_1", "stayed_2_n",
           "stayed_2", "repoverty_n", "repoverty", "value_vnd", "escaped_ids", "repoverty_ids", "escape_rate",
           "stayed_1_rate", "stayed_2_rate", "repoverty_rate", "cost_per_escape")


def assert_same_outcomes(core: oc.Outcomes, sql: oc.Outcomes):
    def figures(o):
        return {f: plain(getattr(o, f)) if f.endswith("_ids") else getattr(o, f) for f in FIGURES}
    assert figures(sql) == figures(core)


# --------------------------------------------------------------------------- constructed histories

def run_case(tmp_path, assessments, supports, pledges=(), gone=(), year=2024, unit=None, latest_year=None):
    write(tmp_path, assessments, supports)
    con = duckdb.connect()
    t = tables(tmp_path, con, pledges=list(pledges), gone=list(gone))
    core = core_radar(assessments, supports, list(pledges), set(gone), unit, year, latest_year)
    sql = sql_radar(con, t, unit, year, latest_year)
    assert_same_radar(core, sql)
    return sql


def test_persistent_poor(tmp_path):
    hist = {1: {2021: P, 2022: P, 2023: P}, 2: {2021: P, 2022: P}, 3: {2020: P, 2021: P, 2023: P},
            4: {2019: P, 2020: P, 2021: P, 2022: P, 2023: P}, 5: {2021: P, 2022: P, 2023: N}}
    rows = [arow(h, y, c) for h, ys in hist.items() for y, c in ys.items()]
    r = run_case(tmp_path, rows, [])
    assert plain(r.ids["persistent"]) == [1, 4] and r.latest_year == 2023


def test_no_support_in_the_last_two_years(tmp_path):
    cats = {1: P, 2: N, 3: P, 4: A, 5: N}
    sup = [srow(2, 2024), srow(3, 2022, "house"), srow(4, 2020, "seed"), srow(5, 2023, "loan"),
           srow(1, 2024, status="planned"), srow(1, 2024, status="cancelled")]
    r = run_case(tmp_path, [arow(h, 2023, c) for h, c in cats.items()], sup)
    assert plain(r.ids["unsupported"]) == [1, 3]


def test_fell_back(tmp_path):
    hist = {1: {2022: A, 2023: P}, 2: {2022: N, 2023: P}, 3: {2022: P, 2023: N}, 4: {2022: AA, 2023: N},
            5: {2023: P}, 6: {2021: A, 2022: N, 2023: N}, 7: {2022: N, 2023: N}}
    r = run_case(tmp_path, [arow(h, y, c) for h, ys in hist.items() for y, c in ys.items()], [])
    assert plain(r.ids["fell_back"]) == [1, 2, 4] and r.fell_back_by_year == {2022: 1, 2023: 3}


def test_pledges_with_no_support_behind_them(tmp_path):
    pledges = [(10, 1, 2024, "00001", "01"), (11, 2, 2024, "00001", "01"), (12, 3, 2024, "00001", "01"),
               (13, 4, 2023, "00001", "01"), (14, 5, 2026, "00001", "01"), (15, 6, 2024, "00002", "01")]
    sup = [srow(2, 2023), srow(3, 2024, "seed"), srow(4, 2021, "house")]
    r = run_case(tmp_path, [arow(9, 2024, A)], sup, pledges, year=2025)
    assert plain(r.ids["pledges"]) == [10, 13, 15]
    r = run_case(tmp_path, [arow(9, 2024, A)], sup, pledges, year=2025, unit=("commune", "00001"))
    assert plain(r.ids["pledges"]) == [10, 13]
    r = run_case(tmp_path, [arow(9, 2024, A)], sup, pledges, gone=[1], year=2025)
    assert plain(r.ids["pledges"]) == [13, 15]


def test_near_escape_by_deprivations_and_by_income(tmp_path):
    three = ("health_insurance", "housing_quality", "school_attendance")
    rows = [arow(1, 2023, P, three, income=1_000_000),                              # exactly 3: near escape
            arow(2, 2023, P, three + ("latrine",), income=1_000_000),               # 4: not near
            arow(3, 2023, P, three, income=1_000_000),                              # addressed by a card
            arow(4, 2023, N, (), income=1_400_000),                                 # 100k below the rural line
            arow(5, 2023, N, (), income=1_000_000),                                 # far below
            arow(6, 2023, N, ("telecom",), income=1_450_000),                       # addressed by seed
            arow(7, 2023, P, ("employment", "telecom"), income=1_490_000),          # 2 < 3: by income
            arow(8, 2023, N, (), income=1_850_000, area="urban"),                   # 150k below the urban line
            arow(9, 2023, N, (), income=1_790_000, area="urban"),                   # 210k below: far
            arow(10, 2023, N, (), income=1_400_000, basis="score_a"),               # score A: no income rule
            arow(11, 2023, N, (), income=1_400_000, standard="no-such-standard"),   # unknown standard
            arow(12, 2023, N, (), income=1_650_000),                                # above the line
            arow(13, 2023, N, (), income=1_350_000),                                # exactly 10 % below
            arow(14, 2023, P, ("employment", "dependants", "nutrition"), income=1_000_000)]  # job addresses two
    sup = [srow(3, 2023, "health_card"), srow(6, 2024, "seed"), srow(1, 2020, "health_card"), srow(14, 2022, "job"),
           srow(7, 2023, "health_card")]
    r = run_case(tmp_path, rows, sup)
    assert plain(r.ids["near_escape"]) == [1, 4, 7, 8, 12, 13]


def test_units_and_households_that_left(tmp_path):
    rows = [arow(h, y, P, commune=c) for h, c in ((1, "00001"), (2, "00002"), (3, "00001"))
            for y in (2021, 2022, 2023)] + [arow(4, 2023, P, commune="00002"), arow(4, 2022, A, commune="00001")]
    r = run_case(tmp_path, rows, [srow(1, 2024, commune="00002")], gone=[3], unit=("commune", "00001"))
    assert plain(r.ids["persistent"]) == [1] and plain(r.ids["unsupported"]) == [1]      # 1's support was given in 00002
    r = run_case(tmp_path, rows, [], unit=("commune", "00002"))
    assert plain(r.ids["fell_back"]) == []                                        # 4's 2022 result is in another commune
    run_case(tmp_path, rows, [], unit=("province", "01"), latest_year=2022, year=2026)


def test_empty_unit(tmp_path):
    r = run_case(tmp_path, [], [], pledges=[])
    assert r.latest_year is None and r.counts() == dict.fromkeys(rs.RULES, 0)


def test_outcomes_on_constructed_histories(tmp_path):
    hist = {1: {2022: P, 2023: N, 2024: N, 2025: N}, 2: {2022: P, 2023: P, 2024: A, 2025: P},
            3: {2022: P, 2023: P, 2024: P}, 4: {2022: P, 2023: P}, 5: {2022: A, 2023: A}, 6: {2023: N, 2024: A},
            7: {2022: N, 2023: N, 2025: A}, 8: {2023: N, 2024: A, 2026: N}, 9: {2022: N, 2024: A, 2025: N}}
    rows = [arow(h, y, c) for h, ys in hist.items() for y, c in ys.items()]
    sup = [srow(1, 2023, value=10_000_000), srow(1, 2023, value=5_000_000), srow(2, 2023, value=20_000_000),
           srow(3, 2023, value=7_000_000), srow(4, 2023, value=1), srow(5, 2023, value=3_000_000),
           srow(6, 2024, value=4_000_001), srow(1, 2021, value=99_000_000), srow(7, 2024, "seed", value=5),
           srow(8, 2024, value=7, status="planned"), srow(9, 2023, "seed", 3, part="X.1")]
    write(tmp_path, rows, sup)
    con = duckdb.connect()
    t = tables(tmp_path, con)
    for kw in ({}, {"kind": "seed"}, {"programme": "GNBV"}, {"programme": "X"}):
        for first, last in ((2023, 2024), (2022, 2025), (2024, 2024), (2030, 2031)):
            core = core_outcomes(rows, sup, None, first, last, **kw)
            sql = rs.outcomes(con, t, first, last, **kw)
            assert_same_outcomes(core, sql)
    o = rs.outcomes(con, t, 2023, 2024)
    assert plain(o.escaped_ids) == [1, 2, 6, 7, 9] and plain(o.repoverty_ids) == [2, 9] and o.value_vnd == 49_000_010


# --------------------------------------------------------------------------- a generated population

@pytest.fixture(scope="module")
def population(tmp_path_factory):
    from chungtay import synth
    pop = synth.generate(households=20000)
    tmp = tmp_path_factory.mktemp("export")
    vil = {r["village_code"]: r for r in pop.villages.to_pylist()}
    hh = pop.households.to_pylist()
    ids = {r["household_code"]: r["household_code"] for r in hh}      # text codes, as in the export
    unit = {ids[r["household_code"]]: (vil[r["village_code"]]["commune_code"], vil[r["village_code"]]["province_code"])
            for r in hh}
    rng = np.random.default_rng(7)
    a = pop.assessments.to_pylist()
    assessments = []
    for r in a:
        h = ids[r["household_code"]]
        basis = "score_a" if rng.random() < 0.02 else "income"
        assessments.append(dict(household_code=h, year=r["year"], category=r["category"], standard=r["standard"],
                                area=r["area"], basis=basis, income=r["income"] if basis == "income" else None,
                                mask=r["deprivation_mask"], commune_code=unit[h][0], province_code=unit[h][1]))
    # supports: about one in three poor or near-poor results gets one or two the next year, a few others too
    supports = []
    for r in assessments:
        u = rng.random()
        if (r["category"] in rc.POORISH and u < 0.35) or u < 0.02:
            for _ in range(1 + (rng.random() < 0.4)):
                h = r["household_code"]
                c, p = unit[h]
                if rng.random() < 0.05:                    # given by another commune
                    c = "99999"
                supports.append(srow(h, r["year"] + int(rng.integers(0, 2)), KINDS[rng.integers(len(KINDS))],
                                     int(rng.integers(1, 50)) * 500_000,
                                     ("delivered", "delivered", "delivered", "planned", "cancelled")[rng.integers(5)],
                                     ("GNBV2125.DA1", "GNBV2125.DA3", "NTM2125.ND2")[rng.integers(3)], c, p))
    pledges = [(i, r["household_code"], r["year"] + 1, unit[r["household_code"]][0], unit[r["household_code"]][1])
               for i, r in enumerate(assessments) if r["category"] in rc.POORISH and rng.random() < 0.1]
    gone = {ids[r["household_code"]] for r in hh if r["end_year"] is not None and rng.random() < 0.7}
    write(tmp, assessments, supports)
    communes = sorted({c for c, _ in unit.values()})
    return tmp, assessments, supports, pledges, gone, communes


def test_radar_on_a_generated_population(population):
    tmp, assessments, supports, pledges, gone, communes = population
    con = duckdb.connect()
    t = tables(tmp, con, pledges=pledges, gone=gone, code="VARCHAR")
    big = max(communes, key=lambda c: sum(r["commune_code"] == c for r in assessments if r["year"] == 2025))
    nonzero = set()
    for unit in (None, ("province", "51"), ("commune", big), ("commune", communes[0])):
        for year, latest in ((2025, None), (2026, None), (2024, 2023), (2022, 2021)):
            core = core_radar(assessments, supports, pledges, gone, unit, year, latest)
            sql = sql_radar(con, t, unit, year, latest, by_year=unit is None)
            assert_same_radar(core, sql, by_year=unit is None)
            nonzero |= {k for k, v in sql.counts().items() if v}
    assert nonzero == set(rs.RULES)                  # every rule is exercised, not 0 == 0
    # the province's partitions alone give the same answer
    t1 = tables(tmp, con, pledges=pledges, gone=gone, province="51", code="VARCHAR")
    one, every = sql_radar(con, t1, ("province", "51"), 2025), sql_radar(con, t, ("province", "51"), 2025)
    assert {k: plain(v) for k, v in one.ids.items()} == {k: plain(v) for k, v in every.ids.items()}


def test_outcomes_on_a_generated_population(population):
    tmp, assessments, supports, *_ = population
    con = duckdb.connect()
    t = tables(tmp, con)
    seen = 0
    for unit in (None, ("commune", sorted({r["commune_code"] for r in assessments})[3])):
        for first, last, kw in ((2017, 2020, {}), (2022, 2025, {}), (2023, 2024, {"kind": "cash"}),
                                (2016, 2025, {"programme": "NTM"})):
            core = core_outcomes(assessments, supports, unit, first, last, **kw)
            assert_same_outcomes(core, rs.outcomes(con, t, first, last, unit=unit, **kw))
            seen += core.escaped > 0 and core.repoverty > 0 and core.stayed_2_n > 0 and core.pending >= 0
    assert seen >= 4
