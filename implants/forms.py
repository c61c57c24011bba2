"""The pathway page's forms, one per step; the services check what spans fields and records."""

from decimal import Decimal

from django import forms

from clinic import validators
from implants.models import Decision, LeadType
from procedures.spine import LEVELS

DATE = forms.DateInput(attrs={"type": "date"})
PLAIN = [validators.validate_plain_text]
# Drugs given intrathecally (FDA-approved: morphine, ziconotide, baclofen; the rest off-label and common).
PUMP_DRUGS = ["Morphine", "Hydromorphone", "Ziconotide", "Baclofen", "Bupivacaine", "Fentanyl", "Clonidine"]


class EvaluationForm(forms.Form):
    psych_on = forms.DateField(label="Evaluated on", widget=DATE)
    cleared = forms.TypedChoiceField(
        label="Result",
        choices=[("yes", "Cleared for the device"), ("no", "Not cleared")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    evaluated_by = forms.CharField(label="Evaluated by", max_length=120, required=False, validators=PLAIN)


class TrialForm(forms.Form):
    start = forms.DateField(label="Trial start", widget=DATE)
    end = forms.DateField(label="Trial end", widget=DATE, required=False, help_text="Leave empty while it goes on.")
    note = forms.CharField(label="Trial note", max_length=300, required=False, validators=PLAIN)


class DiaryForm(forms.Form):
    day = forms.DateField(widget=DATE)
    nrs = forms.IntegerField(label="Pain (NRS 0–10)", min_value=0, max_value=10)
    relief_pct = forms.IntegerField(label="Relief (%)", min_value=0, max_value=100)
    note = forms.CharField(max_length=300, required=False, validators=PLAIN)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[c for c in Decision.choices if c[0]], widget=forms.RadioSelect)
    decided_on = forms.DateField(label="Decided on", widget=DATE)
    note = forms.CharField(max_length=300, required=False, validators=PLAIN)


class ImplantForm(forms.Form):
    implanted_on = forms.DateField(label="Implanted on", widget=DATE)
    manufacturer = forms.CharField(max_length=80, validators=PLAIN)
    model = forms.CharField(label="Generator / pump model", max_length=80, validators=PLAIN)
    serial = forms.CharField(label="Generator / pump serial", max_length=60, required=False, validators=PLAIN)
    location = forms.CharField(max_length=120, validators=PLAIN, help_text="e.g. left upper buttock")
    lead_tip_level = forms.ChoiceField(
        label="Lead / catheter tip level", choices=[("", "—"), *((level, level) for level in LEVELS)], required=False
    )
    override_reason = forms.CharField(
        label="Reason to implant without a successful trial",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=PLAIN,
    )


class StimulatorImplantForm(ImplantForm):
    lead_type = forms.ChoiceField(choices=[c for c in LeadType.choices if c[0]])
    lead_model = forms.CharField(max_length=80, required=False, validators=PLAIN)
    lead_serials = forms.CharField(
        max_length=200, required=False, validators=PLAIN, help_text="Each lead's serial, comma-separated"
    )


class PumpImplantForm(ImplantForm):
    reservoir_ml = forms.DecimalField(label="Reservoir (mL)", min_value=1, max_value=100, decimal_places=1)


class ReprogrammingForm(forms.Form):
    on = forms.DateField(label="Visit on", widget=DATE)
    reason = forms.CharField(max_length=200, validators=PLAIN, help_text="e.g. loss of coverage over the left leg")
    settings_note = forms.CharField(label="What changed", max_length=300, required=False, validators=PLAIN)
    nrs_after = forms.IntegerField(label="Pain after (NRS 0–10)", min_value=0, max_value=10, required=False)


class RefillForm(forms.Form):
    on = forms.DateField(label="Refilled on", widget=DATE)
    drug = forms.CharField(
        max_length=80, validators=PLAIN, widget=forms.TextInput(attrs={"list": "pump-drugs", "autocomplete": "off"})
    )
    concentration_mg_ml = forms.DecimalField(
        label="Concentration (mg/mL)", min_value=Decimal("0.001"), max_value=10000, decimal_places=3
    )
    volume_ml = forms.DecimalField(label="Volume (mL)", min_value=Decimal("0.1"), max_value=100, decimal_places=1)
    daily_dose_mg = forms.DecimalField(
        label="Daily dose (mg/day)", min_value=Decimal("0.0001"), max_value=10000, decimal_places=4
    )
    next_due_on = forms.DateField(label="Next refill due", widget=DATE)


class VoidForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=300, validators=PLAIN)


class CloseForm(forms.Form):
    on = forms.DateField(label="Closed on", widget=DATE)
    reason = forms.CharField(
        max_length=300, validators=PLAIN, help_text="e.g. trial failed, patient declined, explanted"
    )
