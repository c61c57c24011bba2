"""A patient's visits in their chart's history: booked, moved, checked in, cancelled, each with what changed."""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from clinic.audit import HistoryEntry, HistorySource, Reading, entries, latest_versions, status_or_moved
from scheduling.models import Appointment, Status, VisitType

STATUS_LABELS: dict[str, str] = dict(Status.choices)
VISIT_LABELS: dict[str, str] = dict(VisitType.choices)


def _subject(record: Any) -> str:
    when = timezone.localtime(record.starts_at)
    return f"{VISIT_LABELS.get(record.visit_type, record.visit_type)} visit on {when:%Y-%m-%d %H:%M}"


READING = Reading(
    created="Booked",
    subject=_subject,
    url=lambda record: reverse("scheduling:detail", args=[record.id]),
    what=status_or_moved(STATUS_LABELS, "starts_at"),
    # The limit check's snapshot is re-run on its own; its text is on the visit's page.
    hidden=frozenset({"limit_summary"}),
)


def patient_visits_history(patient_id: int, limit: int | None) -> list[HistoryEntry]:
    """The latest `limit` changes to a patient's visits, newest first."""
    versions, latest = latest_versions(Appointment.history.filter(patient_id=patient_id), limit)
    return [entry for entry in entries(Appointment, versions, READING) if entry.history_id in latest]


SOURCE = HistorySource("scheduling.view_appointment", patient_visits_history)
