"""A password validator for the guesses tried first against a clinic: a season, a month or the product's
name with a year or a few symbols after it ("Summer2026!", "Pinpoint2026"). Django's common-password list
misses most of them, and at twelve characters they are as weak as at eight."""

import re
from typing import Any

from django.core.exceptions import ValidationError

PREDICTABLE_WORDS = (
    "spring|summer|autumn|fall|winter|"
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "pinpoint|clinic|password|welcome|letmein"
)
# Only such words, digits and punctuation: nothing a guesser has to find.
PREDICTABLE = re.compile(rf"^(?:{PREDICTABLE_WORDS}|[\d\W_])+$", re.IGNORECASE)


class PredictablePasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if PREDICTABLE.match(password):
            raise ValidationError(
                "This password is a season, month or name with numbers or symbols: it is among the first guessed.",
                code="password_predictable",
            )

    def get_help_text(self) -> str:
        return "Your password can’t be just a season, a month or the clinic’s name with numbers or symbols."
