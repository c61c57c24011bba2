"""Every page, visited as every role and anonymously: the permission matrix in the README."""

import pytest
from django.urls import reverse

from tests import factories
from tests.permissions import ADMIN_LOGIN, FORBIDDEN, LOGIN, OK, check, each_cell, login_as

pytestmark = pytest.mark.django_db

# page name -> expected outcome per role, in ROLES order
MATRIX = {
    "home": [LOGIN, OK, OK, OK, OK, OK],
    "patients:list": [LOGIN, FORBIDDEN, OK, OK, OK, OK],
    "patients:new": [LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN],
    "patients:chart": [LOGIN, FORBIDDEN, OK, OK, OK, OK],
    "patients:edit": [LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN],
    "patients:history": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "access_log": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "access_log_csv": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "password_change": [LOGIN, OK, OK, OK, OK, OK],
    "mfa:account": [LOGIN, OK, OK, OK, OK, OK],
    "admin:index": [ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK],
}
POST_MATRIX = {
    "patients:archive": [LOGIN, FORBIDDEN, 302, FORBIDDEN, 302, FORBIDDEN],
    "patients:restore": [LOGIN, FORBIDDEN, 302, FORBIDDEN, 302, FORBIDDEN],
}


def _url(name: str, patient) -> str:
    return (
        reverse(name, args=[patient.pk])
        if name.startswith("patients:") and name not in {"patients:list", "patients:new"}
        else reverse(name)
    )


@each_cell(MATRIX)
def test_every_page_answers_every_role_as_the_matrix_says(client, request, page, role, expected):
    patient = factories.patient()
    login_as(client, request, role)
    check(client.get(_url(page, patient)), expected)


@each_cell(POST_MATRIX, key="action")
def test_every_action_answers_every_role_as_the_matrix_says(client, request, action, role, expected):
    patient = factories.patient()
    login_as(client, request, role)
    check(client.post(_url(action, patient), {"reason": "Moved away"}), expected)


def test_the_403_page_names_the_role_that_is_needed(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("patients:new"))
    assert response.status_code == 403
    assert "This needs the Front desk or Nurse or Physician role." in response.content.decode()


def test_an_administrator_cannot_change_a_patient_even_by_posting(client, administrator):
    patient = factories.patient()
    client.force_login(administrator)
    response = client.post(reverse("patients:edit", args=[patient.pk]), {"first_name": "Changed"})
    assert response.status_code == 403
    patient.refresh_from_db()
    assert patient.first_name == "Maria"


def test_the_login_page_is_public(client):
    assert client.get(reverse("login")).status_code == 200


def test_a_missing_patient_is_a_404_not_a_500(client, frontdesk):
    client.force_login(frontdesk)
    assert client.get(reverse("patients:chart", args=[999999])).status_code == 404
