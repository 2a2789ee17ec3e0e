"""The Fund for the Poor (Quỹ "Vì người nghèo", issue 11, parts 1–4): funds, campaigns, donors,
pledges, donations with receipts, allocations, disbursements, transfers, houses, and the ledger.

- ``Fund``: one per unit (a commune or a province of 2025), run by its Fatherland Front committee.
- ``LedgerTransaction`` + ``LedgerLine``: the books. Every movement of money is one transaction
  whose lines sum to 0 (``chungtay/core/ledger.py``); a line names a fund and an account of that
  fund (``cash``, ``bank``, ``goods``, ``unallocated``, ``earmarked:<purpose>``). A transfer has
  lines in two funds: it appears at both ends. **Immutable**: saving an existing row, deleting
  it, or ``update()`` / ``delete()`` on a queryset raises :class:`ImmutableError`; a correction is
  a reversing transaction (``reverses``, one-to-one: at most one reversal per transaction).
- ``Donation``, ``Allocation``, ``Disbursement``, ``Transfer``: what a transaction records, each
  immutable as well. A donation's receipt number is unique per fund and year and comes from
  ``ReceiptCounter`` (locked while a donation is written), so the numbers never skip or repeat.
- A fund's balance is the sum of its lines (:func:`chungtay.fund.queries.line_sums`). The pages read
  it prepared: ``FundBalance``, kept by ``chungtay.fund.ledger.post`` in the same database
  transaction as the lines (:func:`chungtay.fund.queries.balances`); ``queries.check_balances``
  compares the two. ``FundCrossEntry`` indexes the transactions recorded by another fund with a line
  in this one (a transfer in and its reversal), so a fund's entries are read by index.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q

PURPOSES = [
    ("house", "Xây, sửa nhà Đại đoàn kết", "House (Great Unity house)"),
    ("livelihood", "Hỗ trợ sinh kế, sản xuất", "Livelihood"),
    ("scholarship", "Học bổng", "Scholarship"),
    ("health_insurance", "Thẻ bảo hiểm y tế", "Health-insurance card"),
    ("emergency", "Cứu trợ khẩn cấp", "Emergency relief"),
]
PURPOSE_CHOICES = [(k, vi) for k, vi, _ in PURPOSES]
PURPOSE_NAMES = {k: (vi, en) for k, vi, en in PURPOSES}

ACCOUNTS = {"cash": ("Tiền mặt", "Cash"), "bank": ("Tiền gửi ngân hàng", "Bank"),
            "goods": ("Hiện vật", "Goods in kind"), "unallocated": ("Quỹ chưa phân bổ", "Not yet allocated")}
for _k, _vi, _en in PURPOSES:
    ACCOUNTS[f"earmarked:{_k}"] = (f"Đã phân bổ, chưa chi: {_vi.lower()}", f"Allocated, not yet paid: {_en.lower()}")


class ImmutableError(RuntimeError):
    """An entry of the books was about to be changed or deleted."""

    def __init__(self, what: str = "bút toán"):
        super().__init__(f"Không được sửa hoặc xóa {what} của sổ Quỹ: hãy ghi bút toán đảo / "
                         f"A Fund ledger record cannot be changed or deleted: record a reversal")


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError()

    def delete(self):
        raise ImmutableError()

    def for_user(self, user):
        return self.filter(fund__in=Fund.objects.for_user(user))


class Immutable(models.Model):
    """Written once: save() of an existing row and delete() raise."""
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise ImmutableError()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError()


class FundQuerySet(models.QuerySet):
    def for_user(self, user):
        """Funds of the user's area: the national level (the national administrator, the Central
        Committee of the Front) sees every fund; a province sees its fund and its communes'; a
        commune (and its villages) sees the commune's fund."""
        from chungtay.accounts.access import scope_for
        from chungtay.units.models import Unit
        scope = scope_for(user)
        if scope.everything:
            return self
        communes = set(scope.commune_ids) | set(
            Unit.objects.filter(pk__in=scope.village_ids).values_list("parent_id", flat=True))
        return self.filter(Q(province_id__in=scope.province_ids) | Q(commune_id__in=communes))


class ScopedByFund(models.QuerySet):
    def for_user(self, user):
        return self.filter(fund__in=Fund.objects.for_user(user))


@dataclass(frozen=True)
class Nation:
    """Stands for the unit of the national fund where a unit's names are read (headings, messages):
    the Central Committee of the Front sits in Hà Nội."""
    pk: None = None
    id: None = None
    parent_id: None = None
    level: str = "national"
    code: str = "TW"
    name: str = "Hà Nội"
    full_name: str = "Trung ương"


NATION = Nation()


class Fund(models.Model):
    NATIONAL, PROVINCE, COMMUNE = "national", "province", "commune"
    LEVELS = [(NATIONAL, "Trung ương"), (PROVINCE, "Cấp tỉnh"), (COMMUNE, "Cấp xã")]
    code = models.CharField(max_length=40, unique=True)           # QVNN-TW, QVNN-51, QVNN-51-21550
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=LEVELS)
    # the national fund has no unit (no unit stands for the nation) and no province
    unit = models.OneToOneField("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="poor_fund")
    province = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    committee = models.CharField(max_length=200)                  # Ủy ban MTTQ Việt Nam xã …
    opened_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FundQuerySet.as_manager()

    class Meta:
        ordering = ["province_id", "level", "code"]
        constraints = [models.UniqueConstraint(fields=["level"], condition=Q(level="national"), name="one_national_fund"),
                       models.CheckConstraint(condition=Q(level="national", unit__isnull=True, province__isnull=True)
                                              | (~Q(level="national") & Q(unit__isnull=False, province__isnull=False)),
                                              name="fund_unit_by_level")]

    def __str__(self) -> str:
        return self.name

    @property
    def place(self):
        """The fund's unit, or :data:`NATION` for the national fund."""
        return NATION if self.unit_id is None else self.unit


class BankAccount(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="bank_accounts")
    bank = models.CharField(max_length=120)
    number = models.CharField(max_length=40)
    holder = models.CharField(max_length=200)

    objects = ScopedByFund.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fund", "number"], name="fund_bank_account_once")]


class Campaign(models.Model):
    PEAK, DISASTER, OTHER = "peak_month", "disaster", "other"
    KINDS = [(PEAK, "Tháng cao điểm Vì người nghèo (17/10–18/11)", "Peak month (17/10–18/11)"),
             (DISASTER, "Vận động ủng hộ khắc phục thiên tai", "Disaster appeal"),
             (OTHER, "Vận động khác", "Other campaign")]
    KIND_CHOICES = [(k, vi) for k, vi, _ in KINDS]
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="campaigns")
    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    name = models.CharField(max_length=200)
    start = models.DateField()
    end = models.DateField()
    target_vnd = models.BigIntegerField(default=0)

    objects = ScopedByFund.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [models.CheckConstraint(condition=Q(target_vnd__gte=0), name="campaign_target_not_negative"),
                       models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="campaign_period")]

    def __str__(self) -> str:
        return self.name


class Donor(models.Model):
    KINDS = [("individual", "Cá nhân", "Individual"), ("organisation", "Cơ quan, tổ chức", "Organisation"),
             ("enterprise", "Doanh nghiệp", "Enterprise"), ("unit", "Đơn vị", "Unit"),
             ("armed_forces", "Đơn vị lực lượng vũ trang", "Armed-forces unit")]
    KIND_CHOICES = [(k, vi) for k, vi, _ in KINDS]
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donors")
    kind = models.CharField(max_length=14, choices=KIND_CHOICES)
    name = models.CharField(max_length=200)
    partner = models.ForeignKey("support.Partner", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="fund_donors")
    anonymous = models.BooleanField(default=False)      # shown as "Nhà hảo tâm giấu tên" on public pages
    contact = models.CharField(max_length=200, blank=True)

    objects = ScopedByFund.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def public_name(self) -> str:
        return "Nhà hảo tâm giấu tên" if self.anonymous else self.name


class FundPledge(models.Model):
    """A donor's pledge to the fund: how much, by when. Fulfilment = the donations linked to it
    (not reversed): ``queries.pledge_rows``."""
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="pledges")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="pledges")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="pledges")
    amount_vnd = models.BigIntegerField()
    made_on = models.DateField()
    due_date = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedByFund.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="fund_pledge_positive")]


class LedgerTransaction(Immutable):
    DONATION, ALLOCATION, DISBURSEMENT, TRANSFER, REVERSAL = "donation", "allocation", "disbursement", "transfer", "reversal"
    KINDS = [(DONATION, "Thu ủng hộ"), (ALLOCATION, "Phân bổ"), (DISBURSEMENT, "Chi hỗ trợ"),
             (TRANSFER, "Chuyển quỹ"), (REVERSAL, "Đảo bút toán")]
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transactions")   # the recording fund
    kind = models.CharField(max_length=12, choices=KINDS)
    date = models.DateField()
    memo = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=100, blank=True)      # receipt, bank reference, decision number
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["fund", "date", "id"], name="fund_ledgertxn_recent"),
                   # the reversals of a fund (few): the public statement leaves out what they cancel
                   models.Index(fields=["fund", "reverses"], condition=Q(reverses__isnull=False),
                                name="fund_ledgertxn_reversals")]


class LedgerLine(Immutable):
    txn = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="lines")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="lines")
    account = models.CharField(max_length=40)
    amount = models.BigIntegerField()                # + debit, − credit; the lines of a transaction sum to 0

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["fund", "account"])]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_line_not_zero")]


class FundBalance(models.Model):
    """A prepared balance: the sum of the fund's lines on one account (+ debit, − credit), changed
    only by ``ledger.post`` in the database transaction that writes the lines, under the fund's lock.
    Not a record of the books (those are the lines): ``queries.check_balances`` recomputes it."""
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    account = models.CharField(max_length=40)
    amount = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["fund_id", "account"]
        constraints = [models.UniqueConstraint(fields=["fund", "account"], name="fund_balance_once")]


class FundCrossEntry(Immutable):
    """A transaction recorded by another fund that has a line in this fund (a transfer in, the
    reversal of a transfer), written with the transaction: the fund's entries are its own
    transactions plus these, both read by index (``queries.recent_transactions``)."""
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    txn = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()                       # the transaction's date, for the order

    class Meta:
        ordering = ["-date", "-txn_id"]
        constraints = [models.UniqueConstraint(fields=["fund", "txn"], name="fund_cross_entry_once")]
        indexes = [models.Index(fields=["fund", "date", "txn"], name="fund_cross_recent")]


class ReceiptCounter(models.Model):
    """The last receipt number issued by a fund in a year (locked while a donation is written)."""
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fund", "year"], name="receipt_counter_once")]


class Donation(Immutable):
    MONEY, IN_KIND = "money", "in_kind"
    FORMS = [(MONEY, "Tiền", "Money"), (IN_KIND, "Hiện vật", "In kind")]
    FORM_CHOICES = [(k, vi) for k, vi, _ in FORMS]
    CHANNELS = [("cash", "Tiền mặt", "Cash"), ("bank", "Chuyển khoản", "Bank transfer"),
                ("payroll", "Trích lương", "Payroll deduction")]
    CHANNEL_CHOICES = [(k, vi) for k, vi, _ in CHANNELS]
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donations")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="donations")
    pledge = models.ForeignKey(FundPledge, null=True, blank=True, on_delete=models.PROTECT, related_name="donations")
    form = models.CharField(max_length=8, choices=FORM_CHOICES)
    goods = models.CharField(max_length=300, blank=True)          # in kind: what (valued at value_vnd)
    value_vnd = models.BigIntegerField()
    channel = models.CharField(max_length=8, choices=CHANNEL_CHOICES, blank=True)   # money only
    date = models.DateField()
    receipt_year = models.PositiveSmallIntegerField()
    receipt_no = models.PositiveIntegerField()
    bank_reference = models.CharField(max_length=100, blank=True)
    txn = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="donation")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "receipt_year", "receipt_no"], name="donation_receipt_once"),
            models.CheckConstraint(condition=Q(value_vnd__gt=0), name="donation_positive")]
        # (fund, date, id) orders the public statement's first rows; value_vnd makes its total an
        # index-only sum on SQLite and PostgreSQL
        indexes = [models.Index(fields=["fund", "date", "id", "value_vnd"], name="fund_donation_by_date")]

    @property
    def receipt(self) -> str:
        from chungtay.core.ledger import receipt_label
        return receipt_label(self.receipt_year, self.receipt_no, self.fund.code)


class Allocation(Immutable):
    """A committee's allocation decision: amounts by purpose and by unit (AllocationLine)."""
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="allocations")
    decision_no = models.CharField(max_length=60)
    decision_date = models.DateField()
    title = models.CharField(max_length=300)
    total_vnd = models.BigIntegerField()
    txn = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="allocation")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-decision_date", "-id"]


class AllocationLine(Immutable):
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="lines")
    purpose = models.CharField(max_length=20, choices=PURPOSE_CHOICES)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    amount_vnd = models.BigIntegerField()

    class Meta:
        ordering = ["id"]


class Disbursement(Immutable):
    """Money or goods paid from the fund to one household; also one support of the household
    (``support_entry``, source QVNN). Scope columns are the household's place."""
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="disbursements")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="fund_disbursements")
    purpose = models.CharField(max_length=20, choices=PURPOSE_CHOICES)
    paid_from = models.CharField(max_length=8)               # cash / bank / goods
    amount_vnd = models.BigIntegerField()
    date = models.DateField()
    document_no = models.CharField(max_length=60, blank=True)
    description = models.CharField(max_length=200, blank=True)
    allocation = models.ForeignKey(Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="disbursements")
    support_entry = models.ForeignKey("support.SupportEntry", on_delete=models.PROTECT, related_name="+")
    txn = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="disbursement")
    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]


class Transfer(Immutable):
    """Money sent from one fund to a fund of another level; its transaction has lines in both."""
    from_fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transfers_out")
    to_fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transfers_in")
    amount_vnd = models.BigIntegerField()
    date = models.DateField()
    reference = models.CharField(max_length=100, blank=True)
    txn = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="transfer")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]


class HouseProject(models.Model):
    """A Great Unity house supported by the fund, from the start of building to the handover,
    with the contributions of the fund, the state, the community and the household (VND)."""
    STAGES = [("planned", "Dự kiến", "Planned"), ("started", "Khởi công", "Started"),
              ("frame", "Xong móng, khung", "Foundation and frame"), ("roof", "Lợp mái", "Roof"),
              ("finished", "Hoàn thành", "Finished"), ("handed_over", "Bàn giao", "Handed over")]
    STAGE_CHOICES = [(k, vi) for k, vi, _ in STAGES]
    STAGE_ORDER = [k for k, _, _ in STAGES]
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="houses")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="fund_houses")
    stage = models.CharField(max_length=12, choices=STAGE_CHOICES, default="planned")
    stage_dates = models.JSONField(default=dict)             # stage → ISO date it was reached
    fund_vnd = models.BigIntegerField(default=0)
    state_vnd = models.BigIntegerField(default=0)
    community_vnd = models.BigIntegerField(default=0)
    household_vnd = models.BigIntegerField(default=0)
    disbursement = models.ForeignKey(Disbursement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedByFund.as_manager()

    class Meta:
        ordering = ["-id"]

    @property
    def total_vnd(self) -> int:
        return self.fund_vnd + self.state_vnd + self.community_vnd + self.household_vnd


class HouseContribution(Immutable):
    """One contribution to a house, as it was recorded: the source, the amount in VND (negative: a
    correction, with its reason), the date received, who and when. Append-only; the house's four
    totals (``HouseProject.<source>_vnd``) are their sums, kept in the same transaction."""
    SOURCES = ["fund", "state", "community", "household"]
    house = models.ForeignKey(HouseProject, on_delete=models.PROTECT, related_name="contributions")
    source = models.CharField(max_length=12, choices=[(s, s) for s in SOURCES])
    amount_vnd = models.BigIntegerField()
    date = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    at_start = models.BooleanField(default=False)        # known when the house was recorded
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]


class BankStatement(models.Model):
    """An imported bank statement and the result of matching it (lines kept as JSON)."""
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="statements")
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    lines = models.JSONField(default=list)          # [{row, date, amount, reference, description, entry}]
    matched = models.PositiveIntegerField(default=0)
    unmatched_statement = models.PositiveIntegerField(default=0)
    unmatched_ledger = models.JSONField(default=list)   # ledger line ids on the bank account left unmatched
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByFund.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]


class PublishedPeriod(Immutable):
    """A period the committee has published (the public page shows published periods only)."""
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="published")
    start = models.DateField()
    end = models.DateField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-end"]
        constraints = [models.UniqueConstraint(fields=["fund", "start", "end"], name="published_period_once")]
