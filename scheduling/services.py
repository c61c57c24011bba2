"""Booking, moving, cancelling and the visit's day: every write to the schedule, each one transaction."""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Required, TypedDict, Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from clinic import validators
from clinic.concurrency import create_once, take_version
from clinic.staff import staff_name
from patients.models import Patient
from procedures import exposure, limits
from procedures.models import Procedure, ProcedureType
from procedures.spine import LEVEL_ORDER
from scheduling import booking_limits, hours
from scheduling.models import (
    FREEING_STATUSES,
    MAX_VISIT_MINUTES,
    TRANSITIONS,
    Appointment,
    Room,
    Status,
    VisitType,
    WaitlistEntry,
)


@dataclass(frozen=True)
class Slot:
    """Who and where, when: what a booking or a move asks for."""

    physician: User
    room: Room | None
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def _describe(appointment: Appointment) -> str:
    start = appointment.local_start
    return (
        f"{appointment.get_visit_type_display()} for {appointment.patient.full_name} with "
        f"{appointment.physician_name} on {start:%a %Y-%m-%d} {start:%H:%M}–{appointment.local_end:%H:%M}"
        + (f" in {appointment.room}" if appointment.room else "")
    )


def conflicts(patient: Patient, slot: Slot, *, exclude: int | None = None) -> list[str]:
    """Sentences naming each appointment that holds the physician, room or patient in this slot."""
    clash = Q(physician=slot.physician) | Q(patient=patient)
    if slot.room is not None:
        clash |= Q(room=slot.room)
    found = Appointment.objects.holding_slot().overlapping(slot.starts_at, slot.ends_at).filter(clash)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    # Nearly every check finds nothing: it asks for ids alone, and reads a clash's details once there is one.
    clashing = list(found.values_list("pk", flat=True))
    if not clashing:
        return []
    sentences = []
    for other in Appointment.objects.filter(pk__in=clashing).with_shared_details().order_by("starts_at", "pk"):
        who = [
            what
            for what, same in (
                (other.physician_name, other.physician_id == slot.physician.pk),
                (str(other.room), slot.room is not None and other.room_id == slot.room.pk),
                (patient.full_name, other.patient_id == patient.pk),
            )
            if same
        ]
        sentences.append(f"{' and '.join(who)} already booked: {_describe(other)}.")
    return sentences


def hours_warnings(slot: Slot) -> list[str]:
    """Outside working hours or on time off: a warning for the front desk, never a block."""
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    name = staff_name(slot.physician)
    blocks = hours.day_blocks(slot.physician.pk, start.date())
    off = sorted((b for b in blocks if b.off), key=lambda b: b.off_from or datetime.date.min)
    working = sorted((b for b in blocks if not b.off), key=lambda b: b.starts or datetime.time.min)
    warnings = [f"{name} is off {b.off_from}–{b.off_to}{': ' + b.reason if b.reason else ''}." for b in off]
    within = (
        b.starts is not None and b.ends is not None and b.starts <= start.time() and end.time() <= b.ends
        for b in working
    )
    if not (any(within) and start.date() == end.date()):
        listed = ", ".join(f"{b.starts:%H:%M}–{b.ends:%H:%M}" for b in working) or "none"
        warnings.append(f"Outside {name}'s working hours on {start:%A}s ({listed}).")
    return warnings


def planned_levels(text: str) -> str:
    """Normalise "l4-l5 l5-s1" to "L4-L5, L5-S1"; refuse what is not a spinal level."""
    levels = [part.strip().upper() for part in text.replace(";", ",").replace(" ", ",").split(",") if part.strip()]
    unknown = [level for level in levels if level not in LEVEL_ORDER]
    if unknown:
        raise ValidationError({"planned_levels": f"Not a spinal level: {', '.join(unknown)}. Use e.g. L4-L5, L5-S1."})
    return ", ".join(sorted(set(levels), key=LEVEL_ORDER.__getitem__))


LIMIT_REASON_NEEDED = (
    "This visit would pass a hard limit. Take the first date within limits, or give the reason to book anyway."
)


def _limit_snapshot(
    appointment: Appointment,
    checker: limits.LimitChecker | None = None,
    booked: list[exposure.Injection] | None = None,
) -> booking_limits.BookingCheck | None:
    """Run the limit check for the planned procedure on the visit's date and keep what it says.

    A visit that no longer holds its slot (cancelled, no-show) or is done keeps no banner.
    """
    found = booking_limits.booking_check(appointment, checker=checker, booked=booked)
    appointment.limit_would_pass = bool(found and found.would_pass)
    appointment.limit_summary = "\n".join(f"{r.rule.name}: {r.explain()}." for r in found.flagged) if found else ""
    clears = found.first_within if found and found.would_pass else None
    appointment.limit_clears_on = clears
    if not appointment.limit_would_pass:
        appointment.limit_override_reason = ""
    return found


def _require_limit_reason(appointment: Appointment, reason: str) -> None:
    """Booking past a hard limit is allowed with a reason, which the physician then sees on the schedule."""
    if not appointment.limit_would_pass:
        return
    if not reason.strip():
        raise ValidationError({"limit_reason": LIMIT_REASON_NEEDED})
    appointment.limit_override_reason = reason.strip()


def appointment_limits_recheck(
    patient: Patient, *, exclude: Appointment | None = None, checker: limits.LimitChecker | None = None
) -> None:
    """Re-run the limit check of the patient's other booked procedures: a booking, a move, a cancellation
    or a logged procedure can change what each of them would pass. Every check shares one read of the
    history (`checker`, the caller's if it has one) and of the booked visits."""
    fields = ["limit_would_pass", "limit_summary", "limit_clears_on", "limit_override_reason"]
    visits = booking_limits.upcoming_procedures(patient)
    if not any(exclude is None or visit.pk != exclude.pk for visit in visits):
        return
    checker = checker or limits.LimitChecker(patient)
    booked = booking_limits.booked_injections(visits)
    for visit in visits:
        if exclude is not None and visit.pk == exclude.pk:
            continue
        before = [getattr(visit, name) for name in fields]
        _limit_snapshot(visit, checker, booked)
        if [getattr(visit, name) for name in fields] != before:
            visit._change_reason = "Limit check re-run"  # type: ignore[attr-defined]
            visit.save(update_fields=fields)


def appointment_limits_recheck_after_log(procedure: Procedure) -> None:
    """A logged procedure counts from now on: the patient's booked visits are checked again."""
    appointment_limits_recheck(procedure.patient)


def _recheck_others(appointment: Appointment, checker: limits.LimitChecker | None = None) -> None:
    """`appointment_limits_recheck` after booking, moving or freeing this visit, if it plans a procedure: only planned
    procedures count as booked sessions, so a follow-up or a consult changes nothing the others would pass."""
    if appointment.plans_procedure:
        appointment_limits_recheck(appointment.patient, exclude=appointment, checker=checker)


# What an archived patient is turned away from (`Patient.require_active`), here and on the waitlist page.
BOOKING = "booking"
WAITLISTING = "adding them to the waitlist"


class VisitPlan(TypedDict, total=False):
    """What the booking form says of a visit besides who, where and when: `appointment_book`'s arguments of the
    same names, which `waitlist_entry_book` passes on to it."""

    visit_type: Required[str]
    procedure_type: ProcedureType | None
    planned_levels: str
    planned_side: str
    reason: str
    notes: str
    limit_reason: str


def _check(slot: Slot, limit_reason: str, **text: str) -> None:
    """The start within the bookable days and the typed text (`clinic.validators`) plain, before any lock is taken
    or row read: refused before anything is written, keyed as the forms key it."""
    validators.check_record(
        Appointment(starts_at=slot.starts_at, limit_override_reason=limit_reason, **text),
        text=[*text, "limit_override_reason"],
        rules={"starts_at": validators.validate_visit_start},
        keys={"limit_override_reason": "limit_reason"},
    )


def _lock(patient: Patient, slot: Slot) -> None:
    """Queue bookings that touch the same physician, room or patient (PostgreSQL row locks).

    One statement locks the rows in the order of its FROM list, always physician, then room, then patient, so
    two bookings never wait on each other in a circle; the second one's conflict check then sees the first.
    SQLite has no row locks: its IMMEDIATE transactions (settings) queue every writer anyway.
    """
    if not connection.features.has_select_for_update:
        return
    rows = [
        (User, slot.physician.pk),
        *([(Room, slot.room.pk)] if slot.room is not None else []),
        (Patient, patient.pk),
    ]
    quote = connection.ops.quote_name
    tables = ", ".join(f"{quote(model._meta.db_table)} t{n}" for n, (model, _pk) in enumerate(rows))
    match = " AND ".join(f"t{n}.{quote(model._meta.pk.column)} = %s" for n, (model, _pk) in enumerate(rows))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {tables} WHERE {match} FOR UPDATE", [pk for _model, pk in rows])


def _save(appointment: Appointment, slot: Slot) -> None:
    """Save a booking or move whose locks (`_lock`) the caller already holds."""
    if slot.ends_at.astimezone(datetime.UTC) - slot.starts_at > datetime.timedelta(minutes=MAX_VISIT_MINUTES):
        # `conflicts` looks back only this far for a visit still running: a longer one would go unseen.
        raise ValidationError(f"A visit lasts at most {MAX_VISIT_MINUTES} minutes; book a longer one as two.")
    problems = conflicts(appointment.patient, slot, exclude=appointment.pk)
    if problems:
        raise ValidationError(problems)
    try:
        # No savepoint (two round trips on every booking): a refused row fails the caller's whole transaction,
        # which then rolls back, so nothing can be read in it to name the clash.
        with transaction.atomic(savepoint=False):
            appointment.save()
    except IntegrityError as error:
        # The exclusion constraint caught an overlap written around these locks, or the form's token was just
        # used by a second post of the same form (`create_once` then answers with the first booking).
        raise ValidationError("That slot was just taken. Choose another time.") from error


def appointment_book(
    *,
    patient: Patient,
    slot: Slot,
    visit_type: str,
    booked_by: User,
    procedure_type: ProcedureType | None = None,
    planned_levels: str = "",
    planned_side: str = "",
    reason: str = "",
    notes: str = "",
    limit_reason: str = "",
    form_token: uuid.UUID | None = None,
) -> Appointment:
    """Book a visit; the same booking form (`form_token`) books once, a second post answering with the first."""
    appointment = Appointment(
        patient=patient,
        physician=slot.physician,
        room=slot.room,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        visit_type=visit_type,
        procedure_type=procedure_type if visit_type == VisitType.PROCEDURE else None,
        planned_levels=planned_levels if visit_type == VisitType.PROCEDURE else "",
        planned_side=planned_side if visit_type == VisitType.PROCEDURE else "",
        booked_by=booked_by,
        form_token=form_token,
        reason=reason,
        notes=notes,
    )
    _check(slot, limit_reason, reason=reason, notes=notes)
    return create_once(Appointment, form_token, lambda: _book(appointment, slot, limit_reason))


@transaction.atomic
def _book(appointment: Appointment, slot: Slot, limit_reason: str) -> Appointment:
    patient = appointment.patient
    patient.require_active(BOOKING)
    _lock(patient, slot)
    # The patient's row is locked: their recorded history is read once for this check and the re-check.
    checker = limits.LimitChecker(patient)
    _limit_snapshot(appointment, checker)
    _require_limit_reason(appointment, limit_reason)
    _save(appointment, slot)
    _recheck_others(appointment, checker)
    return appointment


@transaction.atomic
def appointment_move(
    *, appointment: Appointment, slot: Slot, limit_reason: str = "", opened_version: int | None = None
) -> Appointment:
    """Reschedule: new time, physician or room. The limit check runs again for the new date.

    Refused (`StaleEdit`) if the visit changed since the move form showed `opened_version`.
    """
    # The visit's row after the schedule's (`_lock`): logging a procedure locks the patient, then the visit.
    _lock(appointment.patient, slot)
    take_version(appointment, opened_version)
    if not appointment.holds_slot or appointment.status == Status.COMPLETED:
        raise ValidationError(f"A {appointment.get_status_display().lower()} visit cannot be moved.")
    _check(slot, limit_reason)
    appointment.physician, appointment.room = slot.physician, slot.room
    appointment.starts_at, appointment.ends_at = slot.starts_at, slot.ends_at
    appointment._change_reason = "Rescheduled"  # type: ignore[attr-defined]
    checker = limits.LimitChecker(appointment.patient)
    _limit_snapshot(appointment, checker)
    _require_limit_reason(appointment, limit_reason or appointment.limit_override_reason)
    _save(appointment, slot)
    _recheck_others(appointment, checker)
    return appointment


@transaction.atomic
def appointment_set_status(*, appointment: Appointment, status: str, reason: str = "") -> Appointment:
    """Move a visit along its day; a change the day cannot take is refused with a message."""
    if not appointment.can_become(status):
        allowed = ", ".join(Status(s).label.lower() for s in sorted(TRANSITIONS[appointment.status])) or "none"
        raise ValidationError(
            f"A {appointment.get_status_display().lower()} visit cannot become "
            f"{Status(status).label.lower()} (possible: {allowed})."
        )
    if status == Status.CANCELLED and not reason.strip():
        raise ValidationError({"reason": "Say why the visit is cancelled."})
    if status == Status.CANCELLED:
        validators.check_record(
            Appointment(cancel_reason=reason.strip()), names=["cancel_reason"], keys={"cancel_reason": "reason"}
        )
    return _write_status(appointment, status, reason)


def _write_status(appointment: Appointment, status: str, reason: str = "") -> Appointment:
    """Save a status change already allowed, with what goes with it; the history row comes with the save."""
    take_version(appointment, None)
    appointment.status = status
    if status == Status.CANCELLED:
        appointment.cancel_reason = reason.strip()
    if status == Status.CHECKED_IN:
        appointment.checked_in_at = timezone.now()
    if status == Status.COMPLETED and appointment.procedure is None:
        appointment.procedure = logged_procedure(appointment)
    freed = status in FREEING_STATUSES
    if freed:
        _limit_snapshot(appointment)  # a visit that will not happen passes no limit
    appointment.save()
    if freed:
        _recheck_others(appointment)
    return appointment


def logged_procedure(appointment: Appointment) -> Procedure | None:
    """The procedure logged for this visit: the patient's, on its day, of the planned type if any."""
    if appointment.visit_type != VisitType.PROCEDURE:
        return None
    day = timezone.localdate(appointment.starts_at)
    candidates = (
        Procedure.objects.valid()
        .filter(patient=appointment.patient, appointment__isnull=True)
        .since(day)
        .filter(performed_at__lt=timezone.make_aware(datetime.datetime.combine(day, datetime.time.max)))
    )
    return candidates.filter(procedure_type=appointment.procedure_type).first() or candidates.first()


# A freed slot is offered to this many patients at a time, longest waiting first; the waitlist page has the rest.
OFFERS_SHOWN = 10


def waitlist_matches(appointment: Appointment) -> list[WaitlistEntry]:
    """The open waitlist entries that the freed slot suits (same visit type, that physician or any, date reached),
    longest waiting first: the first OFFERS_SHOWN of them."""
    return list(
        WaitlistEntry.objects.filter(
            closed_at__isnull=True,
            visit_type=appointment.visit_type,
            earliest_on__lte=timezone.localdate(appointment.starts_at),
        )
        .filter(Q(physician=appointment.physician) | Q(physician__isnull=True))
        .exclude(patient=appointment.patient)
        .select_related("patient", "physician")
        .order_by("created_at", "pk")[:OFFERS_SHOWN]
    )


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, reason: str) -> list[WaitlistEntry]:
    """Cancel and free the slot; returns the waitlist entries to offer it to."""
    appointment_set_status(appointment=appointment, status=Status.CANCELLED, reason=reason)
    return waitlist_matches(appointment)


def waitlist_entry_add(
    *,
    patient: Patient,
    visit_type: str,
    earliest_on: datetime.date,
    created_by: User,
    form_token: uuid.UUID | None = None,
    **fields: Any,
) -> WaitlistEntry:
    """Put a patient on the waitlist; the same form (`form_token`) adds them once."""
    entry = WaitlistEntry(
        patient=patient,
        visit_type=visit_type,
        earliest_on=earliest_on,
        created_by=created_by,
        form_token=form_token,
        **fields,
    )
    validators.check_record(entry, text=["note"], rules={"earliest_on": validators.validate_waitlist_earliest})
    return create_once(WaitlistEntry, form_token, lambda: _save_entry(entry))


@transaction.atomic
def _save_entry(entry: WaitlistEntry) -> WaitlistEntry:
    entry.patient.require_active(WAITLISTING)
    entry.save()
    return entry


@transaction.atomic
def waitlist_entry_close(*, entry: WaitlistEntry, reason: str, appointment: Appointment | None = None) -> WaitlistEntry:
    closing = WaitlistEntry(closed_reason=reason)
    validators.check_record(closing, text=["closed_reason"], keys={"closed_reason": "reason"})
    entry.closed_at = timezone.now()
    entry.closed_reason = reason
    entry.appointment = appointment
    entry.save()
    return entry


# Booking a waitlist offer, and completing a visit from the procedure logged for it.


def waitlist_visits_to_move(entries: Sequence[WaitlistEntry]) -> dict[int, Appointment]:
    """By entry id, the visit that booking each entry's offer would move instead of booking another.

    That is the patient's next visit of the entry's visit type that holds a slot and starts after now
    (a completed visit is over and stays put). One query for a whole list of offers.
    """
    if not entries:
        return {}
    upcoming = (
        Appointment.objects.holding_slot()
        .exclude(status=Status.COMPLETED)
        .filter(
            patient__in={entry.patient_id for entry in entries},
            visit_type__in={entry.visit_type for entry in entries},
            starts_at__gt=timezone.now(),
        )
        .with_details()
        .order_by("starts_at", "pk")
    )
    first: dict[tuple[int, str], Appointment] = {}
    for visit in upcoming:
        first.setdefault((visit.patient_id, visit.visit_type), visit)
    return {entry.pk: first[key] for entry in entries if (key := (entry.patient_id, entry.visit_type)) in first}


def waitlist_visit_to_move(entry: WaitlistEntry) -> Appointment | None:
    return waitlist_visits_to_move([entry]).get(entry.pk)


@transaction.atomic
def waitlist_entry_book(
    *,
    entry: WaitlistEntry,
    patient: Patient,
    slot: Slot,
    booked_by: User,
    **plan: Unpack[VisitPlan],
) -> Appointment:
    """Give a waitlisted patient the offered slot and close their entry with the visit.

    A patient who already has a visit coming up (`waitlist_visit_to_move`) has that visit moved here,
    keeping its planned procedure, levels, side, reason and notes, so they never hold two (only the plan's
    `limit_reason` applies to the move); anyone else gets a new visit booked as the plan describes.
    """
    if entry.patient_id != patient.pk:
        raise ValidationError(
            f"This waitlist entry is {entry.patient.full_name}'s, not {patient.full_name}'s. Nothing was booked."
        )
    # Checked here as well as in `appointment_book`: moving the patient's visit to the offer books them too.
    patient.require_active(BOOKING)
    # The entry before the schedule's locks: a second booking of the same offer waits here, then finds it closed.
    WaitlistEntry.objects.select_for_update().filter(pk=entry.pk).first()
    entry.refresh_from_db(fields=["closed_at", "closed_reason"])
    if not entry.is_open:
        raise ValidationError(
            f"{patient.full_name}'s waitlist entry is already closed ({entry.closed_reason}). Nothing was booked."
        )
    visit = waitlist_visit_to_move(entry)
    if visit is not None:
        moved_from = visit.local_start
        appointment = appointment_move(appointment=visit, slot=slot, limit_reason=plan.get("limit_reason", ""))
        closed_reason = f"Booked from the waitlist: moved their visit from {moved_from:%a %Y-%m-%d %H:%M}"
    else:
        appointment = appointment_book(patient=patient, slot=slot, booked_by=booked_by, **plan)
        closed_reason = "Booked from the waitlist"
    waitlist_entry_close(entry=entry, reason=closed_reason, appointment=appointment)
    return appointment


# A logged procedure shows the patient came, so a visit still open completes whatever step it had reached.
COMPLETED_BY_LOG = frozenset({Status.SCHEDULED, Status.CONFIRMED, Status.CHECKED_IN, Status.IN_ROOM})


@transaction.atomic
def appointment_complete_from_log(procedure: Procedure) -> Appointment | None:
    """Link a newly logged procedure to its visit and complete the visit; None when it had no visit.

    The visit is `logged_procedure`'s rule read the other way: the patient's procedure visit on the
    procedure's day that is still open and has no record linked, of the same procedure type if any.
    Registered as a procedures after-log hook, so it runs in the logging transaction.
    """
    visits = list(
        Appointment.objects.on_day(procedure.performed_on)
        .filter(
            patient=procedure.patient_id,
            visit_type=VisitType.PROCEDURE,
            status__in=COMPLETED_BY_LOG,
            procedure__isnull=True,
        )
        .select_for_update()
        .order_by("starts_at", "pk")
    )
    same_type = [visit for visit in visits if visit.procedure_type_id == procedure.procedure_type_id]
    visit = next(iter(same_type or visits), None)
    if visit is None:
        return None
    visit.procedure = procedure
    visit._change_reason = f"Completed: {procedure.procedure_type.name} logged"  # type: ignore[attr-defined]
    return _write_status(visit, Status.COMPLETED)
