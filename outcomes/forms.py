"""Recording a follow-up call: pain now on the baseline's NRS, relief, PGIC, and the ODI / NDI the levels call for."""

from collections.abc import Sequence
from typing import Any

from django import forms

from clinic import validators
from clinic.concurrency import OpenedVersion
from outcomes.models import PGIC, Method
from outcomes.questionnaires import QUESTIONNAIRES, Questionnaire

# The model fields the form fills; the questionnaires' answers are passed to the service separately.
RECORD_FIELDS = ("method", "nrs", "relief_pct", "relief_days", "pgic", "new_complications", "note")
# Long enough for any relief worth recording; PositiveSmallIntegerField holds up to 32767.
MAX_RELIEF_DAYS = 3650


def _range_messages(what: str, low: int, high: int) -> dict[str, str]:
    message = f"{what} runs from {low} to {high}."
    return {"min_value": message, "max_value": message, "invalid": f"Enter {what} as a whole number."}


def _number(**attrs: Any) -> forms.NumberInput:
    # Numeric keypad on tablets and phones; no autocomplete suggestions over the next field.
    return forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off", **attrs})


class WithQuestionnaires(forms.Form):
    """A form that also asks the disability questionnaires given: one radio choice per section."""

    def __init__(self, *args: Any, questionnaires: Sequence[Questionnaire] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaires = list(questionnaires)
        for questionnaire in self.questionnaires:
            for index, section in enumerate(questionnaire.sections):
                self.fields[section_field(questionnaire, index)] = forms.TypedChoiceField(
                    label=f"{index + 1}. {section.title}",
                    choices=[("", "Not answered"), *((points, text) for points, text in enumerate(section.answers))],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial="",
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                )

    def sections(self, questionnaire: Questionnaire) -> list[forms.BoundField]:
        return [self[section_field(questionnaire, index)] for index in range(len(questionnaire.sections))]

    def questionnaire_fields(self) -> list[tuple[Questionnaire, list[forms.BoundField]]]:
        return [(questionnaire, self.sections(questionnaire)) for questionnaire in self.questionnaires]

    def answers(self, questionnaire: Questionnaire) -> list[int | None] | None:
        """The points per section, None for a skipped one; None when the questionnaire was not asked at all."""
        if questionnaire not in self.questionnaires:
            return None
        points = [self.cleaned_data.get(section_field(questionnaire, i)) for i in range(len(questionnaire.sections))]
        return points if any(p is not None for p in points) else None


class FollowUpForm(OpenedVersion, WithQuestionnaires):
    nrs = forms.IntegerField(
        label="Pain now (NRS 0–10)",
        min_value=0,
        max_value=10,
        error_messages={**_range_messages("NRS", 0, 10), "required": "Ask for the pain now, 0 to 10."},
        widget=_number(autofocus=True),
    )
    relief_pct = forms.IntegerField(
        label="% relief since the procedure",
        min_value=0,
        max_value=100,
        error_messages={**_range_messages("Relief", 0, 100), "required": "Ask how much better, 0 to 100%."},
        widget=_number(),
    )
    relief_days = forms.IntegerField(
        label="Relief lasted (days)",
        required=False,
        min_value=0,
        max_value=MAX_RELIEF_DAYS,
        error_messages={
            "min_value": "Days cannot be negative.",
            "max_value": f"At most {MAX_RELIEF_DAYS} days.",
            "invalid": "Enter the days as a whole number.",
        },
        help_text="Leave empty while the relief continues.",
        widget=_number(),
    )
    pgic = forms.TypedChoiceField(
        label="Impression of change (PGIC)",
        choices=[("", "Not asked"), *PGIC.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    # "Patient-reported (link)" is written only by the patient's own answers (`outcomes.links`).
    method = forms.ChoiceField(
        label="Reached by", choices=[c for c in Method.choices if c[0] != Method.LINK], initial=Method.PHONE
    )
    new_complications = forms.CharField(
        label="New complications",
        max_length=300,
        required=False,
        validators=[validators.validate_plain_text],
        help_text="e.g. headache for two days, soreness at the site. Empty for none.",
    )
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), validators=[validators.validate_plain_text]
    )

    def record_fields(self) -> dict[str, Any]:
        """Keyword arguments for `services.followup_record`."""
        fields = {name: self.cleaned_data[name] for name in RECORD_FIELDS}
        for questionnaire in QUESTIONNAIRES:
            fields[f"{questionnaire.key}_answers"] = self.answers(questionnaire)
        return fields


class NotReachedForm(forms.Form):
    note = forms.CharField(
        max_length=300, required=False, validators=[validators.validate_plain_text], label="Note (not reached)"
    )


def section_field(questionnaire: Questionnaire, index: int) -> str:
    return f"{questionnaire.key}_{index + 1}"
