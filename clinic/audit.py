"""Reading django-simple-history as "who changed what, when", for any audited model, and a patient's history
gathered from every app that keeps records of the patient.

Apps above `patients` register a `HistorySource` here (like chart panels), so the chart shows procedures, their
sites and drugs, visits and follow-up calls without `patients` importing them. Every reader runs a fixed number
of queries whatever the length of the history: the latest entries are chosen in one query, the versions of those
records read in a second, and related names in one query per related model.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import ForeignKey, Model, QuerySet
from django.utils import timezone
from simple_history.models import ModelChange

from clinic.staff import staff_name

KIND = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class Change:
    field: str
    old: str
    new: str
    # A quantity's unit: the change then reads "Triamcinolone 80 → 40 mg".
    unit: str = ""


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    # The record changed, named in a patient's history ("Transforaminal ESI on 2026-11-20"), and its page.
    subject: str = ""
    url: str = ""
    object_id: Any = None
    history_id: Any = None


def who(user: Any) -> str:
    return staff_name(user) if user else "system"


def plain(value: Any) -> str:
    """A value as staff read it: times in the clinic's zone to the minute, amounts without trailing zeros."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, AbstractBaseUser):
        return who(value)
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return amount(value)
    return str(value)


def amount(value: Decimal) -> str:
    """80.00 as "80", 7.50 as "7.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Reading:
    """How one audited model reads in a history."""

    created: str = "Created"
    # Names the record (from its historical row), for a history that mixes records.
    subject: Callable[[Any], str] | None = None
    url: Callable[[Any], str] | None = None
    # What a change was, from its historical row and the names of the fields it changed (None: "Changed").
    what: Callable[[Any, set[str]], str | None] | None = None
    # A field's value as shown, where the plain value would be a code.
    show: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    # Fields a new record shows when set (e.g. the limits a procedure was logged past), as changes from nothing.
    on_create: tuple[str, ...] = ()


def status_or_moved(status_labels: Mapping[str, str], time_field: str) -> Callable[[Any, set[str]], str | None]:
    """`Reading.what` for something booked for a time (a visit, a follow-up call): a change of status reads as the
    new status, a change of its time as "Moved", anything else as a change."""

    def what(record: Any, fields: set[str]) -> str | None:
        if "status" in fields:
            return status_labels.get(record.status, str(record.status))
        if time_field in fields:
            return "Moved"
        return None

    return what


def entries(model: type[Model], records: Iterable[Any], reading: Reading = Reading()) -> list[HistoryEntry]:
    """The entries of historical rows (every version of each record they are of), newest first.

    Choice fields show their labels and foreign keys the related object, fetched once per related model.
    """
    by_object: dict[Any, list[Any]] = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    pairs = []
    for versions in by_object.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        for i, record in enumerate(versions):
            diff = record.diff_against(versions[i - 1]).changes if i else _set_on_create(record, reading)
            pairs.append((record, [c for c in diff if c.field not in reading.hidden]))
    describe = _describer(model, reading, [c for _, changes in pairs for c in changes])

    found = []
    for record, changes in pairs:
        what = KIND[record.history_type]
        if record.history_type == "+":
            what = reading.created
        elif record.history_type == "~" and reading.what is not None:
            what = reading.what(record, {c.field for c in changes}) or what
        entry = HistoryEntry(
            when=record.history_date,
            who=who(record.history_user),
            what=what,
            reason=record.history_change_reason or "",
            subject=reading.subject(record) if reading.subject else "",
            url=reading.url(record) if reading.url else "",
            object_id=record.id,
            history_id=record.history_id,
        )
        entry.changes.extend(describe(change) for change in changes)
        found.append(entry)
    return newest_first(found)


def described_changes(model: type[Model], diffs: list[list[Any]]) -> list[list[Change]]:
    """Each diff of django-simple-history as labelled old and new values, the related objects fetched once."""
    describe = _describer(model, Reading(), [c for changes in diffs for c in changes])
    return [[describe(c) for c in changes] for changes in diffs]


def _describer(model: type[Model], reading: Reading, changes: list[Any]) -> Callable[[Any], Change]:
    """Turns one of django-simple-history's changes into a labelled Change, the related objects of all of
    `changes` fetched first, once per related model."""
    related = _related_objects(model, changes)

    def show(name: str, value: Any) -> str:
        if name in reading.show:
            return reading.show[name](value)
        model_field = model._meta.get_field(name)
        if isinstance(model_field, ForeignKey) and value is not None:
            return plain(related[model_field.related_model].get(value, f"#{value}"))
        choices = dict(getattr(model_field, "choices", None) or [])
        # Only a field with choices is looked up: a JSON field's list or dict cannot be a key.
        return plain(choices.get(value, value) if choices else value)

    def describe(change: Any) -> Change:
        label = str(getattr(model._meta.get_field(change.field), "verbose_name", change.field))
        label = label[:1].upper() + label[1:]  # "Pain now (NRS 0–10)", its abbreviations kept
        return Change(label, show(change.field, change.old), show(change.field, change.new))

    return describe


def _set_on_create(record: Any, reading: Reading) -> list[Any]:
    return [ModelChange(name, None, getattr(record, name)) for name in reading.on_create if getattr(record, name)]


def newest_first(found: Iterable[HistoryEntry]) -> list[HistoryEntry]:
    return sorted(found, key=lambda e: (e.when, e.history_id or 0), reverse=True)


def history_entries(instance: Model, *, created: str = "Created") -> list[HistoryEntry]:
    """One record's whole history, newest first, in a fixed number of queries whatever its length."""
    records = instance.history.select_related("history_user")  # type: ignore[attr-defined]
    return entries(type(instance), records, Reading(created=created))


def latest_versions(history: "QuerySet[Any]", limit: int | None, *related: str) -> tuple[list[Any], set[Any]]:
    """The versions of the records among the latest `limit` rows of `history` (every version: a change is read
    against the one before it), and the history ids of those latest rows. Two queries."""
    latest = history.order_by("-history_date", "-history_id").values_list("history_id", "id")
    chosen = list(latest[:limit] if limit is not None else latest)
    model = history.model
    versions = model._default_manager.filter(id__in={pk for _, pk in chosen}).select_related("history_user", *related)
    return list(versions), {history_id for history_id, _ in chosen}


def _related_objects(model: type[Model], changes: list[Any]) -> dict[Any, dict[Any, Model]]:
    ids: dict[Any, set[Any]] = defaultdict(set)
    for change in changes:
        model_field = model._meta.get_field(change.field)
        if isinstance(model_field, ForeignKey):
            ids[model_field.related_model].update(v for v in (change.old, change.new) if v is not None)
    return {related: related._default_manager.in_bulk(list(pks)) for related, pks in ids.items()}


@dataclass(frozen=True)
class HistorySource:
    """A higher app's part of a patient's history: `entries(patient_id, limit)` returns at most the latest
    `limit` entries (all of them when None), newest first, in a fixed number of queries."""

    permission: str
    entries: Callable[[int, int | None], list[HistoryEntry]]


_sources: list[HistorySource] = []


def register_history_source(source: HistorySource) -> None:
    if source not in _sources:
        _sources.append(source)


def patient_entries(
    user: User | AnonymousUser, patient_id: int, limit: int | None, own: Sequence[HistoryEntry]
) -> list[HistoryEntry]:
    """The patient's own entries with those of every source the user may read: the latest `limit`, newest first."""
    found = list(own)
    for source in _sources:
        if user.has_perm(source.permission):
            found.extend(source.entries(patient_id, limit))
    merged = newest_first(found)
    return merged[:limit] if limit is not None else merged
