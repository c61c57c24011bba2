"""The admin base pieces every app's configuration screens share: no deletion, constraint errors at their fields.

They live here, on the ground floor, so that procedures, scheduling and outcomes each build on them without
importing one another's admin modules.
"""

import copy
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import construct_instance
from django.http import HttpRequest

from clinic.history_admin import HistoryAdmin

M = TypeVar("M", bound=models.Model)


class ConstraintsAtFieldsForm(forms.ModelForm[M]):
    """Reports a failed check constraint at the field it is about.

    Django checks constraints before saving but reports them above the form, and with a generic
    "Constraint … is violated" unless the constraint names its own message. The conditions stay in the
    model's Meta; this only says where each failure belongs and, where the model has none, what to say.
    """

    # constraint name -> (field, message or None for the constraint's own)
    constraint_fields: dict[str, tuple[str, str | None]] = {}

    def clean(self) -> dict[str, Any] | None:
        cleaned_data = super().clean()
        model = type(self.instance)
        candidate = construct_instance(self, copy.copy(self.instance))
        for constraint in model._meta.constraints:
            if constraint.name not in self.constraint_fields:
                continue
            field, message = self.constraint_fields[constraint.name]
            try:
                # Fields that already failed are excluded, so a constraint on them stays quiet.
                # django-stubs does not know Constraint.validate (Django 4.1+).
                constraint.validate(model, candidate, exclude=set(self.errors))  # type: ignore[attr-defined]
            except ValidationError as error:
                self.add_error(field, message or error.messages)
        return cleaned_data


class UndeletableAdmin(HistoryAdmin):
    """Clinical configuration and records are never deleted, so no admin here offers it."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
