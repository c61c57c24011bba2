"""Scheduling follow-ups when a procedure is logged, and recording them. Each write is one transaction."""

import datetime
from collections.abc import Sequence
from typing import Any, TypedDict

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from clinic import validators
from clinic.concurrency import take_version
from outcomes import monthly
from outcomes.models import FollowUp, FollowUpInterval, FollowUpStatus, Method, ProcedureResponse, next_working_day
from outcomes.scoring import RESPONSE_DAYS, disability_score
from procedures.models import Procedure

# Typed text of a call (`clinic.validators`), refused before anything is written.
TEXT_FIELDS = ("new_complications", "note")


def followup_schedule(procedure: Procedure) -> list[FollowUp]:
    """Create the procedure's follow-ups from the intervals for its family and intent.

    Registered as a procedures after-log hook, so it runs in the logging transaction.
    """
    intervals = FollowUpInterval.objects.filter(active=True, family=procedure.procedure_type.family).filter(
        Q(intent="") | Q(intent=procedure.intent)
    )
    # One save each rather than bulk_create, so every follow-up has its audit row.
    return [
        FollowUp.objects.create(
            procedure=procedure,
            label=interval.label,
            days_after=interval.offset_days,
            due_on=interval.due_on(procedure.performed_at),
        )
        for interval in intervals
    ]


def followup_reschedule(procedure: Procedure, performed_before: datetime.datetime) -> None:
    """A correction moved the procedure to another day: its calls still to make are due again counted from
    the new date (so a call is never due before its procedure). Calls already made stay as they were.

    Registered as a procedures after-change hook, so it runs in the correcting transaction.
    """
    if timezone.localdate(procedure.performed_at) == timezone.localdate(performed_before):
        return
    # The procedure's intervals by label, as `followup_schedule` chose them; an active one over a retired one.
    intervals = {
        interval.label: interval
        for interval in FollowUpInterval.objects.filter(family=procedure.procedure_type.family)
        .filter(Q(intent="") | Q(intent=procedure.intent))
        .order_by("active")
    }
    for follow_up in FollowUp.objects.open().filter(procedure=procedure).select_for_update():
        interval = intervals.get(follow_up.label)
        follow_up.due_on = (
            interval.due_on(procedure.performed_at)
            if interval is not None
            else next_working_day(timezone.localdate(procedure.performed_at) + datetime.timedelta(follow_up.days_after))
        )
        follow_up.version += 1  # the row is locked: a record form opened before this move is then refused
        follow_up.save(update_fields=["due_on", "version"])  # one save each: every move has its audit row


def followup_cancel_for_void(procedure: Procedure, performed_before: datetime.datetime) -> None:
    """A voided procedure's calls still to make are cancelled: nobody calls a patient about a record entered in
    error, and the worklist's open calls are then exactly the due ones. Calls already made stay as recorded.

    Registered as a procedures after-change hook, so it runs in the voiding transaction.
    """
    if not procedure.is_voided:
        return
    for follow_up in FollowUp.objects.open().filter(procedure=procedure).select_for_update():
        follow_up.status = FollowUpStatus.CANCELLED
        follow_up.version += 1
        follow_up._change_reason = "Cancelled: the procedure was voided"  # type: ignore[attr-defined]
        follow_up.save(update_fields=["status", "version"])  # one save each: every cancelled call has its audit row


def score_answers(answers: Sequence[int | None] | None, field: str) -> int | None:
    if not answers:
        return None
    try:
        return disability_score(answers)
    except ValueError as error:
        raise ValidationError({field: str(error)}) from error


def _ensure_open(follow_up: FollowUp) -> None:
    """Refuse a follow-up already closed, checked under a row lock: two nurses calling one patient."""
    current = FollowUp.objects.select_for_update().select_related("procedure").get(pk=follow_up.pk)
    if not current.is_closed:
        return
    if current.procedure.is_voided:
        raise ValidationError("This procedure was voided; its follow-ups are closed.")
    raise ValidationError(
        f"Already closed by {current.recorded_by.get_full_name() if current.recorded_by else 'someone'}: "
        "it was not recorded again."
    )


class PatientAnswers(TypedDict, total=False):
    """What a patient answers on their own questionnaire (`outcomes.links`, `outcomes.kiosk`)."""

    nrs: int
    relief_pct: int
    relief_days: int | None
    pgic: int | None
    new_complications: str
    odi_answers: list[int | None] | None
    ndi_answers: list[int | None] | None


@transaction.atomic
def followup_record(
    *,
    follow_up: FollowUp,
    recorded_by: User,
    odi_answers: Sequence[int | None] | None = None,
    ndi_answers: Sequence[int | None] | None = None,
    called_at: datetime.datetime | None = None,
    opened_version: int | None = None,
    **fields: Any,
) -> FollowUp:
    """Record the call or visit: pain now, relief, how long it lasted, ODI / NDI, PGIC, complications.

    Refused (`StaleEdit`) if the follow-up changed since the form showed `opened_version`.
    """
    take_version(follow_up, opened_version)
    # When the patient was asked: now, unless a call made earlier is entered afterwards.
    return _record(follow_up, recorded_by, called_at or timezone.now(), odi_answers, ndi_answers, fields)


@transaction.atomic
def followup_record_by_patient(
    *, follow_up: FollowUp, answered_at: datetime.datetime, answers: PatientAnswers
) -> FollowUp:
    """The patient's own answers, through a questionnaire link: recorded by no one, reached by link."""
    fields: dict[str, Any] = {key: value for key, value in answers.items() if not key.endswith("_answers")}
    follow_up._change_reason = "Answered by the patient through a link"  # type: ignore[attr-defined]
    return _record(
        follow_up,
        None,
        answered_at,
        answers.get("odi_answers"),
        answers.get("ndi_answers"),
        fields | {"method": Method.LINK},
    )


def _record(
    follow_up: FollowUp,
    recorded_by: User | None,
    asked_at: datetime.datetime,
    odi_answers: Sequence[int | None] | None,
    ndi_answers: Sequence[int | None] | None,
    fields: dict[str, Any],
) -> FollowUp:
    _ensure_open(follow_up)
    for name, value in fields.items():
        setattr(follow_up, name, value)
    validators.check_record(follow_up, text=TEXT_FIELDS)
    follow_up.odi_answers = list(odi_answers) if odi_answers else None
    follow_up.ndi_answers = list(ndi_answers) if ndi_answers else None
    follow_up.odi_score = score_answers(odi_answers, "odi_answers")
    follow_up.ndi_score = score_answers(ndi_answers, "ndi_answers")
    follow_up.status = FollowUpStatus.DONE
    follow_up.recorded_by = recorded_by
    follow_up.recorded_at = asked_at
    follow_up.save()
    if RESPONSE_DAYS[0] <= follow_up.days_after <= RESPONSE_DAYS[1]:
        procedure_response_refresh(follow_up.procedure_id)
    monthly.month_changed(follow_up.procedure.performed_at)
    return follow_up


def _responses(follow_ups: QuerySet[FollowUp]) -> QuerySet[FollowUp, dict[str, Any]]:
    """Per procedure, the best relief and lowest NRS of its recorded 2–6 week follow-ups."""
    return (
        follow_ups.filter(status=FollowUpStatus.DONE, days_after__range=RESPONSE_DAYS)
        .order_by()
        .values("procedure_id")
        .annotate(best_relief=Max("relief_pct"), best_nrs=Min("nrs"))
    )


def procedure_response_refresh(procedure_id: int) -> None:
    """Rewrite one procedure's kept response from its follow-ups (inside the recording transaction)."""
    ProcedureResponse.objects.filter(procedure_id=procedure_id).delete()
    ProcedureResponse.objects.bulk_create(
        ProcedureResponse(**row) for row in _responses(FollowUp.objects.filter(procedure_id=procedure_id))
    )


@transaction.atomic
def procedure_response_rebuild_all() -> int:
    """Rewrite every kept response in one statement, after follow-ups were loaded in bulk; returns the count."""
    ProcedureResponse.objects.all().delete()
    # The same grouping as `_responses`, as one INSERT … SELECT: no rows pass through Python.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ProcedureResponse._meta.db_table} (procedure_id, best_relief, best_nrs) "
            f"SELECT procedure_id, MAX(relief_pct), MIN(nrs) FROM {FollowUp._meta.db_table} "
            "WHERE status = %s AND days_after BETWEEN %s AND %s GROUP BY procedure_id",
            [FollowUpStatus.DONE.value, *RESPONSE_DAYS],
        )
    # The kept monthly sums read these responses.
    monthly.forget_all()
    return ProcedureResponse.objects.count()


@transaction.atomic
def followup_mark_not_reached(
    *, follow_up: FollowUp, recorded_by: User, note: str = "", called_at: datetime.datetime | None = None
) -> FollowUp:
    """Close a follow-up the patient could not be reached for; it counts as not completed."""
    validators.check_record(FollowUp(note=note), text=["note"])
    take_version(follow_up, None)
    _ensure_open(follow_up)
    follow_up.status = FollowUpStatus.NOT_REACHED
    follow_up.recorded_by = recorded_by
    follow_up.recorded_at = called_at or timezone.now()
    follow_up.note = note.strip() or "Not reached"
    follow_up.save()
    monthly.month_changed(follow_up.procedure.performed_at)
    return follow_up
