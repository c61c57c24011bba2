"""Bulk export: a job's resources written as NDJSON files, one per type, under FHIR_EXPORT_DIR/<job id>/.

The kick-off (`fhir_r4.bulk`) records an `ExportJob` and, once that is committed, starts `run` in a thread of its own
process; any process answers the status from the job's row. Rows are read in chunks (`iterator(chunk_size=...)`)
and written as they are built, so no export holds a table in memory, and the job's `written` count (its
progress) and heartbeat are saved after every chunk. A file appears under its final name only once complete.
"""

import datetime
import logging
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils import timezone

from fhir_r4.build import as_json
from fhir_r4.models import ExportJob
from fhir_r4.types import TYPES, Source
from procedures.models import Procedure
from scheduling.models import Appointment

CHUNK = 500
# A running job whose heartbeat is older than this has lost its process (a restart, a recycled worker).
STALLED_AFTER = datetime.timedelta(minutes=10)
logger = logging.getLogger(__name__)
State = ExportJob.State


def folder(job: ExportJob) -> Path:
    return Path(settings.FHIR_EXPORT_DIR) / str(job.pk)


def file_path(job: ExportJob, type_name: str) -> Path:
    return folder(job) / f"{type_name}.ndjson"


def is_stalled(job: ExportJob) -> bool:
    if job.state not in (State.QUEUED, State.RUNNING):
        return False
    return (job.heartbeat_at or job.requested_at) < timezone.now() - STALLED_AFTER


def _of_patient(source: Source, patient_id: int) -> Q:
    path = source.paths.get("patient")
    if path is not None:
        return Q(**{path: patient_id})
    # Practitioners: the physicians the patient's records name.
    return Q(pk__in=Procedure.objects.filter(patient_id=patient_id).values("performed_by")) | Q(
        pk__in=Appointment.objects.filter(patient_id=patient_id).values("physician")
    )


def plan(job: ExportJob) -> list[tuple[str, Source, QuerySet[Any]]]:
    """(type, source, rows) for every source of every type the job exports, in the file order."""
    found = []
    for name in job.type_names:
        for source in TYPES[name].sources:
            rows = source.rows()
            if job.patient_id is not None:
                rows = rows.filter(_of_patient(source, job.patient_id))
            found.append((name, source, rows.order_by(*source.order)))
    return found


def _lines(source: Source, rows: QuerySet[Any]) -> Iterator[str]:
    for row in rows.iterator(chunk_size=CHUNK):
        yield as_json(source.build(row)) + "\n"


def run(job_id: uuid.UUID) -> None:
    """Write the job's files, from the start (a job run again after its process ended starts over)."""
    try:
        _run(job_id)
    except Exception as error:
        logger.exception("FHIR export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            state=State.FAILED, error=f"The export stopped: {type(error).__name__}.", finished_at=timezone.now()
        )


def _run(job_id: uuid.UUID) -> None:
    job = ExportJob.objects.get(pk=job_id)
    now = timezone.now()
    jobs = ExportJob.objects.filter(pk=job_id)
    jobs.update(state=State.RUNNING, started_at=now, heartbeat_at=now, written=0, files=[], error="")
    work = plan(job)
    jobs.update(total=sum(rows.count() for _, _, rows in work))
    target = folder(job)
    target.mkdir(parents=True, exist_ok=True)
    written = 0
    files: list[dict[str, Any]] = []
    for name in job.type_names:
        count = 0
        part = target / f"{name}.ndjson.part"
        with part.open("w", encoding="utf-8") as out:
            for _, source, rows in (step for step in work if step[0] == name):
                for line in _lines(source, rows):
                    out.write(line)
                    count += 1
                    written += 1
                    if written % CHUNK == 0:
                        jobs.update(written=written, heartbeat_at=timezone.now())
        part.replace(file_path(job, name))
        if count:
            files.append({"type": name, "count": count})
        jobs.update(written=written, files=files, heartbeat_at=timezone.now())
    jobs.update(state=State.DONE, finished_at=timezone.now())


def _in_thread(job_id: uuid.UUID) -> None:
    try:
        run(job_id)
    finally:
        # The thread's own database connection: closed with it rather than left for the server to time out.
        connections.close_all()


def start(job_id: uuid.UUID) -> None:
    """Run the job beside the request that asked for it, in this process."""
    threading.Thread(target=_in_thread, args=(job_id,), name=f"fhir-export-{job_id}", daemon=True).start()
