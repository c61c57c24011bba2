from django import forms
from django.contrib.auth.forms import PasswordChangeForm


class OwnPasswordChangeForm(PasswordChangeForm):
    """Changing a password means a new one: above all, one an administrator set must not simply be kept."""

    def clean_new_password1(self) -> str:
        password = str(self.cleaned_data["new_password1"])
        if self.user.check_password(password):
            raise forms.ValidationError("Choose a new password, not the one you have now.")
        return password
