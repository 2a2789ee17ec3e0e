"""Review rounds (rà soát): the periodic round of a commune and the monthly regular reviews.

A round moves listing → surveying → meeting → posting → recognised → locked; each household
in it has its own step. Results are Assessments (never edited); the round records the
procedure around them: who was listed and why, the village meeting votes, the posting,
complaints and the chairman's recognition.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models


class ReviewRound(models.Model):
    PERIODIC, REGULAR = "periodic", "regular"
    KINDS = [(PERIODIC, "Rà soát định kỳ"), (REGULAR, "Rà soát thường xuyên")]
    LISTING, SURVEYING, MEETING, POSTING, RECOGNISED, LOCKED = (
        "listing", "surveying", "meeting", "posting", "recognised", "locked")
    STATES = [(LISTING, "Lập danh sách"), (SURVEYING, "Rà soát, chấm điểm"), (MEETING, "Họp dân"),
              (POSTING, "Niêm yết, phúc tra"), (RECOGNISED, "Đã công nhận"), (LOCKED, "Đã khóa")]
    ORDER = [s for s, _ in STATES]
    KIND_EN = {PERIODIC: "Periodic review", REGULAR: "Regular review"}
    STATE_EN = {LISTING: "Listing", SURVEYING: "Survey and scoring", MEETING: "Village meeting",
                POSTING: "Posting and re-checks", RECOGNISED: "Recognised", LOCKED: "Locked"}
    # decision recorded for the rounds of years whose results were loaded from earlier records
    # (no household went through the round in this system)
    HISTORY_DECISION = "nhập từ số liệu lịch sử"

    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="review_rounds")
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=KINDS, default=PERIODIC)
    month = models.PositiveSmallIntegerField(null=True, blank=True)   # regular reviews only
    state = models.CharField(max_length=12, choices=STATES, default=LISTING)
    posting_days = models.PositiveSmallIntegerField(default=3)        # set by the legal text; configurable
    posted_from = models.DateField(null=True, blank=True)
    posted_to = models.DateField(null=True, blank=True)
    posting_places = models.CharField(max_length=300, blank=True)
    decision_no = models.CharField(max_length=60, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    decided_by = models.CharField(max_length=120, blank=True)          # the commune chairman
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], condition=models.Q(kind="periodic"),
                                    name="one_periodic_round_a_year"),
            models.UniqueConstraint(fields=["commune", "year", "month"], condition=models.Q(kind="regular"),
                                    name="one_regular_round_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} – {self.commune}"

    @property
    def is_locked(self) -> bool:
        return self.state == self.LOCKED

    def step_index(self) -> int:
        return self.ORDER.index(self.state)


class RoundHousehold(models.Model):
    REASONS = [("poor_last_year", "Hộ nghèo năm trước"), ("near_poor_last_year", "Hộ cận nghèo năm trước"),
               ("requested", "Hộ có giấy đề nghị (Mẫu 01)"), ("shock", "Hộ gặp rủi ro, biến cố"),
               ("asked_escape", "Hộ đề nghị công nhận thoát nghèo (Mẫu 04)")]
    LISTED, SURVEYED, AGREED, RETURNED, RECOGNISED = "listed", "surveyed", "agreed", "returned", "recognised"
    STEPS = [(LISTED, "Chờ rà soát"), (SURVEYED, "Đã rà soát"), (AGREED, "Họp dân thống nhất"),
             (RETURNED, "Họp dân không thống nhất – rà soát lại"), (RECOGNISED, "Đã công nhận")]
    REASON_EN = {"poor_last_year": "Poor last year", "near_poor_last_year": "Near-poor last year",
                 "requested": "Asked to be reviewed (form 01)", "shock": "Hit by a shock",
                 "asked_escape": "Asked to be recognised as out of poverty (form 04)"}
    STEP_EN = {LISTED: "To survey", SURVEYED: "Surveyed", AGREED: "Agreed by the village meeting",
               RETURNED: "Not agreed by the meeting – survey again", RECOGNISED: "Recognised"}
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="members")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="round_entries")
    reason = models.CharField(max_length=24, choices=REASONS)
    step = models.CharField(max_length=12, choices=STEPS, default=LISTED)
    assessment = models.ForeignKey("households.Assessment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    surveys = models.PositiveSmallIntegerField(default=0)
    meeting_attendees = models.PositiveIntegerField(null=True, blank=True)
    meeting_agree = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "household"], name="round_household_once")]

    @property
    def agree_share(self) -> float | None:
        if not self.meeting_attendees:
            return None
        return 100.0 * (self.meeting_agree or 0) / self.meeting_attendees


class VillageMeeting(models.Model):
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="meetings")
    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    chaired_by = models.CharField(max_length=120)
    attendees = models.PositiveIntegerField()
    minutes = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class Complaint(models.Model):
    PENDING, UPHELD, REJECTED = "pending", "upheld", "rejected"
    OUTCOMES = [(PENDING, "Đang xử lý"), (UPHELD, "Chấp nhận – phúc tra lại"), (REJECTED, "Không chấp nhận")]
    OUTCOME_EN = {PENDING: "Being handled", UPHELD: "Upheld – re-checked", REJECTED: "Rejected"}
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="complaints")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    complainant = models.CharField(max_length=120)
    content = models.TextField()
    outcome = models.CharField(max_length=10, choices=OUTCOMES, default=PENDING)
    resolution = models.TextField(blank=True)
    recheck = models.ForeignKey("households.Assessment", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
