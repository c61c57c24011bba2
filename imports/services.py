"""Every write of an import: the upload kept, its mapping saved, and the log imported in one transaction.

The import writes each row through `procedures.services.procedure_log` (and a patient it does not know through
`patients.services.patient_register`), never around them: each record gets the limit check, its audit history,
the patient's standing limits, its visit completed and its follow-up calls scheduled, exactly as a procedure
logged on the entry page. A row the limits refuse without a reason is history, not a choice: it is logged with
a reason saying it was imported, which keeps it visible as an override on the record and the dashboard.

All rows or none: the whole import is one transaction, so a row refused midway (a rule the preview could not
foresee) leaves nothing behind, and the upload says which row and why.
"""

import datetime
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from hashlib import sha256
from types import SimpleNamespace

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic import validators
from clinic.staff import staff_name
from imports import progress, reading, rows
from imports.models import ProcedureLogImport
from outcomes.models import FollowUp, FollowUpStatus
from outcomes.services import followup_mark_not_reached
from patients.models import Patient
from patients.services import patient_register
from procedures.models import Procedure
from procedures.services import MedicationInput, procedure_log

logger = logging.getLogger(__name__)
Status = ProcedureLogImport.Status
FORMATS = {".csv": ProcedureLogImport.Format.CSV, ".xlsx": ProcedureLogImport.Format.XLSX}
UNEXPECTED = "The import stopped on an unexpected error: nothing was imported. The error is in the server's log."


class RowRefused(Exception):
    """A row the services refused while importing: the whole import rolled back."""


def import_upload(*, file_name: str, content: bytes, uploaded_by: User) -> ProcedureLogImport:
    """Keep an uploaded log, after checking it is a CSV or XLSX file with a header row and rows under it."""
    name = " ".join(file_name.split())[-200:]
    extension = name[name.rfind(".") :].casefold() if "." in name else ""
    if extension == ".xls":
        raise ValidationError({"file": "Old Excel files (.xls) cannot be read: save the sheet as .xlsx or CSV."})
    file_format = FORMATS.get(extension)
    if file_format is None:
        raise ValidationError({"file": "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."})
    try:
        validators.validate_plain_text(name)
        reading.read(content, file_format)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    return ProcedureLogImport.objects.create(
        file_name=name,
        file_format=file_format,
        content=content,
        content_sha256=sha256(content).hexdigest(),
        uploaded_by=uploaded_by,
    )


def import_table(run: ProcedureLogImport) -> reading.Table:
    return reading.read(bytes(run.content), run.file_format)


def import_map(*, run: ProcedureLogImport, mapping: dict[str, str], default_physician: User | None) -> None:
    """Save which column holds each field (`imports.columns`); an import under way or done keeps its own."""
    if run.status not in (Status.UPLOADED, Status.FAILED):
        raise ValidationError("This file is being imported or was imported: its columns stay as they were.")
    run.mapping = {key: header for key, header in mapping.items() if header}
    run.default_physician = default_physician
    run.save(update_fields=["mapping", "default_physician"])


def import_check(run: ProcedureLogImport) -> rows.Checked:
    """Every row of the upload checked through its mapping: nothing is written."""
    return rows.check(import_table(run), run.mapping, run.default_physician)


def import_start(*, run: ProcedureLogImport, by: User, close_overdue_calls: bool = True) -> bool:
    """Start importing in the background; False if it is already under way or done. `close_overdue_calls`:
    close the imported procedures' follow-up calls already overdue, as not reached (`_close_overdue`).

    Claimed with one conditional UPDATE, so two clicks (or two administrators) start one import. An import
    whose progress stopped moving (`progress.STALE`) has died with its process and may be started again.
    """
    startable = [Status.UPLOADED, Status.FAILED]
    found = progress.read(run.pk)
    if run.status == Status.IMPORTING and (found is None or found.stale):
        startable.append(Status.IMPORTING)
    claimed = ProcedureLogImport.objects.filter(pk=run.pk, status__in=startable, started_at=run.started_at).update(
        status=Status.IMPORTING,
        started_at=timezone.now(),
        failure="",
        imported_by=by,
        close_overdue_calls=close_overdue_calls,
    )
    if not claimed:
        return False
    progress.write(run.pk, 0, 0, "checking")
    launch(run.pk, by.pk)
    return True


def _in_thread(run_id: int, user_id: int) -> None:
    threading.Thread(target=_thread, args=(run_id, user_id), name=f"import-{run_id}").start()


def _thread(run_id: int, user_id: int) -> None:
    """The import's own thread, with its own database connection, closed when it ends."""
    try:
        import_and_record(run_id, user_id)
    finally:
        connection.close()


def import_and_record(run_id: int, user_id: int) -> None:
    """Import, as `user_id`, and record how it ended: imported (in the import's transaction) or failed."""
    try:
        run = ProcedureLogImport.objects.get(pk=run_id)
        by = User.objects.get(pk=user_id)
        with _acting_as(by):
            import_procedures(run, by)
    except RowRefused as refused:
        _failed(run_id, str(refused))
    except Exception:
        logger.exception("Import %s failed", run_id)
        _failed(run_id, UNEXPECTED)
    finally:
        progress.clear(run_id)


# How `import_start` runs the import; tests whose database is one uncommitted transaction run it in place.
launch: Callable[[int, int], None] = _in_thread


def _failed(run_id: int, why: str) -> None:
    ProcedureLogImport.objects.filter(pk=run_id).update(status=Status.FAILED, failure=why, finished_at=timezone.now())


@contextmanager
def _acting_as(user: User) -> Iterator[None]:
    """The audit history names `user` for what this thread writes, as the request middleware does for a page."""
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def import_procedures(run: ProcedureLogImport, by: User, report: Callable[[int], None] | None = None) -> None:
    """Check every row again, then import them all in one transaction, oldest first; `RowRefused` if any is
    refused (nothing is then written). Rows already imported are found by their identity and skipped."""
    checked = import_check(run)
    if checked.problems:
        problems = checked.sentences()
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise RowRefused(f"The file has problems: {'; '.join(problems[:3])}{more}. Nothing was imported.")
    ordered = sorted(checked.ready, key=lambda row: (row.performed_at, row.number))
    report = report or progress.Reporter(run.pk, len(ordered), "importing")
    with _sqlite_keeps_readers_out_of_the_way(), transaction.atomic():
        counts = _import_rows(run, by, ordered, report)
        run.status = Status.IMPORTED
        run.imported, run.new_patients, run.overridden, run.closed_calls = counts
        run.already = len(checked.already)
        run.finished_at = timezone.now()
        fields = ["status", "imported", "new_patients", "overridden", "closed_calls", "already", "finished_at"]
        run.save(update_fields=fields)


def _import_rows(
    run: ProcedureLogImport, by: User, ordered: list[rows.Row], report: Callable[[int], None]
) -> tuple[int, int, int, int]:
    known = Patient.objects.in_bulk({row.patient_id for row in ordered if row.patient_id is not None})
    registered: dict[str, Patient] = {}
    today = timezone.localdate()
    overridden = closed = 0
    for done, row in enumerate(ordered, start=1):
        try:
            patient = known[row.patient_id] if row.patient_id is not None else registered.get(row.patient_key)
            if patient is None and row.new_patient is not None:
                patient = registered[row.patient_key] = _register(row.new_patient)
            assert patient is not None
            procedure = procedure_log(
                patient=patient,
                procedure_type=row.procedure_type,
                recorded_by=by,
                performed_by=row.physician,
                performed_at=row.performed_at,
                sites=row.sites,
                medications=[MedicationInput(row.drug, row.dose_mg)] if row.drug and row.dose_mg else [],
                override_reason=_reason(run, row.number, by, today),
                form_token=row.token,
                note=f"Imported from {run.file_name}, row {row.number}.",
            )
            if run.close_overdue_calls:
                closed += _close_overdue(procedure, run, by, today)
        except ValidationError as error:
            raise RowRefused(f"row {row.number}: {' '.join(error.messages)} Nothing was imported.") from error
        overridden += bool(procedure.overridden_rules)
        report(done)
    return len(ordered), len(registered), overridden, closed


def _close_overdue(procedure: Procedure, run: ProcedureLogImport, by: User, today: datetime.date) -> int:
    """Close the imported procedure's calls due before today through the outcomes service, saying why."""
    overdue = FollowUp.objects.filter(procedure=procedure, status=FollowUpStatus.DUE, due_on__lt=today)
    note = f"Closed by the import of {run.file_name}: due before the procedure was imported; the old log has no result."
    calls = list(overdue.order_by("due_on", "pk"))
    for follow_up in calls:
        followup_mark_not_reached(follow_up=follow_up, recorded_by=by, note=note)
    return len(calls)


def _register(person: rows.NewPatient) -> Patient:
    return patient_register(
        first_name=person.first_name,
        last_name=person.last_name,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        mrn=person.mrn,
        form_token=person.token,
    )


def _reason(run: ProcedureLogImport, number: int, by: User, today: datetime.date) -> str:
    """The override reason of an imported row past a hard limit (kept only when it passes one)."""
    return (
        f"Imported from {run.file_name}, row {number}: performed before Pinpoint, "
        f"imported by {staff_name(by)} on {today:%Y-%m-%d}."
    )


@contextmanager
def _sqlite_keeps_readers_out_of_the_way() -> Iterator[None]:
    """On SQLite, keep the import's changes in memory until it commits.

    A large transaction otherwise spills its changed pages into the database file midway, which takes an
    exclusive lock: every page (the progress poll included, which reads the session) would then wait for the
    whole import. With spilling off, others read the database as it was until the import commits.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_spill = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_spill = ON")
