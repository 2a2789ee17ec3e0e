"""Target arithmetic (statistics.md) with the seeds' Kon Tum figures."""
import pytest

from chungtay.core.progress import (AT_RISK, OFF_TRACK, ON_TRACK, check_published_change, level_by,
                                    multiple_of_baseline, points_per_year)


def test_kon_tum_2016_2017_from_the_stated_baseline():
    # 26.11% at the start of 2016 (= the 2015 review) → 20.30% at the end of 2017; plan 3–4 counted as 3.5
    p = points_per_year(2015, 26.11, 2017, 20.30, 3.5, 2020)
    assert p.average_change == pytest.approx(2.905)
    assert p.achievement_pct == pytest.approx(83.0)
    assert p.status == AT_RISK
    assert p.projected_end == pytest.approx(20.30 - 3 * 2.905)
    assert p.required_pace == pytest.approx((20.30 - (26.11 - 3.5 * 5)) / 3)


def test_the_published_3_56_does_not_follow_and_we_say_so():
    c = check_published_change(3.56, 26.11, 20.30, 2)
    assert not c.follows
    assert c.computed == pytest.approx(2.905)
    assert c.implied_baseline == pytest.approx(27.42)
    assert "KHÔNG suy ra được" in c.message_vi and "27,42%" in c.message_vi and "3,56 điểm/năm" in c.message_vi
    assert "27.42%" in c.message_en


def test_3_56_and_101_71_follow_when_the_baseline_gives_them():
    p = points_per_year(2015, 27.42, 2017, 20.30, 3.5, 2020)
    assert round(p.average_change, 2) == 3.56
    assert round(3.56 / 3.5 * 100, 2) == 101.71                 # the seeds' achievement arithmetic
    assert p.status == ON_TRACK
    assert check_published_change(3.56, 27.42, 20.30, 2).follows


def test_status_rule_boundaries():
    assert points_per_year(2015, 20, 2016, 16.5, 3.5, 2020).status == ON_TRACK     # 100%
    assert points_per_year(2015, 20, 2016, 17.2, 3.5, 2020).status == AT_RISK      # 80%
    assert points_per_year(2015, 20, 2016, 17.3, 3.5, 2020).status == OFF_TRACK    # 77%


def test_level_and_multiple_targets():
    p = level_by(2020, 12.0, 2022, 9.0, 6.0, 2025)
    assert p.average_change == pytest.approx(1.5) and p.projected_end == pytest.approx(4.5)
    assert p.status == ON_TRACK and p.required_pace == pytest.approx(1.0)
    m = multiple_of_baseline(2015, 500_000, 2017, 644_000, 2, 2020)
    assert m.plan_figure == 1_000_000 and m.achievement_pct == pytest.approx(28.8)
    assert m.status == OFF_TRACK
