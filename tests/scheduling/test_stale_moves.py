"""Two people move one visit at once: the second move is refused with the first one's change. A double-clicked
booking or waitlist form creates one record."""

from functools import partial
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.concurrency import StaleEdit
from scheduling import services
from scheduling.models import Appointment, VisitType, WaitlistEntry
from tests import factories
from tests.posting import as_posted, at_once, opened_by, saved_by
from tests.scheduling.helpers import at, book, next_weekday, weekday_hours

pytestmark = pytest.mark.django_db

DAY = next_weekday()


@pytest.fixture
def clinic(physician):
    weekday_hours(physician)
    return physician


@pytest.fixture
def visit(clinic) -> Appointment:
    return book(factories.patient(first_name="Ana", last_name="Reyes"), clinic, at(DAY, 9))


def opened_move(client, user, visit: Appointment) -> dict[str, Any]:
    return opened_by(client, user, reverse("scheduling:move", args=[visit.pk]))


def move(client, user, visit: Appointment, data: dict[str, Any]):
    return saved_by(client, user, reverse("scheduling:move", args=[visit.pk]), data)


def test_the_second_of_two_moves_opened_together_is_refused_with_the_first_ones_change(client, frontdesk, nurse, visit):
    first, second = opened_move(client, frontdesk, visit), opened_move(client, nurse, visit)
    assert move(client, frontdesk, visit, first | {"starts_at": f"{DAY}T11:00"}).status_code == 302
    response = move(client, nurse, visit, second | {"starts_at": f"{DAY}T14:00"})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    when = timezone.localtime(visit.history.latest().history_date)
    assert errors[0].startswith(f"Changed by Fiona at {when:%H:%M} since you opened it")
    assert f"Starts: {DAY} 09:00 → {DAY} 11:00" in errors
    assert response.context["form"]["starts_at"].value() == f"{DAY}T14:00"
    visit.refresh_from_db()
    assert visit.local_start == at(DAY, 11)


def test_a_confirmation_since_the_move_form_was_opened_refuses_the_move(client, frontdesk, nurse, visit):
    data = opened_move(client, frontdesk, visit)
    services.appointment_set_status(appointment=visit, status="confirmed")
    response = move(client, frontdesk, visit, data | {"starts_at": f"{DAY}T14:00"})
    assert "since you opened it" in response.context["form"].non_field_errors()[0]
    assert "Status: Scheduled → Confirmed" in response.context["form"].non_field_errors()
    visit.refresh_from_db()
    assert visit.local_start == at(DAY, 9)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shipped_data")
def test_two_moves_saved_at_the_same_moment_from_one_version_let_exactly_one_through(physician):
    weekday_hours(physician)
    visit = book(factories.patient(), physician, at(DAY, 9))

    def moving_to(hour: int):
        return lambda: services.appointment_move(
            appointment=Appointment.objects.get(pk=visit.pk),
            slot=services.Slot(physician, None, at(DAY, hour), at(DAY, hour, 20)),
            opened_version=1,
        )

    outcomes = at_once([moving_to(11), moving_to(14)])
    assert sorted(isinstance(outcome, StaleEdit) for outcome in outcomes) == [False, True]
    assert Appointment.objects.get().version == 2


def new_booking(client, user, patient, clinic) -> dict[str, Any]:
    client.force_login(user)
    form = client.get(f"{reverse('scheduling:new')}?patient={patient.pk}").context["form"]
    return as_posted(form) | {"physician": clinic.pk, "visit_type": "follow_up", "starts_at": f"{DAY}T10:00"}


def test_a_double_clicked_booking_books_one_visit_and_both_posts_lead_to_it(client, frontdesk, clinic):
    data = new_booking(client, frontdesk, factories.patient(), clinic)
    first, second = client.post(reverse("scheduling:new"), data), client.post(reverse("scheduling:new"), data)
    appointment = Appointment.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == appointment.get_absolute_url()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shipped_data")
def test_one_booking_form_posted_twice_at_the_same_moment_books_one_visit(frontdesk, physician):
    weekday_hours(physician)
    desks = [Client(), Client()]
    data = new_booking(desks[0], frontdesk, factories.patient(), physician)
    desks[1].force_login(frontdesk)
    responses = at_once([partial(desk.post, reverse("scheduling:new"), data) for desk in desks])
    appointment = Appointment.objects.get()
    assert {(r.status_code, r.url) for r in responses} == {(302, appointment.get_absolute_url())}


def test_a_double_clicked_waitlist_form_adds_the_patient_once(client, frontdesk):
    patient = factories.patient()
    url = f"{reverse('scheduling:waitlist_new')}?patient={patient.pk}"
    client.force_login(frontdesk)
    data = as_posted(client.get(url).context["form"]) | {"visit_type": VisitType.NEW_CONSULT}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert WaitlistEntry.objects.count() == 1
