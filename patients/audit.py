"""A patient's audit history for the chart, and the latest changes across the registry."""

from dataclasses import dataclass
from datetime import datetime

from clinic.audit import KIND, HistoryEntry, history_entries, who
from patients.models import Patient


@dataclass
class RecentChange:
    patient_id: int
    patient_name: str
    what: str
    who: str
    when: datetime


def recent_changes(limit: int) -> list[RecentChange]:
    """The latest changes to any patient record, newest first, in one query."""
    records = Patient.history.select_related("history_user").order_by("-history_date")[:limit]
    return [
        RecentChange(
            patient_id=record.id,
            patient_name=f"{record.last_name}, {record.first_name}",
            what="Registered" if record.history_type == "+" else KIND[record.history_type],
            who=who(record.history_user),
            when=record.history_date,
        )
        for record in records
    ]


def patient_history(patient: Patient) -> list[HistoryEntry]:
    """Newest first, in a fixed number of queries whatever the length of the history."""
    return history_entries(patient, created="Registered")
