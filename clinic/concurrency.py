"""Forms that write, safe when two people (or two clicks) post at once.

Versions. An edited record carries `version`: 1 when created, one more on every write by its service. The edit
form carries, hidden, the version it was opened at; the service locks the row inside its transaction and compares
(`take_version`), so of two edits opened at the same version only the first is saved. The second is refused with
who changed the record, when, and what (`StaleEdit`), and the form is shown again with what its user typed and
the current version: fields they left as they were take the other change, fields they typed keep what they
typed, so saving again applies their edit over the change they have now seen.

Form tokens. A create form carries a hidden one-time token, stored on the record it creates under a unique
constraint. The same form posted again (a double click, a resent request) creates nothing and answers with the
record the first post created (`create_once`); the constraint holds it across processes.
"""

import datetime
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import QueryDict
from django.utils import timezone

from clinic.audit import described_changes, who

Created = TypeVar("Created", bound=models.Model)


def version_field() -> models.PositiveIntegerField[int, int]:
    """The model field: not editable, so forms leave it alone and the audit history does not list it."""
    return models.PositiveIntegerField(default=1, editable=False, help_text="One more on every saved change.")


def form_token_field() -> models.UUIDField[uuid.UUID | None, uuid.UUID | None]:
    """The model field; its uniqueness is `form_token_unique`, in the model's constraints."""
    return models.UUIDField(null=True, blank=True, editable=False, help_text="The create form's one-time token.")


def form_token_unique(name: str) -> models.UniqueConstraint:
    """One record per form token. Partial: records made without a form (imports, seeds) carry none and take no
    room in the index; and SQLite adds a partial index without rebuilding the table (its triggers name it)."""
    return models.UniqueConstraint(fields=["form_token"], condition=models.Q(form_token__isnull=False), name=name)


class StaleEdit(ValidationError):
    """The record changed after the form was opened. `version` is the record's version now; `changes` the
    fields changed since (django-simple-history's `ModelChange`: field name, old and new value)."""

    def __init__(self, messages: list[str], version: int, changes: list[Any] | None = None) -> None:
        super().__init__(messages, code="stale")
        self.version = version
        self.changes = changes or []


def take_version(instance: models.Model, opened: int | None) -> None:
    """Lock the record's row and give the instance its next version; refuse an edit opened at another one.

    Inside the write's transaction: the lock (PostgreSQL; SQLite's IMMEDIATE transactions queue every writer)
    holds until the save commits, so a second edit opened at the same version waits, then sees the new one.
    `opened` None (not posted by a form) checks nothing.
    """
    model = type(instance)
    current = model._default_manager.select_for_update().values_list("version", flat=True).get(pk=instance.pk)
    if opened is not None and opened != current:
        raise _stale(instance, opened, current)
    instance.version = current + 1  # type: ignore[attr-defined]


def _stale(instance: models.Model, opened: int, current: int) -> StaleEdit:
    """Who changed the record since `opened`, at what time, and each field's value then and now."""
    history = instance.history.filter(version__gte=opened).select_related("history_user")  # type: ignore[attr-defined]
    records = list(history.order_by("history_date", "history_id"))
    later = [record for record in records if record.version > opened]
    if not later:
        return StaleEdit(["This record changed since you opened it. Check it and save again."], current)
    names = list(dict.fromkeys(who(record.history_user) for record in later))
    when = timezone.localtime(later[-1].history_date)
    at = f"{when:%H:%M}" if when.date() == timezone.localdate() else f"{when:%H:%M} on {when:%Y-%m-%d}"
    messages = [
        f"Changed by {' and '.join(names)} at {at} since you opened it: nothing was saved. "
        "What you typed is below; check it against their change and save again."
    ]
    baseline = [record for record in records if record.version == opened]
    changes = later[-1].diff_against(baseline[-1]).changes if baseline else []
    (described,) = described_changes(type(instance), [changes])
    messages += [f"{change.field}: {change.old} → {change.new}" for change in described]
    return StaleEdit(messages, current, changes)


class _VersionField(forms.IntegerField):
    def has_changed(self, initial: Any, data: Any) -> bool:
        return False  # when the form was opened, not something the user changed


class OpenedVersion(forms.Form):
    """An edit form's hidden version: the one the record had when the form was opened."""

    version = _VersionField(widget=forms.HiddenInput, min_value=1, required=False)

    def opened_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def refuse(self, error: ValidationError) -> None:
        """Show a refused save. A stale one is shown again at the current version, each field the user left as
        it was showing the other change, so saving again applies only what the user typed over it."""
        if isinstance(error, StaleEdit):
            data = QueryDict(mutable=True)
            data.update(self.data)  # a copy: the posted QueryDict cannot change
            data[self.add_prefix("version")] = str(error.version)
            for change in error.changes:
                typed = getattr(self, "cleaned_data", {}).get(change.field, _ABSENT)
                if getattr(typed, "pk", typed) == change.old:
                    _put(data, self.add_prefix(change.field), change.new)
            self.data = data
        self.add_error(None, error)


_ABSENT = object()


def _put(data: Any, name: str, value: Any) -> None:
    """Set a posted value as a browser would send it: a checkbox absent when off, a time in the clinic's zone."""
    if value is False:
        data.pop(name, None)
    elif value is None:
        data[name] = ""
    elif value is True:
        data[name] = "on"
    elif isinstance(value, datetime.datetime):
        data[name] = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
    else:
        data[name] = str(value)


class OnceToken(forms.Form):
    """A create form's hidden one-time token: a new one each time the empty form is shown."""

    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


def create_once(model: type[Created], token: uuid.UUID | None, create: Callable[[], Created]) -> Created:
    """`create()`, unless a record of `model` already carries `token`: then that record.

    A second post racing the first waits on the first's locks or on the token's unique index, and then fails
    (a duplicate token, or a check the first record now fails): if the token is then found, that is the answer.
    """
    if token is None:
        return create()
    done = model._default_manager.filter(form_token=token).first()
    if done is not None:
        return done
    try:
        with transaction.atomic():
            return create()
    except (IntegrityError, ValidationError):
        done = model._default_manager.filter(form_token=token).first()
        if done is None:
            raise
        return done
