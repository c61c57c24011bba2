"""Two people edit one patient at once: the second save is refused with the first one's change, and nothing
either of them typed is lost."""

from typing import Any, Unpack

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.concurrency import StaleEdit
from patients import services
from patients.models import Patient
from tests import factories
from tests.posting import as_posted, at_once, opened_by, saved_by

pytestmark = pytest.mark.django_db


def opened(client, user, patient: Patient) -> dict[str, Any]:
    return opened_by(client, user, reverse("patients:edit", args=[patient.pk]))


def save(client, user, patient: Patient, data: dict[str, Any]):
    return saved_by(client, user, reverse("patients:edit", args=[patient.pk]), data)


def last_change_time(patient: Patient) -> str:
    return f"{timezone.localtime(patient.history.latest().history_date):%H:%M}"


def test_the_second_of_two_edits_opened_together_is_refused_naming_who_changed_what_and_when(client, frontdesk, nurse):
    patient = factories.patient(phone="(555) 013-4567", address="1 Old Road")
    phone_edit, address_edit = opened(client, frontdesk, patient), opened(client, nurse, patient)
    assert save(client, frontdesk, patient, phone_edit | {"phone": "(555) 999-0000"}).status_code == 302
    response = save(client, nurse, patient, address_edit | {"address": "22 New Street"})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors[0].startswith(f"Changed by Fiona at {last_change_time(patient)} since you opened it")
    assert "Phone: (555) 013-4567 → (555) 999-0000" in errors
    patient.refresh_from_db()
    assert (patient.phone, patient.address) == ("(555) 999-0000", "1 Old Road")
    assert "since you opened it" in response.content.decode()


def test_the_refused_form_keeps_what_was_typed_and_shows_the_other_change_where_nothing_was_typed(
    client, frontdesk, nurse
):
    patient = factories.patient(phone="(555) 013-4567", address="1 Old Road")
    phone_edit, address_edit = opened(client, frontdesk, patient), opened(client, nurse, patient)
    save(client, frontdesk, patient, phone_edit | {"phone": "(555) 999-0000"})
    form = save(client, nurse, patient, address_edit | {"address": "22 New Street"}).context["form"]
    assert form["address"].value() == "22 New Street"
    assert form["phone"].value() == "(555) 999-0000"
    assert save(client, nurse, patient, as_posted(form)).status_code == 302
    patient.refresh_from_db()
    assert (patient.phone, patient.address) == ("(555) 999-0000", "22 New Street")


def test_where_both_changed_one_field_the_refused_form_keeps_the_users_value(client, frontdesk, nurse):
    patient = factories.patient(phone="(555) 013-4567")
    first, second = opened(client, frontdesk, patient), opened(client, nurse, patient)
    save(client, frontdesk, patient, first | {"phone": "(555) 999-0000"})
    form = save(client, nurse, patient, second | {"phone": "(555) 444-0000"}).context["form"]
    assert form["phone"].value() == "(555) 444-0000"
    assert "Phone: (555) 013-4567 → (555) 999-0000" in form.non_field_errors()


def test_an_archive_since_the_form_was_opened_refuses_the_edit(client, frontdesk, physician):
    patient = factories.patient()
    edit = opened(client, frontdesk, patient)
    client.force_login(physician)
    client.post(reverse("patients:archive", args=[patient.pk]), {"reason": "Moved away"})
    response = save(client, frontdesk, patient, edit | {"phone": "(555) 999-0000"})
    assert response.context["form"].non_field_errors()[0].startswith("Changed by Paul at")
    patient.refresh_from_db()
    assert patient.is_archived
    assert patient.phone == "(555) 013-4567"


def test_every_saved_change_counts_one_more_version(client, frontdesk):
    patient = factories.patient()
    assert patient.version == 1
    save(client, frontdesk, patient, opened(client, frontdesk, patient) | {"phone": "(555) 999-0000"})
    services.patient_archive(patient=patient, reason="Moved away")
    services.patient_restore(patient=patient)
    patient.refresh_from_db()
    assert patient.version == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shipped_data")
def test_two_edits_saved_at_the_same_moment_from_one_version_let_exactly_one_through():
    patient = factories.patient(phone="(555) 013-4567", address="1 Old Road")

    def edit(**change: Unpack[services.PatientChanges]):
        return lambda: services.patient_update(patient=Patient.objects.get(pk=patient.pk), opened_version=1, **change)

    outcomes = at_once([edit(phone="(555) 999-0000"), edit(address="22 New Street")])
    assert sorted(isinstance(outcome, StaleEdit) for outcome in outcomes) == [False, True]
    patient.refresh_from_db()
    assert patient.version == 2
    assert (patient.phone, patient.address) in {("(555) 999-0000", "1 Old Road"), ("(555) 013-4567", "22 New Street")}
