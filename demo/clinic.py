"""The scale clinic's staff, rooms, working hours and time off, and the grid its visits are booked into.

Thirty physicians work at four sites with twenty procedure suites and twelve exam rooms. Each half-day a
physician either does procedures in a suite or sees patients in an exam room; the weekly pattern puts twenty
physicians in suites and ten in exam rooms at any time, so a room is never needed twice. Visits are booked
one after another from the start of a physician's block, with the odd gap left open, so no physician, room
or patient is ever booked twice at once (the database's exclusion constraints check it on PostgreSQL).
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from clinic.roles import Role
from demo import moments
from demo.logins import DEMO_PASSWORD, DEMO_USERS, role_groups, staff_login
from demo.people import PAYERS
from patients.models import Payer
from scheduling.models import Room, TimeOff, WorkingHours

PASSWORD = DEMO_PASSWORD
# The demo's logins first (same names and password), then the rest of a thirty-physician practice.
MORE_PHYSICIANS = [
    ("drpatel", "Anika", "Patel"),
    ("drnguyen", "Thanh", "Nguyen"),
    ("drgarcia", "Lucía", "García"),
    ("drwilliams", "Marcus", "Williams"),
    ("drkim", "Soo-jin", "Kim"),
    ("drbrennan", "Siobhan", "Brennan"),
    ("drhaddad", "Omar", "Haddad"),
    ("drlindqvist", "Erik", "Lindqvist"),
    ("drmensah", "Kwame", "Mensah"),
    ("drrossi", "Giulia", "Rossi"),
    ("drcohen", "Daniel", "Cohen"),
    ("drfernandez", "Alejandro", "Fernández"),
    ("drtanaka", "Hiroshi", "Tanaka"),
    ("drobrien", "Maeve", "O'Brien"),
    ("drschmidt", "Lukas", "Schmidt"),
    ("drwashington", "Denise", "Washington"),
    ("drivanova", "Elena", "Ivanova"),
    ("drmorales", "Camila", "Morales"),
    ("drsingh", "Harpreet", "Singh"),
    ("drbaptiste", "Jean", "Baptiste"),
    ("drkowalski", "Piotr", "Kowalski"),
    ("drade", "Folake", "Adeyemi"),
    ("drlarsen", "Ingrid", "Larsen"),
    ("drtorres", "Mateo", "Torres"),
    ("drward", "Rebecca", "Ward"),
    ("drcho", "Min", "Cho"),
    ("drreyes", "Sofía", "Reyes"),
]
MORE_FRONT_DESK = [(f"frontdesk{n}", first, "Desk") for n, first in enumerate(("Gina", "Tomás", "Keisha", "Ravi"), 2)]
MORE_NURSES = [
    (f"nurse{n}", first, last)
    for n, (first, last) in enumerate(
        (("Ana", "Silva"), ("Beth", "Carter"), ("Chidi", "Obi"), ("Dana", "Kline"), ("Ester", "Lund")), 2
    )
]
SITES = ("Tampa", "Brandon", "Clearwater", "St. Petersburg")
SUITES_PER_SITE = 5
EXAM_ROOMS_PER_SITE = 3
# Morning and afternoon blocks (minutes after midnight). Mornings end by 12:30 and afternoons start from 12:30,
# so a room handed from a morning physician to an afternoon one is never held twice.
MORNINGS = ((7 * 60, 12 * 60 + 30), (7 * 60 + 30, 12 * 60 + 30), (7 * 60, 12 * 60))
AFTERNOONS = ((12 * 60 + 30, 18 * 60), (13 * 60, 18 * 60), (12 * 60 + 30, 17 * 60 + 30))
GRID = 15
OPEN_GAP = 0.04  # a slot left open now and then: what the front desk can still offer
PROCEDURES, CLINIC = "P", "C"


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def holidays(year: int) -> set[datetime.date]:
    """Days the clinic is closed: New Year, Memorial Day, Independence Day, Labor Day, Thanksgiving, Christmas."""
    last_monday_may = _nth_weekday(year, 5, 0, 4)
    if (last_monday_may + datetime.timedelta(days=7)).month == 5:
        last_monday_may += datetime.timedelta(days=7)
    return {
        datetime.date(year, 1, 1),
        last_monday_may,
        datetime.date(year, 7, 4),
        _nth_weekday(year, 9, 0, 1),
        _nth_weekday(year, 11, 3, 4),
        datetime.date(year, 12, 25),
    }


@dataclass(frozen=True)
class Staff:
    physicians: list[User]
    front_desk: list[User]
    nurses: list[User]
    administrators: list[User]


def seed_staff() -> Staff:
    """The demo's six logins and the rest of the practice, all with the demo password (hashed once)."""
    password = make_password(PASSWORD)
    accounts = [(username, first, last, role) for username, first, last, role in DEMO_USERS]
    accounts += [(u, f, last, Role.PHYSICIAN) for u, f, last in MORE_PHYSICIANS]
    accounts += [(u, f, last, Role.FRONT_DESK) for u, f, last in MORE_FRONT_DESK]
    accounts += [(u, f, last, Role.NURSE) for u, f, last in MORE_NURSES]
    groups = role_groups()
    by_role: dict[Role, list[User]] = {role: [] for role in Role}
    for username, first, last, role in accounts:
        by_role[role].append(staff_login(username, first, last, role, password=password, groups=groups))
    return Staff(
        physicians=by_role[Role.PHYSICIAN],
        front_desk=by_role[Role.FRONT_DESK],
        nurses=by_role[Role.NURSE],
        administrators=by_role[Role.ADMINISTRATOR],
    )


def seed_payers() -> dict[str, Payer]:
    return {key: Payer.objects.get_or_create(key=key, defaults={"name": name})[0] for key, name in PAYERS}


def seed_rooms() -> tuple[list[Room], list[Room]]:
    suites, exam_rooms = [], []
    for site in SITES:
        for n in range(1, SUITES_PER_SITE + 1):
            suites.append(
                Room.objects.get_or_create(
                    name=f"{site} procedure suite {n}",
                    defaults={"kind": Room.Kind.PROCEDURE_SUITE, "fluoroscopy": True},
                )[0]
            )
        for letter in "ABCDEFGH"[:EXAM_ROOMS_PER_SITE]:
            exam_rooms.append(
                Room.objects.get_or_create(name=f"{site} exam room {letter}", defaults={"kind": Room.Kind.EXAM_ROOM})[0]
            )
    return suites, exam_rooms


@dataclass(frozen=True)
class Week:
    """One physician's regular week: (weekday, half) → (start, end) in minutes, and the mode of each half-day."""

    blocks: dict[tuple[int, int], tuple[int, int]]
    modes: dict[tuple[int, int], str]


def physician_weeks(count: int) -> list[Week]:
    """Everyone works Monday to Friday; every sixth physician keeps Friday afternoons for admin work.

    Physician i does procedures in half-day h of weekday d unless (i + d + h) is a multiple of three: with
    thirty physicians that is exactly twenty in suites and ten in exam rooms at any time.
    """
    weeks = []
    for i in range(count):
        morning, afternoon = MORNINGS[i % len(MORNINGS)], AFTERNOONS[(i // 3) % len(AFTERNOONS)]
        blocks, modes = {}, {}
        for weekday in range(5):
            for half, block in enumerate((morning, afternoon)):
                if (weekday, half) == (4, 1) and i % 6 == 5:
                    continue
                blocks[(weekday, half)] = block
                modes[(weekday, half)] = CLINIC if (i + weekday + half) % 3 == 0 else PROCEDURES
        weeks.append(Week(blocks, modes))
    return weeks


def seed_hours(physicians: Sequence[User], weeks: Sequence[Week]) -> None:
    rows = [
        WorkingHours(
            physician=physician,
            weekday=weekday,
            starts=datetime.time(start // 60, start % 60),
            ends=datetime.time(end // 60, end % 60),
        )
        for physician, week in zip(physicians, weeks, strict=True)
        for (weekday, _half), (start, end) in sorted(week.blocks.items())
    ]
    WorkingHours.objects.bulk_create(rows, ignore_conflicts=True)


def seed_time_off(
    rng: random.Random, physicians: Sequence[User], first: datetime.date, last: datetime.date
) -> set[tuple[int, datetime.date]]:
    """Two weeks of holiday a year and a conference, per physician; returns (physician index, day) pairs off."""
    rows, off = [], set()
    for index, physician in enumerate(physicians):
        for year in range(first.year, last.year + 1):
            for weeks, reason in ((1, "Vacation"), (1, "Vacation"), (0, "Conference: pain medicine annual meeting")):
                monday = _nth_weekday(year, 1, 0, 1) + datetime.timedelta(weeks=rng.randint(0, 50))
                starts = monday + datetime.timedelta(days=0 if weeks else rng.randint(0, 2))
                ends = starts + datetime.timedelta(days=4 if weeks else 2)
                if ends < first or starts > last:
                    continue
                rows.append(TimeOff(physician=physician, starts_on=starts, ends_on=ends, reason=reason))
                off |= {(index, starts + datetime.timedelta(days=n)) for n in range((ends - starts).days + 1)}
    TimeOff.objects.bulk_create(rows)
    return off


@dataclass
class DayGrid:
    """One day's blocks: [cursor, end, physician index, room id] per half-day, by mode and by physician."""

    by_mode: dict[str, list[list[int]]] = field(default_factory=lambda: {PROCEDURES: [], CLINIC: []})
    by_physician: dict[tuple[int, str], list[list[int]]] = field(default_factory=dict)


class Schedule:
    """Books visits into physicians' blocks, day by day, never twice at once for a physician or a room."""

    def __init__(
        self,
        rng: random.Random,
        weeks: Sequence[Week],
        suites: Sequence[int],
        exam_rooms: Sequence[int],
        off: set[tuple[int, datetime.date]],
    ) -> None:
        self.rng = rng
        self.weeks = weeks
        self.rooms = {PROCEDURES: list(suites), CLINIC: list(exam_rooms)}
        self.off = off
        self.days: dict[datetime.date, DayGrid] = {}
        self.closed: dict[int, set[datetime.date]] = {}
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.midnights: dict[datetime.date, int] = {}

    def is_open(self, day: datetime.date) -> bool:
        if day.weekday() >= 5:
            return False
        if day.year not in self.closed:
            self.closed[day.year] = holidays(day.year)
        return day not in self.closed[day.year]

    def next_open(self, day: datetime.date) -> datetime.date:
        while not self.is_open(day):
            day += datetime.timedelta(days=1)
        return day

    def _grid(self, day: datetime.date) -> DayGrid:
        grid = self.days.get(day)
        if grid is not None:
            return grid
        grid = self.days[day] = DayGrid()
        weekday = day.weekday()
        for half in (0, 1):
            used = {PROCEDURES: 0, CLINIC: 0}
            for index, week in enumerate(self.weeks):
                block = week.blocks.get((weekday, half))
                if block is None or (index, day) in self.off:
                    continue
                mode = week.modes[(weekday, half)]
                rooms = self.rooms[mode]
                if used[mode] >= len(rooms):
                    continue
                entry = [block[0], block[1], index, rooms[used[mode]]]
                used[mode] += 1
                grid.by_mode[mode].append(entry)
                grid.by_physician.setdefault((index, mode), []).append(entry)
        return grid

    def book(self, day: datetime.date, mode: str, minutes: int, prefer: int) -> tuple[int, int, int] | None:
        """(physician index, room id, start minute) of the next free time: the preferred physician's if they
        work in that mode that day, else anyone's. None when the day is full."""
        grid = self._grid(day)
        for entry in grid.by_physician.get((prefer, mode), ()):
            if entry[0] + minutes <= entry[1]:
                return self._take(entry, minutes)
        blocks = grid.by_mode[mode]
        count = len(blocks)
        start = self.rng.randrange(count) if count else 0
        for k in range(count):
            entry = blocks[(start + k) % count]
            if entry[0] + minutes <= entry[1]:
                return self._take(entry, minutes)
        return None

    def _take(self, entry: list[int], minutes: int) -> tuple[int, int, int]:
        starts = entry[0]
        entry[0] += minutes
        if self.rng.random() < OPEN_GAP:
            entry[0] += GRID
        return entry[2], entry[3], starts

    def spot(self, day: datetime.date, mode: str, prefer: int) -> tuple[int, int, int] | None:
        """A time a visit that was later cancelled could have held: on the grid, without taking it."""
        grid = self._grid(day)
        blocks = grid.by_physician.get((prefer, mode)) or grid.by_mode[mode]
        if not blocks:
            return None
        entry = self.rng.choice(blocks)
        slots = (entry[1] - entry[0]) // GRID
        starts = entry[0] + GRID * self.rng.randrange(slots) if slots > 0 else entry[1] - GRID
        return entry[2], entry[3], starts

    def moment(self, day: datetime.date, minute: int) -> int:
        """A wall-clock minute of a clinic day as UTC minutes (clocks change at night, never in clinic hours)."""
        midnight = self.midnights.get(day)
        if midnight is None:
            noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=self.zone)
            offset = noon.utcoffset() or datetime.timedelta()
            midnight = self.midnights[day] = moments.minutes(
                datetime.datetime.combine(day, datetime.time(0), tzinfo=datetime.UTC) - offset
            )
        return midnight + minute
