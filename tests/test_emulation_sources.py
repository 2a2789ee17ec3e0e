"""The computed criteria read the platform's records of each kind of participant: a household's
pledge kept, supports delivered, the poverty-rate fall against the movement's plan target; the
household's pledge shows as its registration and a support mobilised links a recorded support."""
import datetime as dt

import pytest

from chungtay.core import emulation_sources as core
from chungtay.emulation import actions
from chungtay.emulation.sources import figure
from chungtay.households.models import Assessment
from chungtay.plans import actions as plan_actions
from chungtay.plans.models import Target
from chungtay.support import actions as support_actions
from chungtay.support.models import Pledge, Support
from tests.emulation_helpers import movement, villages
from tests.support_helpers import facts


@pytest.fixture
def hh(my_commune):
    v = villages(my_commune, 1)[0]
    res = Assessment.objects.filter(village=v, kind="periodic", is_current=True, year__in=[2024, 2025])
    both = sorted(set(res.filter(year=2024).values_list("household_id", flat=True))
                  & set(res.filter(year=2025).values_list("household_id", flat=True)))
    from chungtay.households.models import Household
    return Household.objects.get(pk=both[0])


def test_a_households_pledge_kept_and_shown_as_its_registration(commune_officer, my_commune, hh, as_commune_officer):
    m = movement(commune_officer, my_commune)
    p = actions.add_participant(commune_officer, m, household=hh)
    Assessment.objects.filter(household=hh, year=2024, is_current=True).update(category="poor")
    Assessment.objects.filter(household=hh, year=2025, is_current=True).update(category="near_poor")
    assert figure("pledge_kept", p, 2025, m).value == 0.0               # no pledge
    Pledge.objects.create(household=hh, year=2025, plan="Nuôi bò sinh sản", registered_on=dt.date(2025, 1, 10),
                          village=hh.village, commune=hh.commune, province=hh.province)
    f = figure("pledge_kept", p, 2025, m)
    assert f.value == 1.0 and "đạt" in f.vi
    assert figure("escaped", p, 2025, m).value == 1.0
    page = as_commune_officer.get(f"/emulation/{m.pk}/registrations/").content.decode()
    assert "Nuôi bò sinh sản" in page and hh.code in page


def test_supports_delivered_by_unit_and_by_household(commune_officer, my_commune, hh):
    m = movement(commune_officer, my_commune)
    s = support_actions.record_support(commune_officer, hh, facts(hh, date=dt.date(2025, 3, 1), value_vnd=12_000_000))
    pv = actions.add_participant(commune_officer, m, unit=hh.village)
    ph = actions.add_participant(commune_officer, m, household=hh)
    n = Support.objects.filter(village=hh.village, year=2025, is_current=True, status="delivered").count()
    assert figure("supports_delivered", pv, 2025, m).value == n >= 1
    assert figure("supports_value_mvnd", ph, 2025, m).value == pytest.approx(
        sum(Support.objects.filter(household=hh, year=2025, is_current=True, status="delivered")
            .values_list("value_vnd", flat=True)) / 1e6)
    a = actions.report_activity(commune_officer, m, pv, kind="support", title="Vận động hỗ trợ bò giống",
                                date=dt.date(2025, 3, 2), support_ids=[s.entry_id])
    assert list(a.supports.values_list("pk", flat=True)) == [s.entry_id]


def test_poverty_rate_fall_against_the_movements_goal(commune_officer, my_commune):
    plan = plan_actions.create_plan(commune_officer, unit=my_commune, title="KH giảm nghèo", document_no="3/KH-UBND",
                                    start_year=2021, end_year=2025)
    t = plan_actions.add_target(commune_officer, plan, metric="poverty_rate", unit=my_commune, kind=Target.POINTS,
                                low=2, high=3, counted=2.5, baseline_year=2022)
    m = movement(commune_officer, my_commune, goals=[t])
    p = actions.add_participant(commune_officer, m, unit=my_commune)
    res = Assessment.objects.filter(commune=my_commune, kind="periodic", is_current=True)
    base = (res.filter(year=2022, category="poor").count(), res.filter(year=2022).count())
    now = (res.filter(year=2025, category="poor").count(), res.filter(year=2025).count())
    want = core.plan_share(core.rate_fall(2022, base, 2025, now), 2.5, "3/KH-UBND 2.5")
    got = figure("poverty_plan_share", p, 2025, m)
    assert (got.value, got.vi) == (want.value, want.vi)
    assert figure("poverty_rate_fall", actions.add_participant(commune_officer, m, household=res.first().household),
                  2025, m).value is None                                  # not a unit: entered instead


def test_revolving_on_time_is_one_when_nothing_is_due(commune_officer, my_commune):
    m = movement(commune_officer, my_commune)
    p = actions.add_participant(commune_officer, m, unit=my_commune)
    f = figure("revolving_on_time", p, 2021, m)
    assert f.value is not None and 0 <= f.value <= 1
