import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Patient
from tests import factories

pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "José",
    "last_name": "Núñez",
    "date_of_birth": "1958-07-14",
    "sex": "M",
    "phone": "(555) 201-3344",
    "email": "jose.nunez@example.com",
    "weight_kg": "82.5",
}


def post(client, user, data):
    client.force_login(user)
    return client.post(reverse("patients:new"), data)


def test_front_desk_registers_a_patient_and_lands_on_the_chart(client, frontdesk):
    response = post(client, frontdesk, VALID)
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("patients:chart", args=[patient.pk])
    assert patient.full_name == "José Núñez"
    assert patient.weight_kg == 82.5


def test_it_generates_a_sequential_mrn_when_left_blank(client, frontdesk):
    post(client, frontdesk, VALID)
    post(client, frontdesk, {**VALID, "first_name": "Ana", "date_of_birth": "1970-01-01"})
    assert sorted(Patient.objects.values_list("mrn", flat=True)) == ["1000001", "1000002"]


def test_it_keeps_a_typed_mrn(client, frontdesk):
    post(client, frontdesk, {**VALID, "mrn": "ab-77"})
    assert Patient.objects.get().mrn == "AB-77"


def test_it_rejects_a_duplicate_mrn_beside_the_field(client, frontdesk):
    factories.patient(mrn="AB-77")
    response = post(client, frontdesk, {**VALID, "mrn": "AB-77"})
    assert response.status_code == 200
    assert "A patient with this MRN already exists." in response.context["form"].errors["mrn"][0]
    assert Patient.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "2999-01-01", "Date of birth cannot be in the future."),
        ("date_of_birth", "1850-01-01", "from 1900-01-01 on"),
        ("weight_kg", "900", "less than or equal to 400"),
        ("weight_kg", "0", "greater than or equal to 0.5"),
        ("phone", "call me", "Enter a phone number"),
        ("email", "jose@", "Enter a valid email address."),
        ("first_name", "", "This field is required."),
    ],
)
def test_bad_input_gets_a_message_beside_the_field_and_saves_nothing(client, frontdesk, field, value, message):
    response = post(client, frontdesk, {**VALID, field: value})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Patient.objects.count() == 0


def test_the_future_date_check_uses_the_clinic_day(client, frontdesk):
    today = timezone.localdate()
    response = post(client, frontdesk, {**VALID, "date_of_birth": (today + datetime.timedelta(days=1)).isoformat()})
    assert "date_of_birth" in response.context["form"].errors
    assert post(client, frontdesk, {**VALID, "date_of_birth": today.isoformat()}).status_code == 302


def test_same_name_and_birth_date_warns_before_saving(client, frontdesk):
    existing = factories.patient(first_name="Jose", last_name="NUNEZ", date_of_birth=datetime.date(1958, 7, 14))
    response = post(client, frontdesk, VALID)
    assert response.status_code == 200
    assert response.context["form"].duplicates == [existing]
    assert "already registered" in response.content.decode()
    assert existing.get_absolute_url() in response.content.decode()
    assert Patient.objects.count() == 1


def test_confirming_a_different_person_registers_them(client, frontdesk):
    factories.patient(first_name="José", last_name="Núñez", date_of_birth=datetime.date(1958, 7, 14))
    response = post(client, frontdesk, {**VALID, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Patient.objects.count() == 2


def test_registration_is_recorded_in_the_history_with_who_did_it(client, frontdesk):
    post(client, frontdesk, VALID)
    record = Patient.history.get()
    assert record.history_type == "+"
    assert record.history_user == frontdesk
