"""The pure arithmetic of the computed criteria (chungtay.core.emulation_sources)."""
import pytest

from chungtay.core import emulation_sources as s


def test_rate_fall_and_the_share_of_the_plan_kon_tum():
    # Kon Tum: 26.11% at the start of 2016 → 20.30% at the end of 2017, plan 3–4 points counted as 3.5
    fall = s.rate_fall(2015, (2611, 10000), 2017, (2030, 10000))
    assert fall.value == pytest.approx(2.905)
    assert fall.vi.startswith("(26,11 − 20,3) ÷ (2017 − 2015) = 2,905; 2015: 2611/10000 hộ nghèo")
    share = s.plan_share(fall, 3.5, "2736/KH-UBND 3.5")
    assert share.value == pytest.approx(2.905 / 3.5)
    assert "2736/KH-UBND" in share.vi


def test_missing_data_is_none_with_a_reason():
    assert s.rate_fall(2017, (1, 10), 2017, (1, 10)).value is None
    assert s.rate_fall(2016, (0, 0), 2017, (1, 10)).value is None
    assert s.plan_share(s.rate_fall(2016, (2, 10), 2017, (1, 10)), None).value is None


def test_escaped_and_still_out_a_year_later():
    h = {1: {2023: "poor", 2024: "average", 2025: "average"},     # escaped 2024, still out
         2: {2023: "poor", 2024: "near_poor", 2025: "poor"},      # escaped 2024, back in 2025
         3: {2023: "poor", 2024: "poor", 2025: "near_poor"},      # escaped 2025
         4: {2024: "poor"},                                       # no 2025 result
         5: {2023: "near_poor", 2024: "average", 2025: "average"}}  # never poor
    e = s.escaped(h, 2025)
    assert e.value == 1 and "trong 2 hộ nghèo, 1 hộ chưa có kết quả 2025" in e.vi
    st = s.escaped_stayed(h, 2025)
    assert st.value == 1 and st.en == "1 of the 2 households that escaped in 2024 still not poor in 2025"


def test_villages_supports_pass_ons_donations_pledges():
    assert s.villages_without_poor({1: 0, 2: 3, 3: 0}, 2025).value == 2
    assert s.supports([1_000_000, 2_500_000], 2025).value == 2
    assert s.supports([1_000_000, 2_500_000], 2025, by_value=True).value == 3.5
    assert s.on_time_share(["on_time", "on_time", "late", "overdue", "open", "lost"], 2025).value == 0.5
    assert s.on_time_share(["open"], 2025).value == 1.0
    assert s.donations([30_000_000], 2025).value == 30.0
    assert s.pledge_kept("escape_poverty", "near_poor", 2025).value == 1.0
    assert s.pledge_kept("escape_near_poverty", "near_poor", 2025).value == 0.0
    assert s.pledge_kept(None, "average", 2025).value == 0.0
    assert s.pledge_kept("escape_poverty", None, 2025).value is None
