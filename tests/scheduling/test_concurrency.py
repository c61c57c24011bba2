"""Two desks book the same slot at the same moment: exactly one booking gets through."""

from collections.abc import Callable, Sequence

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from scheduling.models import Appointment
from tests import factories
from tests.posting import at_once
from tests.scheduling.helpers import at, book, next_weekday

pytestmark = pytest.mark.django_db(transaction=True)

DAY = next_weekday()


def race(attempts: Sequence[Callable[[], object]]) -> list[str]:
    """Runs the attempts at the same moment (`at_once`): "booked" or the refusal's message, per attempt."""
    outcomes: list[str] = []
    for outcome in at_once(attempts):
        if isinstance(outcome, ValidationError):
            outcomes.append(" ".join(outcome.messages))
        elif isinstance(outcome, Exception):
            raise outcome  # anything but a refusal is a failure of the booking itself
        else:
            outcomes.append("booked")
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
        written_around_the_service(physician, "Sneaky")
    booked.status = "cancelled"
    booked.cancel_reason = "Freed"
    booked.save()
    written_around_the_service(physician, "Now free")


def written_around_the_service(physician, first_name: str) -> Appointment:
    """A 9:15-9:45 visit, over the 9:00 booking, saved straight to the table past the booking service's checks."""
    return Appointment.objects.create(
        patient=factories.patient(first_name=first_name),
        physician=physician,
        starts_at=at(DAY, 9, 15),
        ends_at=at(DAY, 9, 45),
        visit_type="follow_up",
        booked_by=physician,
    )
