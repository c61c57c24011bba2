"""Reading django-simple-history as "who changed what, when", for any audited model."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model

KIND = {"+": "Created", "~": "Changed", "-": "Deleted"}

Show = Callable[[str, Any], str]


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


def who(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else "system"


def plain(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def history_entries(
    instance: Model, *, show: Show | None = None, created: str = "Created", skip: frozenset[str] = frozenset()
) -> list[HistoryEntry]:
    """Newest first; two queries whatever the length of the history.

    `show(field, value)` renders a value (foreign keys arrive as ids); `skip` hides bookkeeping fields.
    """
    model = type(instance)
    records = list(
        instance.history.select_related("history_user").order_by("history_date", "history_id")  # type: ignore[attr-defined]
    )
    entries = []
    previous = None
    for record in records:
        entry = HistoryEntry(
            when=record.history_date,
            who=who(record.history_user),
            what=created if record.history_type == "+" else KIND[record.history_type],
            reason=record.history_change_reason or "",
        )
        if previous is not None:
            for change in record.diff_against(previous).changes:
                if change.field in skip:
                    continue
                label = str(getattr(model._meta.get_field(change.field), "verbose_name", change.field))
                render = show or (lambda _name, value: plain(value))
                entry.changes.append(
                    Change(label.capitalize(), render(change.field, change.old), render(change.field, change.new))
                )
        entries.append(entry)
        previous = record
    return entries[::-1]
