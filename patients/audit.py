"""Reading a patient's audit history as "who changed what, when" for the chart."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model

from patients.models import Patient, Payer

_KIND = {"+": "Registered", "~": "Changed", "-": "Deleted"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def _label(name: str) -> str:
    field = Patient._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


def _show(name: str, value: Any, payers: dict[int, str]) -> str:
    if value is None or value == "":
        return "—"
    if name == "payer":
        return payers.get(value, f"payer #{value}")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "sex":
        return str(Patient.Sex(value).label)
    return str(value)


@dataclass
class RecentChange:
    patient_id: int
    patient_name: str
    what: str
    who: str
    when: datetime


def _who(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else "system"


def recent_changes(limit: int) -> list[RecentChange]:
    """The latest changes to any patient record, newest first, in one query."""
    records = Patient.history.select_related("history_user").order_by("-history_date")[:limit]
    return [
        RecentChange(
            patient_id=record.id,
            patient_name=f"{record.last_name}, {record.first_name}",
            what=_KIND[record.history_type],
            who=_who(record.history_user),
            when=record.history_date,
        )
        for record in records
    ]


def patient_history(patient: Patient) -> list[HistoryEntry]:
    """Newest first; two queries whatever the length of the history."""
    records: list[Model] = list(patient.history.select_related("history_user").order_by("history_date", "history_id"))
    payer_ids = {record.payer_id for record in records if record.payer_id}  # type: ignore[attr-defined]
    payers = dict(Payer.objects.filter(pk__in=payer_ids).values_list("pk", "name")) if payer_ids else {}
    entries = []
    previous = None
    for record in records:
        entry = HistoryEntry(
            when=record.history_date,  # type: ignore[attr-defined]
            who=_who(record.history_user),  # type: ignore[attr-defined]
            what=_KIND[record.history_type],  # type: ignore[attr-defined]
            reason=record.history_change_reason or "",  # type: ignore[attr-defined]
        )
        if previous is not None:
            delta = record.diff_against(previous)  # type: ignore[attr-defined]
            entry.changes = [
                Change(_label(c.field), _show(c.field, c.old, payers), _show(c.field, c.new, payers))
                for c in delta.changes
            ]
        entries.append(entry)
        previous = record
    return entries[::-1]
