"""The outcomes reader equals the pure core run on every row of the unit."""
import datetime as dt

from chungtay.core import outcomes as oc
from chungtay.households.models import Assessment
from chungtay.support import actions
from chungtay.support.models import Support
from chungtay.support.radar import outcomes_for
from tests.support_helpers import facts, poor_in


def test_reader_equals_the_core_on_all_rows(commune_officer, my_commune):
    rows = Assessment.objects.filter(commune=my_commune, kind="periodic", is_current=True)
    latest = max(rows.values_list("year", flat=True))
    first, last = latest - 3, latest - 1
    for i, hh in enumerate(poor_in(my_commune, first - 1, 6)):
        actions.record_support(commune_officer, hh, facts(hh, kind="seed", value_vnd=1_000_000 + i,
                                                          date=dt.date(first + i % 3, 6, 1)))
    history, baseline = {}, {}
    for h, y, c, d, area, commune in rows.values_list("household_id", "year", "category", "deprivation_count", "area", "commune_id"):
        history.setdefault(h, {})[y] = c
        baseline[(h, y)] = oc.Base(d, area, commune)
    sup = Support.objects.filter(commune=my_commune, is_current=True, status="delivered")
    anys = {}
    for h, y in sup.values_list("household_id", "year"):
        anys.setdefault(h, set()).add(y)
    want = oc.outcomes(history, sup.filter(kind="seed").values_list("household_id", "year", "value_vnd"), first, last,
                       baseline=baseline, any_support=anys)
    got = outcomes_for(commune_officer, my_commune, first, last, kind="seed")
    assert got.supported == want.supported >= 6
    for f in ("eligible", "decided", "pending", "escaped", "stayed_1", "stayed_1_n", "stayed_2", "stayed_2_n",
              "repoverty", "repoverty_n", "value_vnd", "comparison_rows"):
        assert getattr(got, f) == getattr(want, f), f
    assert sorted(got.escaped_ids) == sorted(want.escaped_ids)
    assert (got.effect is None) == (want.effect is None)
    if got.effect is not None:
        assert got.effect.att == want.effect.att and got.effect.n_control == want.effect.n_control
