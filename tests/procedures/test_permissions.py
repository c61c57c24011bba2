"""The procedure pages, visited as every role: front desk sees no clinical detail, only physicians log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.models import Procedure
from tests import factories
from tests.permissions import FORBIDDEN, LOGIN, OK, check, each_cell, login_as

pytestmark = pytest.mark.django_db

# page -> expected outcome per role, in ROLES order: anonymous, no role, front desk, nurse, physician, admin
PAGES = {
    "new": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN],
    "detail": [LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "edit": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN],
    "flags": [LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "patient_list": [LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK],
}
ACTIONS = {
    "check": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN],
    "void": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 302, FORBIDDEN],
}


@pytest.fixture
def procedure():
    patient = factories.patient()
    return factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=2))


def url(name: str, procedure: Procedure) -> str:
    if name in {"new"}:
        return f"{reverse('procedures:new')}?patient={procedure.patient_id}"
    if name in {"flags", "check"}:
        return reverse(f"procedures:{name}")
    if name == "patient_list":
        return reverse("procedures:patient_list", args=[procedure.patient_id])
    return reverse(f"procedures:{name}", args=[procedure.pk])


@each_cell(PAGES)
def test_every_procedure_page_answers_every_role_as_the_matrix_says(client, request, procedure, page, role, expected):
    login_as(client, request, role)
    check(client.get(url(page, procedure)), expected)


@each_cell(ACTIONS, key="action")
def test_every_procedure_action_answers_every_role_as_the_matrix_says(
    client, request, procedure, action, role, expected
):
    login_as(client, request, role)
    data = {"patient": procedure.patient_id, "reason": "Entered in error"}
    check(client.post(url(action, procedure), data), expected)


def test_front_desk_sees_no_clinical_detail_on_the_chart(client, frontdesk, procedure):
    client.force_login(frontdesk)
    html = client.get(procedure.patient.get_absolute_url()).content.decode()
    assert "Steroid exposure" not in html
    assert "Transforaminal ESI" not in html
    assert "Limit flags" not in html


def test_a_nurse_sees_the_clinical_view_but_no_log_button(client, nurse, procedure):
    client.force_login(nurse)
    html = client.get(procedure.patient.get_absolute_url()).content.decode()
    assert "Steroid exposure" in html
    assert "Transforaminal ESI" in html
    assert "Log procedure" not in html


def test_a_nurse_cannot_log_even_by_posting_the_form(client, nurse, procedure):
    client.force_login(nurse)
    response = client.post(f"{reverse('procedures:new')}?patient={procedure.patient_id}", {})
    assert response.status_code == 403
    assert "This needs the Physician role." in response.content.decode()
    assert Procedure.objects.count() == 1


def test_a_physician_sees_the_log_button_on_the_chart(client, physician, procedure):
    client.force_login(physician)
    assert "Log procedure" in client.get(procedure.patient.get_absolute_url()).content.decode()


@pytest.mark.parametrize("patient_id", ["abc", "", "999999"])
def test_a_malformed_or_unknown_patient_is_a_clear_answer_not_a_500(client, physician, patient_id):
    client.force_login(physician)
    assert client.post(reverse("procedures:check"), {"patient": patient_id, "procedure": "x"}).status_code == 404
    response = client.get(f"{reverse('procedures:new')}?patient={patient_id}", follow=True)
    assert "Open the patient&#x27;s chart first" in response.content.decode()
