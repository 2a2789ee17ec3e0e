"""Revolving models, the writes: a pass-on between two households, the refusals (dead or sold
asset, outside the commune, a future date, the wrong role or village), append-only events with
corrections as void events, and an audit record for each write."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungtay.accounts.models import AuditEvent
from chungtay.households.models import Household
from chungtay.revolving import actions
from chungtay.revolving.models import Event
from chungtay.revolving.queries import household_holdings, models_for, state_of

D = dt.date


@pytest.fixture
def village(village_head):
    return village_head.assignments.get().unit


@pytest.fixture
def hhs(village):
    """One household of the village head's village, then three others of the commune."""
    live = Household.objects.filter(status="active", end_year=None).order_by("id")
    first = live.filter(village=village).first()
    return [first] + list(live.filter(commune=village.parent).exclude(pk=first.pk)[:3])


@pytest.fixture
def goats(commune_officer, my_commune, hhs):
    m = actions.create_model(commune_officer, commune=my_commune, code="DE-TEST", name="Dê sinh sản luân chuyển",
                             kind="livestock", rule_type="offspring", months=12, start_date=D(2023, 1, 1),
                             planned=[h.code for h in hhs])
    return m


def _goat(officer, m, hh, code="D1", date=D(2023, 1, 10)):
    return actions.add_asset(officer, m, code=code, value_vnd=3_000_000, household=hh, date=date, sex="female",
                             witness="Trưởng thôn", decision_no="1/QĐ-thôn")


def test_pass_on_between_two_households(commune_officer, goats, hhs):
    a = _goat(commune_officer, goats, hhs[0])
    kid = actions.record_birth(commune_officer, goats, a, code="D1-1", sex="female", value_vnd=1_500_000,
                               date=D(2023, 9, 1))
    e = actions.record_transfer(commune_officer, goats, kid, to_household=hhs[1], date=D(2023, 11, 1),
                                witness="A Thút", decision_no="3/QĐ-thôn")
    assert (e.from_household, e.to_household) == (hhs[0], hhs[1])
    st = state_of(goats, today=D(2024, 1, 1))
    assert st.health.reached == 2 and st.health.generations == 2 and st.health.on_time == 1
    assert st.health.reached_planned == 2 and st.health.planned == 4
    audit = AuditEvent.objects.filter(action="revolving.transfer", object_id=str(e.pk)).get()
    assert audit.actor == commune_officer and audit.changes["to_household"] == hhs[1].code
    assert AuditEvent.objects.filter(action__in=["revolving.create", "revolving.handover", "revolving.birth"]).count() >= 3


def test_the_village_head_records_in_own_village_only(commune_officer, village_head, other_commune_officer,
                                                      province_officer, goats, hhs, my_commune):
    a = _goat(commune_officer, goats, hhs[0])
    actions.record_transfer(village_head, goats, a, to_household=hhs[1], date=D(2023, 6, 1), witness="Cán bộ xã")
    other = next(h for h in hhs[1:] if h.village_id != hhs[0].village_id)
    b = _goat(commune_officer, goats, other, code="D2") if other != hhs[1] else None
    b = b or _goat(commune_officer, goats, next(h for h in hhs[2:] if h.village_id != hhs[0].village_id), code="D2")
    with pytest.raises(PermissionDenied):
        actions.record_death(village_head, goats, b, date=D(2023, 7, 1))
    with pytest.raises(PermissionDenied):       # the province sets up, the commune and villages record
        actions.record_death(province_officer, goats, b, date=D(2023, 7, 1))
    with pytest.raises(PermissionDenied):
        actions.record_death(other_commune_officer, goats, b, date=D(2023, 7, 1))
    with pytest.raises(PermissionDenied):
        _goat(village_head, goats, hhs[1], code="D3")


def test_refusals_have_vietnamese_messages(commune_officer, goats, hhs, other_commune):
    a = _goat(commune_officer, goats, hhs[0])
    outsider = Household.objects.filter(commune=other_commune, status="active").first()
    with pytest.raises(ValidationError) as e:
        actions.record_transfer(commune_officer, goats, a, to_household=outsider, date=D(2023, 6, 1), witness="X")
    assert "chỉ luân chuyển trong xã" in str(e.value)
    with pytest.raises(ValidationError) as e:
        actions.record_transfer(commune_officer, goats, a, to_household=hhs[1], date=dt.date.today() + dt.timedelta(days=1),
                                witness="X")
    assert "tương lai" in str(e.value)
    with pytest.raises(ValidationError) as e:
        actions.record_transfer(commune_officer, goats, a, to_household=hhs[1], date=D(2023, 6, 1), witness="")
    assert "chứng kiến" in str(e.value)
    with pytest.raises(ValidationError) as e:
        actions.record_transfer(commune_officer, goats, a, to_household=hhs[0], date=D(2023, 6, 1), witness="X")
    assert "trùng" in str(e.value)
    with pytest.raises(ValidationError) as e:       # before the hand-over
        actions.record_death(commune_officer, goats, a, date=D(2023, 1, 5))
    assert "gần nhất" in str(e.value)
    actions.record_death(commune_officer, goats, a, date=D(2023, 5, 1), note="Bệnh")
    with pytest.raises(ValidationError) as e:
        actions.record_transfer(commune_officer, goats, a, to_household=hhs[1], date=D(2023, 6, 1), witness="X")
    assert "đã chết" in str(e.value)
    b = _goat(commune_officer, goats, hhs[1], code="D2")
    actions.record_sale(commune_officer, goats, b, date=D(2023, 6, 1), amount_vnd=2_500_000, replacement_code="D2-R",
                        replacement_value=2_500_000, replacement_sex="female", to_household=hhs[2], witness="X")
    with pytest.raises(ValidationError) as e:
        actions.record_death(commune_officer, goats, b, date=D(2023, 7, 1))
    assert "đã bán" in str(e.value)
    with pytest.raises(ValidationError):
        actions.create_model(commune_officer, commune=goats.commune, code="DE-TEST", name="x", kind="livestock",
                             rule_type="offspring", months=12, start_date=D(2023, 1, 1))


def test_events_are_append_only_and_corrected_by_void(commune_officer, village_head, goats, hhs):
    a = _goat(commune_officer, goats, hhs[0])
    wrong = actions.record_transfer(commune_officer, goats, a, to_household=hhs[1], date=D(2023, 6, 1), witness="X")
    with pytest.raises(RuntimeError):
        wrong.note = "sửa"
        wrong.save()
    v = actions.void_event(village_head, wrong, reason="Ghi nhầm hộ nhận")
    assert v.kind == "void" and v.voids == wrong
    with pytest.raises(ValidationError):
        actions.void_event(commune_officer, wrong, reason="lần nữa")
    actions.record_transfer(commune_officer, goats, a, to_household=hhs[2], date=D(2023, 6, 1), witness="X")
    assert Event.objects.filter(model=goats).count() == 4           # nothing deleted
    st = state_of(goats, today=D(2023, 7, 1))
    assert [h.household for h in st.holdings] == [hhs[0].pk, hhs[2].pk]
    first = Event.objects.get(model=goats, kind="handover")
    with pytest.raises(ValidationError):            # a later event exists
        actions.void_event(commune_officer, first, reason="x")
    assert AuditEvent.objects.filter(action="revolving.void", object_id=str(v.pk)).exists()


def test_overdue_obligation_and_the_household_panel(commune_officer, village_head, goats, hhs):
    _goat(commune_officer, goats, hhs[0], date=D(2023, 1, 10))
    st = state_of(goats, today=D(2024, 3, 1))
    assert st.health.overdue == 1
    rows = household_holdings(village_head, hhs[0], today=D(2024, 3, 1))
    assert rows[0]["state"] == "overdue" and rows[0]["due"] == D(2024, 1, 10)
    assert household_holdings(village_head, hhs[3])[0]["state"] == "planned"


def test_scope(commune_officer, village_head, other_commune_officer, province_officer, goats):
    assert models_for(commune_officer).filter(pk=goats.pk).exists()
    assert models_for(province_officer).filter(pk=goats.pk).exists()
    assert models_for(village_head).filter(pk=goats.pk).exists()       # its plan includes the village
    assert not models_for(other_commune_officer).filter(pk=goats.pk).exists()


def test_capital_rotates(commune_officer, my_commune, hhs):
    m = actions.create_model(commune_officer, commune=my_commune, code="VON-TEST", name="Vốn luân chuyển",
                             kind="capital", rule_type="rotate", months=12, start_date=D(2022, 1, 1))
    t = actions.add_asset(commune_officer, m, code="K1", value_vnd=10_000_000, household=hhs[0], date=D(2022, 1, 5))
    actions.record_transfer(commune_officer, m, t, to_household=hhs[1], date=D(2022, 12, 20), witness="X")
    with pytest.raises(ValidationError):
        actions.record_birth(commune_officer, m, t, code="K2", sex="", value_vnd=1, date=D(2023, 1, 1))
    st = state_of(m, today=D(2024, 3, 1))
    assert (st.health.on_time, st.health.overdue, st.health.generations) == (1, 1, 2)


def test_the_plan_grows_at_the_end(commune_officer, village_head, my_commune, hhs):
    m = actions.create_model(commune_officer, commune=my_commune, code="PLAN-TEST", name="x", kind="livestock",
                             rule_type="offspring", months=12, start_date=D(2023, 1, 1), planned=[hhs[0].code])
    actions.add_planned(commune_officer, m, [hhs[1].code, hhs[2].code])
    assert [(p.position, p.household) for p in m.planned.all()] == [(1, hhs[0]), (2, hhs[1]), (3, hhs[2])]
    with pytest.raises(ValidationError) as e:
        actions.add_planned(commune_officer, m, [hhs[1].code, "KHONG-CO"])
    assert "đã có trong kế hoạch" in str(e.value) and "không có hộ này" in str(e.value)
    with pytest.raises(PermissionDenied):
        actions.add_planned(village_head, m, [hhs[3].code])
    assert AuditEvent.objects.filter(action="revolving.plan", object_id=str(m.pk)).count() == 1


def test_unknown_planned_households_are_named(commune_officer, my_commune, hhs):
    with pytest.raises(ValidationError) as e:
        actions.create_model(commune_officer, commune=my_commune, code="PLAN-BAD", name="x", kind="livestock",
                             rule_type="offspring", months=12, start_date=D(2023, 1, 1),
                             planned=[hhs[0].code, hhs[0].code, "KHONG-CO"])
    assert "ghi hai lần" in str(e.value) and "KHONG-CO" in str(e.value)
