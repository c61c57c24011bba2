"""A patient's audit history for the chart, and the latest changes across the registry."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from clinic.audit import KIND, HistoryEntry, history_entries, plain, who
from patients.models import Patient, Payer


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
    """Newest first; three queries whatever the length of the history."""
    payer_ids = set(patient.history.exclude(payer=None).values_list("payer_id", flat=True))
    payers = dict(Payer.objects.filter(pk__in=payer_ids).values_list("pk", "name")) if payer_ids else {}

    def show(name: str, value: Any) -> str:
        if name == "payer" and value is not None:
            return payers.get(value, f"payer #{value}")
        if name == "sex" and value:
            return str(Patient.Sex(value).label)
        return plain(value)

    return history_entries(patient, show=show, created="Registered")
