"""The emulation movement (phong trào thi đua, issue 12 parts 1–5; docs/emulation.md).

- ``Movement``: launched by a decision (number, date, issuer, level), for a period, with goals
  (targets of ``chungtay.plans``), contents (``MovementContent``: Kon Tum's plan has six) and a
  state launched → running → interim review → final review → closed. A province's movement may
  be derived from the national one (``parent``), a commune's from the province's. A national
  movement has no unit; a province's or a commune's belongs to that unit (its area decides who
  sees and who writes it).
- ``Participant``: a unit (commune, village, a department recorded as a unit), a partner of the
  support app (``support.Partner``) or a household.
- ``Cluster`` (cụm / khối thi đua) and ``ClusterMember``: members for each year, one head and one
  deputy a year (rotation).
- ``Registration`` + ``RegisteredTarget``: the yearly registration (titles aimed for, targets with
  unit of measure and planned value). A household's pledge to escape poverty
  (``support.Pledge``) counts as its registration and is shown, not copied.
- ``Pact``: a cluster's giao ước (parties, clauses, signing date, the signed scan).
- ``Activity``: what a participant did under a content (communication, training, models
  replicated, support mobilised, exemplary people) with figures and evidence; support mobilised
  points to supports (``support.SupportEntry``) and donations already recorded.
- ``CriteriaSet``: a versioned criteria table in the core's JSON format
  (``chungtay.core.emulation``); a criterion with ``"source"`` is computed from platform data
  (``chungtay.core.emulation_sources.SOURCES``).
- ``ScoreRun`` / ``Score`` / ``ScoreTotal``: one scoring of a criteria set for a year:
  self-assessment → cluster re-check → council → published (with a public-comment period).
- ``EvidenceFile``: a scan or photo, stored 0600 under ``DATA_DIR/emulation-evidence``.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

LAUNCHED, RUNNING, INTERIM, FINAL, CLOSED = "launched", "running", "interim_review", "final_review", "closed"
STATES = [(LAUNCHED, "Đã phát động", "Launched"), (RUNNING, "Đang triển khai", "Running"),
          (INTERIM, "Sơ kết", "Interim review"), (FINAL, "Tổng kết", "Final review"), (CLOSED, "Đã kết thúc", "Closed")]
STATE_NAMES = {k: (vi, en) for k, vi, en in STATES}
NEXT_STATE = {LAUNCHED: RUNNING, RUNNING: INTERIM, INTERIM: FINAL, FINAL: CLOSED}

LEVELS = [("national", "Trung ương", "National"), ("province", "Tỉnh", "Province"), ("commune", "Xã", "Commune")]
LEVEL_NAMES = {k: (vi, en) for k, vi, en in LEVELS}

ACTIVITY_KINDS = [("communication", "Tuyên truyền (pano, băng rôn, áp phích, sổ tay, phát thanh)",
                   "Communication (billboards, banners, posters, handbooks, broadcasts)"),
                  ("training", "Tập huấn (lớp, số đơn vị cử người / được mời)", "Training (courses, attendance)"),
                  ("model", "Nhân rộng mô hình", "Models replicated"),
                  ("support", "Vận động nguồn lực hỗ trợ", "Support mobilised"),
                  ("exemplary", "Gương điển hình tiên tiến", "Exemplary people and collectives")]
ACTIVITY_NAMES = {k: (vi, en) for k, vi, en in ACTIVITY_KINDS}

SELF, RECHECK, COUNCIL, PUBLISHED = "self_assessment", "cluster_recheck", "council", "published"
RUN_STATES = [(SELF, "Tự chấm", "Self-assessment"), (RECHECK, "Cụm, khối phúc tra", "Cluster re-check"),
              (COUNCIL, "Hội đồng thi đua chấm", "Council"), (PUBLISHED, "Đã công bố", "Published")]
RUN_STATE_NAMES = {k: (vi, en) for k, vi, en in RUN_STATES}
NEXT_RUN_STATE = {SELF: RECHECK, RECHECK: COUNCIL, COUNCIL: PUBLISHED}
STAGE_FIELD = {SELF: "self_value", RECHECK: "recheck_value", COUNCIL: "council_value"}


class MovementQuerySet(models.QuerySet):
    def for_user(self, user):
        """Movements of the user's area, and those of the units above it (a commune sees its
        province's movement and the national one)."""
        from chungtay.accounts.access import scope_for
        from chungtay.units.models import Unit
        scope = scope_for(user)
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        communes = set(scope.commune_ids)
        provinces = set(scope.province_ids)
        for u in Unit.objects.filter(pk__in=scope.commune_ids | scope.village_ids).select_related("parent"):
            if u.level == Unit.VILLAGE:
                communes.add(u.parent_id)
                provinces.add(u.parent.parent_id)
            else:
                provinces.add(u.parent_id)
        return self.filter(Q(unit__isnull=True) | Q(province_id__in=scope.province_ids) | Q(commune_id__in=communes)
                           | Q(commune__isnull=True, province_id__in=provinces))


class Movement(models.Model):
    name = models.CharField(max_length=300)
    level = models.CharField(max_length=10, choices=[(k, vi) for k, vi, _ in LEVELS])
    decision_no = models.CharField(max_length=60)             # 1258/QĐ-TTg, 2736/KH-UBND
    decision_date = models.DateField()
    issuer = models.CharField(max_length=200)                 # Thủ tướng Chính phủ, UBND tỉnh Kon Tum
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="derived")
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    goals = models.ManyToManyField("plans.Target", blank=True, related_name="movements")
    goal_text = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=[(k, vi) for k, vi, _ in STATES], default=LAUNCHED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "-id"]
        constraints = [models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")),
                                              name="movement_period")]

    def __str__(self) -> str:
        return f"{self.name} ({self.decision_no})"


class MovementContent(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="contents")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["movement", "number"], name="content_once")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class EvidenceFile(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="files")
    stored_name = models.CharField(max_length=80, unique=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Participant(models.Model):
    UNIT, PARTNER, HOUSEHOLD = "unit", "partner", "household"
    KINDS = [(UNIT, "Đơn vị hành chính (xã, thôn)", "Administrative unit"), (PARTNER, "Cơ quan, tổ chức, doanh nghiệp",
             "Organisation"), (HOUSEHOLD, "Hộ gia đình", "Household")]
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(max_length=10, choices=[(k, vi) for k, vi, _ in KINDS])
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("support.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("households.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    name = models.CharField(max_length=200)
    joined_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(name="participant_one_subject", condition=(
                Q(kind="unit", unit__isnull=False, partner__isnull=True, household__isnull=True)
                | Q(kind="partner", unit__isnull=True, partner__isnull=False, household__isnull=True)
                | Q(kind="household", unit__isnull=True, partner__isnull=True, household__isnull=False))),
            models.UniqueConstraint(fields=["movement", "unit"], name="participant_unit_once"),
            models.UniqueConstraint(fields=["movement", "partner"], name="participant_partner_once"),
            models.UniqueConstraint(fields=["movement", "household"], name="participant_household_once")]

    def __str__(self) -> str:
        return self.name


class Cluster(models.Model):
    CLUSTER, BLOCK = "cluster", "block"
    KINDS = [(CLUSTER, "Cụm thi đua", "Cluster"), (BLOCK, "Khối thi đua", "Block")]
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="clusters")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=[(k, vi) for k, vi, _ in KINDS], default=CLUSTER)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["movement", "name"], name="cluster_name_once")]

    def __str__(self) -> str:
        return self.name


class ClusterMember(models.Model):
    MEMBER, HEAD, DEPUTY = "member", "head", "deputy"
    ROLES = [(MEMBER, "Thành viên", "Member"), (HEAD, "Cụm trưởng", "Head"), (DEPUTY, "Cụm phó", "Deputy")]
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="memberships")
    year = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=8, choices=[(k, vi) for k, vi, _ in ROLES], default=MEMBER)

    class Meta:
        ordering = ["year", "cluster", "participant__name"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "year"], name="one_cluster_a_year"),
            models.UniqueConstraint(fields=["cluster", "year"], condition=Q(role="head"), name="one_head_a_year"),
            models.UniqueConstraint(fields=["cluster", "year"], condition=Q(role="deputy"), name="one_deputy_a_year")]


class Registration(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="registrations")
    year = models.PositiveSmallIntegerField()
    titles = models.JSONField(default=list)                    # titles aimed for, as text
    registered_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-year", "participant__name"]
        constraints = [models.UniqueConstraint(fields=["participant", "year"], name="registration_once_a_year")]


class RegisteredTarget(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="targets")
    content = models.CharField(max_length=300)
    unit_of_measure = models.CharField(max_length=40)
    planned_value = models.DecimalField(max_digits=16, decimal_places=3)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]


class Pact(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="pacts")
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    clauses = models.TextField()
    signed_on = models.DateField()
    parties = models.ManyToManyField(Participant, related_name="pacts")
    scan = models.ForeignKey(EvidenceFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-year", "-signed_on"]
        constraints = [models.UniqueConstraint(fields=["cluster", "year"], name="pact_once_a_year")]


class Activity(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="activities")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="activities")
    content = models.ForeignKey(MovementContent, null=True, blank=True, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(max_length=14, choices=[(k, vi) for k, vi, _ in ACTIVITY_KINDS])
    title = models.CharField(max_length=300)
    date = models.DateField()
    year = models.PositiveSmallIntegerField()
    quantity = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)   # 10 billboards, 350 posters
    unit_of_measure = models.CharField(max_length=40, blank=True)
    reached = models.PositiveIntegerField(null=True, blank=True)       # training: 72 communes sent staff…
    invited = models.PositiveIntegerField(null=True, blank=True)       # …of 86 invited
    story = models.TextField(blank=True)                               # an exemplary person's story
    supports = models.ManyToManyField("support.SupportEntry", blank=True, related_name="+")
    donation_ids = models.JSONField(default=list)                      # fund.Donation ids (the fund app is optional)
    evidence = models.ForeignKey(EvidenceFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(invited__isnull=True) | Q(reached__lte=models.F("invited")),
                                              name="activity_reached_of_invited")]


class CriteriaSet(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="criteria_sets")
    code = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=300)
    table = models.JSONField()                     # the core's export format (docs/emulation.md)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["movement", "code", "version"], name="criteria_set_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class ScoreRun(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="runs")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="runs")
    year = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=[(k, vi) for k, vi, _ in RUN_STATES], default=SELF)
    computed_at = models.DateTimeField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    comment_until = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "year"], name="one_run_a_year")]


class Score(models.Model):
    """One participant on one criterion: the value used, its points and the explanation (the
    formula with the figures); entered values per stage, computed ones from the platform."""
    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="scores")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(max_length=60)
    source = models.CharField(max_length=40, blank=True)          # computed: the data source
    self_value = models.FloatField(null=True, blank=True)
    recheck_value = models.FloatField(null=True, blank=True)
    council_value = models.FloatField(null=True, blank=True)
    evidence = models.ForeignKey(EvidenceFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField(null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    figures_vi = models.TextField(blank=True)                     # where the value comes from
    figures_en = models.TextField(blank=True)
    explanation_vi = models.TextField(blank=True)                 # the formula of the points (core.explain)
    explanation_en = models.TextField(blank=True)

    class Meta:
        ordering = ["participant__name", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "participant", "criterion"], name="score_once")]


class ScoreTotal(models.Model):
    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="totals")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    cluster = models.CharField(max_length=200, blank=True)
    total = models.FloatField()
    rank = models.PositiveIntegerField()
    band = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["cluster", "rank", "participant__name"]
        constraints = [models.UniqueConstraint(fields=["run", "participant"], name="score_total_once")]


# --------------------------------------------------------------------------- nominations, decisions, awards
# (issue 12 §6; the rules as data in ``commendation.py``; the writes in ``actions_awards.py``)

class Restriction(models.Model):
    """A dated record that bars commendation (Decree 98/2023 Art. 4): a discipline considered or
    served, an investigation, or a complaint being verified, on a subject (the unit, partner or
    household of a participant; ``person_name`` for one person of it). Ended by a later date
    (``ended_on``, written once), never deleted."""
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="restrictions")
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("support.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("households.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    person_name = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=14)
    reference = models.CharField(max_length=120, blank=True)        # the document that opened it
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reference = models.CharField(max_length=120, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                                              name="restriction_period")]


class Nomination(models.Model):
    """A nomination dossier (hồ sơ đề nghị khen thưởng) for a subject: a participant as a collective
    or a household, or one person of it (``person_name``)."""
    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="nominations")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="nominations")
    subject_kind = models.CharField(max_length=10)                  # collective, individual, household
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("support.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("households.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    person_name = models.CharField(max_length=120, blank=True)
    person_position = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField()                       # the year of the achievements
    form_code = models.CharField(max_length=40)                     # the form or title proposed (commendation.FORMS)
    achievements = models.TextField()
    run = models.ForeignKey(ScoreRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=20, default="draft")
    returned_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]

    @property
    def subject_name(self) -> str:
        if self.person_name:
            return f"{self.person_name}" + (f", {self.person_position}" if self.person_position else "") + \
                f" ({self.participant.name})"
        return self.participant.name


class NominationItem(models.Model):
    """One item of the Art. 84 checklist: the evidence file and whether it was checked."""
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=30)
    evidence = models.ForeignKey(EvidenceFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    checked = models.BooleanField(default=False)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["nomination", "code"], name="nomination_item_once")]


class NominationEvent(models.Model):
    """Each move of a dossier (append-only): before, after, the reason of a return."""
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="events")
    before = models.CharField(max_length=20, blank=True)
    after = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class CouncilVote(models.Model):
    """The council's vote on a dossier: the members, who was present and how they voted, the rule
    used (a copy of ``commendation.VOTE_RULES``) and the outcome computed from it."""
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="vote")
    council = models.CharField(max_length=200)
    held_on = models.DateField()
    rule = models.JSONField()
    members_total = models.PositiveSmallIntegerField()
    present = models.PositiveSmallIntegerField()
    approvals = models.PositiveSmallIntegerField()                  # counted (conflicted members left out)
    rejections = models.PositiveSmallIntegerField(default=0)
    quorum_met = models.BooleanField()
    approved = models.BooleanField()
    outcome_vi = models.TextField()
    outcome_en = models.TextField()
    minutes = models.ForeignKey(EvidenceFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class CouncilMember(models.Model):
    APPROVE, REJECT, ABSTAIN = "approve", "reject", "abstain"
    vote = models.ForeignKey(CouncilVote, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=120)
    position = models.CharField(max_length=200, blank=True)
    affiliation = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("support.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("households.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    present = models.BooleanField()
    ballot = models.CharField(max_length=8, blank=True)             # approve, reject, abstain ("" when absent)
    conflict = models.BooleanField(default=False)
    conflict_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]


class AwardDecision(models.Model):
    """One entry of the decision register: the decision (number, date, issuer), the form or title
    and its level, the subject, and the bonus: coefficient × the base salary in force on the date
    (both kept as they were), the integer VND amount. A draft (``final`` False) is printed with the
    draft mark until it is issued; a revocation and recoveries are later records."""
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="decision")
    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="decisions")
    number = models.CharField(max_length=60, blank=True)
    decided_on = models.DateField()
    issuer = models.CharField(max_length=200)
    signer = models.CharField(max_length=120, blank=True)
    form_code = models.CharField(max_length=40)
    form_level = models.CharField(max_length=16)
    subject_kind = models.CharField(max_length=10)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("support.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("households.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    person_name = models.CharField(max_length=120, blank=True)
    subject_name = models.CharField(max_length=400)
    year = models.PositiveSmallIntegerField()
    citation = models.TextField(blank=True)                          # "đã có thành tích xuất sắc …"
    coefficient = models.DecimalField(max_digits=6, decimal_places=2)
    base_salary = models.BigIntegerField()
    salary_source = models.CharField(max_length=80)
    bonus_vnd = models.BigIntegerField()
    final = models.BooleanField(default=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(bonus_vnd__gte=0), name="award_bonus_not_negative"),
                       models.CheckConstraint(condition=Q(final=False) | ~Q(number=""), name="award_final_has_number")]


class AwardRevocation(models.Model):
    """The decision that revokes an award (Law 06/2022, Chapter VII): never an edit of the award."""
    decision = models.OneToOneField(AwardDecision, on_delete=models.PROTECT, related_name="revocation")
    number = models.CharField(max_length=60)
    decided_on = models.DateField()
    issuer = models.CharField(max_length=200)
    reason = models.TextField()
    recover_bonus = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class BonusRecovery(models.Model):
    """Money of a revoked award paid back (integer VND), one record per payment."""
    decision = models.ForeignKey(AwardDecision, on_delete=models.PROTECT, related_name="recoveries")
    amount_vnd = models.BigIntegerField()
    recovered_on = models.DateField()
    reference = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recovered_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="recovery_positive")]
