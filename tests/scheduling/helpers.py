"""Building schedules for tests, through the same services the pages use."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from patients.models import Patient
from procedures.models import ProcedureType
from scheduling import services
from scheduling.models import Appointment, Room, WorkingHours


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A clinic wall-clock time, made aware in the clinic's zone (correct across DST changes)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def next_weekday(weekday: int = 1) -> datetime.date:
    """The next given weekday (default Tuesday) at least a day ahead."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.weekday() != weekday:
        day += datetime.timedelta(days=1)
    return day


def room(name: str = "Procedure suite 1", kind: str = Room.Kind.PROCEDURE_SUITE) -> Room:
    found, _ = Room.objects.get_or_create(name=name, defaults={"kind": kind, "fluoroscopy": kind == "procedure_suite"})
    return found


def weekday_hours(physician: User, starts: int = 8, ends: int = 17) -> None:
    for weekday in range(5):
        WorkingHours.objects.create(
            physician=physician, weekday=weekday, starts=datetime.time(starts), ends=datetime.time(ends)
        )


def book(
    patient: Patient,
    physician: User,
    starts_at: datetime.datetime,
    minutes: int = 20,
    *,
    where: Room | None = None,
    visit_type: str = "follow_up",
    procedure: str = "",
    levels: str = "",
    side: str = "",
    limit_reason: str = "",
) -> Appointment:
    return services.appointment_book(
        patient=patient,
        slot=services.Slot(physician, where, starts_at, starts_at + datetime.timedelta(minutes=minutes)),
        visit_type=visit_type,
        booked_by=physician,
        procedure_type=ProcedureType.objects.get(code=procedure) if procedure else None,
        planned_levels=levels,
        planned_side=side,
        limit_reason=limit_reason,
    )
