"""Two working weeks of the demo clinic's schedule around today, booked through the same services as the front desk.

Three physicians share two procedure suites and two exam rooms. Each half-day a physician either does
procedures in a suite or sees consults and follow-ups in an exam room, and the weekly pattern never needs more
than two rooms of a kind at once. Past days are done (a few no-shows and cancellations), today is under way,
the days ahead are booked. Patients already at an ESI limit have an ESI booked, so the schedule shows the flag.
"""

import datetime
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients.models import Patient
from procedures import limits
from procedures.models import ProcedureType
from scheduling.models import DEFAULT_MINUTES, Appointment, Room, Status, TimeOff, VisitType, WorkingHours
from scheduling.services import Slot, appointment_book, appointment_set_status, waitlist_entry_add

SUITE, EXAM = Room.Kind.PROCEDURE_SUITE, Room.Kind.EXAM_ROOM
ROOMS = [
    ("Procedure suite 1", SUITE, True),
    ("Procedure suite 2", SUITE, True),
    ("Exam room A", EXAM, False),
    ("Exam room B", EXAM, False),
]
BLOCKS = [(datetime.time(8), datetime.time(12)), (datetime.time(13), datetime.time(17))]
GRID = datetime.timedelta(minutes=15)

# Per physician, (mornings, afternoons) Monday to Friday: P = procedures in a suite, C = clinic in an exam room.
# The first physician's mornings are procedures only. Any half-day has at most two P and two C.
PATTERN = [("PPPPP", "CCCCC"), ("CCCCC", "CPCPC"), ("CCCCC", "PCPCP")]
# A suite is cleaned and set up between cases; clinic visits follow each other, with the odd gap left open.
TURNOVER = {"P": datetime.timedelta(minutes=15), "C": datetime.timedelta()}

# (procedure type, levels, side, reason); repeated entries are booked more often.
PROCEDURES = [
    ("esi-transforaminal", "L4-L5, L5-S1", "bilateral", "Lumbar radiculopathy, both legs"),
    ("esi-transforaminal", "L5-S1", "left", "Left S1 radiculopathy"),
    ("esi-transforaminal", "L5-S1", "left", "Left S1 radiculopathy"),
    ("esi-transforaminal", "L4-L5", "right", "Right L5 radiculopathy"),
    ("esi-interlaminar", "L5-S1", "midline", "Lumbar spinal stenosis with neurogenic claudication"),
    ("esi-interlaminar", "C7-T1", "midline", "Cervical radiculopathy"),
    ("mbb", "L3-L4, L4-L5", "bilateral", "Axial low back pain: first diagnostic block"),
    ("mbb", "L4-L5, L5-S1", "bilateral", "Axial low back pain: confirmatory block"),
    ("rfa-facet", "L4-L5, L5-S1", "right", "Facet RFA after two positive blocks"),
    ("rfa-facet", "L4-L5, L5-S1", "left", "Facet RFA after two positive blocks"),
    ("si-injection", "", "left", "Left sacroiliac joint pain"),
    ("si-injection", "", "right", "Right sacroiliac joint pain"),
]
CONSULT_REASONS = [
    "Low back pain radiating to the left leg",
    "Neck pain with right arm numbness",
    "Chronic low back pain, referred by PCP",
    "Buttock and groin pain, possible SI joint",
    "Failed back surgery syndrome: SCS evaluation",
    "Right knee osteoarthritis, not a surgical candidate",
]
FOLLOW_UP_REASONS = [
    "Two weeks after lumbar ESI",
    "Review of the medial branch block pain diary",
    "Six weeks after RFA",
    "Review of lumbar MRI",
    "Medication review",
    "After SI joint injection",
]
CANCEL_REASONS = ["Patient unwell: will call to rebook", "No transport that day", "Prior authorization still pending"]
# (visit type, physician index or None for any, note): patients booked later who would take an earlier slot.
WAITLIST = [
    (VisitType.NEW_CONSULT, None, "Can come at short notice; works nights"),
    (VisitType.PROCEDURE, 0, "Pain worse since booking; wants the injection sooner"),
    (VisitType.FOLLOW_UP, 1, "Mornings only"),
]
ESI_STORY = ("esi-transforaminal", "L4-L5, L5-S1", "left", "Recurrent left L5 radiculopathy")
# Today, by each physician's order of visits, how far along each one is: mid-morning, the first two are done,
# one patient is in the room and two are checked in; the rest are confirmed or not yet.
TODAY_STEPS = [4, 4, 3, 2, 2]
TIME_OFF_REASON = "Conference: annual pain medicine meeting"
# Why the demo's limit stories were booked anyway: the schedule shows the physician this reason.
STORY_LIMIT_REASON = "Severe radicular flare; physician to review the limit with the patient before the injection."


def _aware(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))


def clinic_days(today: datetime.date) -> list[datetime.date]:
    """Two working weeks with today inside: the previous Monday through the next Friday.

    Early in the week that is last week and this one; later, this week and the next, so there is always
    something done and something ahead. On a weekend it is the week just gone and the coming one.
    """
    monday = today - datetime.timedelta(days=today.weekday() + (7 if today.weekday() < 2 else 0))
    return [monday + datetime.timedelta(days=n) for n in range(12) if n % 7 < 5]


def clinic_day(today: datetime.date) -> datetime.date:
    """Today, or on a weekend the coming Monday: the day the demo shows under way."""
    return today + datetime.timedelta(days=(7 - today.weekday()) % 7 if today.weekday() >= 5 else 0)


@dataclass
class Scheduler:
    rng: random.Random
    today: datetime.date
    patients: Sequence[Patient]
    physicians: Sequence[User]
    booked_by: User
    types: dict[str, ProcedureType]
    booked: list[Appointment] = field(default_factory=list)
    visits: Counter[int] = field(default_factory=Counter)
    procedures: Counter[int] = field(default_factory=Counter)
    busy: set[tuple[datetime.date, int]] = field(default_factory=set)
    stories: set[int] = field(default_factory=set)  # booked their flagged ESI; no other procedure

    def book(
        self,
        patient: Patient,
        physician: User,
        room: Room,
        starts_at: datetime.datetime,
        visit: tuple[str, ...],
        limit_reason: str = "",
    ) -> Appointment | None:
        """One booking through the service; None when the slot is taken (the service refuses overlaps)."""
        visit_type, *plan = visit
        extra: dict[str, Any] = {"reason": plan[-1], "limit_reason": limit_reason}
        if visit_type == VisitType.PROCEDURE:
            code, levels, side, _reason = plan
            extra |= {"procedure_type": self.types[code], "planned_levels": levels, "planned_side": side}
        ends_at = starts_at + datetime.timedelta(minutes=DEFAULT_MINUTES[VisitType(visit_type)])
        try:
            appointment = appointment_book(
                patient=patient,
                slot=Slot(physician, room, starts_at, ends_at),
                visit_type=visit_type,
                booked_by=self.booked_by,
                **extra,
            )
        except ValidationError:
            return None
        self.booked.append(appointment)
        self.visits[patient.pk] += 1
        self.procedures[patient.pk] += visit_type == VisitType.PROCEDURE
        self.busy.add((starts_at.date(), patient.pk))
        return appointment

    def visit(self, mode: str) -> tuple[str, ...]:
        if mode == "P":
            return (VisitType.PROCEDURE, *self.rng.choice(PROCEDURES))
        if self.rng.random() < 0.4:
            return (VisitType.NEW_CONSULT, self.rng.choice(CONSULT_REASONS))
        return (VisitType.FOLLOW_UP, self.rng.choice(FOLLOW_UP_REASONS))

    def patient(self, day: datetime.date, mode: str) -> Patient | None:
        """Whoever has had the fewest procedures (for a procedure) and visits so far, and none that day.

        A busy clinic's two weeks on a few dozen demo patients: this keeps each one's repeat injections rare.
        """
        free = [p for p in self.patients if (day, p.pk) not in self.busy and not (mode == "P" and p.pk in self.stories)]
        return min(
            free,
            key=lambda p: (self.procedures[p.pk] if mode == "P" else 0, self.visits[p.pk], self.rng.random()),
            default=None,
        )

    def fill(
        self, day: datetime.date, physician: User, room: Room, mode: str, block: tuple[datetime.time, ...]
    ) -> None:
        """Book one half-day on the 15-minute grid, leaving the odd gap the front desk could still offer."""
        cursor, end = _aware(day, block[0]), _aware(day, block[1])
        while cursor < end:
            visit = self.visit(mode)
            minutes = datetime.timedelta(minutes=DEFAULT_MINUTES[VisitType(visit[0])])
            if cursor + minutes > end:
                break
            patient = self.patient(day, mode)
            if patient is None:  # everyone is booked that day already
                break
            appointment = self.book(patient, physician, room, cursor, visit)
            if appointment is None:
                cursor += GRID
                continue
            cursor += -(-minutes // GRID) * GRID + TURNOVER[mode]
            if self.rng.random() < 0.15:
                cursor += GRID

    def advance(self, appointment: Appointment, rank: int) -> None:
        """Move a visit along its day as the clinic would have by now."""
        day, today = appointment.local_start.date(), self.today
        roll = self.rng.random()
        if day < today:
            if roll < 0.01:
                path = [Status.CANCELLED]
            elif roll < 0.09:
                path = [Status.CONFIRMED, Status.NO_SHOW]
            else:
                path = [Status.CONFIRMED, Status.CHECKED_IN, Status.IN_ROOM, Status.COMPLETED]
        elif day == today:  # never on a weekend: then nothing is under way
            steps = TODAY_STEPS[rank] if rank < len(TODAY_STEPS) else 1 if roll < 0.7 else 0
            path = [Status.CONFIRMED, Status.CHECKED_IN, Status.IN_ROOM, Status.COMPLETED][:steps]
        else:
            path = [Status.CANCELLED] if roll < 0.015 else [Status.CONFIRMED] if roll < 0.4 else []
        for status in path:
            reason = self.rng.choice(CANCEL_REASONS) if status == Status.CANCELLED else ""
            appointment_set_status(appointment=appointment, status=status, reason=reason)


def seed_rooms() -> dict[str, Room]:
    rooms = {}
    for name, kind, fluoroscopy in ROOMS:
        rooms[name], _ = Room.objects.get_or_create(name=name, defaults={"kind": kind, "fluoroscopy": fluoroscopy})
    return rooms


def seed_hours(physicians: Sequence[User]) -> None:
    for physician in physicians:
        for weekday in range(5):
            for starts, ends in BLOCKS:
                WorkingHours.objects.get_or_create(
                    physician=physician, weekday=weekday, starts=starts, defaults={"ends": ends}
                )


def _day_off(today: datetime.date) -> datetime.date:
    """A weekday in the demo's current week that is not the day shown under way: tomorrow, or else yesterday."""
    shown = clinic_day(today)
    return shown + datetime.timedelta(days=1 if shown.weekday() < 4 else -1)


def _flagged_for_esi(today: datetime.date, patients: Sequence[Patient]) -> list[Patient]:
    """Demo patients already at or over an ESI limit (the procedure history's stories)."""
    ids = {p.pk for p in patients if not p.is_archived}
    return [
        exposure.patient
        for exposure in limits.all_flags(today)
        if exposure.patient.pk in ids and any("esi" in r.rule.families for r in exposure.flagged)
    ]


def seed_schedule(
    rng: random.Random, today: datetime.date, patients: list[Patient], physicians: list[User], booked_by: User
) -> int:
    """Book the demo schedule once; returns how many appointments it created (0 when there already are some)."""
    rooms = seed_rooms()
    seed_hours(physicians)
    if Appointment.objects.exists():
        return 0
    # The last physician takes a day off this week; the schedule leaves it empty and the calendar shows why.
    off = _day_off(today)
    TimeOff.objects.get_or_create(physician=physicians[-1], starts_on=off, ends_on=off, reason=TIME_OFF_REASON)
    scheduler = Scheduler(
        rng,
        today,
        [p for p in patients if not p.is_archived],
        physicians,
        booked_by,
        {t.code: t for t in ProcedureType.objects.filter(code__in={plan[0] for plan in PROCEDURES})},
    )
    days = clinic_days(today)
    ahead = [day for day in days if day > clinic_day(today)]
    # The limit stories first, each on its own morning of the procedures-only physician, ahead of today.
    for n, patient in enumerate(_flagged_for_esi(today, patients)):
        scheduler.stories.add(patient.pk)
        day = ahead[n % len(ahead)]
        scheduler.book(
            patient,
            physicians[0],
            rooms["Procedure suite 1"],
            _aware(day, BLOCKS[0][0]),
            (VisitType.PROCEDURE, *ESI_STORY),
            limit_reason=STORY_LIMIT_REASON,
        )
    for day in days:
        for half, block in enumerate(BLOCKS):
            in_use: Counter[str] = Counter()
            for physician, pattern in zip(physicians, PATTERN, strict=False):
                mode = pattern[half][day.weekday()]
                kind = SUITE if mode == "P" else EXAM
                room = [r for r in rooms.values() if r.kind == kind][in_use[kind]]
                in_use[kind] += 1
                if day != off or physician != physicians[-1]:
                    scheduler.fill(day, physician, room, mode, block)
    by_physician_day = sorted(scheduler.booked, key=lambda a: (a.physician_id, a.starts_at))
    rank: Counter[tuple[int, datetime.date]] = Counter()
    for appointment in by_physician_day:
        key = (appointment.physician_id, appointment.local_start.date())
        scheduler.advance(appointment, rank[key])
        rank[key] += 1
    _seed_waitlist(scheduler)
    return len(scheduler.booked)


def _seed_waitlist(scheduler: Scheduler) -> None:
    """Patients booked late in the second week who would take an earlier slot if one frees up."""
    shown = clinic_day(scheduler.today)
    taken: set[int] = set()
    for visit_type, physician_index, note in WAITLIST:
        physician = scheduler.physicians[physician_index] if physician_index is not None else None
        later = [
            a
            for a in reversed(scheduler.booked)
            if a.visit_type == visit_type
            and a.status == Status.SCHEDULED
            and a.patient_id not in taken
            and (physician is None or a.physician_id == physician.pk)
        ]
        if later:
            taken.add(later[0].patient_id)
            waitlist_entry_add(
                patient=later[0].patient,
                visit_type=visit_type,
                earliest_on=shown,
                created_by=scheduler.booked_by,
                physician=physician,
                note=f"{note}. Booked for {later[0].local_start:%a %d %b}.",
            )
