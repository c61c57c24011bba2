"""Putting a patient on the waitlist, and taking them off it."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from clinic import validators
from clinic.concurrency import OnceToken
from clinic.staff import PhysicianChoiceField
from scheduling.models import VisitType, WaitlistEntry

DEFAULT_CLOSE_REASON = "No longer needed"


class WaitlistForm(forms.ModelForm[WaitlistEntry], OnceToken):
    """What the patient is waiting for; the patient comes from the page, the rest from the service."""

    physician = PhysicianChoiceField(
        required=False,
        empty_label="Any physician",
        label="Physician",
        help_text="Leave at “Any physician” if the patient will see whoever has the first slot.",
    )

    class Meta:
        model = WaitlistEntry
        fields = ["physician", "visit_type", "earliest_on", "note"]
        labels = {"visit_type": "Visit type", "earliest_on": "Earliest date", "note": "Note"}
        widgets = {
            "earliest_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.TextInput(attrs={"placeholder": "e.g. mornings only; can come at short notice"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visit_type"].choices = VisitType.choices  # type: ignore[attr-defined]
        self.fields["visit_type"].initial = VisitType.FOLLOW_UP
        self.fields["earliest_on"].initial = timezone.localdate
        self.fields["note"].validators.append(validators.validate_plain_text)

    def clean_earliest_on(self) -> datetime.date:
        earliest_on: datetime.date = self.cleaned_data["earliest_on"]
        validators.validate_waitlist_earliest(earliest_on)
        return earliest_on


class WaitlistCloseForm(forms.Form):
    reason = forms.CharField(
        max_length=200, required=False, validators=[validators.validate_plain_text], label="Reason for closing"
    )

    def clean_reason(self) -> str:
        # The front desk mostly closes entries that resolved themselves; an empty reason says so.
        return str(self.cleaned_data["reason"]).strip() or DEFAULT_CLOSE_REASON
