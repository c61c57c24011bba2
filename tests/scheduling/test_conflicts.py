"""The double-booking check looks back only as far as the longest visit, so a long past costs it nothing."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling import services
from scheduling.models import MAX_VISIT_MINUTES, Appointment
from tests import factories
from tests.scheduling.helpers import at, book, next_weekday, room, weekday_hours
from tests.work import instances_built

pytestmark = pytest.mark.django_db

DAY = next_weekday()


@pytest.fixture
def clinic(physician):
    weekday_hours(physician, starts=7, ends=18)
    return physician


@pytest.fixture
def patient():
    return factories.patient(first_name="Ana", last_name="Reyes")


def test_a_visit_of_the_longest_length_still_running_holds_its_last_minutes(clinic, patient):
    book(factories.patient(first_name="Long"), clinic, at(DAY, 8), minutes=MAX_VISIT_MINUTES)
    with pytest.raises(ValidationError, match="Long Lopez"):
        book(patient, clinic, at(DAY, 15, 45))
    assert book(patient, clinic, at(DAY, 16)).local_start == at(DAY, 16)


def test_the_look_back_counts_real_minutes_across_the_night_the_clocks_go_forward(clinic, patient):
    """On 14 March 2027 New York skips 02:00-03:00: 09:00 is seven real hours after 01:00, not eight."""
    spring = datetime.date(2027, 3, 14)
    starts = at(spring, 0, 30).astimezone(datetime.UTC)
    night = services.Slot(clinic, None, starts, starts + datetime.timedelta(minutes=MAX_VISIT_MINUTES))
    services.appointment_book(
        patient=factories.patient(first_name="Night"), slot=night, visit_type="follow_up", booked_by=clinic
    )
    with pytest.raises(ValidationError, match="Night Lopez"):
        book(patient, clinic, at(spring, 9))


def test_the_service_refuses_a_visit_longer_than_the_longest_bookable(clinic, patient):
    with pytest.raises(ValidationError, match=f"at most {MAX_VISIT_MINUTES} minutes"):
        book(patient, clinic, at(DAY, 8), minutes=MAX_VISIT_MINUTES + 1)
    visit = book(patient, clinic, at(DAY, 8))
    longer = services.Slot(clinic, None, at(DAY, 9), at(DAY, 9) + datetime.timedelta(minutes=MAX_VISIT_MINUTES + 5))
    with pytest.raises(ValidationError, match=f"at most {MAX_VISIT_MINUTES} minutes"):
        services.appointment_move(appointment=visit, slot=longer)
    assert Appointment.objects.get().local_start == at(DAY, 8)


def test_the_check_bounds_the_start_on_both_sides(clinic, patient):
    """Without the lower bound, the indexes on (physician | room | patient, start) read every past visit."""
    slot = services.Slot(clinic, room(), at(DAY, 9), at(DAY, 9, 20))
    with CaptureQueriesContext(connection) as queries:
        services.conflicts(patient, slot)
    (sql,) = [query["sql"] for query in queries.captured_queries]
    assert re.search(r'"starts_at" > ', sql)
    assert re.search(r'"starts_at" < ', sql)


def past_visits(physician, patient, days: int, before: int = 0) -> None:
    """`days` past visits of the physician in the room, every other one the patient's: one a day, going back
    from `before` + 8 days before the day booked (so calls with different `before` do not collide)."""
    suite = room()
    for n in range(before + 1, before + days + 1):
        day = DAY - datetime.timedelta(days=n + 7)
        who = patient if n % 2 else factories.patient(first_name=f"Past{n}")
        book(who, physician, at(day, 9), where=suite)


def test_booking_runs_the_same_queries_and_builds_the_same_rows_whatever_the_past(
    client, frontdesk, clinic, patient, django_assert_max_num_queries
):
    client.force_login(frontdesk)
    suite = room()

    def post(start: str) -> None:
        data = {
            "patient": patient.pk,
            "visit_type": "follow_up",
            "physician": clinic.pk,
            "room": suite.pk,
            "starts_at": f"{DAY.isoformat()}T{start}",
        }
        assert client.post(reverse("scheduling:new"), data).status_code == 302

    past_visits(clinic, patient, 1)
    # The process's first booking loads the reference data every process keeps (working hours, rooms) and puts back
    # their stamp rows: once, not per booking.
    post("08:00")
    with django_assert_max_num_queries(19) as few, instances_built() as first:
        post("09:00")
    past_visits(clinic, patient, 20, before=1)
    with django_assert_max_num_queries(len(few.captured_queries)), instances_built() as later:
        post("10:00")
    assert later.total == first.total
