"""Two desks book the same slot at the same moment: exactly one booking gets through."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from scheduling.models import Appointment
from tests import factories
from tests.scheduling.helpers import at, book, next_weekday

pytestmark = pytest.mark.django_db(transaction=True)

DAY = next_weekday()


def race(attempts) -> list[str]:
    """Start each attempt at the same moment, in its own thread and database connection.

    Returns "booked" or the refusal's message, per attempt.
    """
    outcomes: list[str] = [""] * len(attempts)
    start = threading.Barrier(len(attempts), timeout=10)

    def run(index: int) -> None:
        try:
            start.wait()
            attempts[index]()
            outcomes[index] = "booked"
        except ValidationError as error:
            outcomes[index] = " ".join(error.messages)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("attempt", range(3))
def test_two_concurrent_bookings_of_one_physicians_slot_let_exactly_one_through(physician, attempt):
    first, second = factories.patient(first_name="First"), factories.patient(first_name="Second")
    outcomes = race(
        [lambda: book(first, physician, at(DAY, 9), 30), lambda: book(second, physician, at(DAY, 9, 10), 30)],
    )
    assert sorted(o == "booked" for o in outcomes) == [False, True]
    refusal = next(o for o in outcomes if o != "booked")
    assert "already booked" in refusal
    assert Appointment.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Exclusion constraints exist only on PostgreSQL; on SQLite the booking transaction decides (above).",
)
def test_on_postgresql_the_database_itself_refuses_an_overlap_written_around_the_service(physician):
    booked = book(factories.patient(first_name="First"), physician, at(DAY, 9), 30)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            patient=factories.patient(first_name="Sneaky"),
            physician=physician,
            starts_at=at(DAY, 9, 15),
            ends_at=at(DAY, 9, 45),
            visit_type="follow_up",
            booked_by=physician,
        )
    booked.status = "cancelled"
    booked.cancel_reason = "Freed"
    booked.save()
    Appointment.objects.create(
        patient=factories.patient(first_name="Now free"),
        physician=physician,
        starts_at=at(DAY, 9, 15),
        ends_at=at(DAY, 9, 45),
        visit_type="follow_up",
        booked_by=physician,
    )
