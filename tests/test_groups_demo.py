"""The demo groups: made through the actions in the demo province, from poor and near-poor
households, with meetings and a consistent savings ledger; a second run adds nothing."""
from chungtay.core import savings as core
from chungtay.groups.demo import create_demo_groups
from chungtay.groups.models import Group, Meeting, Membership, SavingsEntry
from chungtay.groups.queries import member_balances


def test_demo_groups_are_idempotent_and_consistent(db, commune_officer):
    first = create_demo_groups(log=lambda m: None)
    assert first["groups"] >= 3 or Group.objects.filter(province__code="51").count() >= 3
    n = (Group.objects.count(), Membership.objects.count(), Meeting.objects.count(), SavingsEntry.objects.count())
    again = create_demo_groups(log=lambda m: None)
    assert again["groups"] == 0
    assert n == (Group.objects.count(), Membership.objects.count(), Meeting.objects.count(), SavingsEntry.objects.count())
    groups = list(Group.objects.filter(province__code="51"))
    assert any(g.run_by_partner and g.run_by_partner.kind == "womens_union" for g in groups)
    assert Meeting.objects.filter(group__in=groups).exists() and SavingsEntry.objects.filter(reverses__isnull=False).exists()
    for g in groups:
        assert all(b.savings >= 0 and b.loans >= 0 for b in member_balances(g).values())
        assert core.fund(member_balances(g).values()) >= 0
        assert not g.memberships.exclude(household__commune=g.commune).exists()
    assert any(g.pk in set(Group.objects.for_user(commune_officer).values_list("pk", flat=True)) for g in groups)
