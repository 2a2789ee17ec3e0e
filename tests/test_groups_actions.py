"""Groups (issue 10, part 5): every write checks role and area first and leaves an audit
record; bad input is refused in Vietnamese; the savings ledger is append-only."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungtay.accounts.models import AuditEvent
from chungtay.core import savings as core
from chungtay.groups import actions
from chungtay.groups.models import Group, Membership, SavingsEntry
from chungtay.groups.queries import groups_for, member_balances, totals
from chungtay.households.models import Household
from chungtay.support import people

D = dt.date


@pytest.fixture
def village(village_head):
    return village_head.assignments.get().unit


@pytest.fixture
def hhs(my_commune, village):
    """Three active households of the commune (the group's village first)."""
    own = list(Household.objects.filter(village=village, status="active").order_by("id")[:1])
    more = Household.objects.filter(commune=my_commune, status="active").exclude(pk__in=[h.pk for h in own])
    return own + list(more.order_by("id")[:3 - len(own)])


@pytest.fixture
def group(commune_officer, my_commune, village):
    union = people.create_partner(commune_officer, unit=my_commune, name="Hội LHPN xã", kind="womens_union")
    return actions.create_group(commune_officer, commune=my_commune, village=village, name="Tổ TK&VV thôn 1",
                                kind="savings_loan", partner=union, founded_on=D(2022, 3, 8), purpose="Tiết kiệm")


def test_create_group_writes_audit_and_checks_role_and_area(commune_officer, other_commune_officer, province_officer,
                                                           village_head, commune_chairman, admin_user, my_commune,
                                                           other_commune, group):
    assert group.province_id == my_commune.parent_id and group.runner_name == "Hội LHPN xã"
    ev = AuditEvent.objects.get(action="group.create", object_id=str(group.pk))
    assert ev.actor == commune_officer and ev.changes["kind"] == "savings_loan"
    for user in (other_commune_officer, village_head, commune_chairman, admin_user):
        with pytest.raises(PermissionDenied):
            actions.create_group(user, commune=my_commune, name="X", kind="livelihood", founded_on=D(2023, 1, 1))
    g = actions.create_group(province_officer, commune=other_commune, name="HTX Sâm", kind="cooperative",
                             run_by_unit=other_commune, founded_on=D(2021, 6, 1))
    assert g.runner_name == other_commune.full_name
    with pytest.raises(ValidationError, match="đã có tổ"):
        actions.create_group(commune_officer, commune=my_commune, name="tổ tk&vv  thôn 1", kind="livelihood",
                             founded_on=D(2023, 1, 1))
    with pytest.raises(ValidationError, match="tương lai"):
        actions.create_group(commune_officer, commune=my_commune, name="Y", kind="livelihood",
                             founded_on=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="Thôn không thuộc"):
        village2 = other_commune.children.filter(level="village").first()
        actions.create_group(province_officer, commune=my_commune, village=village2, name="Z", kind="livelihood",
                             founded_on=D(2023, 1, 1))


def test_members_join_and_leave_without_deletion(commune_officer, other_commune, group, hhs):
    a, b = hhs[0], hhs[1]
    actions.add_member(commune_officer, group, household=a, role="leader", joined_on=D(2022, 3, 8))
    person = b.members.order_by("member_no").first()
    mb = actions.add_member(commune_officer, group, household=b, member=person, joined_on=D(2022, 4, 1))
    assert mb.name == person.full_name and AuditEvent.objects.filter(action="group.member_add").count() >= 2
    with pytest.raises(ValidationError, match="đang là thành viên"):
        actions.add_member(commune_officer, group, household=a, joined_on=D(2022, 5, 1))
    outside = Household.objects.filter(commune=other_commune, status="active").first()
    with pytest.raises(ValidationError, match="không cư trú tại"):
        actions.add_member(commune_officer, group, household=outside, joined_on=D(2022, 5, 1))
    with pytest.raises(ValidationError, match="không thuộc hộ"):
        actions.add_member(commune_officer, group, household=a, member=person, joined_on=D(2022, 5, 1))
    with pytest.raises(ValidationError, match="trước ngày thành lập"):
        actions.add_member(commune_officer, group, household=hhs[2], joined_on=D(2020, 1, 1))
    with pytest.raises(ValidationError, match="tương lai"):
        actions.add_member(commune_officer, group, household=hhs[2], joined_on=dt.date.today() + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="lý do"):
        actions.leave_group(commune_officer, mb, left_on=D(2024, 1, 1), reason=" ")
    with pytest.raises(ValidationError, match="trước ngày tham gia"):
        actions.leave_group(commune_officer, mb, left_on=D(2022, 1, 1), reason="chuyển đi")
    left = actions.leave_group(commune_officer, mb, left_on=D(2024, 1, 1), reason="chuyển đi làm ăn xa")
    assert left.left_on == D(2024, 1, 1) and Membership.objects.filter(pk=mb.pk).exists()
    with pytest.raises(ValidationError, match="đã rời"):
        actions.leave_group(commune_officer, mb, left_on=D(2024, 2, 1), reason="x")
    back = actions.add_member(commune_officer, group, household=b, member=person, joined_on=D(2025, 1, 1))
    assert back.pk != mb.pk and group.memberships.filter(household=b).count() == 2
    assert totals([group.pk])[group.pk]["members"] == 2


def test_meetings(commune_officer, village_head, group):
    m = actions.record_meeting(commune_officer, group, held_on=D(2024, 5, 10), attendees=18, topic="Bình xét cho vay",
                               minutes="Thống nhất cho 2 hộ vay")
    assert AuditEvent.objects.filter(action="group.meeting", object_id=str(m.pk)).exists()
    with pytest.raises(ValidationError, match="tương lai"):
        actions.record_meeting(commune_officer, group, held_on=dt.date.today() + dt.timedelta(days=1), attendees=3, topic="x")
    with pytest.raises(ValidationError, match="số nguyên dương"):
        actions.record_meeting(commune_officer, group, held_on=D(2024, 5, 10), attendees=-2, topic="x")
    with pytest.raises(ValidationError, match="nội dung"):
        actions.record_meeting(commune_officer, group, held_on=D(2024, 5, 10), attendees=2, topic="")
    with pytest.raises(PermissionDenied):
        actions.record_meeting(village_head, group, held_on=D(2024, 5, 10), attendees=2, topic="x")


def test_savings_ledger_is_append_only_and_balances_are_computed(commune_officer, other_commune_officer, group, hhs):
    a = actions.add_member(commune_officer, group, household=hhs[0], joined_on=D(2022, 3, 8))
    b = actions.add_member(commune_officer, group, household=hhs[1], joined_on=D(2022, 3, 8))
    actions.record_entry(commune_officer, group, membership=a, kind="deposit", amount_vnd=500_000, date=D(2023, 1, 5))
    actions.record_entry(commune_officer, group, membership=b, kind="deposit", amount_vnd=300_000, date=D(2023, 1, 5))
    wrong = actions.record_entry(commune_officer, group, membership=a, kind="deposit", amount_vnd=50_000,
                                 date=D(2023, 2, 5), note="ghi nhầm")
    loan = actions.record_entry(commune_officer, group, membership=b, kind="loan", amount_vnd=600_000, date=D(2023, 3, 1))
    actions.record_entry(commune_officer, group, membership=b, kind="repayment", amount_vnd=100_000, date=D(2023, 6, 1))
    bal = member_balances(group)
    assert bal[a.pk] == core.Balance(550_000, 0) and bal[b.pk] == core.Balance(300_000, 500_000)
    # refusals, in Vietnamese
    with pytest.raises(ValidationError, match="vượt số dư tiết kiệm"):
        actions.record_entry(commune_officer, group, membership=a, kind="withdrawal", amount_vnd=600_000, date=D(2023, 7, 1))
    with pytest.raises(ValidationError, match="Quỹ của tổ không đủ"):
        actions.record_entry(commune_officer, group, membership=a, kind="withdrawal", amount_vnd=400_000, date=D(2023, 7, 1))
    with pytest.raises(ValidationError, match="vượt dư nợ"):
        actions.record_entry(commune_officer, group, membership=b, kind="repayment", amount_vnd=600_000, date=D(2023, 7, 1))
    with pytest.raises(ValidationError, match="số đồng nguyên dương"):
        actions.record_entry(commune_officer, group, membership=a, kind="deposit", amount_vnd=-5, date=D(2023, 7, 1))
    with pytest.raises(ValidationError, match="số đồng nguyên dương"):
        actions.record_entry(commune_officer, group, membership=a, kind="deposit", amount_vnd=0, date=D(2023, 7, 1))
    with pytest.raises(ValidationError, match="tương lai"):
        actions.record_entry(commune_officer, group, membership=a, kind="deposit", amount_vnd=5,
                             date=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="trước ngày tham gia"):
        actions.record_entry(commune_officer, group, membership=a, kind="deposit", amount_vnd=5, date=D(2022, 1, 1))
    with pytest.raises(PermissionDenied):
        actions.record_entry(other_commune_officer, group, membership=a, kind="deposit", amount_vnd=5, date=D(2023, 7, 1))
    # a correction is a reversing entry; the wrong one stays
    n = SavingsEntry.objects.filter(group=group).count()
    r = actions.reverse_entry(commune_officer, wrong, reason="ghi nhầm số tiền", date=D(2023, 2, 6))
    assert r.reverses_id == wrong.pk and SavingsEntry.objects.filter(group=group).count() == n + 1
    assert SavingsEntry.objects.filter(pk=wrong.pk, amount_vnd=50_000).exists()
    assert member_balances(group)[a.pk] == core.Balance(500_000, 0)
    assert AuditEvent.objects.filter(action="group.savings_reverse", object_id=str(r.pk)).exists()
    assert AuditEvent.objects.filter(action="group.savings").count() >= 5
    with pytest.raises(ValidationError, match="đã được điều chỉnh"):
        actions.reverse_entry(commune_officer, wrong, reason="lần hai")
    with pytest.raises(ValidationError, match="bút toán điều chỉnh"):
        actions.reverse_entry(commune_officer, r, reason="đảo của đảo")
    with pytest.raises(ValidationError, match="Không điều chỉnh được"):
        actions.reverse_entry(commune_officer, loan, reason="vay nhầm")     # 100 000 already repaid
    # the model refuses edits and deletes
    wrong.note = "sửa"
    with pytest.raises(ValueError):
        wrong.save()
    with pytest.raises(ValueError):
        wrong.delete()
    # after leaving, no entry later than the leaving date
    actions.record_entry(commune_officer, group, membership=a, kind="withdrawal", amount_vnd=100_000, date=D(2024, 1, 1))
    actions.leave_group(commune_officer, a, left_on=D(2024, 1, 1), reason="rút khỏi tổ")
    with pytest.raises(ValidationError, match="đã rời tổ"):
        actions.record_entry(commune_officer, group, membership=a, kind="deposit", amount_vnd=5, date=D(2024, 2, 1))
    t = totals([group.pk])[group.pk]
    assert t == {"members": 1, "savings": 700_000, "loans": 500_000}


def test_core_check_and_balance():
    b = core.balance([("deposit", 100, 1), ("withdrawal", 30, 1), ("deposit", 10, 1), ("deposit", 10, -1)])
    assert b == core.Balance(70, 0)
    assert core.check(b, 70, "loan", 70) == core.Balance(70, 70)
    for kind, amount in (("withdrawal", 71), ("repayment", 1), ("loan", 71), ("deposit", 1.5), ("deposit", True),
                         ("gift", 1)):
        with pytest.raises(core.EntryError):
            core.check(b, 70, kind, amount)


def test_scoping_by_role_and_area(commune_officer, other_commune_officer, province_officer, village_head,
                                  commune_chairman, admin_user, my_commune, group):
    wide = actions.create_group(commune_officer, commune=my_commune, name="Tổ nhóm sinh kế dệt thổ cẩm",
                                kind="livelihood", founded_on=D(2023, 1, 1))
    assert {group, wide} <= set(groups_for(commune_officer)) and {group, wide} <= set(groups_for(commune_chairman))
    assert {group, wide} <= set(groups_for(province_officer)) and {group, wide} <= set(groups_for(admin_user))
    assert group in groups_for(village_head) and wide not in groups_for(village_head)
    assert not groups_for(other_commune_officer).filter(pk__in=[group.pk, wide.pk]).exists()
    assert Group.objects.filter(pk=group.pk).exists()
