"""The radar's rules on constructed histories (pure core, no database)."""
from chungtay.core.radar import ADDRESSES, Latest, blocking, poor_run, radar, worse

P, N, A, AA = "poor", "near_poor", "average", "above_average"


def test_persistent_poor_needs_three_consecutive_years_up_to_the_latest():
    history = {1: {2021: P, 2022: P, 2023: P}, 2: {2021: P, 2022: P}, 3: {2020: P, 2021: P, 2023: P},
               4: {2019: P, 2020: P, 2021: P, 2022: P, 2023: P}, 5: {2021: P, 2022: P, 2023: N}}
    r = radar(history, {}, [], [], year=2024)
    assert r.latest_year == 2023
    assert r.persistent == [(4, 5), (1, 3)]          # 3: a gap in 2022; 5: near-poor in the latest year
    assert poor_run({2023: P}, 2023) == 1 and poor_run({}, 2023) == 0


def test_no_support_in_the_last_two_years():
    latest = {1: Latest(P), 2: Latest(N), 3: Latest(P), 4: Latest(A), 5: Latest(N)}
    supports = [(2, 2024, "cash"), (3, 2022, "house"), (4, 2020, "seed"), (5, 2023, "loan")]
    r = radar({h: {2023: l.category} for h, l in latest.items()}, latest, supports, [], year=2024)
    assert r.unsupported == [(1, P), (3, P)]          # 2: 2024, 5: 2023 are inside 2023–2024; 4 is not poor


def test_fell_back_year_on_year():
    history = {1: {2022: A, 2023: P}, 2: {2022: N, 2023: P}, 3: {2022: P, 2023: N}, 4: {2022: AA, 2023: N},
               5: {2023: P}, 6: {2021: A, 2022: N, 2023: N}, 7: {2022: N, 2023: N}}
    r = radar(history, {}, [], [], year=2024)
    assert r.fell_back == [(1, A, P), (2, N, P), (4, AA, N)]   # 3 improved; 5 has no 2022; 7 stayed
    assert r.fell_back_by_year == {2022: 1, 2023: 3}
    assert worse(A, P) and worse(N, P) and worse(AA, N) and not worse(P, N) and not worse(P, P) and not worse(N, A)


def test_pledges_with_no_support_behind_them():
    pledges = [(10, 1, 2024), (11, 2, 2024), (12, 3, 2024), (13, 4, 2023), (14, 5, 2026)]
    supports = [(2, 2023, "cash"), (3, 2024, "seed"), (4, 2021, "house")]
    r = radar({}, {}, supports, pledges, year=2025)
    assert r.pledges == [(10, 1, 2024), (13, 4, 2023)]   # 2025: the 2026 pledge is not due yet


def test_near_escape_by_deprivations_and_by_income():
    line = 1_500_000
    latest = {
        1: Latest(P, ("health_insurance", "housing_quality", "school_attendance")),       # exactly 3: near escape
        2: Latest(P, ("health_insurance", "housing_quality", "school_attendance", "latrine")),  # 4: not near
        3: Latest(P, ("health_insurance", "housing_quality", "school_attendance")),       # addressed by a card
        4: Latest(N, (), income=1_400_000, line=line),                                     # 100k below: near
        5: Latest(N, (), income=1_000_000, line=line),                                     # far below
        6: Latest(N, ("telecom",), income=1_450_000, line=line),                           # addressed by seed
        7: Latest(P, ("a", "b", "c"), income=1_490_000, line=line),                        # deprivations first
    }
    supports = [(3, 2023, "health_card"), (6, 2024, "seed"), (1, 2020, "health_card")]
    r = radar({h: {2023: l.category} for h, l in latest.items()}, latest, supports, [], year=2024)
    got = {h: (c, b) for h, c, b, _ in r.near_escape}
    assert set(got) == {1, 4, 7}                      # 1's card of 2020 is too old
    assert got[1][1] == ("health_insurance", "housing_quality", "school_attendance")
    assert got[4] == (N, ("income",))
    kinds = dict((h, k) for h, _, _, k in r.near_escape)
    assert "health_card" in kinds[1] and "house" in kinds[1] and "scholarship" in kinds[1]
    assert blocking(Latest(N, (), income=None)) == ()     # score A: no income to compare


def test_the_map_uses_the_standards_indicator_codes():
    from chungtay.core.standards import all_standards
    from chungtay.support.models import KINDS
    codes = {c for s in all_standards() for c in s.indicator_codes}
    assert codes <= set(ADDRESSES), codes - set(ADDRESSES)
    kinds = {k for k, *_ in KINDS}
    assert all(set(v) <= kinds for v in ADDRESSES.values())


def test_empty_unit():
    r = radar({}, {}, [], [], year=2025)
    assert r.latest_year is None and r.counts() == {"persistent": 0, "unsupported": 0, "fell_back": 0,
                                                    "pledges": 0, "near_escape": 0}
