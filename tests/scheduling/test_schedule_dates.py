"""Which visits belong to a clinic day: local midnight to local midnight, on the days the calendar is odd.

New York's clocks spring forward on Sunday 8 March 2026 (a 23-hour day: 02:00–02:59 never happens) and
go back on Sunday 1 November 2026 (a 25-hour day: 01:00–01:59 happens twice). A day's visits are those
that start on it by the clinic's wall clock, whatever the UTC offset.
"""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from scheduling import calendar
from scheduling.models import Appointment
from tests import factories
from tests.clock import on_clinic_day
from tests.scheduling.helpers import at, book, weekday_hours

pytestmark = pytest.mark.django_db

D = datetime.date
SPRING_FORWARD = D(2026, 3, 8)
FALL_BACK = D(2026, 11, 1)


@pytest.fixture(autouse=True)
def _within_a_year_of_these_days():
    """The visits here fall on fixed days of 2026 to 2028, and a visit is booked within a year back of today
    (`clinic.validators.bookable_days`): the clinic's calendar reads a day in reach of all of them."""
    with on_clinic_day(datetime.date(2027, 2, 15)):
        yield


NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def new_york(settings):
    """The clock changes above are New York's, whatever TIME_ZONE the suite runs with."""
    settings.TIME_ZONE = "America/New_York"


def visits_at(physician, *moments: datetime.datetime) -> list[Appointment]:
    """A 20-minute follow-up at each moment, each for its own patient."""
    return [book(factories.patient(first_name=f"Patient{n}"), physician, moment) for n, moment in enumerate(moments, 1)]


def one_day(client, user, name: str, day: datetime.date, **params):
    client.force_login(user)
    response = client.get(reverse(name), {"date": day.isoformat(), **params})
    assert response.status_code == 200
    return response


def drawn(response) -> list[tuple[Appointment, int, int]]:
    """(visit, grid row, lane) of every visit drawn on the day view."""
    blocks = [block for column in response.context["grid"].columns for block in column.blocks]
    visits = Appointment.objects.in_bulk([block.visit.pk for block in blocks])
    return [(visits[block.visit.pk], block.row, block.lane) for block in blocks]


# A 23-hour day.


def hours_between(starts: datetime.datetime, ends: datetime.datetime) -> float:
    """Time elapsed; subtracting two datetimes of one zone would count wall-clock hours instead."""
    return (ends.astimezone(datetime.UTC) - starts.astimezone(datetime.UTC)) / datetime.timedelta(hours=1)


def test_the_spring_forward_day_is_23_hours_long():
    assert hours_between(*calendar.day_bounds(SPRING_FORWARD)) == 23


def test_the_spring_forward_day_holds_its_own_visits_from_midnight_to_midnight_and_no_others(physician):
    before, first, after_the_gap, last, next_day = visits_at(
        physician,
        at(D(2026, 3, 7), 23, 30),
        at(SPRING_FORWARD, 0, 15),
        at(SPRING_FORWARD, 3, 0),  # the first wall-clock time after the skipped hour
        at(SPRING_FORWARD, 23, 30),
        at(D(2026, 3, 9), 0, 15),
    )
    assert list(Appointment.objects.on_day(SPRING_FORWARD)) == [first, after_the_gap, last]
    assert list(Appointment.objects.on_day(D(2026, 3, 7))) == [before]
    assert list(Appointment.objects.on_day(D(2026, 3, 9))) == [next_day]


def test_the_day_view_of_the_spring_forward_day_draws_its_visits_at_their_wall_clock_rows(client, frontdesk, physician):
    visits_at(physician, at(D(2026, 3, 7), 23, 30), at(D(2026, 3, 9), 0, 15))
    first, after_the_gap, last = visits_at(
        physician, at(SPRING_FORWARD, 0, 15), at(SPRING_FORWARD, 3, 0), at(SPRING_FORWARD, 23, 30)
    )
    response = one_day(client, frontdesk, "scheduling:day", SPRING_FORWARD)
    # Rows are 15 minutes from midnight: 00:15 is row 2, 03:00 row 13, 23:30 row 95.
    assert drawn(response) == [(first, 2, 1), (after_the_gap, 13, 1), (last, 95, 1)]
    # The skipped hour is drawn (the rows keep their wall-clock times) but offers no slot to book.
    cells = response.context["grid"].columns[0].cells
    assert [c.label for c in cells if not c.exists] == ["02:00", "02:15", "02:30", "02:45"]
    html = response.content.decode()
    assert f"start={SPRING_FORWARD}T01:45" in html
    assert f"start={SPRING_FORWARD}T02:30" not in html


# A 25-hour day.


def test_the_fall_back_day_is_25_hours_long():
    assert hours_between(*calendar.day_bounds(FALL_BACK)) == 25


def repeated_hour(minute: int) -> tuple[datetime.datetime, datetime.datetime]:
    """01:mm on the fall-back day, once in daylight time (UTC-4) and again an hour later in standard time (UTC-5).

    Written in UTC, as the database holds them: adding a visit's length to a New York time would lose `fold`.
    """
    daylight = datetime.datetime.combine(FALL_BACK, datetime.time(5, minute), tzinfo=datetime.UTC)
    return daylight, daylight + datetime.timedelta(hours=1)


def test_the_fall_back_day_holds_both_of_its_one_thirties_and_no_other_days_visits(physician):
    daylight, standard = repeated_hour(30)
    assert daylight.astimezone(NEW_YORK).time() == standard.astimezone(NEW_YORK).time() == datetime.time(1, 30)
    before, first, once, twice, last, next_day = visits_at(
        physician,
        at(D(2026, 10, 31), 23, 30),
        at(FALL_BACK, 0, 15),
        daylight,
        standard,
        at(FALL_BACK, 23, 30),
        at(D(2026, 11, 2), 0, 15),
    )
    assert list(Appointment.objects.on_day(FALL_BACK)) == [first, once, twice, last]
    assert list(Appointment.objects.on_day(D(2026, 10, 31))) == [before]
    assert list(Appointment.objects.on_day(D(2026, 11, 2))) == [next_day]


def test_the_day_view_of_the_fall_back_day_draws_the_repeated_hours_visits_side_by_side(client, frontdesk, physician):
    visits_at(physician, at(D(2026, 10, 31), 23, 30), at(D(2026, 11, 2), 0, 15))
    once, twice = visits_at(physician, *repeated_hour(30))
    last = visits_at(physician, at(FALL_BACK, 23, 30))[0]
    response = one_day(client, frontdesk, "scheduling:day", FALL_BACK)
    # Rows are 15 minutes from 01:00, the first visit's hour. Both 01:30s are on the 01:30 row: the wall
    # clock cannot tell them apart, so they sit side by side in two lanes.
    assert drawn(response) == [(once, 3, 1), (twice, 3, 2), (last, 91, 1)]


def test_the_days_list_of_the_fall_back_day_runs_in_the_order_the_visits_happen(client, frontdesk, physician):
    visits_at(physician, at(D(2026, 10, 31), 23, 30), at(D(2026, 11, 2), 0, 15))
    once, twice = visits_at(physician, *repeated_hour(30))
    late_daylight = visits_at(physician, repeated_hour(55)[0])[0]  # 01:55 the first time round
    response = one_day(client, frontdesk, "scheduling:agenda", FALL_BACK)
    assert response.context["appointments"] == [once, late_daylight, twice]


# Weeks holding a clock change, a month end, a year end.


def week_of(client, user, physician, day: datetime.date):
    response = one_day(client, user, "scheduling:week", day, physician=physician.pk)
    return response, {d.day: d.visits for d in response.context["days"]}


def test_a_week_ending_on_the_fall_back_sunday_keeps_its_late_visit_and_not_mondays(client, frontdesk, physician):
    sunday_night, monday = visits_at(physician, at(FALL_BACK, 23, 30), at(D(2026, 11, 2), 0, 15))
    response, days = week_of(client, frontdesk, physician, FALL_BACK)
    assert response.context["monday"] == D(2026, 10, 26)
    assert days[FALL_BACK] == [sunday_night]
    assert monday not in [v for visits in days.values() for v in visits]
    starts, ends = calendar.day_bounds(D(2026, 10, 26), days=7)
    assert hours_between(starts, ends) == 7 * 24 + 1


def test_a_week_beginning_on_the_monday_after_spring_forward_starts_at_its_midnight(client, frontdesk, physician):
    sunday_night, monday = visits_at(physician, at(SPRING_FORWARD, 23, 30), at(D(2026, 3, 9), 0, 15))
    response, days = week_of(client, frontdesk, physician, D(2026, 3, 9))
    assert response.context["monday"] == D(2026, 3, 9)
    assert days[D(2026, 3, 9)] == [monday]
    assert sunday_night not in [v for visits in days.values() for v in visits]


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (D(2026, 3, 1), D(2026, 2, 23)),  # a week across the end of February
        (D(2028, 2, 29), D(2028, 2, 28)),  # the leap day is a Tuesday
        (D(2027, 1, 1), D(2026, 12, 28)),  # a week across the year end
    ],
)
def test_a_week_runs_monday_to_sunday_across_month_and_year_ends(client, frontdesk, physician, day, monday):
    response, days = week_of(client, frontdesk, physician, day)
    assert response.context["monday"] == monday
    assert list(days) == [monday + datetime.timedelta(days=n) for n in range(7)]
    assert (response.context["previous"], response.context["next"]) == (
        monday - datetime.timedelta(days=7),
        monday + datetime.timedelta(days=7),
    )


@pytest.mark.parametrize(
    ("day", "previous", "following"),
    [
        (D(2026, 2, 28), D(2026, 2, 27), D(2026, 3, 1)),
        (D(2028, 2, 28), D(2028, 2, 27), D(2028, 2, 29)),
        (D(2028, 3, 1), D(2028, 2, 29), D(2028, 3, 2)),
        (D(2026, 12, 31), D(2026, 12, 30), D(2027, 1, 1)),
    ],
)
def test_a_month_end_day_holds_its_own_late_visit_and_steps_to_the_next_month(
    client, frontdesk, physician, day, previous, following
):
    late, next_morning = visits_at(physician, at(day, 23, 30), at(following, 0, 15))
    response = one_day(client, frontdesk, "scheduling:day", day)
    assert [visit for visit, _, _ in drawn(response)] == [late]
    assert (response.context["previous"], response.context["next"]) == (previous, following)
    assert [visit for visit, _, _ in drawn(one_day(client, frontdesk, "scheduling:day", following))] == [next_morning]


def test_the_29th_of_february_of_a_common_year_is_not_a_date_and_shows_today(client, frontdesk):
    with on_clinic_day(D(2027, 3, 1)):
        client.force_login(frontdesk)
        response = client.get(reverse("scheduling:day"), {"date": "2027-02-29"})
    assert response.context["grid"].day == D(2027, 3, 1)
    assert "is not a date like" in response.content.decode()


# "Today" and weekends.


@pytest.mark.parametrize(
    ("moment", "today"),
    [
        ((SPRING_FORWARD, 23, 50), SPRING_FORWARD),  # already Monday in UTC
        ((D(2026, 12, 31), 20, 30), D(2026, 12, 31)),  # already next year in UTC
        ((D(2028, 2, 28), 21, 0), D(2028, 2, 28)),  # already the leap day in UTC
    ],
    ids=["dst-night", "new-years-eve", "leap-eve"],
)
def test_the_schedule_opens_on_the_clinics_today_not_utcs(client, frontdesk, moment, today):
    day, hour, minute = moment
    with on_clinic_day(day, hour, minute):
        client.force_login(frontdesk)
        response = client.get(reverse("scheduling:day"))
    assert response.context["grid"].day == today
    assert response.context["today"] == today


def test_a_saturday_has_no_working_hours_but_still_shows_a_visit_booked_on_it(client, frontdesk, physician):
    weekday_hours(physician)
    saturday = D(2026, 12, 5)
    visit = visits_at(physician, at(saturday, 9))[0]
    response = one_day(client, frontdesk, "scheduling:day", saturday)
    column = response.context["grid"].columns[0]
    assert column.note == "No hours on Saturdays"
    assert not any(cell.working for cell in column.cells)
    assert [b.visit.pk for b in column.blocks] == [visit.pk]


def test_a_90_minute_visit_across_the_clocks_going_back_lasts_90_real_minutes(client, frontdesk, physician):
    from scheduling.forms import SlotForm

    with on_clinic_day(datetime.date(2026, 10, 20)):
        form = SlotForm({"physician": physician.pk, "starts_at": "2026-11-01T00:30", "minutes": "90"})
        assert form.is_valid(), form.errors
        slot = form.slot("follow_up")
    # Same-zone subtraction is wall-clock in Python: compare the real instants.
    assert slot.ends_at.astimezone(datetime.UTC) - slot.starts_at.astimezone(datetime.UTC) == datetime.timedelta(
        minutes=90
    )
