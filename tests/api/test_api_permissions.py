"""Every API endpoint, called as every role: the role matrix of clinic/roles.py, the same as the pages'.

Anonymous calls get a 401 with the Bearer challenge; a role without the permission a 403 naming the roles that
have it; the others the answer itself (a write with a valid body, so a pass is the write done).
"""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.models import Procedure
from tests import factories
from tests.permissions import FORBIDDEN, OK, check, each_cell, login_as

pytestmark = pytest.mark.django_db

DENIED, CREATED = 401, 201
# endpoint -> expected outcome per role, in ROLES order: anonymous, no role, front desk, nurse, physician, admin
ENDPOINTS = {
    "patient-list": [DENIED, FORBIDDEN, OK, OK, OK, OK],
    "patient-detail": [DENIED, FORBIDDEN, OK, OK, OK, OK],
    "patient-register": [DENIED, FORBIDDEN, CREATED, CREATED, CREATED, FORBIDDEN],
    "patient-correct": [DENIED, FORBIDDEN, OK, OK, OK, FORBIDDEN],
    "procedure-list": [DENIED, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "procedure-detail": [DENIED, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "procedure-log": [DENIED, FORBIDDEN, FORBIDDEN, FORBIDDEN, CREATED, FORBIDDEN],
    "procedure-correct": [DENIED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN],
    "procedure-void": [DENIED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN],
    "limits-check": [DENIED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN],
    "schema": [DENIED, OK, OK, OK, OK, OK],
}


@pytest.fixture
def procedure() -> Procedure:
    patient = factories.patient()
    return factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=2))


def call(client: Any, endpoint: str, procedure: Procedure) -> Any:
    patient = procedure.patient
    now = timezone.localtime().replace(second=0, microsecond=0).isoformat()
    proposal = {
        "patient": patient.pk,
        "procedure_type": "esi-transforaminal",
        "performed_at": now,
        "sites": [{"place": "L4-L5", "side": "left"}],
        "medications": [{"drug": "Dexamethasone sodium phosphate", "dose_mg": "10"}],
    }
    json: dict[str, Any] = {"content_type": "application/json"}
    match endpoint:
        case "patient-list" | "procedure-list":
            return client.get(reverse(f"api:{endpoint}"))
        case "patient-detail":
            return client.get(reverse("api:patient-detail", args=[patient.pk]))
        case "procedure-detail":
            return client.get(reverse("api:procedure-detail", args=[procedure.pk]))
        case "patient-register":
            born = {"first_name": "Ines", "last_name": "Ortega", "date_of_birth": "1970-03-04", "sex": "F"}
            return client.post(reverse("api:patient-list"), born, **json)
        case "patient-correct":
            body = {"phone": "(555) 010-2020", "version": patient.version}
            return client.patch(reverse("api:patient-detail", args=[patient.pk]), body, **json)
        case "procedure-log":
            return client.post(reverse("api:procedure-list"), proposal, **json)
        case "procedure-correct":
            body = {"note": "Tolerated well.", "version": procedure.version}
            return client.patch(reverse("api:procedure-detail", args=[procedure.pk]), body, **json)
        case "procedure-void":
            return client.post(reverse("api:procedure-void", args=[procedure.pk]), {"reason": "Wrong patient"}, **json)
        case "limits-check":
            return client.post(reverse("api:limits-check"), proposal, **json)
        case "schema":
            return client.get(reverse("api:schema"), {"format": "json"})
    raise AssertionError(endpoint)


@each_cell(ENDPOINTS, key="endpoint")
def test_every_endpoint_answers_every_role_as_the_matrix_says(client, request, procedure, endpoint, role, expected):
    login_as(client, request, role)
    response = call(client, endpoint, procedure)
    check(response, expected)
    if expected in (DENIED, FORBIDDEN):
        assert set(response.json()) == {"type", "detail", "errors"}
    if expected == DENIED:
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_refusal_names_the_roles_that_may(client, nurse, procedure):
    client.force_login(nurse)
    response = call(client, "procedure-log", procedure)
    assert response.json() == {"type": "forbidden", "detail": "This needs the Physician role.", "errors": {}}


def test_the_docs_page_is_for_signed_in_staff(client, frontdesk):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.force_login(frontdesk)
    assert client.get(reverse("api:docs")).status_code == 200
