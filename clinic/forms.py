from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from clinic import validators


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
