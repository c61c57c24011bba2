"""Rooms, physicians' hours, appointments and the waitlist.

Times are stored in UTC and shown in the clinic's TIME_ZONE. Double booking is refused twice over:
in the booking transaction (both databases) and, on PostgreSQL, by exclusion constraints on the time
range (`scheduling.constraints`), which make two concurrent bookings of one slot impossible.
"""

import datetime
from functools import lru_cache
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic.concurrency import form_token_field, form_token_unique, version_field
from clinic.staff import staff_name
from patients.models import Patient
from procedures import exposure, limits
from procedures.models import Procedure, ProcedureType, Side
from procedures.spine import LEVEL_ORDER
from scheduling.constraints import no_overlap

# The reference stamp that triggers on the rooms renew on any write (migration 0010): forms find a posted room in
# the copy of the active rooms each process keeps under it (`clinic.reference`).
ROOMS_STAMP = "rooms"


class Room(models.Model):
    class Kind(models.TextChoices):
        PROCEDURE_SUITE = "procedure_suite", "Procedure suite"
        EXAM_ROOM = "exam_room", "Exam room"

    name = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    fluoroscopy = models.BooleanField("has fluoroscopy (C-arm)", default=False)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """One block of a physician's regular week; a day may have several (a morning and an afternoon)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    physician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["physician", "weekday", "starts"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")),
                name="working_hours_end_after_start",
                violation_error_message="The block must end after it starts.",
            ),
            models.UniqueConstraint(fields=["physician", "weekday", "starts"], name="working_hours_unique_block"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class TimeOff(models.Model):
    physician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day off (inclusive).")
    reason = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="time_off_ends_after_start",
                violation_error_message="Time off cannot end before it starts.",
            ),
        ]
        indexes = [models.Index(fields=["physician", "starts_on", "ends_on"], name="time_off_physician_idx")]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on}"


class VisitType(models.TextChoices):
    NEW_CONSULT = "new_consult", "New consult"
    FOLLOW_UP = "follow_up", "Follow-up"
    PROCEDURE = "procedure", "Procedure"


# Minutes a visit takes unless the front desk says otherwise.
DEFAULT_MINUTES = {VisitType.NEW_CONSULT: 45, VisitType.FOLLOW_UP: 20, VisitType.PROCEDURE: 30}
# The longest visit that can be booked (the booking form's limit, checked again by the booking service): a
# visit still running at some moment started at most this long before it, which bounds every overlap search.
MAX_VISIT_MINUTES = 480


class Status(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CONFIRMED = "confirmed", "Confirmed"
    CHECKED_IN = "checked_in", "Checked in"
    IN_ROOM = "in_room", "In room"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


# The visit's path through the day; anything else is refused with a message.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SCHEDULED: frozenset({Status.CONFIRMED, Status.CHECKED_IN, Status.CANCELLED, Status.NO_SHOW}),
    Status.CONFIRMED: frozenset({Status.CHECKED_IN, Status.CANCELLED, Status.NO_SHOW}),
    Status.CHECKED_IN: frozenset({Status.IN_ROOM, Status.CANCELLED}),
    Status.IN_ROOM: frozenset({Status.COMPLETED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.NO_SHOW: frozenset(),
}
# What the button that moves a visit to each status says.
ACTION_LABELS: dict[str, str] = {
    Status.CONFIRMED: "Confirm",
    Status.CHECKED_IN: "Check in",
    Status.IN_ROOM: "In room",
    Status.COMPLETED: "Complete",
    Status.NO_SHOW: "No-show",
}
# The one-click step on the day's list: the visit's usual next status.
NEXT_STEP: dict[str, str] = {
    Status.SCHEDULED: Status.CHECKED_IN,
    Status.CONFIRMED: Status.CHECKED_IN,
    Status.CHECKED_IN: Status.IN_ROOM,
    Status.IN_ROOM: Status.COMPLETED,
}
# Cancelled and no-show visits free their slot; every other status holds it.
FREEING_STATUSES = frozenset({Status.CANCELLED, Status.NO_SHOW})
SIDE_LABELS: dict[str, str] = dict(Side.choices)


def sorted_levels(planned_levels: str) -> list[str]:
    """ "l5-s1, L4-L5" as ["L4-L5", "L5-S1"]: each level once, top to bottom."""
    levels = {lvl.strip().upper() for lvl in planned_levels.split(",") if lvl.strip()}
    return sorted(levels, key=lambda lvl: LEVEL_ORDER.get(lvl, 999))


# A busy day's grid names a thousand plans, most of them alike.
@lru_cache(maxsize=1024)
def plan_summary(procedure_name: str, planned_levels: str, planned_side: str) -> str:
    """How the schedule names a planned procedure: "Transforaminal ESI L4-L5, L5-S1 left"."""
    side = SIDE_LABELS.get(planned_side, planned_side)
    return " ".join(part for part in (procedure_name, ", ".join(sorted_levels(planned_levels)), side.lower()) if part)


def limit_flag(summary: str, override_reason: str) -> str:
    """The schedule badge's tooltip: what the visit would pass, and the reason it was booked anyway."""
    why = f"\nBooked anyway: {override_reason}" if override_reason else ""
    return f"{summary}{why}"


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def holding_slot(self) -> Self:
        return self.exclude(status__in=FREEING_STATUSES)

    def overlapping(self, starts_at: datetime.datetime, ends_at: datetime.datetime) -> Self:
        """Visits sharing some of [starts_at, ends_at).

        Half-open ranges: a visit ending at 09:30 and one starting at 09:30 do not overlap. No visit is longer
        than MAX_VISIT_MINUTES, so one still running at `starts_at` began after `starts_at - MAX_VISIT_MINUTES`:
        with that lower bound the (physician | room | patient, starts_at) indexes read a day's visits, not
        every visit since the clinic opened.
        """
        # In UTC: arithmetic on a time in the clinic's zone is wall-clock, an hour off across a clock change.
        earliest = starts_at.astimezone(datetime.UTC) - datetime.timedelta(minutes=MAX_VISIT_MINUTES)
        return self.filter(starts_at__gt=earliest, starts_at__lt=ends_at, ends_at__gt=starts_at)

    def on_day(self, day: datetime.date) -> Self:
        """Appointments starting on a clinic-calendar day (a DST day is 23 or 25 hours long)."""
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def with_details(self) -> Self:
        return self.select_related("patient", "physician", "room", "procedure_type")

    def with_shared_details(self) -> Self:
        """`with_details` for a day's hundreds of visits: its few physicians, rooms and planned procedures are
        read once each (three small queries) and shared by their visits, instead of rebuilt on every row."""
        return self.select_related("patient").prefetch_related("physician", "room", "procedure_type")


class Appointment(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    physician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments")
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    visit_type = models.CharField(max_length=20, choices=VisitType.choices)
    procedure_type = models.ForeignKey(
        ProcedureType, on_delete=models.PROTECT, null=True, blank=True, verbose_name="planned procedure"
    )
    planned_levels = models.CharField(max_length=100, blank=True, help_text="e.g. L4-L5, L5-S1")
    planned_side = models.CharField(max_length=10, choices=Side.choices, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.CharField(max_length=200, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # The record logged from this visit; the procedure itself knows nothing of scheduling.
    procedure = models.OneToOneField(
        Procedure, on_delete=models.PROTECT, null=True, blank=True, related_name="appointment"
    )
    # The steroid-limit check run at booking, kept so the schedule shows it without re-running the engine.
    limit_would_pass = models.BooleanField(default=False)
    limit_summary = models.TextField(blank=True)
    limit_clears_on = models.DateField(null=True, blank=True)
    limit_override_reason = models.CharField(
        "reason to book past the limit",
        max_length=300,
        blank=True,
        help_text="Needed only when the visit would pass a hard limit; the physician sees it on the schedule.",
    )
    version = version_field()
    form_token = form_token_field()

    objects = AppointmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            form_token_unique("appointment_form_token_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="appointment_ends_after_start",
                violation_error_message="The visit must end after it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="appointment_cancel_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(visit_type="procedure") | Q(procedure_type__isnull=False),
                name="appointment_procedure_has_type",
                violation_error_message="A procedure visit needs the planned procedure.",
            ),
            *(
                no_overlap(f"appointment_{column}_no_overlap", column, FREEING_STATUSES)
                for column in ("physician", "room", "patient")
            ),
        ]
        indexes = [
            # With the physician and the status: the dashboard counts a year of visits from the index alone.
            models.Index(fields=["starts_at"], include=["physician", "status"], name="appointment_start_idx"),
            models.Index(fields=["physician", "starts_at"], name="appointment_physician_idx"),
            models.Index(fields=["room", "starts_at"], name="appointment_room_idx"),
            models.Index(fields=["patient", "starts_at"], name="appointment_patient_idx"),
            models.Index(fields=["status", "starts_at"], name="appointment_status_idx"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.get_visit_type_display()} {local:%Y-%m-%d %H:%M} with {self.physician_name}"

    def get_absolute_url(self) -> str:
        return reverse("scheduling:detail", args=[self.pk])

    @property
    def physician_name(self) -> str:
        return staff_name(self.physician)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def local_start(self) -> datetime.datetime:
        return timezone.localtime(self.starts_at)

    @property
    def local_end(self) -> datetime.datetime:
        return timezone.localtime(self.ends_at)

    @property
    def holds_slot(self) -> bool:
        return self.status not in FREEING_STATUSES

    @property
    def levels(self) -> list[str]:
        return sorted_levels(self.planned_levels)

    @property
    def planned_summary(self) -> str:
        if not self.procedure_type:
            return ""
        return plan_summary(self.procedure_type.name, self.planned_levels, self.planned_side)

    @property
    def plans_procedure(self) -> bool:
        """Whether the visit plans a procedure, which the limit check counts as a booked session."""
        return self.visit_type == VisitType.PROCEDURE and self.procedure_type_id is not None

    def planned_injection(self) -> exposure.Injection | None:
        """The planned procedure as the limit engine sees it: booked, with no dose (that is decided in the room)."""
        if not self.plans_procedure or self.procedure_type is None:
            return None
        side = self.planned_side or Side.MIDLINE
        return limits.proposed_injection(
            procedure_type=self.procedure_type,
            performed_on=timezone.localdate(self.starts_at),
            intent="",
            approach="",
            sites=[(level, side) for level in self.levels],
            doses=[],
            # Records and bookings meet in one history: bookings take negative ids so neither replaces the other.
            procedure_id=-self.pk if self.pk else None,
            booked=True,
        )

    @property
    def passes_limit(self) -> bool:
        """Whether the schedule flags the visit: it would pass a hard limit and is still going to happen."""
        return self.limit_would_pass and self.holds_slot

    @property
    def limit_flag(self) -> str:
        return limit_flag(self.limit_summary, self.limit_override_reason)

    def can_become(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    @property
    def actions(self) -> list[tuple[str, str]]:
        """(status, button label) for every step this visit can take except cancelling, which asks why."""
        return [(s, ACTION_LABELS[s]) for s in Status.values if s != Status.CANCELLED and self.can_become(s)]

    @property
    def next_step(self) -> tuple[str, str] | None:
        """(status, button label) of the day's usual next step, or None once it is over."""
        status = NEXT_STEP.get(self.status)
        return (status, ACTION_LABELS[status]) if status else None


class WaitlistEntry(models.Model):
    """A patient who wants an earlier slot; offered when a matching appointment is cancelled."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="waitlist_entries")
    physician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for any physician.",
    )
    visit_type = models.CharField(max_length=20, choices=VisitType.choices)
    earliest_on = models.DateField("earliest date", help_text="The first day the patient can come.")
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=200, blank=True)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="Booked into."
    )
    form_token = form_token_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "waitlist entries"
        constraints = [form_token_unique("waitlist_form_token_unique")]
        indexes = [models.Index(fields=["closed_at", "visit_type", "earliest_on"], name="waitlist_open_idx")]

    def __str__(self) -> str:
        return f"{self.patient} — {self.get_visit_type_display()} from {self.earliest_on}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
