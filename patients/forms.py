import functools
import uuid
from typing import Any, NamedTuple, TypedDict, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms

from clinic import validators
from clinic.concurrency import OnceToken, OpenedVersion
from clinic.forms import ReasonField
from patients.models import Channel, Patient, Payer
from patients.services import DUPLICATE_MRN, NAME_FIELDS, PatientFields


class Registration(TypedDict):
    """`patient_register`'s arguments besides the patient's fields."""

    allow_duplicate: bool
    form_token: uuid.UUID | None


class PatientForm(forms.ModelForm[Patient], OpenedVersion, OnceToken):
    """Registration and correction of a patient's demographics and safety facts."""

    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="This is a different person: register anyway",
    )

    class Meta:
        model = Patient
        fields = [
            "mrn",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "phone",
            "email",
            "address",
            "payer",
            "member_id",
            "weight_kg",
            "primary_care_physician",
            "anticoagulant",
            "anticoagulant_detail",
            "diabetes",
            "contrast_allergy",
            "other_allergies",
            "pregnant",
            "bone_density_risk",
            "questionnaire_channel",
            "questionnaire_consent",
        ]
        error_messages = {"mrn": {"unique": DUPLICATE_MRN}}
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "address": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filled by the view when registering refuses a possible duplicate; the template lists them.
        self.duplicates: list[Patient] = []
        payers = Payer.objects.filter(active=True)
        if self.instance.payer_id:
            payers = Payer.objects.filter(active=True) | Payer.objects.filter(pk=self.instance.payer_id)
        self.fields["payer"].queryset = payers  # type: ignore[attr-defined]
        self.fields["payer"].empty_label = "Not recorded"  # type: ignore[attr-defined]
        self.fields["mrn"].required = False
        # Absent from older callers (imports, integrations): left as it is, or a call from the clinic.
        self.fields["questionnaire_channel"].required = False
        if self.is_bound and "questionnaire_channel" not in self.data:
            data = {key: self.data[key] for key in self.data}
            data["questionnaire_channel"] = self.instance.questionnaire_channel
            if "questionnaire_consent" not in data and self.instance.questionnaire_consent:
                data["questionnaire_consent"] = "on"
            self.data = data
        # An edit carries the version it was opened at; a registration, its one-time token.
        del self.fields["form_token" if self.instance.pk else "version"]
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            self.fields["mrn"].required = True
            self.fields["mrn"].help_text = ""
        self.fields["first_name"].widget.attrs["autofocus"] = True
        for name, field in self.fields.items():
            if validators.typed_text(field):
                text = validators.validate_name if name in NAME_FIELDS else validators.validate_plain_text
                field.validators.append(text)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Identity",
                Row(Column("first_name"), Column("last_name")),
                Row(Column("date_of_birth"), Column("sex"), Column("mrn")),
            ),
            Fieldset(
                "Contact and insurance",
                Row(Column("phone"), Column("email")),
                "address",
                Row(Column("payer"), Column("member_id")),
                Row(Column("primary_care_physician"), Column("weight_kg")),
                Row(Column("questionnaire_channel"), Column("questionnaire_consent", css_class="pt-md-4")),
            ),
            Fieldset(
                "Safety before an injection",
                Row(Column("anticoagulant"), Column("anticoagulant_detail")),
                Row(Column("contrast_allergy"), Column("other_allergies")),
                Row(Column("diabetes"), Column("pregnant"), Column("bone_density_risk")),
            ),
        )

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data["date_of_birth"]
        if born:
            validators.validate_birth_date(born)
        return born

    def clean_questionnaire_channel(self) -> str:
        return str(self.cleaned_data.get("questionnaire_channel") or Channel.CALL)

    def clean_mrn(self) -> str:
        return str(self.cleaned_data.get("mrn") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("anticoagulant_detail") and not cleaned.get("anticoagulant"):
            cleaned["anticoagulant"] = True
        channel = Patient(
            questionnaire_channel=cleaned.get("questionnaire_channel") or "call",
            questionnaire_consent=bool(cleaned.get("questionnaire_consent")),
            email=cleaned.get("email") or "",
            phone=cleaned.get("phone") or "",
        )
        for field, message in channel.questionnaire_channel_problems().items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def patient_fields(self) -> PatientFields:
        # The form's fields are the record's (a test holds the two lists equal), cleaned to the model's types.
        return cast(PatientFields, {name: self.cleaned_data[name] for name in self.Meta.fields})

    def registration_fields(self) -> Registration:
        """What registering needs besides the patient: the confirmation and the form's one-time token."""
        return {
            "allow_duplicate": bool(self.cleaned_data.get("confirm_not_duplicate")),
            "form_token": self.cleaned_data.get("form_token"),
        }


class ArchiveForm(forms.Form):
    reason = ReasonField(
        max_length=300,
        label="Reason for archiving",
        help_text="e.g. duplicate of MRN 1000123, moved away, deceased",
    )


class ReasonInput(NamedTuple):
    """What the chart's archive card writes its input from (it shows no value and no errors)."""

    html_name: str
    id_for_label: str
    label: str
    max_length: int
    help_text: str


@functools.cache
def archive_reason_input() -> ReasonInput:
    """The archive form's one field, read once per process: the chart shows the card on every look, and building a
    form copies its fields."""
    field = ArchiveForm()["reason"]
    max_length = cast(forms.CharField, field.field).max_length or 0
    return ReasonInput(field.html_name, field.id_for_label, str(field.label), max_length, str(field.help_text))
