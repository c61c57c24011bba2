"""Bulk export: a kick-off answers 202 with a status URL; the status says how far the export is (X-Progress) until
the manifest lists one NDJSON file per type, each line a valid resource; one patient's export holds only theirs."""

import datetime
import io
import json
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.operationoutcome import OperationOutcome

from clinic.models import AccessLog
from fhir_r4 import export
from fhir_r4.build import as_json as build_json
from fhir_r4.models import ExportJob
from tests.fhir.conftest import BASE, Clinic
from tests.fhir.test_resources import MODELS

ASYNC = {"Prefer": "respond-async", "Accept": "application/fhir+json"}


@pytest.fixture(autouse=True)
def export_dir(settings: Any, tmp_path: Any) -> Any:
    settings.FHIR_EXPORT_DIR = tmp_path / "exports"
    return settings.FHIR_EXPORT_DIR


@pytest.fixture
def inline(monkeypatch: Any) -> None:
    """The export runs in the request's thread once its job is committed, so the test database sees its work."""
    monkeypatch.setattr(export, "start", export.run)


def kick_off(client: Client, path: str, django_capture_on_commit_callbacks: Any, **query: str) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        return client.get(BASE + path, query, headers=ASYNC)


def lines(client: Client, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    text = response.getvalue().decode()
    return [json.loads(line) for line in text.splitlines()]


def test_a_clinic_export_writes_every_type_as_ndjson_each_line_a_valid_resource(
    client, clinic: Clinic, physician, inline, django_capture_on_commit_callbacks
):
    client.force_login(physician)
    started = kick_off(client, "$export", django_capture_on_commit_callbacks)
    assert started.status_code == 202
    status = client.get(started["Content-Location"])
    assert status.status_code == 200
    manifest = status.json()
    assert manifest["requiresAccessToken"] is True
    assert manifest["request"].endswith("/fhir/R4/$export")
    assert [file["type"] for file in manifest["output"]] == list(MODELS)
    for file in manifest["output"]:
        resources = lines(client, file["url"])
        assert len(resources) == file["count"]
        for resource in resources:
            assert MODELS[file["type"]].model_validate(resource).get_resource_type() == file["type"]
    assert ExportJob.objects.get().percent == 100


def test_a_patient_export_holds_that_patients_records_alone(
    client, clinic: Clinic, nurse, physician, inline, django_capture_on_commit_callbacks
):
    client.force_login(nurse)
    started = kick_off(client, f"Patient/{clinic.maria.pk}/$export", django_capture_on_commit_callbacks)
    assert started.status_code == 202
    manifest = client.get(started["Content-Location"]).json()
    found = {file["type"]: lines(client, file["url"]) for file in manifest["output"]}
    assert [patient["id"] for patient in found["Patient"]] == [str(clinic.maria.pk)]
    assert [doctor["id"] for doctor in found["Practitioner"]] == [str(physician.pk)]
    assert [procedure["id"] for procedure in found["Procedure"]] == [str(clinic.esi.pk)]
    subjects = {
        resource.get("subject", {}).get("reference")
        for type_name in ("Procedure", "MedicationAdministration", "Observation")
        for resource in found[type_name]
    }
    assert subjects == {f"Patient/{clinic.maria.pk}"}
    assert AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT, patient_id=clinic.maria.pk).count() == 1


def test_an_export_of_some_types_writes_those_files_only(
    client, clinic, physician, inline, django_capture_on_commit_callbacks
):
    client.force_login(physician)
    started = kick_off(client, "$export", django_capture_on_commit_callbacks, _type="Procedure,Patient")
    manifest = client.get(started["Content-Location"]).json()
    assert [file["type"] for file in manifest["output"]] == ["Patient", "Procedure"]


def test_while_an_export_runs_its_status_answers_202_with_its_progress(
    client, clinic, physician, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(physician)
    seen: list[tuple[int, str]] = []
    status_url: list[str] = []
    build = build_json

    def watched(resource: Any) -> str:
        # Each resource written, the client polls, as a client would while the files are written.
        response = client.get(status_url[0])
        seen.append((response.status_code, response["X-Progress"]))
        return build(resource)

    monkeypatch.setattr(export, "CHUNK", 1)
    monkeypatch.setattr(export, "as_json", watched)  # the name the export module writes with
    monkeypatch.setattr(export, "start", lambda job_id: None)
    started = kick_off(client, "$export", django_capture_on_commit_callbacks)
    status_url.append(started["Content-Location"])
    queued = client.get(status_url[0])
    assert (queued.status_code, queued["X-Progress"], queued["Retry-After"]) == (202, "0%", "2")
    export.run(ExportJob.objects.get().pk)
    assert {code for code, _ in seen} == {202}
    progress = [int(value.rstrip("%")) for _, value in seen]
    assert progress == sorted(progress)
    assert progress[0] == 0
    assert 0 < progress[-1] < 100
    assert client.get(status_url[0]).status_code == 200


def test_a_failed_or_stalled_export_answers_with_an_operation_outcome(client, clinic, physician):
    client.force_login(physician)
    failed = ExportJob.objects.create(requested_by=physician, types="Patient", state="failed", error="Disk full.")
    response = client.get(BASE + "$export-poll-status", {"_jobId": str(failed.pk)})
    assert response.status_code == 500
    assert OperationOutcome.model_validate_json(response.content).issue[0].diagnostics == "Disk full."
    stalled = ExportJob.objects.create(
        requested_by=physician,
        types="Patient",
        state="running",
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )
    response = client.get(BASE + "$export-poll-status", {"_jobId": str(stalled.pk)})
    assert response.status_code == 500
    assert "start it again" in response.json()["issue"][0]["diagnostics"]


def test_an_export_is_answered_to_the_user_who_started_it_alone(client, clinic, physician, administrator):
    job = ExportJob.objects.create(requested_by=physician, types="Patient")
    client.force_login(administrator)
    for path in ("$export-poll-status", "$export-file"):
        response = client.get(BASE + path, {"_jobId": str(job.pk), "type": "Patient"})
        assert response.status_code == 404
    assert client.get(BASE + "$export-poll-status", {"_jobId": str(uuid.uuid4())}).status_code == 404
    assert client.get(BASE + "$export-poll-status", {"_jobId": "not-a-job"}).status_code == 404


@pytest.mark.parametrize(
    ("headers", "query", "says"),
    [
        ({"Accept": "application/fhir+json"}, {}, "Prefer: an export runs in the background"),
        (ASYNC, {"_type": "Banana"}, "_type: 'Banana' is not a type"),
        (ASYNC, {"_since": "2025-01-01"}, "_since: not supported"),
        (ASYNC, {"_outputFormat": "text/csv"}, "_outputFormat: this server writes application/fhir+ndjson only"),
        (ASYNC, {"colour": "red"}, "colour: not an export parameter"),
    ],
)
def test_a_kick_off_the_server_cannot_honour_is_a_400(client, clinic, physician, headers, query, says):
    client.force_login(physician)
    response = client.get(BASE + "$export", query, headers=headers)
    assert response.status_code == 400
    assert response.json()["issue"][0]["diagnostics"].startswith(says)
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("patient_id", ["99999", "²", "abc", "1" * 40])
def test_a_patient_export_of_an_unknown_patient_is_a_404_operation_outcome(client, clinic, physician, patient_id):
    client.force_login(physician)
    response = client.get(f"{BASE}Patient/{patient_id}/$export", headers=ASYNC)
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"


def test_the_command_runs_again_an_export_whose_process_ended(clinic, physician):
    stalled = ExportJob.objects.create(
        requested_by=physician,
        types="Patient",
        state="running",
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )
    fresh = ExportJob.objects.create(
        requested_by=physician, types="Patient", state="running", heartbeat_at=timezone.now()
    )
    out = io.StringIO()
    call_command("fhir_export", stdout=out)
    stalled.refresh_from_db()
    fresh.refresh_from_db()
    assert (stalled.state, stalled.files) == ("done", [{"type": "Patient", "count": 2}])
    assert fresh.state == "running"
    assert f"{stalled.pk}: done, 2 resources." in out.getvalue()


def test_a_second_export_waits_for_the_first_to_finish(
    client, clinic, physician, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(physician)
    monkeypatch.setattr(export, "start", lambda job_id: None)
    first = kick_off(client, "$export", django_capture_on_commit_callbacks)
    second = kick_off(client, "$export", django_capture_on_commit_callbacks)
    assert (second.status_code, second["Content-Location"]) == (429, first["Content-Location"])
    assert second.json()["issue"][0]["code"] == "throttled"
    export.run(ExportJob.objects.get().pk)
    assert kick_off(client, "$export", django_capture_on_commit_callbacks).status_code == 202
