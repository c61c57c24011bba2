"""A patient's follow-up calls in their chart's history: scheduled, moved, recorded, not reached, cancelled."""

from typing import Any

from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone

from clinic.audit import HistoryEntry, HistorySource, Reading, entries, latest_versions, status_or_moved
from outcomes.models import FollowUp, FollowUpStatus
from procedures.models import Procedure

# A call closed with its answers reads as recorded; the other statuses by their labels.
STATUS_LABELS: dict[str, str] = {**dict(FollowUpStatus.choices), FollowUpStatus.DONE: "Recorded"}


def _subject(record: Any) -> str:
    procedure = record.procedure
    on = timezone.localdate(procedure.performed_at)
    return f"{record.label} follow-up of {procedure.procedure_type.name} on {on:%Y-%m-%d}"


READING = Reading(
    created="Scheduled",
    subject=_subject,
    url=lambda record: reverse("outcomes:record", args=[record.id]),
    what=status_or_moved(STATUS_LABELS, "due_on"),
    # The questionnaires' answers are summed in their scores, which are shown.
    hidden=frozenset({"odi_answers", "ndi_answers"}),
)


def patient_calls_history(patient_id: int, limit: int | None) -> list[HistoryEntry]:
    """The latest `limit` changes to a patient's follow-up calls, newest first."""
    procedures = Subquery(Procedure.objects.filter(patient_id=patient_id).values("pk"))
    history = FollowUp.history.filter(procedure_id__in=procedures)
    versions, latest = latest_versions(history, limit, "procedure__procedure_type")
    return [entry for entry in entries(FollowUp, versions, READING) if entry.history_id in latest]


SOURCE = HistorySource("outcomes.view_followup", patient_calls_history)
