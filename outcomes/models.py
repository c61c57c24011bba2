"""Follow-ups after procedures, and the outcome-linked rules that read them (domain.md §4 and §5).

Intervals and rules are data, each with its source, edited by administrators.
"""

import datetime
from typing import Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic.concurrency import version_field
from patients.models import Channel
from procedures.models import Family, Intent, Procedure
from scheduling.models import Appointment


def next_working_day(day: datetime.date) -> datetime.date:
    """The clinic calls on weekdays: a follow-up falling on a weekend is due the Monday after."""
    return day + datetime.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


class FollowUpInterval(models.Model):
    """When to call after a procedure of a family: "2 weeks", "6 weeks", or hours for a diagnostic block."""

    family = models.CharField(max_length=20, choices=Family.choices)
    intent = models.CharField(max_length=12, choices=Intent.choices, blank=True, help_text="Empty for both.")
    label = models.CharField(max_length=40, help_text="e.g. 2 weeks, anaesthetic window")
    offset_days = models.PositiveSmallIntegerField(default=0)
    offset_hours = models.PositiveSmallIntegerField(
        default=0, help_text="For diagnostic blocks: the relief over the anaesthetic's duration."
    )
    source = models.CharField(max_length=300)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["family", "offset_days", "offset_hours"]
        constraints = [
            models.UniqueConstraint(fields=["family", "intent", "label"], name="interval_unique_label"),
            models.CheckConstraint(condition=~Q(source=""), name="interval_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.get_family_display()}: {self.label}"

    def due_on(self, performed_at: datetime.datetime) -> datetime.date:
        """Hours are time elapsed (an anaesthetic's duration); days are days on the clinic's calendar.

        Adding days to the aware moment itself would count them in whatever zone it carries: from a UTC
        moment (as the database returns it) a clock change in between moved a late-evening or early-morning
        procedure's follow-up a day.
        """
        window_ends = performed_at.astimezone(datetime.UTC) + datetime.timedelta(hours=self.offset_hours)
        return next_working_day(timezone.localdate(window_ends) + datetime.timedelta(days=self.offset_days))


class Method(models.TextChoices):
    PHONE = "phone", "Phone"
    VISIT = "visit", "Visit"
    PORTAL = "portal", "Portal"
    # Answered by the patient through a questionnaire link (`outcomes.links`), with no call.
    LINK = "link", "Patient-reported (link)"


class FollowUpStatus(models.TextChoices):
    DUE = "due", "Due"
    DONE = "done", "Done"
    NOT_REACHED = "not_reached", "Not reached"
    # Closed unasked when its procedure was voided (`outcomes.services.followup_cancel_for_void`).
    CANCELLED = "cancelled", "Cancelled: procedure void"


class PGIC(models.IntegerChoices):
    """Patient Global Impression of Change (IMMPACT): 1–2 is a meaningful improvement."""

    VERY_MUCH_IMPROVED = 1, "Very much improved"
    MUCH_IMPROVED = 2, "Much improved"
    MINIMALLY_IMPROVED = 3, "Minimally improved"
    NO_CHANGE = 4, "No change"
    MINIMALLY_WORSE = 5, "Minimally worse"
    MUCH_WORSE = 6, "Much worse"
    VERY_MUCH_WORSE = 7, "Very much worse"


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def open(self) -> Self:
        """Still to do: the SQL side of `FollowUp.is_closed`. It reads the status alone, because voiding a
        procedure cancels its calls still to do in the same transaction."""
        return self.filter(status=FollowUpStatus.DUE)

    def count_open(self, **buckets: Q) -> dict[str, int]:
        """How many open follow-ups meet each condition, by name: `count_open(overdue=Q(due_on__lt=today))`.

        One index-only count (`follow_up_status_due_idx`) with a filtered count per condition.
        """
        return self.open().aggregate(**{name: Count("due_on", filter=condition) for name, condition in buckets.items()})

    def with_details(self) -> Self:
        return self.select_related(
            "procedure__patient", "procedure__procedure_type", "procedure__performed_by", "recorded_by"
        )

    def answered_by_patients(self, *, since: datetime.datetime) -> Self:
        """Closed by the patients themselves through a link, from `since` on (`follow_up_by_link_idx`)."""
        return self.filter(method=Method.LINK, recorded_at__gte=since)


class FollowUp(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="follow_ups")
    label = models.CharField(max_length=40)
    # Copied from the interval, so reports can ask for "the 2–6 week follow-up" in SQL.
    days_after = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.DUE)

    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    nrs = models.PositiveSmallIntegerField(
        "pain now (NRS 0–10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    relief_pct = models.PositiveSmallIntegerField(
        "relief since the procedure (%)", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    relief_days = models.PositiveSmallIntegerField(
        "relief lasted (days)", null=True, blank=True, help_text="Leave empty while the relief continues."
    )
    odi_answers = models.JSONField("ODI answers", null=True, blank=True)
    odi_score = models.PositiveSmallIntegerField(
        "ODI (0–100)", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    ndi_answers = models.JSONField("NDI answers", null=True, blank=True)
    ndi_score = models.PositiveSmallIntegerField(
        "NDI (0–100)", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    pgic = models.PositiveSmallIntegerField(
        "impression of change (PGIC)",
        choices=PGIC.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    new_complications = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    version = version_field()

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        permissions = [("view_dashboard", "Can see the outcomes dashboard")]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "label"], name="follow_up_unique_label"),
            models.CheckConstraint(condition=Q(nrs__lte=10), name="follow_up_nrs_0_10"),
            models.CheckConstraint(condition=Q(relief_pct__lte=100), name="follow_up_relief_0_100"),
            models.CheckConstraint(condition=Q(odi_score__lte=100), name="follow_up_odi_0_100"),
            models.CheckConstraint(condition=Q(ndi_score__lte=100), name="follow_up_ndi_0_100"),
            models.CheckConstraint(condition=Q(pgic__gte=1, pgic__lte=7), name="follow_up_pgic_1_7"),
            models.CheckConstraint(
                condition=Q(status__in=["due", "cancelled"]) | Q(recorded_at__isnull=False),
                name="follow_up_closed_when_recorded",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="follow_up_status_due_idx"),
            models.Index(fields=["procedure", "due_on"], name="follow_up_procedure_idx"),
            # Every call in the worklist's order (the API's list, and its due-date ranges over every status): a page
            # is read from the index in order, not sorted out of millions of calls.
            models.Index(fields=["due_on", "procedure", "id"], name="follow_up_order_idx"),
            # A procedure's closed calls counted from the index alone, for the dashboard's monthly sums.
            models.Index(fields=["procedure", "status"], name="follow_up_procedure_status_idx"),
            # The worklist's: only the calls still to make (a few percent of the table) in the list's order, so
            # counting them and finding a page of them read this index alone.
            models.Index(fields=["due_on", "procedure", "id"], condition=Q(status="due"), name="follow_up_open_idx"),
            # The same calls by procedure: a procedure's calls still to make, moved or cancelled with it, are found
            # from this small index alone rather than from the whole table's pages.
            models.Index(
                fields=["procedure"], include=["due_on"], condition=Q(status="due"), name="follow_up_open_procedure_idx"
            ),
            # The worklist's "answered by patients" and the dashboard's link answers: the few calls patients closed.
            models.Index(fields=["recorded_at"], condition=Q(method="link"), name="follow_up_by_link_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label} after {self.procedure}"

    @property
    def is_closed(self) -> bool:
        """Recorded, not reached or cancelled: nothing more is recorded on it. The pages and the recording services
        all ask this one question. A voided procedure closes its calls whatever their status says: voiding cancels
        them, and this reads the void itself as a second guard."""
        return self.status != FollowUpStatus.DUE or self.procedure.is_voided

    def is_overdue(self, today: datetime.date) -> bool:
        # The status alone, like `FollowUpQuerySet.open()`: a list of calls reads no procedure per row for this.
        return self.status == FollowUpStatus.DUE and self.due_on < today


class OutcomeRule(models.Model):
    """A rule that reads documented responses before a procedure (domain.md §4)."""

    class Kind(models.TextChoices):
        REPEAT_NEEDS_RESPONSE = "repeat", "A repeat needs a documented response to the last one"
        CANDIDACY = "candidacy", "Needs qualifying diagnostic procedures first"
        DIAGNOSTIC_POSITIVE = "diagnostic", "A diagnostic block is positive at this relief"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    target_family = models.CharField(max_length=20, choices=Family.choices, help_text="The procedure judged.")
    evidence_family = models.CharField(
        max_length=20, choices=Family.choices, help_text="The procedures whose response counts."
    )
    evidence_intent = models.CharField(max_length=12, choices=Intent.choices, blank=True)
    min_relief_pct = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    min_days = models.PositiveSmallIntegerField(default=0, help_text="Relief sustained at least this long.")
    min_count = models.PositiveSmallIntegerField(default=1, help_text="Qualifying procedures needed.")
    min_gap_days = models.PositiveSmallIntegerField(default=0, help_text="Days between qualifying procedures.")
    renew_after_months = models.PositiveSmallIntegerField(
        default=0,
        help_text="Candidacy only: when the last procedure judged is more than this many months old, the "
        "qualifying procedures must be redone after it (0: never).",
    )
    source = models.CharField(max_length=300)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["target_family", "code"]
        constraints = [
            models.CheckConstraint(condition=~Q(source=""), name="outcome_rule_has_source"),
            models.CheckConstraint(condition=Q(min_relief_pct__lte=100), name="outcome_rule_relief_0_100"),
            models.CheckConstraint(condition=Q(min_count__gte=1), name="outcome_rule_count_positive"),
            # Only candidacy reads evidence from before the target; other kinds would ignore the field silently.
            models.CheckConstraint(
                condition=Q(renew_after_months=0) | Q(kind="candidacy"),
                name="outcome_rule_renews_only_candidacy",
                violation_error_message="Only a candidacy rule can ask for its qualifying procedures again.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProcedureResponse(models.Model):
    """A procedure's best response at its 2–6 week follow-ups (`scoring.RESPONSE_DAYS`): the highest relief
    and the lowest NRS recorded. A row exists once one such follow-up is recorded.

    Kept so the dashboard groups plain columns instead of re-reading every follow-up per procedure; written
    only by `outcomes.services` (with each recorded follow-up, and rebuilt in bulk after a bulk load).
    """

    procedure = models.OneToOneField(
        Procedure, on_delete=models.CASCADE, primary_key=True, related_name="outcome_response"
    )
    best_relief = models.PositiveSmallIntegerField(null=True, blank=True)
    best_nrs = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Response to procedure {self.procedure_id}: relief {self.best_relief}, NRS {self.best_nrs}"


class MonthlyOutcome(models.Model):
    """The dashboard's procedure measures summed per month, physician, procedure type and spinal regions.

    Months are the clinic's calendar months. Written only by `outcomes.monthly`, which recomputes a month from
    its procedures whenever `SummarizedMonth` says it is not fresh; the dashboard reads whole months here and
    the days at a range's edges (this month so far) from the procedures themselves.
    """

    month = models.DateField()
    physician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    procedure_type = models.ForeignKey("procedures.ProcedureType", on_delete=models.CASCADE, related_name="+")
    # Whether the procedures had a spinal level there: the region filter (both for a C and an L level).
    cervicothoracic = models.BooleanField()
    lumbosacral = models.BooleanField()

    procedures = models.PositiveIntegerField()
    complicated = models.PositiveIntegerField()
    fluoroscopy = models.PositiveIntegerField()
    # outcomes.response_tables.RESPONSE_COUNTS, summed.
    followed_up = models.PositiveIntegerField()
    relief50 = models.PositiveIntegerField()
    relief30 = models.PositiveIntegerField()
    nrs_n = models.PositiveIntegerField()
    nrs2 = models.PositiveIntegerField()
    drop_sum = models.IntegerField()
    pre_sum = models.PositiveIntegerField()
    after_sum = models.PositiveIntegerField()
    # Follow-ups closed (recorded or not reached); the open ones depend on the day and are counted live.
    follow_ups_done = models.PositiveIntegerField()
    follow_ups_not_reached = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "physician", "procedure_type", "cervicothoracic", "lumbosacral"],
                name="monthly_outcome_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.procedures} procedures"


class SummarizedMonth(models.Model):
    """A month whose `MonthlyOutcome` rows were computed. Every change to a procedure of the month, or to
    its follow-ups, marks it stale in the same transaction; a month with no row has never been computed."""

    month = models.DateField(primary_key=True)
    fresh = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} ({'fresh' if self.fresh else 'stale'})"


class FollowUpLinkQuerySet(models.QuerySet["FollowUpLink"]):
    def unanswered(self) -> Self:
        return self.filter(answered_at__isnull=True)

    def live(self, now: datetime.datetime) -> Self:
        """Sent, unanswered and not expired: the patient may still answer."""
        return self.unanswered().filter(sent_at__isnull=False, expires_at__gt=now)


class FollowUpLink(models.Model):
    """A follow-up's questionnaire sent to the patient: one link per follow-up, answered once, until it expires.

    The link carries this row's id and `nonce`, signed with the site's secret (`outcomes.links`): it cannot be
    guessed or altered, and the same link can be sent again as a reminder. Written only by `outcomes.links`.
    """

    follow_up = models.OneToOneField(FollowUp, on_delete=models.PROTECT, related_name="link")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    sent_to = models.CharField("sent to", max_length=254)
    nonce = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Empty until the message went out: a send that failed is tried again by the next run.
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpLinkQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["nonce"])

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=["email", "sms"]), name="follow_up_link_channel"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="follow_up_link_expires"),
        ]
        indexes = [
            # The dashboard's response rate: links sent in a date range, by channel.
            models.Index(fields=["sent_at", "channel"], name="follow_up_link_sent_idx"),
            # The reminder run: unanswered links only.
            models.Index(fields=["sent_at"], condition=Q(answered_at__isnull=True), name="follow_up_link_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} for {self.follow_up}"

    def is_expired(self, now: datetime.datetime) -> bool:
        return now >= self.expires_at

    def needs_a_call(self, now: datetime.datetime) -> bool:
        """Expired unanswered while the follow-up is still open: the nurse calls instead."""
        return self.answered_at is None and self.is_expired(now)


class VisitBaseline(models.Model):
    """What the patient answered on the clinic's tablet at check-in: pain today and their disability index.

    One per visit; written only by `outcomes.kiosk`.
    """

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="baseline")
    answered_at = models.DateTimeField(default=timezone.now)
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nrs = models.PositiveSmallIntegerField("pain now (NRS 0–10)", validators=[MaxValueValidator(10)])
    odi_answers = models.JSONField("ODI answers", null=True, blank=True)
    odi_score = models.PositiveSmallIntegerField("ODI (0–100)", null=True, blank=True)
    ndi_answers = models.JSONField("NDI answers", null=True, blank=True)
    ndi_score = models.PositiveSmallIntegerField("NDI (0–100)", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(nrs__lte=10), name="visit_baseline_nrs_0_10"),
            models.CheckConstraint(condition=Q(odi_score__lte=100), name="visit_baseline_odi_0_100"),
            models.CheckConstraint(condition=Q(ndi_score__lte=100), name="visit_baseline_ndi_0_100"),
        ]

    def __str__(self) -> str:
        return f"Baseline at check-in for {self.appointment}"
