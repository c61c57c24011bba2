import pytest
from django.urls import reverse

from patients.models import Patient
from tests import factories

pytestmark = pytest.mark.django_db


def form_data(patient: Patient, **changes):
    data = {
        "mrn": patient.mrn,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "phone": patient.phone,
    }
    data.update(changes)
    return data


def test_a_correction_is_saved_and_the_search_finds_the_new_value(client, nurse):
    patient = factories.patient()
    client.force_login(nurse)
    response = client.post(reverse("patients:edit", args=[patient.pk]), form_data(patient, phone="555-777-1212"))
    assert response.status_code == 302
    assert list(Patient.objects.search("5557771212")) == [patient]


def test_the_history_shows_who_changed_which_field_from_what_to_what(client, frontdesk, administrator):
    patient = factories.patient(phone="(555) 013-4567")
    client.force_login(frontdesk)
    client.post(reverse("patients:edit", args=[patient.pk]), form_data(patient, phone="(555) 999-0000", diabetes="on"))
    client.force_login(administrator)
    response = client.get(reverse("patients:chart", args=[patient.pk]))
    latest = response.context["history"][0]
    assert latest.who == "Fiona"
    assert latest.what == "Changed"
    assert {(c.field, c.old, c.new) for c in latest.changes} == {
        ("Phone", "(555) 013-4567", "(555) 999-0000"),
        ("Diabetes", "No", "Yes"),
    }
    assert "(555) 999-0000" in response.content.decode()


def test_the_history_is_only_shown_to_roles_that_audit(client, physician):
    patient = factories.patient()
    client.force_login(physician)
    response = client.get(reverse("patients:chart", args=[patient.pk]))
    assert response.context["history"] is None
    assert "Change history" not in response.content.decode()


def test_saving_without_changes_writes_no_history(client, frontdesk):
    patient = factories.patient()
    client.force_login(frontdesk)
    client.post(reverse("patients:edit", args=[patient.pk]), form_data(patient))
    assert patient.history.count() == 1


def test_changing_to_a_taken_mrn_is_refused_beside_the_field(client, frontdesk):
    factories.patient(mrn="1000001")
    patient = factories.patient(first_name="Other", mrn="1000002")
    client.force_login(frontdesk)
    response = client.post(reverse("patients:edit", args=[patient.pk]), form_data(patient, mrn="1000001"))
    assert response.status_code == 200
    assert "mrn" in response.context["form"].errors
    patient.refresh_from_db()
    assert patient.mrn == "1000002"


def test_archiving_needs_a_reason_and_keeps_the_record(client, frontdesk):
    patient = factories.patient()
    client.force_login(frontdesk)
    refused = client.post(reverse("patients:archive", args=[patient.pk]), {"reason": "  "})
    assert refused.status_code == 400
    client.post(reverse("patients:archive", args=[patient.pk]), {"reason": "Duplicate of MRN 1000009"})
    patient.refresh_from_db()
    assert patient.is_archived
    assert patient.archive_reason == "Duplicate of MRN 1000009"
    assert patient.history.latest().history_change_reason == "Archived: Duplicate of MRN 1000009"


def test_an_archived_patient_leaves_the_list_until_restored(client, frontdesk):
    patient = factories.patient()
    client.force_login(frontdesk)
    client.post(reverse("patients:archive", args=[patient.pk]), {"reason": "Moved away"})
    assert list(client.get(reverse("patients:list")).context["page"]) == []
    assert list(client.get(reverse("patients:list"), {"archived": "1"}).context["page"]) == [patient]
    client.post(reverse("patients:restore", args=[patient.pk]))
    assert list(client.get(reverse("patients:list")).context["page"]) == [patient]
