"""The questionnaires patients fill in themselves: on their phone from a link, and on the clinic's tablet at check-in.

Plain words, one question at a time, big choices to tap; the answers go to the same records as a nurse's call.
"""

from typing import Any

from django import forms

from clinic import validators
from outcomes.forms import MAX_RELIEF_DAYS, WithQuestionnaires
from outcomes.models import PGIC
from outcomes.questionnaires import QUESTIONNAIRES
from outcomes.services import PatientAnswers

NRS_CHOICES = [(n, str(n)) for n in range(11)]
RELIEF_CHOICES = [(pct, f"{pct}%") for pct in range(0, 101, 10)]


def tap_question(label: str, help_text: str, choices: list[tuple[int, str]], missing: str) -> forms.TypedChoiceField:
    """A question answered by tapping one of a row of numbers (pain 0–10, relief 0–100%), `missing` said if none."""
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": missing},
    )


def _pain_now() -> forms.TypedChoiceField:
    return tap_question(
        "How bad is your pain right now?",
        "0 is no pain; 10 is the worst pain you can imagine.",
        NRS_CHOICES,
        "Choose a number from 0 to 10 for your pain now.",
    )


class PatientReportForm(WithQuestionnaires):
    """A follow-up answered through a link: what a nurse would ask on the phone."""

    nrs = _pain_now()
    relief_pct = tap_question(
        "How much better is your pain since the procedure?",
        "0% is no better at all; 100% is completely gone.",
        RELIEF_CHOICES,
        "Choose how much better your pain is, from 0% to 100%.",
    )
    relief_days = forms.IntegerField(
        label="If the relief has worn off: how many days did it last?",
        help_text="Leave this empty if you still feel the relief.",
        required=False,
        min_value=0,
        max_value=MAX_RELIEF_DAYS,
        error_messages={
            "min_value": "The days cannot be negative.",
            "max_value": f"Enter at most {MAX_RELIEF_DAYS} days.",
            "invalid": "Enter the number of days, for example 10.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "form-control"}),
    )
    pgic = forms.TypedChoiceField(
        label="Since the procedure, how would you describe the change in your condition?",
        choices=PGIC.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the answer that describes the change best."},
    )
    new_complications = forms.CharField(
        label="Any new problems since the procedure?",
        help_text="For example a headache, fever, or soreness where the needle went in. Leave empty if none.",
        max_length=300,
        required=False,
        validators=[validators.validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def answers_given(self) -> PatientAnswers:
        data = self.cleaned_data
        answers: PatientAnswers = {
            "nrs": data["nrs"],
            "relief_pct": data["relief_pct"],
            "relief_days": data["relief_days"],
            "pgic": data["pgic"],
            "new_complications": data["new_complications"],
        }
        for questionnaire in QUESTIONNAIRES:
            answers[f"{questionnaire.key}_answers"] = self.answers(questionnaire)  # type: ignore[literal-required]
        return answers


class BaselineForm(WithQuestionnaires):
    """Today's pain and disability, answered on the tablet at check-in."""

    nrs = _pain_now()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nrs"].label = "How bad is your pain today?"

    def answers_given(self) -> PatientAnswers:
        answers: PatientAnswers = {"nrs": self.cleaned_data["nrs"]}
        for questionnaire in QUESTIONNAIRES:
            answers[f"{questionnaire.key}_answers"] = self.answers(questionnaire)  # type: ignore[literal-required]
        return answers
