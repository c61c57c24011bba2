"""Reading django-simple-history as "who changed what, when", for any audited model."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import ForeignKey, Model
from django.utils import timezone

KIND = {"+": "Created", "~": "Changed", "-": "Deleted"}


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
    if isinstance(value, AbstractBaseUser):
        return who(value)
    if isinstance(value, datetime):
        # Stored in UTC; staff read the clinic's wall clock.
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return str(value)


def history_entries(instance: Model, *, created: str = "Created") -> list[HistoryEntry]:
    """Newest first, in a fixed number of queries whatever the length of the history.

    Choice fields show their labels and foreign keys the related object, fetched once per model.
    """
    model = type(instance)
    records = list(instance.history.select_related("history_user").order_by("history_date", "history_id"))  # type: ignore[attr-defined]
    diffs = [records[i].diff_against(records[i - 1]).changes if i else [] for i in range(len(records))]
    described = described_changes(model, diffs)
    entries = []
    for record, changes in zip(records, described, strict=True):
        entry = HistoryEntry(
            when=record.history_date,
            who=who(record.history_user),
            what=created if record.history_type == "+" else KIND[record.history_type],
            reason=record.history_change_reason or "",
            changes=changes,
        )
        entries.append(entry)
    return entries[::-1]


def described_changes(model: type[Model], diffs: list[list[Any]]) -> list[list[Change]]:
    """Each diff of django-simple-history as labelled old and new values, the related objects fetched once."""
    related = _related_objects(model, [c for changes in diffs for c in changes])

    def show(name: str, value: Any) -> str:
        model_field = model._meta.get_field(name)
        if isinstance(model_field, ForeignKey) and value is not None:
            return plain(related[model_field.related_model].get(value, f"#{value}"))
        choices = dict(getattr(model_field, "choices", None) or [])
        return plain(choices.get(value, value))

    def label(name: str) -> str:
        return str(getattr(model._meta.get_field(name), "verbose_name", name)).capitalize()

    return [[Change(label(c.field), show(c.field, c.old), show(c.field, c.new)) for c in changes] for changes in diffs]


def _related_objects(model: type[Model], changes: list[Any]) -> dict[Any, dict[Any, Model]]:
    ids: dict[Any, set[Any]] = defaultdict(set)
    for change in changes:
        model_field = model._meta.get_field(change.field)
        if isinstance(model_field, ForeignKey):
            ids[model_field.related_model].update(v for v in (change.old, change.new) if v is not None)
    return {related: related._default_manager.in_bulk(list(pks)) for related, pks in ids.items()}
