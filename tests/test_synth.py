"""Tests of the synthetic population generator (chungtay.synth)."""
from __future__ import annotations

import csv
from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from chungtay import synth
from chungtay.core.standards import CATEGORIES, StandardError, get_standard, standard_for_year
from chungtay.core.vector import classify_arrays

YEARS = list(range(2016, 2026))
N = 20_000

EXPECTED_SCHEMAS = {
    "villages": [
        ("village_code", pa.string()), ("name", pa.string()),
        ("legacy_commune_code", pa.string()), ("district_code", pa.string()),
        ("legacy_province_code", pa.string()), ("commune_code", pa.string()),
        ("province_code", pa.string()), ("is_urban", pa.bool_()),
        ("especially_difficult", pa.bool_()),
    ],
    "households": [
        ("household_code", pa.string()), ("village_code", pa.string()), ("address", pa.string()),
        ("is_urban", pa.bool_()), ("start_year", pa.int32()), ("end_year", pa.int32()),
        ("end_reason", pa.string()), ("split_from", pa.string()),
    ],
    "members": [
        ("household_code", pa.string()), ("member_no", pa.int16()), ("full_name", pa.string()),
        ("sex", pa.string()), ("birth_year", pa.int32()), ("ethnicity", pa.string()),
        ("relation", pa.string()), ("citizen_id", pa.string()), ("health_insurance", pa.bool_()),
        ("schooling", pa.string()), ("disability", pa.bool_()), ("work", pa.string()),
    ],
    "assessments": [
        ("household_code", pa.string()), ("year", pa.int32()), ("standard", pa.string()),
        ("area", pa.string()), ("income", pa.int64()), ("deprivation_mask", pa.int32()),
        ("deprivation_count", pa.int16()), ("category", pa.string()),
        ("ethnic_minority", pa.bool_()), ("pledged_escape", pa.bool_()), ("supported", pa.bool_()),
    ],
}


@pytest.fixture(scope="module")
def pop():
    return synth.generate(N, YEARS)


@pytest.fixture(scope="module")
def summ(pop):
    return synth.summary(pop)


def col(table, name):
    return table.column(name).to_numpy(zero_copy_only=False)


def strings(table, name):
    return np.asarray(table.column(name).to_pylist(), dtype=object)


@pytest.fixture(scope="module")
def idx(pop):
    """Household index of every assessment and member row, plus per-household arrays."""
    H = pop.households
    codes = H.column("household_code").combine_chunks()
    a_h = pc.index_in(pop.assessments.column("household_code"), value_set=codes).to_numpy(
        zero_copy_only=False)
    m_h = pc.index_in(pop.members.column("household_code"), value_set=codes).to_numpy(
        zero_copy_only=False)
    return {"a": a_h, "m": m_h}


# --- determinism, API --------------------------------------------------------------------

def test_same_seed_same_tables_different_seed_differs():
    a = synth.generate(3_000, range(2016, 2020), seed=7)
    b = synth.generate(3_000, range(2016, 2020), seed=7)
    c = synth.generate(3_000, range(2016, 2020), seed=8)
    for name in synth.TABLES:
        assert getattr(a, name).equals(getattr(b, name)), name
    assert not a.members.equals(c.members)
    assert not a.assessments.equals(c.assessments)
    assert not a.households.equals(c.households)


def test_schemas_exact(pop):
    for name, fields in EXPECTED_SCHEMAS.items():
        table = getattr(pop, name)
        assert [(f.name, f.type) for f in table.schema] == fields, name
        assert table.schema.equals(synth.SCHEMAS[name])


def test_unknown_profile_and_year():
    with pytest.raises(ValueError):
        synth.generate(100, [2016], profile="atlantis")
    with pytest.raises(StandardError):
        synth.generate(100, [2014])
    with pytest.raises(ValueError):
        synth.generate(100, [])


def test_single_year():
    p = synth.generate(2_000, years=[2024], seed=3)
    assert p.households.num_rows == 2_000 == p.assessments.num_rows
    assert set(col(p.households, "start_year")) == {2024}
    assert p.households.column("end_year").null_count == 2_000
    assert set(p.assessments.column("standard").to_pylist()) == {"2021-2025"}
    rate = np.mean(strings(p.assessments, "category") == "poor") * 100
    assert abs(rate - synth.KON_TUM_TARGETS[2024]) < 2.5


def test_write_parquet_and_csv(tmp_path):
    p = synth.generate(500, [2016, 2017], seed=1)
    files = synth.write(p, tmp_path / "pq", "parquet")
    assert [f.name for f in files] == ["villages.parquet", "households.parquet",
                                       "members.parquet", "assessments.parquet"]
    for f, name in zip(files, synth.TABLES):
        assert pq.read_table(f).equals(getattr(p, name))
    files = synth.write(p, tmp_path / "csv", "csv")
    assert [f.name for f in files] == ["villages.csv", "households.csv", "members.csv",
                                       "assessments.csv"]
    with open(files[2], encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == p.members.num_rows
    assert rows[0]["citizen_id"] == p.members.column("citizen_id")[0].as_py()
    with pytest.raises(ValueError):
        synth.write(p, tmp_path, "xlsx")


# --- units and villages ------------------------------------------------------------------

def test_villages(pop):
    V = pop.villages
    codes = strings(V, "village_code")
    assert len(set(codes)) == len(codes)
    communes = Counter(strings(V, "legacy_commune_code"))
    assert 95 <= len(communes) <= 110
    assert 700 <= V.num_rows <= 900
    assert 6 <= V.num_rows / len(communes) <= 9
    assert set(strings(V, "legacy_province_code")) == {"62"}
    assert set(strings(V, "province_code")) == {"51"}
    assert len(set(strings(V, "district_code"))) == 10
    assert all(len(c) == 5 and c.isdigit() for c in strings(V, "commune_code"))
    for code, commune in zip(codes, strings(V, "legacy_commune_code")):
        assert code.startswith(f"62-{commune}-") and len(code) == 11
    assert set(synth.POOR_DISTRICTS) == {"610", "613", "617", "618"}
    # urban = wards and townships of the legacy unit list
    with open(synth.UNITS_DIR / "communes-legacy.csv", encoding="utf-8") as f:
        kind = {r["code"]: r["kind"] for r in csv.DictReader(f) if r["province_code"] == "62"}
    for c, urban in zip(strings(V, "legacy_commune_code"), col(V, "is_urban")):
        assert urban == (kind[c] in ("phuong", "thi_tran"))
    assert not col(V, "especially_difficult")[col(V, "is_urban")].any()
    names = strings(V, "name")
    assert any(n.startswith("Thôn ") for n in names)
    assert any(n.startswith("Làng ") or n.startswith("Plei ") for n in names)
    assert any(n.startswith("Tổ dân phố ") for n in names)
    # names are unique inside a commune
    pairs = list(zip(strings(V, "legacy_commune_code"), names))
    assert len(set(pairs)) == len(pairs)


# --- households --------------------------------------------------------------------------

def test_households_structure(pop):
    H, V = pop.households, pop.villages
    codes = strings(H, "household_code")
    assert len(set(codes)) == len(codes)
    assert all(c.startswith("HK-62-") and c[6:].isdigit() for c in codes[:1000])
    vi = pc.index_in(H.column("village_code"), value_set=V.column("village_code").combine_chunks())
    assert vi.null_count == 0
    vi = vi.to_numpy()
    assert (col(H, "is_urban") == col(V, "is_urban")[vi]).all()
    vnames = strings(V, "name")
    for addr, v in list(zip(strings(H, "address"), vi))[:2000]:
        assert addr.startswith(vnames[v] + ", ")
        assert addr.split(", ")[1].split(" ")[0] in ("xã", "phường", "thị")
    start, end = col(H, "start_year"), H.column("end_year").to_numpy(zero_copy_only=False)
    ended = ~np.isnan(end)
    assert (start >= 2016).all() and (start <= 2025).all()
    assert (end[ended] >= start[ended]).all() and (end[ended] <= 2024).all()
    reasons = H.column("end_reason").to_pylist()
    assert all((r is None) == (not e) for r, e in zip(reasons, ended))
    assert set(r for r in reasons if r) == {"moved_away", "merged", "died_out"}
    # about 129,000-like scale: exactly N in the first year
    assert (start == 2016).sum() == N


def test_household_turnover(pop):
    H = pop.households
    start = col(H, "start_year")
    end = H.column("end_year").to_numpy(zero_copy_only=False)
    split = H.column("split_from").to_pylist()
    code_index = {c: i for i, c in enumerate(strings(H, "household_code"))}
    vil = strings(H, "village_code")
    for t in range(2017, 2026):
        alive_before = ((start <= t - 1) & ~(end < t - 1)).sum()
        ended = (end == t - 1).sum()
        new = (start == t).sum()
        assert 0.005 < ended / alive_before < 0.02, t
        assert 0.01 < new / alive_before < 0.02, t
    new = np.flatnonzero(start > 2016)
    splits = [i for i in new if split[i] is not None]
    assert 0.75 < len(splits) / len(new) < 0.95          # mostly splits, some in-migrants
    for i in splits[:3000]:
        p = code_index[split[i]]
        assert start[p] < start[i]                          # the parent existed before
        assert np.isnan(end[p]) or end[p] >= start[i] - 1   # and was there that year
        assert vil[p] == vil[i]                             # same village
    assert all(s is None for s, st in zip(split, start) if st == 2016)


def test_assessments_cover_exactly_the_living_years(pop, idx):
    H, A = pop.households, pop.assessments
    start = col(H, "start_year")
    end = H.column("end_year").to_numpy(zero_copy_only=False)
    end = np.where(np.isnan(end), 9999, end)
    h = idx["a"]
    year = col(A, "year")
    assert (year >= start[h]).all()
    assert (year <= end[h]).all()                           # nothing after end_year
    key = h.astype(np.int64) * 10_000 + year
    assert len(np.unique(key)) == len(key)                  # one assessment per household-year
    for t in YEARS:
        alive = ((start <= t) & (end >= t)).sum()
        assert (year == t).sum() == alive


# --- members -----------------------------------------------------------------------------

def test_members_belong_to_households(pop, idx):
    M = pop.members
    assert (idx["m"] >= 0).all()
    assert pc.index_in(M.column("household_code"),
                       value_set=pop.households.column("household_code").combine_chunks()
                       ).null_count == 0
    h = idx["m"]
    no = col(M, "member_no")
    size = np.bincount(h, minlength=pop.households.num_rows)
    assert (size >= 1).all() and (size <= 9).all()          # every household has 1..9 members
    first = np.r_[0, np.cumsum(size)[:-1]]
    assert (np.diff(h) >= 0).all()                          # grouped by household
    assert (no == np.arange(len(h)) - first[h] + 1).all()   # numbered 1..size
    rel = strings(M, "relation")
    assert ((rel == "head") == (no == 1)).all()             # exactly one head, member 1
    assert set(rel) == {"head", "spouse", "child", "parent", "grandchild", "other"}
    assert 3.9 <= size.mean() <= 4.6


def test_member_attributes(pop, idx):
    M, H = pop.members, pop.households
    h = idx["m"]
    no = col(M, "member_no")
    rel = strings(M, "relation")
    sex = strings(M, "sex")
    birth = col(M, "birth_year")
    eth = strings(M, "ethnicity")
    assert set(sex) == {"M", "F"}
    for e in ("Kinh", "Xơ Đăng", "Ba Na", "Gia Rai", "Giẻ Triêng", "Brâu", "Rơ Măm",
              "Mường", "Thái", "Tày", "Nùng"):
        assert e in set(eth), e
    end = H.column("end_year").to_numpy(zero_copy_only=False)
    ref = np.where(np.isnan(end), 2025, end)[h]
    age = ref - birth
    assert (age >= 0).all() and (age <= 100).all()
    head = no == 1
    head_birth = np.zeros(H.num_rows, dtype=np.int64)
    head_birth[h[head]] = birth[head]
    head_sex = np.empty(H.num_rows, dtype=object)
    head_sex[h[head]] = sex[head]
    assert (age[head] >= 18).all()
    sp = rel == "spouse"
    assert (sex[sp] != head_sex[h[sp]]).all()
    assert (age[sp] >= 18).all()
    ch = rel == "child"
    assert (birth[ch] >= head_birth[h[ch]] + 15).all()
    gc = rel == "grandchild"
    assert (birth[gc] >= head_birth[h[gc]] + 30).all()
    pa_ = rel == "parent"
    assert (birth[pa_] <= head_birth[h[pa_]] - 15).all()
    # ethnicity is the household's; EM households are larger
    head_eth = np.empty(H.num_rows, dtype=object)
    head_eth[h[head]] = eth[head]
    size = np.bincount(h, minlength=H.num_rows)
    em = head_eth != "Kinh"
    assert size[em].mean() > size[~em].mean() + 0.4
    assert 0.45 <= em.mean() <= 0.58
    # schooling / work vocabularies and plausibility
    school = strings(M, "schooling")
    work = strings(M, "work")
    assert set(school) <= {"none", "primary", "lower_secondary", "upper_secondary", "higher",
                           "in_school"}
    assert set(work) <= {"farming", "wage", "self_employed", "unemployed", "student",
                         "retired", "none"}
    assert (school[age < 6] == "none").all()
    assert np.mean(school[(age >= 7) & (age <= 14)] == "in_school") > 0.85
    assert ((school == "in_school") == (work == "student")).all()
    adults = (age >= 25) & (age <= 55)
    assert np.mean(work[adults & em[h]] == "farming") > 0.5
    assert 0.01 < col(M, "disability").mean() < 0.1
    assert col(M, "health_insurance").mean() > 0.85


def test_names(pop, idx):
    M = pop.members
    names = strings(M, "full_name")
    eth = strings(M, "ethnicity")
    sex = strings(M, "sex")
    assert all(n and n == n.strip() and "  " not in n for n in names)
    assert np.mean([any(ord(ch) > 127 for ch in n) for n in names]) > 0.7   # diacritics
    kinh = names[eth == "Kinh"]
    assert np.mean([n.split()[0] == "Nguyễn" for n in kinh]) > 0.2
    assert all(2 <= len(n.split()) <= 5 for n in kinh)
    xd = (eth == "Xơ Đăng")
    ay = np.asarray([len(n.split()) == 2 and n.split()[0] in ("A", "Y") for n in names])
    assert ay[xd].mean() > 0.5
    assert all(n.startswith("A ") for n in names[xd & ay & (sex == "M")])
    assert all(n.startswith("Y ") for n in names[xd & ay & (sex == "F")])
    assert not ay[eth == "Kinh"].any()
    gr = names[eth == "Gia Rai"]
    assert np.mean([n.split()[0] in ("Rơ", "Siu", "Ksor", "Rah", "Nay", "Kpă", "Puih", "Đinh")
                    for n in gr]) > 0.9


def test_citizen_ids(pop):
    M = pop.members
    ids = strings(M, "citizen_id")
    sex = strings(M, "sex")
    birth = col(M, "birth_year")
    assert all(len(c) == 12 and c.isdigit() for c in ids)
    assert len(set(ids)) == len(ids)
    prov = np.asarray([c[:3] for c in ids])
    cs = np.asarray([int(c[3]) for c in ids])
    yy = np.asarray([int(c[4:6]) for c in ids])
    expected_cs = np.where(birth >= 2000, 2, 0) + (sex == "F")
    assert (cs == expected_cs).all()
    assert (yy == birth % 100).all()
    assert np.mean(prov == "062") > 0.8
    assert all(1 <= int(p) <= 96 for p in set(prov))


# --- classification ----------------------------------------------------------------------

def test_category_is_classify_arrays_of_stored_inputs(pop):
    A = pop.assessments
    year = col(A, "year")
    for t in YEARS:
        r = np.flatnonzero(year == t)
        std = standard_for_year(t)
        assert set(A.column("standard").take(pa.array(r)).to_pylist()) == {std.code}
        urban = strings(A, "area")[r] == "urban"
        income = col(A, "income")[r].astype(np.float64)
        count = col(A, "deprivation_count")[r]
        mask = col(A, "deprivation_mask")[r]
        n_ind = len(std.indicator_codes)
        assert (mask >= 0).all() and (mask < (1 << n_ind)).all()
        popcount = sum((mask >> j) & 1 for j in range(n_ind))
        assert (popcount == count).all()
        cats = classify_arrays(std, urban, income, None, count)
        assert (np.asarray(CATEGORIES)[cats] == strings(A, "category")[r]).all()


def test_area_and_ethnic_minority_flags(pop, idx):
    A, H, M = pop.assessments, pop.households, pop.members
    h = idx["a"]
    assert ((strings(A, "area") == "urban") == col(H, "is_urban")[h]).all()
    head = col(M, "member_no") == 1
    head_em = np.zeros(H.num_rows, dtype=bool)
    head_em[idx["m"][head]] = strings(M, "ethnicity")[head] != "Kinh"
    assert (col(A, "ethnic_minority") == head_em[h]).all()


# --- calibration -------------------------------------------------------------------------

def test_poverty_rates(summ):
    r = {t: summ[t]["poverty_rate"] for t in YEARS}
    assert 24.0 <= r[2016] <= 27.0
    assert 19.0 <= r[2017] <= 21.5
    for t in range(2018, 2022):
        assert 2.5 <= r[t - 1] - r[t] <= 4.5, t
    assert 15.0 <= r[2022] <= 20.0 and r[2022] > r[2021] + 5
    for t in range(2023, 2026):
        assert 2.0 <= r[t - 1] - r[t] <= 4.0, t
    for t in YEARS:
        assert abs(r[t] - synth.KON_TUM_TARGETS[t]) < 1.0
        assert 7.0 <= summ[t]["near_poverty_rate"] <= 13.0, t


def test_group_rates(summ):
    s16, s17 = summ[2016], summ[2017]
    assert 0.45 <= s16["em_total"] / s16["total"] <= 0.58
    assert 42.0 <= s16["em_poverty_rate"] <= 51.0
    assert 32.0 <= s17["em_poverty_rate"] <= 41.0
    for t in YEARS:
        s = summ[t]
        assert s["kinh_poverty_rate"] < s["em_poverty_rate"] / 5, t
        assert s["urban_poverty_rate"] < 0.4 * s["poverty_rate"], t
        assert s["poor_district_rate"] > s["poverty_rate"], t
    pd_fall = (summ[2016]["poor_district_rate"] - summ[2020]["poor_district_rate"]) / 4
    all_fall = (summ[2016]["poverty_rate"] - summ[2020]["poverty_rate"]) / 4
    assert 5.5 <= pd_fall <= 9.0
    assert pd_fall > all_fall + 1.5


def test_incomes(pop, summ):
    for t in YEARS[1:]:
        assert summ[t]["mean_income"] > summ[t - 1]["mean_income"], t
    assert 450_000 <= summ[2016]["mean_income_poor"] <= 750_000
    assert summ[2021]["mean_income_poor"] > summ[2016]["mean_income_poor"]
    assert 1_500_000 <= summ[2016]["mean_income"] <= 3_000_000
    A = pop.assessments
    inc = col(A, "income")
    assert (inc >= 150_000).all() and (inc % 1000 == 0).all()


def test_deprivations_follow_welfare_and_fall(pop):
    A = pop.assessments
    year, cnt = col(A, "year"), col(A, "deprivation_count")
    cat = strings(A, "category")
    mean = {}
    for t in YEARS:
        r = year == t
        poor = r & (cat == "poor")
        rich = r & np.isin(cat, ["average", "above_average"])
        assert np.mean(cnt[poor] >= 3) >= 0.6, t            # poor mostly have 3+ deprivations
        assert cnt[poor].mean() > cnt[rich].mean() + 1.5, t
        mean[t] = cnt[r].mean()
    # the 2016-2020 standard's first tier: some poor with fewer than 3 deprivations
    first_tier = (year <= 2021) & (cat == "poor") & (cnt < 3)
    assert first_tier.sum() > 0
    assert (col(A, "income")[first_tier] <= 900_000).all()
    assert mean[2016] > mean[2018] > mean[2021]
    assert mean[2022] > mean[2024] > mean[2025]
    # indicator prevalence falls too (latrine is bit 7 in 2016-2020 and bit 9 in 2021-2025)
    mask = col(A, "deprivation_mask")
    lat16 = get_standard("2016-2020").indicator_codes.index("latrine")
    assert np.mean((mask[year == 2016] >> lat16) & 1) > np.mean((mask[year == 2021] >> lat16) & 1)


def test_movements_add_up(pop, summ, idx):
    A = pop.assessments
    h, year = idx["a"], col(A, "year")
    cat = strings(A, "category")
    n = pop.households.num_rows
    prev = None
    for t in YEARS:
        now = np.full(n, "", dtype=object)
        r = year == t
        now[h[r]] = cat[r]
        if prev is not None:
            was = prev == "poor"
            still = (was & (now == "poor")).sum()
            to_near = (was & (now == "near_poor")).sum()
            above = (was & np.isin(now, ["average", "above_average"])).sum()
            left = (was & (now == "")).sum()
            assert was.sum() == still + to_near + above + left
            s = summ[t]
            assert s["still_poor"] == still and s["escaped_to_near_poor"] == to_near
            assert s["escaped_above"] == above and s["poor_left"] == left
            assert s["escaped"] == to_near + above
            assert summ[t - 1]["poor"] == s["still_poor"] + s["escaped"] + s["poor_left"]
            fresh = (now == "poor") & ~was
            assert fresh.sum() == s["newly_poor"] + s["re_poor"]
        prev = now


def test_movements_realistic(summ):
    escaped_since_change = 0
    for t in YEARS[1:]:
        s = summ[t]
        assert s["newly_poor"] > 0 and s["escaped"] > 0, t
        if s["standard_changed"]:
            escaped_since_change = 0
            continue
        assert s["escaped_to_near_poor"] > 0
        assert s["still_poor"] > s["escaped"], t                 # most poor stay poor a year
        assert s["re_poor"] <= 0.10 * max(escaped_since_change, 1) + 5, t
        escaped_since_change += s["escaped"]
    assert sum(summ[t]["re_poor"] for t in range(2018, 2022)) > 0
    # poor that left (ended) are about 1% of the poor
    for t in YEARS[1:]:
        assert summ[t]["poor_left"] <= 0.03 * summ[t - 1]["poor"] + 5


def test_pledges(pop, idx):
    A = pop.assessments
    h, year = idx["a"], col(A, "year")
    cat = strings(A, "category")
    pledged = col(A, "pledged_escape")
    n = pop.households.num_rows
    prev = np.full(n, "", dtype=object)
    rates = []
    for t in YEARS:
        r = np.flatnonzero(year == t)
        if t > 2016:
            assert (prev[h[r[pledged[r]]]] == "poor").all()     # only last year's poor pledge
            poor_before = prev[h[r]] == "poor"
            share = pledged[r].sum() / poor_before.sum()
            assert 0.1 < share < 0.6
            if t not in (2022,):
                esc_p = np.mean(cat[r][pledged[r]] != "poor")
                esc_n = np.mean(cat[r][poor_before & ~pledged[r]] != "poor")
                rates.append(esc_p > esc_n)
        prev = np.full(n, "", dtype=object)
        prev[h[r]] = cat[r]
    assert all(rates)
    # the first year's pledges come from the (estimated) start-of-year list
    first = year == 2016
    assert 0.1 < pledged[first].sum() / (cat[first] == "poor").sum() < 0.6


def test_summary_table(summ):
    text = synth.format_summary(summ)
    for t in YEARS:
        assert str(t) in text
    assert summ[2016]["escaped"] is None
    assert summ[2022]["standard_changed"] is True and summ[2021]["standard_changed"] is False


def test_full_default_population_is_calibrated():
    # its generation time is measured by benchmarks/ (no timed unit tests)
    p = synth.generate()
    s = synth.summary(p)
    assert s[2016]["total"] == 129_000
    assert 128_000 <= s[2017]["total"] <= 132_000
    assert abs(s[2016]["poverty_rate"] - 25.6) < 0.5
    assert abs(s[2017]["poverty_rate"] - 20.3) < 0.5
    assert 43 <= s[2016]["em_poverty_rate"] <= 50
    assert 33 <= s[2017]["em_poverty_rate"] <= 40
    assert 700 <= p.villages.num_rows <= 900
