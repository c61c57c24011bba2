"""Booking a planned steroid procedure checks the limits for that date and shows front desk the result."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.exposure import month_shift
from procedures.models import ProcedureType
from scheduling.models import Appointment
from tests import factories
from tests.scheduling.helpers import at, book, next_weekday, room

pytestmark = pytest.mark.django_db

DAY = next_weekday()
TRIAMCINOLONE = (("Triamcinolone acetonide", "40"),)


@pytest.fixture
def near_limit(physician):
    """Three lumbar ESIs in the last five months: a fourth passes the clinic's 3 per 6 months."""
    patient = factories.patient(first_name="Walter", last_name="Kowalski", payer=factories.payer())
    for days in (150, 100, 40):
        factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=days), drugs=TRIAMCINOLONE)
    return patient


def book_esi(client, patient, physician, day):
    data = {
        "patient": patient.pk,
        "visit_type": "procedure",
        "physician": physician.pk,
        "room": room().pk,
        "starts_at": f"{day}T09:00",
        "procedure_type": ProcedureType.objects.get(code="esi-transforaminal").pk,
        "planned_levels": "L4-L5, L5-S1",
        "planned_side": "bilateral",
        "confirm_hours": "on",
    }
    return client.post(reverse("scheduling:new"), data, follow=True)


def test_front_desk_sees_at_booking_that_the_esi_would_pass_and_when_the_patient_clears(
    client, frontdesk, physician, near_limit
):
    client.force_login(frontdesk)
    html = book_esi(client, near_limit, physician, DAY).content.decode()
    appointment = Appointment.objects.get()
    assert appointment.limit_would_pass
    assert appointment.limit_clears_on is not None
    first = timezone.localdate() - datetime.timedelta(days=150)
    assert month_shift(appointment.limit_clears_on, -6) > first
    assert "Would pass a limit" in html
    assert f"within limits again on <strong>{appointment.limit_clears_on.isoformat()}</strong>" in html
    assert "ESI sessions per region, 6 months: 4 of 3 ESI sessions (lumbar/sacral)" in html


def test_the_booking_is_allowed_and_the_physician_sees_the_flag_on_the_schedule(
    client, frontdesk, physician, near_limit
):
    client.force_login(frontdesk)
    book_esi(client, near_limit, physician, DAY)
    client.force_login(physician)
    chart = client.get(near_limit.get_absolute_url()).content.decode()
    assert 'class="badge text-bg-danger" title="ESI sessions per region, 6 months' in chart


def test_booked_after_the_patient_clears_the_same_esi_is_within(client, frontdesk, physician, near_limit):
    client.force_login(frontdesk)
    book_esi(client, near_limit, physician, DAY)
    clears = Appointment.objects.get().limit_clears_on
    appointment = Appointment.objects.get()
    client.post(
        reverse("scheduling:move", args=[appointment.pk]),
        {"physician": physician.pk, "room": appointment.room_id, "starts_at": f"{clears}T10:00", "confirm_hours": "on"},
    )
    appointment.refresh_from_db()
    assert not appointment.limit_would_pass
    assert appointment.limit_clears_on is None


def test_a_consult_runs_no_limit_check(frontdesk, physician, near_limit):
    appointment = book(near_limit, physician, at(DAY, 11), visit_type="new_consult")
    assert (appointment.limit_would_pass, appointment.limit_summary) == (False, "")
