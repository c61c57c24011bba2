"""The chart keeps the HTML of the patient's own record (`patients.chart_record`): opened again with nothing changed it
reads no patient row, yet every change to the patient shows on the next look, and every look is still logged."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.models import AccessLog
from patients.models import Patient
from patients.services import patient_archive, patient_restore
from tests import factories

pytestmark = pytest.mark.django_db


def chart(client, patient, status: int = 200) -> str:
    response = client.get(f"/patients/{patient.pk if isinstance(patient, Patient) else patient}/")
    assert response.status_code == status
    return str(response.content.decode())


@pytest.fixture
def patient():
    return factories.patient(first_name="Ana", last_name="Reyes", phone="555-0100")


def test_a_chart_opened_again_reads_no_patient_row_and_is_still_logged(client, physician, patient):
    client.force_login(physician)
    first = chart(client, patient)
    with CaptureQueriesContext(connection) as again:
        second = chart(client, patient)
    assert not [q for q in again.captured_queries if '"patients_patient"' in q["sql"]]
    assert "Reyes, Ana" in first
    assert "Reyes, Ana" in second
    assert "<title>Ana Reyes · Pinpoint</title>" in second
    assert AccessLog.objects.filter(patient_id=patient.pk, user=physician, kind=AccessLog.Kind.CHART).count() == 2


def test_a_changed_record_shows_at_once(client, physician, patient):
    """Database triggers renew the stamp: an update in plain SQL is seen like a service's."""
    client.force_login(physician)
    chart(client, patient)
    Patient.objects.filter(pk=patient.pk).update(phone="555-0199", diabetes=True, last_name="Reyes-Ortiz")
    page = chart(client, patient)
    assert "555-0199" in page
    assert "Diabetes: check glucose" in page
    assert "Reyes-Ortiz, Ana" in page
    assert "<title>Ana Reyes-Ortiz · Pinpoint</title>" in page


def test_archiving_and_restoring_show_at_once(client, physician, patient):
    client.force_login(physician)
    assert "Archive this patient" in chart(client, patient)
    patient_archive(patient=patient, reason="Moved away")
    page = chart(client, patient)
    assert "Moved away" in page
    assert "Restore to active registry" in page
    assert "Archive this patient" not in page
    patient_restore(patient=patient)
    page = chart(client, patient)
    assert "Restore to active registry" not in page
    assert "Archive this patient" in page


def test_each_role_is_served_its_own_edit_button(client, physician, administrator, patient):
    client.force_login(physician)
    assert ">Edit</a>" in chart(client, patient)
    client.force_login(administrator)
    assert ">Edit</a>" not in chart(client, patient)


def test_a_missing_patient_is_not_found_and_not_logged(client, physician):
    client.force_login(physician)
    chart(client, 987654, status=404)
    assert not AccessLog.objects.filter(patient_id=987654).exists()
