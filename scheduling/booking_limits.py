"""The limit check at booking: planned procedures as provisional sessions, and the first slot within limits.

A booked procedure is not given yet, but it will be: the engine counts every booked, not cancelled,
planned procedure of the patient as a provisional session (marked "booked"), before and after the date
being booked, so two bookings never each pass as the 4th of 4 while together they are 4th and 5th.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from patients.models import Patient
from procedures import exposure, limits
from scheduling.models import Appointment, Room, Status, TimeOff, VisitType, WorkingHours

# How far ahead the first free slot is looked for before the front desk is left to choose.
SLOT_SEARCH_DAYS = 60
# Offered start times fall on this grid within working hours.
SLOT_STEP = datetime.timedelta(minutes=15)


def upcoming_procedures(patient: Patient) -> "list[Appointment]":
    """The patient's booked procedure visits from today on that are still to happen."""
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    return list(
        Appointment.objects.holding_slot()
        .filter(patient=patient, visit_type=VisitType.PROCEDURE, procedure__isnull=True, starts_at__gte=start)
        .exclude(status=Status.COMPLETED)
        .select_related("procedure_type", "patient__payer")
        .order_by("starts_at", "pk")
    )


def booked_sessions(patient: Patient, since: datetime.date) -> list[exposure.Injection]:
    """The provider the procedures app calls for the booking check (registered in AppConfig.ready)."""
    return [injection for injection in booked_injections(upcoming_procedures(patient)) if injection.on >= since]


def booked_injections(visits: "list[Appointment]") -> list[exposure.Injection]:
    """What the limit engine counts of these booked visits (`upcoming_procedures`): their planned procedures.

    A visit before today that was never logged did not happen as booked; `upcoming_procedures` starts today.
    """
    return [injection for visit in visits if (injection := visit.planned_injection()) is not None]


@dataclass(frozen=True)
class Offer:
    """The first slot within limits: that physician, that room, the first free time on or after the date."""

    physician: User
    room: Room | None
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    @property
    def local_start(self) -> datetime.datetime:
        return timezone.localtime(self.starts_at)

    @property
    def value(self) -> str:
        """As the booking form's "starts" input takes it."""
        return self.local_start.strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class BookingCheck:
    check: limits.ProposalCheck
    first_within: datetime.date | None
    offer: Offer | None

    @property
    def would_pass(self) -> bool:
        return bool(self.check.blocking)

    @property
    def flagged(self) -> list[exposure.RuleResult]:
        """What the schedule keeps: hard limits passed, and hard limits reached."""
        return self.check.blocking + [r for r in self.check.warnings if r.rule.severity == exposure.Severity.HARD]


def booking_check(
    appointment: Appointment,
    *,
    offer: bool = False,
    checker: limits.LimitChecker | None = None,
    booked: list[exposure.Injection] | None = None,
) -> BookingCheck | None:
    """Check a (possibly unsaved) procedure visit against the limits; None for visits that plan none.

    With `offer`, a visit that would pass a limit also gets the first date within limits and the
    physician's first free slot on or after it. A caller checking several visits of one patient passes the
    patient's `checker` and `booked` sessions (`booked_injections`), which are read here otherwise.
    """
    proposal = appointment.planned_injection()
    if proposal is None or not appointment.holds_slot or appointment.status == Status.COMPLETED:
        return None
    checker = checker or limits.LimitChecker(appointment.patient)
    if booked is None:
        booked = booked_injections(upcoming_procedures(appointment.patient))
    check = checker.check(proposal, booked)
    first_within, found = None, None
    if check.blocking:
        first_within = checker.first_date_within(proposal, booked)
        if offer and first_within is not None:
            found = first_free_slot(appointment, max(first_within, timezone.localdate()))
    return BookingCheck(check, first_within, found)


def first_free_slot(appointment: Appointment, on: datetime.date) -> Offer | None:
    """The physician's first start on or after `on`, within working hours and off no leave, that holds
    neither the physician, the room nor the patient elsewhere."""
    length = appointment.ends_at - appointment.starts_at
    last = on + datetime.timedelta(days=SLOT_SEARCH_DAYS)
    hours: dict[int, list[WorkingHours]] = {}
    for block in WorkingHours.objects.filter(physician=appointment.physician):
        hours.setdefault(block.weekday, []).append(block)
    if not hours:
        return None
    off = list(TimeOff.objects.filter(physician=appointment.physician, ends_on__gte=on, starts_on__lte=last))
    start_of = timezone.make_aware(datetime.datetime.combine(on, datetime.time.min))
    end_of = timezone.make_aware(datetime.datetime.combine(last, datetime.time.max))
    holders = Q(physician=appointment.physician) | Q(patient=appointment.patient)
    if appointment.room_id is not None:
        holders |= Q(room=appointment.room_id)
    taken = list(
        Appointment.objects.holding_slot()
        .filter(holders, starts_at__lt=end_of, ends_at__gt=start_of)
        .exclude(pk=appointment.pk)
        .values_list("starts_at", "ends_at")
    )
    now = timezone.now()
    day = on
    while day <= last:
        if not any(leave.starts_on <= day <= leave.ends_on for leave in off):
            for block in sorted(hours.get(day.weekday(), []), key=lambda b: b.starts):
                # Stepped in UTC, so a slot's length is real minutes even on the nights the clocks change.
                start = timezone.make_aware(datetime.datetime.combine(day, block.starts)).astimezone(datetime.UTC)
                close = timezone.make_aware(datetime.datetime.combine(day, block.ends)).astimezone(datetime.UTC)
                while start + length <= close:
                    end = start + length
                    if start > now and not any(s < end and start < e for s, e in taken):
                        return Offer(appointment.physician, appointment.room, start, end)
                    start += SLOT_STEP
        day += datetime.timedelta(days=1)
    return None
