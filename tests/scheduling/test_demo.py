"""The demo clinic's schedule: two working weeks around today for three physicians, booked once."""

import itertools
from collections import Counter, defaultdict

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from clinic.roles import Role
from scheduling.demo import BLOCKS, clinic_day, clinic_days
from scheduling.models import Appointment, Room, Status, TimeOff, WaitlistEntry, WorkingHours
from tests.conftest import seed_demo

pytestmark = pytest.mark.django_db

PHYSICIANS = {"physician", "drchen", "drokafor"}


def appointments() -> list[Appointment]:
    return list(Appointment.objects.with_details())


def test_three_physicians_share_four_rooms(demo):
    physicians = User.objects.filter(groups__name=Role.PHYSICIAN.value)
    assert set(physicians.values_list("username", flat=True)) == PHYSICIANS
    assert Room.objects.filter(active=True).count() == 4
    assert Room.objects.filter(kind=Room.Kind.PROCEDURE_SUITE, fluoroscopy=True).count() == 2
    # Mornings and afternoons, Monday to Friday.
    assert WorkingHours.objects.count() == 3 * 5 * 2


def test_every_physician_has_patients_on_the_day_shown(demo):
    """Today, or the coming Monday when the demo is seeded on a weekend."""
    day = clinic_day(timezone.localdate())
    booked = {a.physician.username for a in appointments() if a.local_start.date() == day}
    assert booked == PHYSICIANS
    assert f"Demo schedule: {Appointment.objects.count()} booked." in demo


def test_a_physician_sees_8_to_14_patients_a_day_except_the_day_off(demo):
    per_day = Counter((a.physician.username, a.local_start.date()) for a in appointments())
    days = clinic_days(timezone.localdate())
    off = TimeOff.objects.get()
    assert off.physician.username in PHYSICIANS
    assert off.starts_on in days
    for username in PHYSICIANS:
        for day in days:
            if (username, day) == (off.physician.username, off.starts_on):
                assert per_day[(username, day)] == 0
            else:
                assert 8 <= per_day[(username, day)] <= 14, (username, day)
    assert {a.local_start.date() for a in appointments()} == set(days)


def test_no_physician_room_or_patient_is_booked_twice_at_once(demo):
    holding = [a for a in appointments() if a.holds_slot]
    by_key: dict[tuple[str, int], list[Appointment]] = defaultdict(list)
    for a in holding:
        by_key[("physician", a.physician_id)].append(a)
        by_key[("patient", a.patient_id)].append(a)
        if a.room_id:
            by_key[("room", a.room_id)].append(a)
    for key, booked in by_key.items():
        booked.sort(key=lambda a: a.starts_at)
        for earlier, later in itertools.pairwise(booked):
            assert earlier.ends_at <= later.starts_at, (key, earlier, later)


def test_visits_are_in_rooms_of_their_kind_within_working_hours_on_the_15_minute_grid(demo):
    for a in appointments():
        assert a.room is not None
        suite = a.room.kind == Room.Kind.PROCEDURE_SUITE
        assert suite == (a.visit_type == "procedure")
        assert a.local_start.minute % 15 == 0
        assert any(s <= a.local_start.time() and a.local_end.time() <= e for s, e in BLOCKS)
        if a.visit_type == "procedure":
            assert a.procedure_type is not None


def test_past_visits_are_done_and_future_ones_only_booked(demo):
    today = timezone.localdate()
    past = [a for a in appointments() if a.local_start.date() < today]
    ahead = [a for a in appointments() if a.local_start.date() > today]
    assert {a.status for a in past} <= {Status.COMPLETED, Status.NO_SHOW, Status.CANCELLED}
    assert Counter(a.status for a in past).most_common(1)[0][0] == Status.COMPLETED
    assert any(a.status == Status.NO_SHOW for a in past)
    assert {a.status for a in ahead} <= {Status.SCHEDULED, Status.CONFIRMED, Status.CANCELLED}
    cancelled = [a for a in appointments() if a.status == Status.CANCELLED]
    assert 1 <= len(cancelled) <= 8
    assert all(a.cancel_reason for a in cancelled)
    if today.weekday() < 5:
        under_way = {a.status for a in appointments() if a.local_start.date() == today}
        assert {Status.IN_ROOM, Status.CHECKED_IN, Status.CONFIRMED} <= under_way


def test_a_patient_at_an_injection_limit_is_booked_and_flagged(demo):
    flagged = [a for a in appointments() if a.limit_would_pass or a.limit_summary]
    assert flagged
    assert any(a.limit_would_pass and a.procedure_type and a.procedure_type.family == "esi" for a in flagged)


def test_a_few_patients_wait_for_an_earlier_slot(demo):
    entries = WaitlistEntry.objects.filter(closed_at__isnull=True)
    assert 2 <= entries.count() <= 4
    assert all(e.earliest_on >= timezone.localdate() for e in entries)


def schedule_counts() -> tuple[int, ...]:
    return (
        Appointment.objects.count(),
        Appointment.history.count(),
        WaitlistEntry.objects.count(),
        Room.objects.count(),
        WorkingHours.objects.count(),
        TimeOff.objects.count(),
    )


def test_seeding_the_demo_again_adds_nothing(demo):
    before = schedule_counts()

    output = seed_demo()

    assert "Demo schedule: already in place." in output
    assert schedule_counts() == before
