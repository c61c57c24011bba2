"""The pages the benchmark times, who opens them, and the goals at 200,000 patients.

`find_subjects` reads the database for what the pages are about: the patient with the most procedures (the
heaviest chart and limit check), the busiest weekday of the last weeks (the day view and the day's list), an
MRN and a common name fragment to search for, and a free slot beyond the booked weeks to book into.
`pages` turns those into requests. Both are used by the benchmark command and by its test.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from patients.models import Patient
from procedures.models import Drug, Procedure, ProcedureType
from scheduling.models import Appointment, Room, VisitType, WorkingHours

PHYSICIAN, FRONT_DESK, ADMINISTRATOR, ANONYMOUS = "physician", "frontdesk", "admin", ""
ROLE_NAMES = {PHYSICIAN: "Physician", FRONT_DESK: "Front desk", ADMINISTRATOR: "Administrator", ANONYMOUS: "—"}
NAME_FRAGMENT = "nguy"
BENCH_REASON = "Benchmark booking: cancelled at once"
BOOK_AHEAD_DAYS = 150  # past the seeded schedule, so the slot is free
LOGIN = "login page"
CHART = "chart, heaviest patient"
BOOKING_CHECK = "booking live limit check, heaviest patient"


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # username of the login that opens it, "" for none
    path: str
    method: str = "GET"
    data: dict[str, str] = field(default_factory=dict)
    htmx: bool = False
    goal_p50: float | None = None  # milliseconds
    goal_p95: float | None = None
    goal_note: str = ""
    goal_sql_ratio: float | None = None  # p50 at most this many times the page's own SQL time
    expect: int = 200
    books: bool = False  # a booking: cancel it after each request so the schedule does not grow


@dataclass(frozen=True)
class Subjects:
    heavy: Patient
    heavy_procedures: int
    busy_day: datetime.date
    busy_visits: int
    mrn: str
    plain_patient: Patient
    booking_physician: User
    booking_room: Room
    booking_start: datetime.datetime  # clinic wall time


def _busy_day(today: datetime.date) -> tuple[datetime.date, int]:
    """The weekday with the most visits in the four weeks up to today (today itself if none)."""
    since = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=28), datetime.time()))
    until = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time()))
    busiest = (
        Appointment.objects.holding_slot()
        .filter(starts_at__gte=since, starts_at__lt=until)
        .annotate(day=TruncDate("starts_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(visits=Count("id"))
        .order_by("-visits", "-day")
        .first()
    )
    return (busiest["day"], busiest["visits"]) if busiest else (today, 0)


def _free_slot(today: datetime.date) -> tuple[User, Room, datetime.datetime]:
    """A physician's first working hour on a weekday well past the booked weeks, and a room for it."""
    day = today + datetime.timedelta(days=BOOK_AHEAD_DAYS)
    day += datetime.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)
    hours = WorkingHours.objects.filter(weekday=day.weekday()).select_related("physician").order_by("physician_id")
    block = hours.filter(physician__username=PHYSICIAN).first() or hours.first()
    if block is None:
        raise LookupError("No physician has working hours: seed the clinic first.")
    room = Room.objects.filter(active=True, kind=Room.Kind.EXAM_ROOM).order_by("pk").first()
    if room is None:
        raise LookupError("No exam room: seed the clinic first.")
    return block.physician, room, datetime.datetime.combine(day, block.starts)


def find_subjects() -> Subjects:
    today = timezone.localdate()
    top = (
        Procedure.objects.filter(patient__archived_at__isnull=True)
        .values("patient")
        .annotate(n=Count("id"))
        .order_by("-n", "patient")
        .first()
    )
    if top is None:
        raise LookupError("No procedures: seed the clinic first.")
    heavy = Patient.objects.get(pk=top["patient"])
    plain = Patient.objects.active().exclude(pk=heavy.pk).order_by("pk").first() or heavy
    busy_day, busy_visits = _busy_day(today)
    physician, room, start = _free_slot(today)
    return Subjects(
        heavy=heavy,
        heavy_procedures=top["n"],
        busy_day=busy_day,
        busy_visits=busy_visits,
        mrn=plain.mrn,
        plain_patient=plain,
        booking_physician=physician,
        booking_room=room,
        booking_start=start,
    )


def _live_limit_check(subjects: Subjects) -> dict[str, str]:
    """The procedure form as a physician fills it for the heaviest patient: a two-level lumbar TFESI now."""
    return {
        "patient": str(subjects.heavy.pk),
        "performed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "performed_by": str(User.objects.get(username=PHYSICIAN).pk),
        "procedure_type": str(ProcedureType.objects.get(code="esi-transforaminal").pk),
        "guidance": "fluoroscopy",
        "sedation": "local",
        "site-0-place": "L4-L5",
        "site-0-side": "left",
        "site-1-place": "L5-S1",
        "site-1-side": "left",
        "med-0-drug": str(Drug.objects.get(name="Dexamethasone sodium phosphate").pk),
        "med-0-dose_mg": "10",
    }


def _booking(subjects: Subjects, patient: Patient, visit_type: str) -> dict[str, str]:
    data = {
        "patient": str(patient.pk),
        "visit_type": visit_type,
        "physician": str(subjects.booking_physician.pk),
        "room": str(subjects.booking_room.pk),
        "starts_at": subjects.booking_start.strftime("%Y-%m-%dT%H:%M"),
        "minutes": "15",
        "reason": BENCH_REASON,
    }
    if visit_type == VisitType.PROCEDURE:
        data |= {
            "procedure_type": str(ProcedureType.objects.get(code="esi-transforaminal").pk),
            "planned_levels": "L4-L5, L5-S1",
            "planned_side": "left",
            # Booking past a limit needs a reason; given always, it is dropped when none is passed.
            "limit_reason": "Benchmark",
        }
    return data


def _search(name: str, path: str, *, htmx: bool = False) -> Page:
    """A patient search at the front desk: typed into the list, live as the user types, or in the booking form's
    finder, every one has the same goal (p50 ≤ 15 ms, p95 ≤ 30 ms)."""
    return Page(name, FRONT_DESK, path, htmx=htmx, goal_p50=15, goal_p95=30)


def _booking_post(name: str, data: dict[str, str], *, goal_note: str = "") -> Page:
    """The booking form saved: it redirects, and the booking is cancelled after each request (`books`)."""
    return Page(
        name,
        FRONT_DESK,
        reverse("scheduling:new"),
        method="POST",
        data=data,
        goal_p50=15,
        goal_note=goal_note,
        expect=302,
        books=True,
    )


def pages(subjects: Subjects) -> list[Page]:
    day = subjects.busy_day.isoformat()
    patients = reverse("patients:list")
    return [
        Page(LOGIN, ANONYMOUS, reverse("login"), goal_note="reference for the throughput ratio"),
        Page("home", PHYSICIAN, reverse("home"), goal_p50=30),
        Page("home", FRONT_DESK, reverse("home"), goal_p50=30),
        Page("home", ADMINISTRATOR, reverse("home"), goal_p50=30),
        Page("limit flags", PHYSICIAN, reverse("procedures:flags"), goal_p50=150),
        Page(
            "outcomes dashboard, default filters",
            PHYSICIAN,
            reverse("outcomes:dashboard"),
            goal_p50=500,
            goal_sql_ratio=1.5,
        ),
        Page(
            "dashboard CSV: limit overrides",
            PHYSICIAN,
            reverse("outcomes:export", args=["limit-overrides"]),
            goal_p50=500,
        ),
        Page(
            "dashboard CSV: responders by family",
            PHYSICIAN,
            reverse("outcomes:export", args=["responders-by-family"]),
            goal_p50=500,
        ),
        Page("follow-up worklist", PHYSICIAN, reverse("outcomes:worklist"), goal_p50=100),
        Page(f"day view, all physicians, {day}", FRONT_DESK, f"{reverse('scheduling:day')}?date={day}", goal_p50=80),
        Page(f"day's list, {day}", FRONT_DESK, f"{reverse('scheduling:agenda')}?date={day}", goal_p50=60),
        _search("patient search: MRN", f"{patients}?q={subjects.mrn}"),
        _search(f"patient search: “{NAME_FRAGMENT}”", f"{patients}?q={NAME_FRAGMENT}"),
        _search("live search: MRN", f"{patients}?q={subjects.mrn}", htmx=True),
        _search(f"live search: “{NAME_FRAGMENT}”", f"{patients}?q={NAME_FRAGMENT}", htmx=True),
        _search(
            f"booking form patient finder: “{NAME_FRAGMENT}”",
            f"{reverse('scheduling:patient_search')}?q={NAME_FRAGMENT}",
            htmx=True,
        ),
        _booking_post("booking POST: follow-up visit", _booking(subjects, subjects.plain_patient, VisitType.FOLLOW_UP)),
        Page(
            BOOKING_CHECK,
            FRONT_DESK,
            reverse("scheduling:check"),
            method="POST",
            data=_booking(subjects, subjects.heavy, VisitType.PROCEDURE),
            htmx=True,
            goal_note="the limit check a procedure booking adds",
        ),
        _booking_post(
            "booking POST: procedure, heaviest patient",
            _booking(subjects, subjects.heavy, VisitType.PROCEDURE),
            goal_note="15 ms + the limit check",
        ),
        Page(CHART, PHYSICIAN, reverse("patients:chart", args=[subjects.heavy.pk]), goal_p50=40),
        Page(
            "live limit check POST, heaviest patient",
            PHYSICIAN,
            reverse("procedures:check"),
            method="POST",
            data=_live_limit_check(subjects),
            htmx=True,
            goal_p95=25,
        ),
    ]
