"""chungtay/core/revolving.py: holdings, obligations, the chain of generations, reach and health
(pure: no database)."""
import datetime as dt

from chungtay.core import revolving as rv
from chungtay.core.revolving import BIRTH, DEATH, HANDOVER, SALE, TRANSFER, Event, Rule

D = dt.date
GOATS = Rule(rv.OFFSPRING, 12)


def goat_chain():
    # two goats handed to households 1 and 2; goat 10 gives birth to kid 11 (female) passed to 3;
    # 3's goat gives kid 12 passed to 4 (generation 3); goat 20 dies; kid 13 (male) of 10 is sold
    # and the money buys goat 14 for household 5.
    return [
        Event(1, HANDOVER, D(2022, 1, 10), 10, to_household=1),
        Event(2, HANDOVER, D(2022, 1, 10), 20, to_household=2),
        Event(3, BIRTH, D(2022, 9, 1), 10, new_asset=11),
        Event(4, TRANSFER, D(2022, 12, 1), 11, to_household=3),
        Event(5, BIRTH, D(2023, 8, 1), 11, new_asset=12),
        Event(6, TRANSFER, D(2024, 2, 1), 12, to_household=4),       # 3 received on 2022-12-01: late
        Event(7, DEATH, D(2022, 6, 1), 20),
        Event(8, BIRTH, D(2023, 3, 1), 10, new_asset=13),
        Event(9, SALE, D(2023, 6, 1), 13, to_household=5, new_asset=14),
    ]


def test_add_months_keeps_the_day_or_the_month_end():
    assert rv.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert rv.add_months(D(2024, 11, 15), 14) == D(2026, 1, 15)


def test_rule_from_data_is_bounded():
    assert Rule.from_data({"type": "rotate", "months": "6"}) == Rule("rotate", 6)
    assert Rule.from_data({"type": "x", "months": "abc"}) == Rule("offspring", 24)
    assert Rule.from_data({"months": 999}).months == 120


def test_holdings_follow_transfers_births_deaths_and_sales():
    hs = rv.holdings(goat_chain(), GOATS)
    by_asset = {}
    for h in hs:
        by_asset.setdefault(h.asset, []).append(h)
    assert [(h.household, h.end_reason) for h in by_asset[11]] == [(1, "passed"), (3, "")]
    assert by_asset[20][0].end_reason == "died"
    assert by_asset[13][0].end_reason == "sold"
    assert by_asset[14][0].household == 5 and by_asset[14][0].generation == 2
    assert by_asset[12][-1].generation == 3
    assert rv.current_holder(goat_chain(), 12) == 4
    assert rv.current_holder(goat_chain(), 20) is None


def test_generations_and_chain_rows():
    gen, tree = rv.generations(goat_chain())
    assert gen == {1: 1, 2: 1, 3: 2, 4: 3, 5: 2}
    assert tree[None] == [1, 2] and tree[1] == [3, 5] and tree[3] == [4]
    assert rv.chain_rows(goat_chain()) == [(0, 1, None), (1, 3, 1), (2, 4, 3), (1, 5, 1), (0, 2, None)]


def test_obligations_on_time_late_lost_open_overdue():
    obs = {o.household: o for o in rv.obligations(goat_chain(), GOATS, today=D(2024, 3, 1))}
    assert obs[1].state == rv.ON_TIME and obs[1].fulfilled_on == D(2022, 12, 1)
    assert obs[3].state == rv.LATE                 # due 2023-12-01, passed 2024-02-01
    assert obs[2].state == rv.LOST                 # the goat died before any pass-on
    assert obs[4].state == rv.OPEN                 # received 2024-02-01, due 2025-02-01
    assert obs[5].state == rv.OPEN
    later = {o.household: o for o in rv.obligations(goat_chain(), GOATS, today=D(2025, 3, 1))}
    assert later[4].state == rv.OVERDUE and later[5].state == rv.OVERDUE


def test_a_household_passes_once_per_obligation():
    ev = [Event(1, HANDOVER, D(2022, 1, 1), 10, to_household=1),
          Event(2, HANDOVER, D(2022, 1, 1), 20, to_household=1),
          Event(3, BIRTH, D(2022, 6, 1), 10, new_asset=11),
          Event(4, TRANSFER, D(2022, 7, 1), 11, to_household=2)]
    states = sorted(o.state for o in rv.obligations(ev, GOATS, D(2023, 6, 1)))
    assert states == [rv.ON_TIME, rv.OPEN, rv.OVERDUE]     # household 2 received on 2022-07-01


def test_rotating_capital_is_met_when_the_tranche_moves_on():
    ev = [Event(1, HANDOVER, D(2023, 1, 1), 7, to_household=1),
          Event(2, TRANSFER, D(2023, 12, 1), 7, to_household=2),
          Event(3, TRANSFER, D(2025, 3, 1), 7, to_household=3)]
    obs = rv.obligations(ev, Rule(rv.ROTATE, 12), D(2025, 6, 1))
    assert [(o.household, o.state) for o in obs] == [(1, rv.ON_TIME), (2, rv.LATE), (3, rv.OPEN)]
    assert rv.generations(ev)[0] == {1: 1, 2: 2, 3: 3}


def test_reach_against_the_plan():
    r = rv.reach([1, 2, 3, 4, 2], [3, 1, 9])
    assert r.planned == [1, 2, 3, 4] and r.reached_planned == [1, 3] and r.waiting == [2, 4]
    assert r.outside_plan == [9] and r.next_household == 2


def test_health_counts():
    h = rv.health(goat_chain(), GOATS, [1, 2, 3, 4, 5, 6], D(2025, 3, 1),
                  values={10: 3_000_000, 11: 2_000_000, 12: 1_000_000, 14: 2_500_000, 20: 3_000_000})
    assert (h.assets, h.alive, h.dead, h.sold) == (6, 4, 1, 1)
    assert h.value_alive_vnd == 8_500_000
    assert (h.on_time, h.late, h.lost, h.overdue) == (1, 1, 1, 2)
    assert (h.generations, h.planned, h.reached, h.reached_planned) == (3, 6, 5, 5)
    assert not h.ok
    assert rv.health([], GOATS, [], D(2025, 1, 1)).ok
