"""Bulk export (FHIR Bulk Data's asynchronous pattern) of one patient or of the whole clinic, as NDJSON.

1. Kick-off: `GET $export` or `GET Patient/<id>/$export` with `Prefer: respond-async` answers 202 with the status
   URL in Content-Location.
2. Status: `GET $export-poll-status?_jobId=...` answers 202 with `X-Progress: 40%` while the files are written,
   200 with the manifest (each type's file URL and count) when done, and an OperationOutcome if it failed.
3. Files: `GET $export-file?_jobId=...&type=Procedure`, application/fhir+ndjson, one resource a line.

Who may export: each type exported needs the permission that reads it (`fhir_r4.types`); the whole clinic's export
also needs `outcomes.view_dashboard`, the clinic-wide view the matrix gives physicians and administrators. A job's
status and files are answered to the user who started it alone.
"""

import uuid
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import FileResponse, HttpResponse, JsonResponse
from django.urls import reverse
from rest_framework import exceptions
from rest_framework.request import Request

from clinic.access import Kind, log_access
from clinic.roles import require, staff_user
from fhir_r4 import export
from fhir_r4.models import ExportJob
from fhir_r4.outcome import FHIR_NDJSON, outcome
from fhir_r4.params import SearchError, number_id
from fhir_r4.types import TYPES
from fhir_r4.views import FhirView
from patients.models import Patient

OUTPUT_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")
UNSUPPORTED = ("_since", "_typeFilter", "_elements", "includeAssociatedData", "patient")
CLINIC_PERMISSION = "outcomes.view_dashboard"
# Every role that may export anything reads patients: the finer checks (each type's own) follow in the view.
_ANY_EXPORT = {"get": "patients.view_patient", "head": "patients.view_patient"}


def _types(query: Any) -> list[str]:
    for name in query:
        if name in UNSUPPORTED:
            raise SearchError(f"{name}: not supported by this server's export.")
        if name not in ("_type", "_outputFormat"):
            raise SearchError(f"{name}: not an export parameter; this server takes _type and _outputFormat.")
    for value in query.getlist("_outputFormat"):
        if value not in OUTPUT_FORMATS:
            raise SearchError("_outputFormat: this server writes application/fhir+ndjson only.")
    asked = [name.strip() for value in query.getlist("_type") for name in value.split(",")]
    unknown = [name for name in asked if name not in TYPES]
    if unknown:
        raise SearchError(f"_type: {unknown[0][:40]!r} is not a type this server exports ({', '.join(TYPES)}).")
    # In the server's order, each once.
    return [name for name in TYPES if name in asked] if asked else list(TYPES)


class _KickOff(FhirView):
    permissions = _ANY_EXPORT

    def kick_off(self, request: Request, patient: Patient | None) -> HttpResponse:
        if "respond-async" not in request.headers.get("Prefer", ""):
            raise SearchError("Prefer: an export runs in the background; send the header Prefer: respond-async.")
        types = _types(request.query_params)
        user = staff_user(request._request)
        for name in types:
            require(user, TYPES[name].permission)
        if patient is None:
            require(user, CLINIC_PERMISSION)
        waiting = ExportJob.objects.filter(
            requested_by=user, state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING]
        )
        running = next((job for job in waiting if not export.is_stalled(job)), None)
        if running is not None:
            # One export at a time per user: a script that kicks off in a loop cannot fill the disk or the workers.
            busy = outcome(429, "Your last export is still running; poll its status, then start another.")
            busy["Content-Location"] = _url(request, "fhir_r4:export-status", _jobId=running.pk)
            busy["Retry-After"] = "10"
            return busy
        job = ExportJob.objects.create(
            requested_by=user, request_url=request.build_absolute_uri()[:2000], patient=patient, types=",".join(types)
        )
        log_access(request._request, Kind.EXPORT, patient_id=patient.pk if patient else None)
        transaction.on_commit(partial(export.start, job.pk))
        response = outcome(202, f"Export {job.pk} started.", code="informational", severity="information")
        response["Content-Location"] = _url(request, "fhir_r4:export-status", _jobId=job.pk)
        return response


class ExportView(_KickOff):
    def get(self, request: Request) -> HttpResponse:
        return self.kick_off(request, None)


class PatientExportView(_KickOff):
    def get(self, request: Request, patient_id: str) -> HttpResponse:
        key = number_id(patient_id)
        patient = Patient.objects.filter(pk=key).first() if key is not None else None
        if patient is None:
            raise exceptions.NotFound(f"Patient/{patient_id[:64]} is not known to this server.")
        return self.kick_off(request, patient)


def _url(request: Request, name: str, **query: object) -> str:
    return request.build_absolute_uri(f"{reverse(name)}?{urlencode(query)}")


def _job(request: Request) -> ExportJob:
    """The job `_jobId` names, if the user asking started it; 404 for anything else."""
    values = request.query_params.getlist("_jobId")
    try:
        key = uuid.UUID(values[0]) if len(values) == 1 else None
    except ValueError:
        key = None
    job = ExportJob.objects.filter(pk=key, requested_by_id=request.user.pk).first() if key else None
    if job is None:
        raise exceptions.NotFound("No export of yours has that _jobId.")
    return job


class StatusView(FhirView):
    permissions = _ANY_EXPORT

    def get(self, request: Request) -> HttpResponse:
        job = _job(request)
        if job.state == ExportJob.State.FAILED or export.is_stalled(job):
            reason = job.error or "The export stopped before it finished; start it again."
            return outcome(500, reason, code="exception")
        if job.state != ExportJob.State.DONE:
            response = outcome(202, f"{job.percent}% written.", code="informational", severity="information")
            response["X-Progress"] = f"{job.percent}%"
            response["Retry-After"] = "2"
            return response
        return JsonResponse(
            {
                "transactionTime": (job.started_at or job.requested_at).isoformat(),
                "request": job.request_url,
                "requiresAccessToken": True,
                "output": [
                    {
                        "type": file["type"],
                        "url": _url(request, "fhir_r4:export-file", _jobId=job.pk, type=file["type"]),
                        "count": file["count"],
                    }
                    for file in job.files
                ],
                "error": [],
            }
        )


class FileView(FhirView):
    permissions = _ANY_EXPORT

    def get(self, request: Request) -> FileResponse:
        job = _job(request)
        name = request.query_params.get("type", "")
        if job.state != ExportJob.State.DONE or name not in {file["type"] for file in job.files}:
            raise exceptions.NotFound("That export has no such file (yet).")
        return FileResponse(export.file_path(job, name).open("rb"), content_type=FHIR_NDJSON, filename=f"{name}.ndjson")
