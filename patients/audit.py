"""A patient's audit history for the chart, and the latest changes across the registry."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User

from clinic.audit import KIND, HistoryEntry, Reading, entries, latest_versions, patient_entries, who
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


def patient_history(user: User | AnonymousUser, patient: Patient, limit: int | None) -> list[HistoryEntry]:
    """The latest `limit` changes (all when None) to the patient's record and, as far as the user may read them,
    to their procedures, visits and follow-up calls; newest first, in a fixed number of queries."""
    versions, latest = latest_versions(Patient.history.filter(id=patient.pk), limit)
    own = [e for e in entries(Patient, versions, Reading(created="Registered")) if e.history_id in latest]
    return patient_entries(user, patient.pk, limit, own)
