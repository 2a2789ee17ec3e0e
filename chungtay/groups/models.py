"""Groups (issue 10, part 5): cooperative groups and cooperatives (tổ hợp tác, hợp tác xã),
savings-and-loan groups (tổ tiết kiệm và vay vốn) and livelihood groups (tổ nhóm sinh kế).

- ``Group``: in one commune (optionally one village), run by a support ``Partner`` (the
  Women's Union…) or by a unit.
- ``Membership``: a household, or one person of a household, in a group for a period. Leaving
  closes the record (``left_on``); a member who comes back is a new record. Nothing is deleted.
- ``Meeting``: one meeting (sinh hoạt tổ) with the number present, the topic and the minutes.
- ``SavingsEntry``: the append-only ledger (deposits, withdrawals, loans, repayments) per
  membership, in integer VND. A correction is a reversing entry (``reverses``), never an edit;
  the balances are computed (``chungtay.core.savings``).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from chungtay.households.models import ScopedQuerySet

KINDS = [("cooperative_group", "Tổ hợp tác", "Cooperative group"),
         ("cooperative", "Hợp tác xã", "Cooperative"),
         ("savings_loan", "Tổ tiết kiệm và vay vốn", "Savings-and-loan group"),
         ("livelihood", "Tổ nhóm sinh kế", "Livelihood group")]
KIND_CHOICES = [(k, vi) for k, vi, _ in KINDS]
KIND_NAMES = {k: (vi, en) for k, vi, en in KINDS}

ROLES = [("leader", "Trưởng nhóm, tổ trưởng", "Leader"),
         ("deputy", "Phó nhóm, tổ phó", "Deputy"),
         ("treasurer", "Thủ quỹ", "Treasurer"),
         ("secretary", "Thư ký", "Secretary"),
         ("member", "Thành viên", "Member")]
ROLE_CHOICES = [(k, vi) for k, vi, _ in ROLES]
ROLE_NAMES = {k: (vi, en) for k, vi, en in ROLES}

ENTRY_KINDS = [("deposit", "Gửi tiết kiệm", "Deposit"),
               ("withdrawal", "Rút tiết kiệm", "Withdrawal"),
               ("loan", "Vay từ quỹ tổ", "Loan"),
               ("repayment", "Trả nợ vay", "Repayment")]
ENTRY_KIND_CHOICES = [(k, vi) for k, vi, _ in ENTRY_KINDS]
ENTRY_KIND_NAMES = {k: (vi, en) for k, vi, en in ENTRY_KINDS}


class Group(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    village = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    run_by_partner = models.ForeignKey("support.Partner", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="groups")
    run_by_unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    founded_on = models.DateField()
    purpose = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["commune__sort_name", "name"]
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="group_name_once_per_commune")]

    def __str__(self) -> str:
        return self.name

    @property
    def runner_name(self) -> str:
        if self.run_by_partner_id:
            return self.run_by_partner.name
        return self.run_by_unit.full_name if self.run_by_unit_id else ""

    @property
    def unit(self):
        """Where the group's writes are checked (roles.require)."""
        return self.village or self.commune


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="memberships")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="group_memberships")
    member = models.ForeignKey("households.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=ROLE_CHOICES, default="member")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["left_on", "joined_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                                              name="membership_left_after_joined")]

    @property
    def name(self) -> str:
        return self.member.full_name if self.member_id else (self.household.head_name or self.household.code)

    @property
    def active(self) -> bool:
        return self.left_on is None


class Meeting(models.Model):
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    attendees = models.PositiveIntegerField()
    topic = models.CharField(max_length=300)
    minutes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]


class SavingsEntry(models.Model):
    """One line of the ledger; never edited or deleted (a correction reverses it)."""
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="savings")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="savings")
    kind = models.CharField(max_length=12, choices=ENTRY_KIND_CHOICES)
    amount_vnd = models.BigIntegerField()
    date = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="savings_amount_positive")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The savings ledger is append-only: record a reversing entry")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The savings ledger is append-only: record a reversing entry")

    @property
    def sign(self) -> int:
        return -1 if self.reverses_id else 1

    @property
    def signed(self) -> tuple[str, int, int]:
        return (self.kind, self.amount_vnd, self.sign)
