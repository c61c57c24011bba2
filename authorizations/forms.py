from django import forms

from authorizations.models import REGION_CHOICES, Authorization
from clinic import validators
from clinic.concurrency import OpenedVersion
from procedures.models import ProcedureType


class RequestForm(forms.Form):
    """A request sent to the patient's payer: what it is for, and the documents sent with it."""

    procedure_types = forms.ModelMultipleChoiceField(
        queryset=ProcedureType.objects.filter(active=True).order_by("name"),
        label="Procedures covered",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"required": "Choose the procedures the authorization is for."},
    )
    region = forms.ChoiceField(choices=REGION_CHOICES, required=False)
    units_approved = forms.IntegerField(label="Units asked for", min_value=1, max_value=50, initial=1)
    requested_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    documents = forms.CharField(max_length=300, required=False, validators=[validators.validate_plain_text])
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), validators=[validators.validate_plain_text]
    )


class DecisionForm(OpenedVersion):
    """The payer's answer: approved (number, dates, units) or denied. What an approval needs is checked once, by
    `services.authorization_decide`, whose errors name these fields."""

    status = forms.ChoiceField(
        choices=[(Authorization.Status.APPROVED, "Approved"), (Authorization.Status.DENIED, "Denied")],
        widget=forms.RadioSelect,
    )
    number = forms.CharField(
        label="Authorization number", max_length=60, required=False, validators=[validators.validate_plain_text]
    )
    valid_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    units_approved = forms.IntegerField(label="Units approved", min_value=1, max_value=50, required=False)
    decided_on = forms.DateField(label="Answered on", widget=forms.DateInput(attrs={"type": "date"}))
