"""The front desk's schedule: the day grid, one physician's or room's week, the day's list, and a patient's visits.

Each page runs a fixed handful of queries whatever the number of visits: the visits in one query with
their patient, physician, room and planned procedure (the day's list reads those last three once each and
shares them; the day grid reads its visits as plain values and takes physicians and rooms from its own
lists), then one each for physicians, rooms, working hours and time off. The grids themselves are built
in `scheduling.calendar` from those rows.
"""

import datetime
from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Count, Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from clinic.roles import permission_required
from clinic.staff import physicians
from patients.models import Patient
from scheduling import calendar
from scheduling.models import Appointment, Room, TimeOff, WorkingHours

M = TypeVar("M", bound=Model)

VISITS_PAGE = 50
# Visits on a page of the day's list: a busy clinic books a thousand a day.
AGENDA_PAGE = 100


def _physicians() -> list[User]:
    return list(physicians())


def _rooms() -> list[Room]:
    return list(Room.objects.filter(active=True))


def _day_from(request: HttpRequest) -> datetime.date:
    """The `?date=` asked for; today for none, and today with a message for a malformed one."""
    text = request.GET.get("date", "").strip()
    day = calendar.parse_day(text) if text else None
    if text and day is None:
        messages.warning(request, f"“{text[:40]}” is not a date like 2026-03-09; showing today.")
    return day or timezone.localdate()


def _stepping(day: datetime.date, step: int) -> dict[str, Any]:
    return {
        "today": timezone.localdate(),
        "previous": day - datetime.timedelta(days=step),
        "next": day + datetime.timedelta(days=step),
    }


def _including(listed: list[M], used: Iterable[int | None], model: type[M]) -> list[M]:
    """The listed resources plus any a visit uses that the list leaves out (an inactive room or physician),
    in the order the visits first use them; read only when there are some."""
    known = {item.pk for item in listed}
    absent = list(dict.fromkeys(pk for pk in used if pk is not None and pk not in known))
    if not absent:
        return listed
    found = model._default_manager.in_bulk(absent)
    return listed + [found[pk] for pk in absent if pk in found]


@permission_required("scheduling.view_appointment")
def day(request: HttpRequest) -> HttpResponse:
    on = _day_from(request)
    by = "room" if request.GET.get("by") == "room" else "physician"
    rows = list(Appointment.objects.on_day(on).holding_slot().values_list(*calendar.GRID_FIELDS))
    # Every physician and room a visit names, as the columns list them: the grid's own lists, read once.
    physicians = _including(_physicians(), (row[calendar.GRID_PHYSICIAN] for row in rows), User)
    rooms = _including(_rooms(), (row[calendar.GRID_ROOM] for row in rows), Room)
    visits = calendar.grid_visits(rows, {p.pk: p for p in physicians}, {r.pk: r for r in rooms})
    if by == "room":
        grid = calendar.room_grid(on, rooms, visits)
    else:
        ids = [p.pk for p in physicians]
        hours = WorkingHours.objects.filter(physician__in=ids, weekday=on.weekday())
        off = TimeOff.objects.filter(physician__in=ids, starts_on__lte=on, ends_on__gte=on)
        grid = calendar.physician_grid(on, physicians, visits, list(hours), list(off))
    context = {
        "grid": grid,
        "by": by,
        "can_book": request.user.has_perm("scheduling.add_appointment"),
        **_stepping(on, 1),
    }
    return render(request, "scheduling/day.html", context)


def _week_subject(request: HttpRequest, physicians: list[User], rooms: list[Room]) -> User | Room | None:
    """The room or physician asked for; else the user if a physician, else the first physician."""
    for param, choices in (("room", rooms), ("physician", physicians)):
        wanted = request.GET.get(param, "")
        if not wanted:
            continue
        found = next((c for c in choices if str(c.pk) == wanted), None)
        if found is not None:
            return found
        messages.warning(request, f"No active {param} with id “{wanted[:20]}”.")
    mine = next((p for p in physicians if p.pk == request.user.pk), None)
    return mine or (physicians[0] if physicians else None)


@permission_required("scheduling.view_appointment")
def week(request: HttpRequest) -> HttpResponse:
    monday = calendar.week_start(_day_from(request))
    physicians, rooms = _physicians(), _rooms()
    subject = _week_subject(request, physicians, rooms)
    days: list[calendar.WeekDay] = []
    if subject is not None:
        starts, ends = calendar.day_bounds(monday, days=7)
        visits = Appointment.objects.holding_slot().filter(starts_at__gte=starts, starts_at__lt=ends).with_details()
        if isinstance(subject, Room):
            days = calendar.week_days(monday, visits.filter(room=subject), None, [])
        else:
            hours = list(WorkingHours.objects.filter(physician=subject))
            off = TimeOff.objects.filter(physician=subject, starts_on__lte=monday + datetime.timedelta(days=6))
            off = off.filter(ends_on__gte=monday)
            days = calendar.week_days(monday, visits.filter(physician=subject), hours, list(off))
    context = {
        "monday": monday,
        "days": days,
        "subject": subject,
        "param": "room" if isinstance(subject, Room) else "physician",
        "physicians": physicians,
        "rooms": rooms,
        **_stepping(monday, 7),
    }
    return render(request, "scheduling/week.html", context)


@permission_required("scheduling.view_appointment")
def agenda(request: HttpRequest) -> HttpResponse:
    """The day's visits, a page at a time: today opens at the page of the visits not yet over."""
    on = _day_from(request)
    show = request.GET.get("show", "all")
    show = show if show in calendar.AGENDA_FILTERS else "all"
    day = Appointment.objects.on_day(on)
    counts = day.aggregate(**{key: Count("pk", filter=calendar.agenda_filter(key)) for key in calendar.AGENDA_FILTERS})
    shown = day.filter(calendar.agenda_filter(show))
    ordered = shown.with_shared_details().order_by("starts_at", "physician__last_name", "pk")
    paginator = Paginator(ordered, AGENDA_PAGE)
    paginator.count = counts[show]  # counted with the chips already: no second count of the day
    number = request.GET.get("page")
    if not number and on == timezone.localdate():
        number = str(shown.filter(ends_at__lte=timezone.now()).count() // AGENDA_PAGE + 1)
    page = paginator.get_page(number)
    context = {
        "day": on,
        "show": show,
        "page": page,
        "appointments": list(page),
        "rows": calendar.agenda_rows(page),
        "chips": calendar.agenda_chips(counts, show),
        # What each row's one-click step returns to: this list, as filtered and paged.
        "back": request.get_full_path(),
        "can_change": request.user.has_perm("scheduling.change_appointment"),
        **_stepping(on, 1),
    }
    return render(request, "scheduling/agenda.html", context)


@permission_required("scheduling.view_appointment")
def patient_visits(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Every visit of one patient, cancelled ones included, latest first: the chart lists the nearest."""
    patient = get_object_or_404(Patient, pk=patient_id)
    visits = Appointment.objects.filter(patient=patient).select_related("physician", "procedure_type")
    page = Paginator(visits.order_by("-starts_at", "-pk"), VISITS_PAGE).get_page(request.GET.get("page"))
    return render(request, "scheduling/patient_visits.html", {"patient": patient, "page": page})
