"""The schedule's grids, built from rows the views have already loaded: nothing here queries the database.

The day grid is laid out in wall-clock minutes of the clinic's day, never as UTC offsets: on a
daylight-saving day (23 or 25 hours long) a visit booked at 09:00 still sits on the 09:00 row, and
every slot's moment is built with `make_aware(combine(day, time))` rather than by adding hours.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clinic.links import url_for_each
from clinic.staff import staff_name
from scheduling.models import (
    FREEING_STATUSES,
    Appointment,
    Room,
    Status,
    TimeOff,
    WorkingHours,
    limit_flag,
    plan_summary,
)

SLOT_MINUTES = 15
# The grid's usual span; it widens to the hour to show any visit booked outside it.
OPENS, CLOSES = 7 * 60, 18 * 60
MIDNIGHT = 24 * 60


def parse_day(text: str) -> datetime.date | None:
    """A YYYY-MM-DD date, or None for anything else."""
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    # Far-off years are typos, and year 1's previous day (the "previous" link) does not exist.
    return day if 1900 <= day.year <= 2999 else None


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def day_bounds(first: datetime.date, days: int = 1) -> tuple[datetime.datetime, datetime.datetime]:
    """Local midnight to local midnight, so a week holding a DST change is 167 or 169 hours long."""
    last = first + datetime.timedelta(days=days)
    return (
        timezone.make_aware(datetime.datetime.combine(first, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(last, datetime.time.min)),
    )


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def minute_of(moment: datetime.datetime, day: datetime.date, zone: datetime.tzinfo | None = None) -> int:
    """Wall-clock minutes since the start of `day`; a moment on another day clamps to its edge.

    `zone` is the clinic's (the current time zone), passed by callers placing many visits to look it up once.
    """
    return wall_minute(timezone.localtime(moment, zone), day)


def wall_minute(local: datetime.datetime, day: datetime.date) -> int:
    """`minute_of` for a time already in the clinic's zone."""
    if local.date() != day:
        return MIDNIGHT if local.date() > day else 0
    return local.hour * 60 + local.minute


def exists(day: datetime.date, minute: int) -> bool:
    """False for the wall-clock times a spring-forward day skips (02:00–02:59 in New York)."""
    wall = datetime.time(minute // 60, minute % 60)
    moment = timezone.make_aware(datetime.datetime.combine(day, wall))
    # Through UTC: astimezone() into the zone a datetime already carries returns it unchanged, skipped or not.
    return timezone.localtime(moment.astimezone(datetime.UTC)).time() == wall


def doctor(user: User) -> str:
    return f"Dr {user.last_name or staff_name(user)}"


def hours_text(hours: Iterable[WorkingHours], day: datetime.date) -> str:
    blocks = sorted((h.starts, h.ends) for h in hours if h.weekday == day.weekday())
    return ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in blocks) or f"No hours on {day:%A}s"


def time_off_on(time_off: Iterable[TimeOff], day: datetime.date) -> dict[int, TimeOff]:
    return {t.physician_id: t for t in time_off if t.starts_on <= day <= t.ends_on}


def off_text(leave: TimeOff) -> str:
    return f"Off: {leave.reason}" if leave.reason else "Off"


class Cell(NamedTuple):
    """One 15-minute slot of one column. A tuple: a busy day's grid builds 1,300 of them, and a frozen dataclass
    took four times as long to build each."""

    row: int
    minute: int
    day: datetime.date
    working: bool
    free: bool
    exists: bool

    @property
    def label(self) -> str:
        return clock(self.minute)

    @property
    def start(self) -> str:
        """The slot's local start as the booking form reads it."""
        return f"{self.day:%Y-%m-%d}T{self.label}"

    @property
    def on_hour(self) -> bool:
        return self.minute % 60 == 0

    @property
    def bookable(self) -> bool:
        return self.free and self.exists


@dataclass(frozen=True, slots=True)
class GridVisit:
    """A visit as the day grid draws it, read as plain values (`GRID_FIELDS`) rather than as an Appointment.

    A busy day has a thousand visits; built as Appointments with their patients, and handed their physicians,
    rooms and planned procedures, they cost more than all the rest of the page, which shows a dozen fields.
    """

    pk: int
    local_start: datetime.datetime  # in the clinic's zone
    local_end: datetime.datetime
    status: str
    visit_type: str
    patient_name: str  # "Lopez, Ana", as the grid writes it
    physician: User
    room: Room | None
    planned_summary: str
    limit_flag: str | None  # the red badge's tooltip; None for a visit that passes no limit

    @property
    def physician_name(self) -> str:
        return staff_name(self.physician)


# What `grid_visits` reads of each visit: the day grid's one query.
GRID_FIELDS = (
    "pk",
    "starts_at",
    "ends_at",
    "status",
    "visit_type",
    "patient__last_name",
    "patient__first_name",
    "physician_id",
    "room_id",
    "procedure_type__name",
    "planned_levels",
    "planned_side",
    "limit_would_pass",
    "limit_summary",
    "limit_override_reason",
)
GRID_PHYSICIAN, GRID_ROOM = GRID_FIELDS.index("physician_id"), GRID_FIELDS.index("room_id")


def grid_visits(
    rows: Iterable[Sequence[Any]], physicians: Mapping[int, User], rooms: Mapping[int, Room]
) -> list[GridVisit]:
    """The visits from `GRID_FIELDS` rows, each with its physician and room from those given (every one used)."""
    zone = timezone.get_current_timezone()
    visits = []
    for (
        pk,
        starts_at,
        ends_at,
        status,
        visit_type,
        last_name,
        first_name,
        physician_id,
        room_id,
        procedure,
        levels,
        side,
        would_pass,
        summary,
        reason,
    ) in rows:
        visits.append(
            GridVisit(
                pk=pk,
                local_start=starts_at.astimezone(zone),
                local_end=ends_at.astimezone(zone),
                status=status,
                visit_type=visit_type,
                patient_name=f"{last_name}, {first_name}",
                physician=physicians[physician_id],
                room=None if room_id is None else rooms[room_id],
                planned_summary=plan_summary(procedure, levels, side) if procedure is not None else "",
                # Only visits still holding their slot are drawn, and those are flagged when they would pass.
                limit_flag=limit_flag(summary, reason) if would_pass and status not in FREEING_STATUSES else None,
            )
        )
    return visits


@dataclass(frozen=True)
class Block:
    """A visit drawn over the rows it spans; `lane` is its grid column when visits overlap.

    Its link and clock times are worked out once here: a full day has hundreds of blocks, and a `reverse()`
    and three time filters each in the template cost more than the rest of the block.
    """

    visit: GridVisit
    row: int
    span: int
    lane: int
    url: str = ""
    starts: str = ""  # "09:00", clinic time
    ends: str = ""


@dataclass(frozen=True)
class Column:
    param: str  # the booking form's query parameter: "physician" or "room"
    pk: int | None  # None: the visits booked without a room, which cannot be booked into
    title: str
    who: str  # completes "Book 09:15 …": "with Dr Ibarra", "in Suite 1"
    note: str
    off: bool
    cells: list[Cell]
    blocks: list[Block]
    lanes: int
    book_url: str  # the booking form, which each free cell links to with its column and start


def place(
    visits: Sequence[GridVisit], day: datetime.date, first: int, detail: Callable[[int], str]
) -> tuple[list[Block], int]:
    """Blocks in grid rows, each linking to `detail(pk)`. Overlapping visits (only possible in data entered
    past the booking service) sit side by side rather than hide one another."""
    blocks: list[Block] = []
    lane_ends: list[int] = []  # the row index from which each lane is free again
    for visit in sorted(visits, key=lambda a: a.local_start):
        starts, ends = visit.local_start, visit.local_end
        start = (wall_minute(starts, day) - first) // SLOT_MINUTES
        end = max(start + 1, -(-(wall_minute(ends, day) - first) // SLOT_MINUTES))
        lane = next((i for i, free_from in enumerate(lane_ends) if free_from <= start), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(end)
        else:
            lane_ends[lane] = end
        # Not f"{starts:%H:%M}": strftime, twice for each of a thousand visits, costs more than the lanes.
        blocks.append(
            Block(
                visit,
                start + 1,
                end - start,
                lane + 1,
                detail(visit.pk),
                f"{starts.hour:02d}:{starts.minute:02d}",
                f"{ends.hour:02d}:{ends.minute:02d}",
            )
        )
    return blocks, max(1, len(lane_ends))


@dataclass
class DayGrid:
    day: datetime.date
    first: int
    last: int
    columns: list[Column] = field(default_factory=list)

    @classmethod
    def spanning(cls, day: datetime.date, visits: Iterable[GridVisit]) -> "DayGrid":
        first, last = OPENS, CLOSES
        for visit in visits:
            first = min(first, wall_minute(visit.local_start, day) // 60 * 60)
            last = max(last, -(-wall_minute(visit.local_end, day) // 60) * 60)
        return cls(day, first, min(last, MIDNIGHT))

    @property
    def rows(self) -> int:
        return (self.last - self.first) // SLOT_MINUTES

    @property
    def times(self) -> list[Cell]:
        """The time axis: one cell per row, for its label."""
        return [Cell(i + 1, m, self.day, True, False, True) for i, m in enumerate(self.minutes)]

    @property
    def minutes(self) -> range:
        return range(self.first, self.last, SLOT_MINUTES)

    @cached_property
    def existing(self) -> dict[int, bool]:
        """Whether each row's wall-clock time exists on the day: the same for every column, so found once."""
        return {minute: exists(self.day, minute) for minute in self.minutes}

    # The links every column shares, reversed once for the grid.
    @cached_property
    def book_url(self) -> str:
        return reverse("scheduling:new")

    @cached_property
    def detail(self) -> Callable[[int], str]:
        return url_for_each("scheduling:detail")

    def add(
        self,
        *,
        param: str,
        pk: int | None,
        title: str,
        who: str,
        note: str,
        visits: Sequence[GridVisit],
        windows: list[tuple[int, int]] | None = None,
        off: bool = False,
    ) -> None:
        """A column; `windows` are its working minutes (None: always open), `off` greys the whole day."""
        blocks, lanes = place(visits, self.day, self.first, self.detail)
        covered = {row for b in blocks for row in range(b.row, b.row + b.span)}
        if off:
            working: set[int] | range = set()
        elif windows is None:
            working = self.minutes
        else:
            working = {m for s, e in windows for m in self.minutes if s <= m and m + SLOT_MINUTES <= e}
        cells = [
            Cell(
                row=i + 1,
                minute=m,
                day=self.day,
                working=m in working,
                free=i + 1 not in covered,
                exists=self.existing[m],
            )
            for i, m in enumerate(self.minutes)
        ]
        self.columns.append(Column(param, pk, title, who, note, off, cells, blocks, lanes, self.book_url))


def physician_grid(
    day: datetime.date,
    physicians: Sequence[User],
    visits: Sequence[GridVisit],
    hours: Iterable[WorkingHours],
    time_off: Iterable[TimeOff],
) -> DayGrid:
    grid = DayGrid.spanning(day, visits)
    by_physician: dict[int, list[GridVisit]] = defaultdict(list)
    for visit in visits:
        by_physician[visit.physician.pk].append(visit)
    todays_hours: dict[int, list[WorkingHours]] = defaultdict(list)
    for block in hours:
        if block.weekday == day.weekday():
            todays_hours[block.physician_id].append(block)
    away = time_off_on(time_off, day)
    for physician in physicians:
        leave = away.get(physician.pk)
        own = todays_hours[physician.pk]
        grid.add(
            param="physician",
            pk=physician.pk,
            title=staff_name(physician),
            who=f"with {doctor(physician)}",
            note=off_text(leave) if leave else hours_text(own, day),
            visits=by_physician[physician.pk],
            windows=[(b.starts.hour * 60 + b.starts.minute, b.ends.hour * 60 + b.ends.minute) for b in own],
            off=leave is not None,
        )
    return grid


def room_grid(day: datetime.date, rooms: Sequence[Room], visits: Sequence[GridVisit]) -> DayGrid:
    grid = DayGrid.spanning(day, visits)
    by_room: dict[int | None, list[GridVisit]] = defaultdict(list)
    for visit in visits:
        by_room[visit.room.pk if visit.room else None].append(visit)
    for room in rooms:
        note = room.get_kind_display() + (" · C-arm" if room.fluoroscopy else "")
        grid.add(param="room", pk=room.pk, title=room.name, who=f"in {room.name}", note=note, visits=by_room[room.pk])
    if by_room.get(None):
        grid.add(param="room", pk=None, title="No room", who="", note="Booked without a room", visits=by_room[None])
    return grid


@dataclass(frozen=True)
class WeekDay:
    day: datetime.date
    visits: list[Appointment]
    note: str
    off: bool


def week_days(
    monday: datetime.date,
    visits: Iterable[Appointment],
    hours: Sequence[WorkingHours] | None,
    time_off: Sequence[TimeOff],
) -> list[WeekDay]:
    """Monday to Sunday; `hours` is None for a room, which keeps no working hours."""
    by_day: dict[datetime.date, list[Appointment]] = defaultdict(list)
    for visit in visits:
        by_day[timezone.localdate(visit.starts_at)].append(visit)
    days = []
    for offset in range(7):
        day = monday + datetime.timedelta(days=offset)
        leave = next(iter(time_off_on(time_off, day).values()), None)
        note = off_text(leave) if leave else (hours_text(hours, day) if hours is not None else "")
        days.append(WeekDay(day, sorted(by_day[day], key=lambda a: a.starts_at), note, leave is not None))
    return days


# The list's filter chips: key -> (label, the statuses shown; None for every visit).
AGENDA_FILTERS: dict[str, tuple[str, frozenset[str] | None]] = {
    "all": ("All", None),
    "waiting": ("Waiting", frozenset({Status.CHECKED_IN})),
    "not_arrived": ("Not arrived", frozenset({Status.SCHEDULED, Status.CONFIRMED})),
}


@dataclass(frozen=True)
class Chip:
    key: str
    label: str
    count: int
    active: bool


@dataclass(frozen=True)
class AgendaRow:
    """A visit of the day's list with its three links, reversed once for the whole list rather than per row."""

    appointment: Appointment
    url: str
    chart_url: str
    status_url: str


def agenda_rows(visits: Iterable[Appointment]) -> list[AgendaRow]:
    detail, chart, status = (
        url_for_each(name) for name in ("scheduling:detail", "patients:chart", "scheduling:status")
    )
    return [AgendaRow(visit, detail(visit.pk), chart(visit.patient_id), status(visit.pk)) for visit in visits]


def agenda_filter(show: str) -> Q:
    """The visits a chip shows, as a query condition (every visit for "all")."""
    statuses = AGENDA_FILTERS[show][1]
    return Q() if statuses is None else Q(status__in=statuses)


def agenda_chips(counts: dict[str, int], show: str) -> list[Chip]:
    """The chips with their counts (`counts`: chip key -> visits that day, as the view counts them)."""
    return [Chip(key, label, counts[key], key == show) for key, (label, _) in AGENDA_FILTERS.items()]
