"""Every booking checks the physician's hours: they are kept between bookings, and never outlive a change to them,
however it is made."""

import datetime

import pytest
from django.db import connection

from clinic.roles import Role
from scheduling import services
from scheduling.hours import day_blocks
from scheduling.models import TimeOff, WorkingHours
from tests.scheduling.helpers import at, next_weekday, weekday_hours

pytestmark = pytest.mark.django_db

DAY = next_weekday()


def warnings_at(physician, hour: int) -> list[str]:
    start = at(DAY, hour)
    return services.hours_warnings(services.Slot(physician, None, start, start + datetime.timedelta(minutes=30)))


def test_a_second_check_of_unchanged_hours_is_one_query(physician, django_assert_num_queries):
    weekday_hours(physician)
    day_blocks(physician.pk, DAY)
    with django_assert_num_queries(1):
        assert warnings_at(physician, 9) == []


def test_hours_edited_by_the_admin_are_read_by_the_next_booking(physician):
    weekday_hours(physician)
    assert warnings_at(physician, 17) != []
    hours = WorkingHours.objects.get(physician=physician, weekday=DAY.weekday())
    hours.ends = datetime.time(19)
    hours.save()
    assert warnings_at(physician, 17) == []


def test_time_off_entered_without_the_models_is_read_at_once(physician):
    weekday_hours(physician)
    assert warnings_at(physician, 9) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO scheduling_timeoff (physician_id, starts_on, ends_on, reason) VALUES (%s, %s, %s, %s)",
            [physician.pk, DAY, DAY, "Conference"],
        )
    assert warnings_at(physician, 9) == ["Paul is off " + f"{DAY}–{DAY}: Conference."]
    TimeOff.objects.filter(physician=physician).delete()
    assert warnings_at(physician, 9) == []


def test_time_off_counts_on_its_first_and_last_days_only(physician):
    weekday_hours(physician)
    TimeOff.objects.create(physician=physician, starts_on=DAY, ends_on=DAY + datetime.timedelta(days=2))

    def spells_off(day: datetime.date) -> list[bool]:
        return sorted(block.off for block in day_blocks(physician.pk, day))

    # DAY is a Tuesday: the days around it are working days.
    assert spells_off(DAY - datetime.timedelta(days=1)) == [False]
    assert spells_off(DAY) == [False, True]
    assert spells_off(DAY + datetime.timedelta(days=2)) == [False, True]
    assert spells_off(DAY + datetime.timedelta(days=3)) == [False]


def test_another_physicians_hours_are_not_theirs(physician, make_user):
    other = make_user("other", Role.PHYSICIAN)
    weekday_hours(other, starts=7, ends=12)
    assert warnings_at(physician, 9) == [f"Outside Paul's working hours on {at(DAY, 9):%A}s (none)."]
