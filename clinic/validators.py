"""What a clinic's records can plausibly hold: one place for each bound, used by the forms and again by the services.

A form shows the message beside its field; a service raises the same message keyed by the same field, so a write
that comes another way (an import, a script, a future page) is refused with it too, before anything is saved.
The bounds also keep date arithmetic (rolling windows, time zones) inside what Python and the databases can hold.
"""

import datetime
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
# Visits are booked ahead, or entered a little after the fact; a date outside this is a typing slip.
BOOKABLE_BACK = datetime.timedelta(days=366)
BOOKABLE_AHEAD = datetime.timedelta(days=3 * 366)
# A clock a few minutes fast on the procedure-room PC is not a future date.
CLOCK_SKEW = datetime.timedelta(minutes=5)

# Characters that hide or reorder text: bidirectional embeddings, overrides and isolates, and marks that show
# nothing. A name holding them reads differently on screen than it sorts and searches ("Trojan Source").
# The zero-width joiner and non-joiner are left alone: Persian and Indic names need them between letters.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
JOINERS = frozenset("\u200c\u200d")
LINE_BREAKS = frozenset("\t\n\r")


def _hidden(char: str) -> bool:
    """A control or format character: it shows nothing, or changes how the text around it shows."""
    return unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs", "Cn"} and char not in JOINERS | LINE_BREAKS


def validate_plain_text(value: str) -> None:
    """No NUL or other control characters (tabs and line breaks aside) and nothing that hides or reorders text.

    PostgreSQL refuses NUL in text outright; the others would let a record look unlike what it holds.
    """
    if "\x00" in value:
        raise ValidationError("Remove the NUL character (\\0): it cannot be stored.", code="null_characters")
    if any(char in BIDI_CONTROLS for char in value):
        raise ValidationError(
            "Remove the invisible text-direction characters: they make the text show in another order.",
            code="bidi_control",
        )
    if any(_hidden(char) for char in value):
        raise ValidationError("Remove the invisible or control characters from the text.", code="hidden_characters")


def typed_text(field: forms.Field) -> bool:
    """A field someone types free text into: a CharField, but not the ones that parse it (a hidden UUID token)."""
    return isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField)


def validate_visible(value: str) -> None:
    """Something a reader can see: a name of zero-width spaces looks blank on every page."""
    if value and not any(
        not char.isspace() and unicodedata.category(char) not in {"Cc", "Cf", "Mn", "Me", "Zl", "Zp"} for char in value
    ):
        raise ValidationError("Enter visible characters, not only spaces or invisible ones.", code="invisible")


def validate_name(value: str) -> None:
    """A person's name (or a reason): something to see, in plain text."""
    validate_visible(value)
    validate_plain_text(value)


def check_record(
    record: models.Model,
    *,
    text: Iterable[str] = (),
    names: Iterable[str] = (),
    rules: Mapping[str, Callable[[Any], None]] | None = None,
    keys: Mapping[str, str] | None = None,
) -> None:
    """The services' check of a record before it is saved, keyed by field as the forms key theirs.

    `text`: typed text, plain (`validate_plain_text`) and within its column; `names` are that and visible too;
    `rules`: a validator per field, for the bounds above; `keys`: the form's name of a field where it differs
    (the cancel form's "reason" is the visit's `cancel_reason`). Raises one ValidationError naming every field wrong.
    """
    errors: dict[str, list[ValidationError]] = {}
    checks: list[tuple[str, Callable[[Any], None]]] = [(field, _text_check(record, field)) for field in text]
    checks += [(field, _text_check(record, field, validate_name)) for field in names]
    checks += list((rules or {}).items())
    for field, check in checks:
        try:
            check(getattr(record, field))
        except ValidationError as error:
            errors.setdefault((keys or {}).get(field, field), []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)


def _text_check(
    record: models.Model, field: str, plain: Callable[[str], None] = validate_plain_text
) -> Callable[[Any], None]:
    limit = getattr(record._meta.get_field(field), "max_length", None)

    def check(value: Any) -> None:
        plain(str(value))
        if limit is not None and len(str(value)) > limit:
            raise ValidationError(f"Enter at most {limit} characters (this has {len(str(value))}).", code="max_length")

    return check


def validate_birth_date(born: datetime.date) -> None:
    if born < EARLIEST_BIRTH_DATE:
        raise ValidationError(f"Enter a date of birth from {EARLIEST_BIRTH_DATE:%Y-%m-%d} on.", code="too_early")
    if born > timezone.localdate():
        raise ValidationError("Date of birth cannot be in the future.", code="future")


def bookable_days(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last clinic day a visit can be booked on (or moved to), or a waitlist entry wait for."""
    today = today or timezone.localdate()
    return today - BOOKABLE_BACK, today + BOOKABLE_AHEAD


def _local_day(moment: datetime.datetime) -> datetime.date | None:
    """The clinic day of `moment`; None when the clinic's zone cannot show it (the first or last hours of the
    years 1 and 9999)."""
    try:
        return timezone.localdate(moment)
    except OverflowError:
        return None


def validate_visit_start(starts_at: datetime.datetime) -> None:
    earliest, latest = bookable_days()
    day = _local_day(starts_at)
    if day is None or not earliest <= day <= latest:
        raise ValidationError(f"Choose a time between {earliest} and {latest}.", code="out_of_range")


def validate_waitlist_earliest(day: datetime.date) -> None:
    today = timezone.localdate()
    latest = bookable_days(today)[1]
    if day < today:
        raise ValidationError("The earliest date cannot be in the past.", code="past")
    if day > latest:
        raise ValidationError(f"Choose an earliest date no later than {latest}: visits are booked up to then.")


def validate_performed_at(performed_at: datetime.datetime, born: datetime.date | None) -> None:
    """A procedure is logged after it happens, and after the patient was born."""
    if performed_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError("The date and time cannot be in the future.", code="future")
    earliest = born or EARLIEST_BIRTH_DATE
    day = _local_day(performed_at)
    if day is None or day < earliest:
        what = f"the patient's date of birth ({born:%Y-%m-%d})" if born else f"{earliest:%Y-%m-%d}"
        raise ValidationError(f"The date cannot be before {what}.", code="before_birth")


def record_id(value: object) -> int | None:
    """A record's id as a link or a form gives it: decimal digits a database integer can hold; None for anything
    else ("", "12a", "²", or thousands of digits, which Python will not even turn into a number)."""
    text = str(value or "")
    if not text.isdecimal() or len(text) > 18:
        return None
    return int(text)
