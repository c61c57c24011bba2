"""Every FHIR endpoint answers every role as the role matrix says (clinic/roles.py): the permission that reads a
type on the pages reads it here; the CapabilityStatement is open; the whole clinic's export is for the roles that
see the clinic-wide dashboard."""

from django.contrib.auth.models import User

from fhir_r4 import export
from fhir_r4.models import ExportJob
from tests.fhir.conftest import BASE, Clinic
from tests.permissions import ROLES, each_cell, login_as

OK, STARTED, RUNNING, FORBIDDEN = 200, 202, 202, 403
# Anonymous: 403 with the browser's session alone; 401 (with WWW-Authenticate) once a token scheme is configured.
ANONYMOUS = "anonymous"

# endpoint -> expected status per role, in ROLES order (anonymous, norole, frontdesk, nurse, physician, administrator)
MATRIX: dict[str, list[object]] = {
    "metadata": [OK, OK, OK, OK, OK, OK],
    "Patient": [ANONYMOUS, FORBIDDEN, OK, OK, OK, OK],
    "Patient/{maria}": [ANONYMOUS, FORBIDDEN, OK, OK, OK, OK],
    "Practitioner": [ANONYMOUS, FORBIDDEN, OK, OK, OK, OK],
    "Practitioner/{physician}": [ANONYMOUS, FORBIDDEN, OK, OK, OK, OK],
    "Procedure": [ANONYMOUS, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "Procedure/{esi}": [ANONYMOUS, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "MedicationAdministration": [ANONYMOUS, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "Observation": [ANONYMOUS, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "Observation/follow-up-nrs-{follow_up}": [ANONYMOUS, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "Appointment": [ANONYMOUS, FORBIDDEN, OK, OK, OK, OK],
    "Appointment/{visit}": [ANONYMOUS, FORBIDDEN, OK, OK, OK, OK],
    "$export": [ANONYMOUS, FORBIDDEN, FORBIDDEN, FORBIDDEN, STARTED, STARTED],
    "$export?_type=Patient,Appointment": [ANONYMOUS, FORBIDDEN, FORBIDDEN, FORBIDDEN, STARTED, STARTED],
    "Patient/{maria}/$export": [ANONYMOUS, FORBIDDEN, FORBIDDEN, STARTED, STARTED, STARTED],
    "Patient/{maria}/$export?_type=Patient,Appointment": [ANONYMOUS, FORBIDDEN, STARTED, STARTED, STARTED, STARTED],
    "$export-poll-status?_jobId={job}": [ANONYMOUS, FORBIDDEN, RUNNING, RUNNING, RUNNING, RUNNING],
}


def _path(endpoint: str, clinic: Clinic, user: User | None, physician: User) -> str:
    job = ExportJob.objects.create(requested_by=user, types="Patient").pk if user and "{job}" in endpoint else ""
    return BASE + endpoint.format(
        maria=clinic.maria.pk,
        esi=clinic.esi.pk,
        follow_up=clinic.follow_up.pk,
        visit=clinic.visit.pk,
        physician=physician.pk,
        job=job,
    )


@each_cell(MATRIX, key="endpoint")
def test_every_fhir_endpoint_answers_every_role_as_the_matrix_says(
    client, request, clinic, physician, monkeypatch, endpoint, role, expected
):
    monkeypatch.setattr(export, "start", lambda job_id: None)
    login_as(client, request, role)
    user = None if role == "anonymous" else request.getfixturevalue(role)
    response = client.get(_path(endpoint, clinic, user, physician), headers={"Prefer": "respond-async"})
    if expected == ANONYMOUS:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == expected, response.content
    assert response["Content-Type"].startswith(("application/fhir+json", "application/json"))
    if response.status_code >= 400:
        assert response.json()["resourceType"] == "OperationOutcome"


def test_a_refusal_names_the_roles_that_may(client, clinic, frontdesk):
    client.force_login(frontdesk)
    issue = client.get(f"{BASE}Procedure").json()["issue"][0]
    assert (issue["code"], issue["diagnostics"]) == (
        "forbidden",
        "This needs the Nurse or Physician or Administrator role.",
    )


def test_the_matrix_covers_every_role() -> None:
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


def test_writes_are_not_offered(client, clinic, physician) -> None:
    client.force_login(physician)
    response = client.post(f"{BASE}Patient", {}, content_type="application/fhir+json")
    assert response.status_code == 405
    assert response.json()["issue"][0]["code"] == "not-supported"


def test_a_head_request_is_answered_as_its_get(client, clinic, nurse):
    client.force_login(nurse)
    assert client.head(f"{BASE}Procedure").status_code == 200
