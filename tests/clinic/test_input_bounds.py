"""Nonsense is refused with a message at its field, by the page and by the service behind it: visits in years no
clinic works, a waitlist that waits for the year 9999, a procedure before the patient was born or still to come,
and names that show nothing or show in another order than they hold."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from patients import services as patient_services
from patients.models import Patient
from procedures.models import Procedure
from scheduling import services as scheduling_services
from scheduling.models import Appointment, VisitType, WaitlistEntry
from tests import factories
from tests.scheduling.helpers import at, book, next_weekday

pytestmark = pytest.mark.django_db

NONSENSE_DAYS = [datetime.date(1, 3, 2), datetime.date(1800, 3, 2), datetime.date(9999, 3, 2)]


@pytest.fixture
def patient():
    return factories.patient()


def slot(physician, day: datetime.date) -> scheduling_services.Slot:
    starts_at = at(day, 10)
    return scheduling_services.Slot(physician, None, starts_at, starts_at + datetime.timedelta(minutes=20))


@pytest.mark.parametrize("day", NONSENSE_DAYS, ids=str)
def test_a_visit_cannot_be_booked_in_a_year_no_clinic_works(client, frontdesk, physician, patient, day):
    client.force_login(frontdesk)
    data = {"patient": patient.pk, "visit_type": "follow_up", "physician": physician.pk}
    response = client.post(reverse("scheduling:new"), data | {"starts_at": f"{day.isoformat()}T10:00"})
    assert response.status_code == 200
    assert "Choose a time between" in response.context["form"].errors["starts_at"][0]
    with pytest.raises(ValidationError) as refused:
        scheduling_services.appointment_book(
            patient=patient, slot=slot(physician, day), visit_type=VisitType.FOLLOW_UP, booked_by=frontdesk
        )
    assert "Choose a time between" in refused.value.message_dict["starts_at"][0]
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("day", NONSENSE_DAYS, ids=str)
def test_a_visit_cannot_be_moved_to_a_year_no_clinic_works(client, frontdesk, physician, patient, day):
    visit = book(patient, physician, at(next_weekday(), 9))
    client.force_login(frontdesk)
    response = client.post(
        reverse("scheduling:move", args=[visit.pk]),
        {"physician": physician.pk, "starts_at": f"{day.isoformat()}T10:00", "confirm_hours": "on"},
    )
    assert "Choose a time between" in response.context["form"].errors["starts_at"][0]
    with pytest.raises(ValidationError) as refused:
        scheduling_services.appointment_move(appointment=visit, slot=slot(physician, day))
    assert "starts_at" in refused.value.message_dict
    visit.refresh_from_db()
    assert visit.local_start == at(next_weekday(), 9)


def test_a_waitlist_entry_cannot_wait_for_the_year_9999(client, frontdesk, patient):
    client.force_login(frontdesk)
    data = {"physician": "", "visit_type": VisitType.FOLLOW_UP, "earliest_on": "9999-12-31"}
    response = client.post(f"{reverse('scheduling:waitlist_new')}?patient={patient.pk}", data)
    assert "no later than" in response.context["form"].errors["earliest_on"][0]
    with pytest.raises(ValidationError) as refused:
        scheduling_services.waitlist_entry_add(
            patient=patient,
            visit_type=VisitType.FOLLOW_UP,
            earliest_on=datetime.date(9999, 12, 31),
            created_by=frontdesk,
        )
    assert "earliest_on" in refused.value.message_dict
    assert not WaitlistEntry.objects.exists()


def test_a_procedure_cannot_be_dated_before_the_patient_was_born(client, physician, patient):
    client.force_login(physician)
    data = factories.esi_entry(patient, physician, performed_at="1950-06-01T10:00")
    response = client.post(f"{reverse('procedures:new')}?patient={patient.pk}", data)
    errors = response.context["entry"].form.errors
    assert errors["performed_at"] == ["The date cannot be before the patient's date of birth (1961-04-02)."]
    with pytest.raises(ValidationError) as refused:
        factories.procedure(patient, on=datetime.date(1950, 6, 1), physician=physician)
    assert refused.value.message_dict["performed_at"] == errors["performed_at"]
    assert not Procedure.objects.exists()


def test_the_procedure_service_refuses_a_procedure_still_to_come(physician, patient):
    with pytest.raises(ValidationError) as refused:
        factories.procedure(patient, on=timezone.localdate() + datetime.timedelta(days=2), physician=physician)
    assert refused.value.message_dict["performed_at"] == ["The date and time cannot be in the future."]
    assert not Procedure.objects.exists()


def registration(**changes):
    data = {"first_name": "Maria", "last_name": "Lopez", "date_of_birth": "1961-04-02", "sex": "F"}
    return data | changes


@pytest.mark.parametrize(
    ("field", "name", "message"),
    [
        ("first_name", "\u200b\u200b\u200b", "Enter visible characters"),
        ("last_name", "\u2060\ufeff", "Enter visible characters"),
        ("last_name", "Lopez\u202egnaM", "text-direction"),
        ("first_name", "\u2066Maria\u2069", "text-direction"),
        ("first_name", "Ma\u200bria", "invisible or control"),
    ],
)
def test_a_name_that_shows_nothing_or_reorders_itself_is_refused(client, frontdesk, field, name, message):
    client.force_login(frontdesk)
    response = client.post(reverse("patients:new"), registration(**{field: name}))
    assert message in response.context["form"].errors[field][0]
    values = {"first_name": "Maria", "last_name": "Lopez", "date_of_birth": datetime.date(1961, 4, 2), "sex": "F"}
    with pytest.raises(ValidationError) as refused:
        patient_services.patient_register(**(values | {field: name}))
    assert message in refused.value.message_dict[field][0]
    assert not Patient.objects.exists()


def test_a_name_joining_persian_letters_is_kept(client, frontdesk):
    client.force_login(frontdesk)
    client.post(reverse("patients:new"), registration(first_name="مهر\u200cآوا"))
    assert Patient.objects.get().first_name == "مهر\u200cآوا"


@pytest.mark.parametrize(
    ("born", "message"),
    [(datetime.date(1899, 12, 31), "from 1900-01-01 on"), (datetime.date(2999, 1, 1), "cannot be in the future")],
)
def test_the_patient_service_refuses_a_birth_date_no_patient_has(born, message):
    with pytest.raises(ValidationError) as refused:
        factories.patient(date_of_birth=born)
    assert message in refused.value.message_dict["date_of_birth"][0]
    assert not Patient.objects.exists()
