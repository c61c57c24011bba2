from typing import Any, TypeVar

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from clinic import reference, validators

M = TypeVar("M", bound=Model)


class ReasonField(forms.CharField):
    """Why a patient was archived, a procedure voided or a visit cancelled: kept on the record and shown with it,
    so visible plain text like a name."""

    default_validators = [validators.validate_name]


class OwnPasswordChangeForm(PasswordChangeForm):
    """Changing a password means a new one: above all, one an administrator set must not simply be kept."""

    def clean_new_password1(self) -> str:
        password = str(self.cleaned_data["new_password1"])
        if self.user.check_password(password):
            raise forms.ValidationError("Choose a new password, not the one you have now.")
        return password


class KeptChoiceField(forms.ModelChoiceField[M]):
    """A choice of a reference row (a room, a procedure type, a drug) whose posted value is looked up in the copy of
    the choices each process keeps under the table's stamp (`clinic.reference`) rather than by a query of its own:
    the live limit check, posted on every keystroke, and a booking each name two or three such rows. The choices
    the form offers are still read from the queryset. `copy` names the queryset's copy, so the queryset is fixed
    here: a form that narrows it per instance needs a field of its own with another name."""

    def __init__(self, queryset: QuerySet[M], *, stamp: str, copy: str, **kwargs: Any) -> None:
        super().__init__(queryset, **kwargs)
        self.stamp, self.copy, self.kept_from = stamp, copy, queryset

    def _choices_by_pk(self) -> dict[Any, M]:
        return reference.kept(self.stamp, lambda: {row.pk: row for row in self.kept_from.all()}, copy=self.copy)

    def to_python(self, value: Any) -> M | None:
        if value in self.empty_values:
            return None
        model = self.kept_from.model
        if isinstance(value, model):
            value = value.pk
        try:
            found = self._choices_by_pk().get(model._meta.pk.to_python(value) if model._meta.pk else value)
        except ValidationError:
            found = None
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return found
