"""Movements between years: definitions, and the demo province's accounts add up."""
import pytest

from chungtay.core.movements import NONE, STATES, movement, transition_matrix
from chungtay.households.movements import unit_movements
from chungtay.units.models import Unit


@pytest.mark.parametrize("before,after,poor_earlier,expected", [
    ("poor", "poor", False, "still_poor"),
    ("poor", "near_poor", False, "poor_to_near_poor"),
    ("poor", "average", False, "escaped_poverty"),
    ("poor", "above_average", False, "escaped_poverty"),
    ("poor", NONE, False, "poor_left"),
    ("near_poor", "poor", False, "newly_poor"),
    ("average", "poor", True, "re_poor"),
    (NONE, "poor", False, "newly_poor"),
    ("near_poor", "average", False, "escaped_near_poverty"),
    ("average", "near_poor", False, "newly_near_poor"),
    (NONE, "average", False, "new_above"),
    ("average", NONE, False, "above_left"),
])
def test_movement_definitions(before, after, poor_earlier, expected):
    assert movement(before, after, poor_earlier, False) == expected


@pytest.mark.parametrize("y1,y2", [(2016, 2017), (2020, 2021), (2021, 2022), (2024, 2025)])
def test_the_demo_province_adds_up(admin_user, y1, y2):
    p = Unit.objects.get(system="2025", level="province", code="51")
    r = unit_movements(admin_user, p, y1, y2)
    c = r.counts
    from chungtay.households.stats import unit_report
    rep1, rep2 = unit_report(admin_user, p, y1).total, unit_report(admin_user, p, y2).total
    # last year's poor = still poor + escaped + moved to near-poor + left
    assert rep1.poor == c["still_poor"] + c["escaped_poverty"] + c["poor_to_near_poor"] + c["poor_left"]
    assert rep1.near_poor == (c["still_near_poor"] + c["escaped_near_poverty"] + c["near_poor_left"]
                              + r.matrix["near_poor"]["poor"])
    assert rep2.poor == c["still_poor"] + c["newly_poor"] + c["re_poor"]
    for state in STATES[:-1]:   # every category: row of the matrix = last year's count
        assert sum(r.matrix[state].values()) == {"poor": rep1.poor, "near_poor": rep1.near_poor,
                                                 "average": rep1.average, "above_average": rep1.above_average}[state]
        assert sum(r.matrix[s][state] for s in STATES) == {
            "poor": rep2.poor, "near_poor": rep2.near_poor, "average": rep2.average,
            "above_average": rep2.above_average}[state]
    assert r.standard_changed == (y1 == 2021)
    if y1 != 2021:
        assert c["escaped_poverty"] > 0 and c["newly_poor"] > 0


def test_re_poor_appears_in_later_years(admin_user):
    p = Unit.objects.get(system="2025", level="province", code="51")
    assert unit_movements(admin_user, p, 2018, 2019).counts["re_poor"] > 0


def test_matrix_counts_new_and_left():
    m = transition_matrix({1: "poor", 2: "average"}, {2: "poor", 3: "near_poor"})
    assert m["poor"][NONE] == 1 and m["average"]["poor"] == 1 and m[NONE]["near_poor"] == 1
