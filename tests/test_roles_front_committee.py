"""The Fatherland Front committee (docs/roles.md): it supervises (reads the area, plans included) and
runs the Fund for the Poor; it enters no review or registry data; it reports activities only in its
own unit's emulation movements (the province's committee not in a commune's)."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from chungtay.accounts import roles
from tests.fund_helpers import commune_front, province_front


@pytest.fixture
def fronts(my_commune):
    return commune_front(my_commune), province_front(my_commune)


def test_the_committee_reads_plans_and_enters_no_review_or_registry_data(fronts, my_commune, village_head):
    village = village_head.assignments.get().unit
    for front in fronts:
        assert roles.can(front, "plan_view", my_commune)
        for action in ("round_open", "round_survey", "round_meeting", "round_post", "round_complaint", "round_resolve",
                       "round_recognise", "round_lock", "household_create", "member_add", "household_assess",
                       "import_households", "certificate_print", "plan_create", "target_add", "support_record",
                       "pledge_record", "group_manage", "revolving_event"):
            assert not roles.can(front, action, village), (front.username, action)
    with pytest.raises(PermissionDenied, match="Cán bộ giảm nghèo xã, Trưởng thôn"):
        roles.require(fronts[0], "round_survey", village)


def test_the_committee_reports_activities_of_its_own_units_movement_only(fronts, commune_officer, my_commune):
    from chungtay.emulation import actions
    commune_committee, province_committee = fronts
    m = actions.launch_movement(commune_officer, level="commune", name="Xã chung tay", decision_no="8/KH-UBND",
                                decision_date=dt.date(2021, 3, 1), issuer="UBND xã", unit=my_commune,
                                start_year=2021, end_year=2025, contents=["Hộ gia đình phấn đấu thoát nghèo"])
    actions.check(commune_committee, "activity_report", m)
    actions.check(commune_officer, "activity_report", m)
    with pytest.raises(PermissionDenied, match="Ủy ban MTTQ Việt Nam"):
        actions.check(province_committee, "activity_report", m)
    with pytest.raises(PermissionDenied):
        actions.check(commune_committee, "emulation_manage", m)
