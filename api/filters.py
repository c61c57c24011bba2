"""The API's query filters (django-filter) that refuse what they cannot read, at their name, rather than ignore it:
an id too large for the database, a date past the calendar, a yes/no that is neither."""

import datetime
from typing import Any

import django_filters  # type: ignore[import-untyped]
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from drf_spectacular.utils import extend_schema_field

from clinic.validators import EARLIEST_BIRTH_DATE

# Within the calendar the clinic's records can hold, so the day after a date still exists.
DATE_BOUNDS = [MinValueValidator(EARLIEST_BIRTH_DATE), MaxValueValidator(datetime.date(2999, 12, 31))]
YES_NO = [("true", "true"), ("false", "false")]
# The largest id the records' 64-bit keys can hold: a larger number is a typing slip, not a record.
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):  # type: ignore[misc]
    """A record's id: a whole number a database integer can hold (a plain number filter takes 1.5 as record 1)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class DateFilter(django_filters.DateFilter):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, validators=DATE_BOUNDS, **kwargs)


class YesNoFilter(django_filters.ChoiceFilter):  # type: ignore[misc]
    """`true` or `false`; anything else is refused (a boolean filter would read it as "not given")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, choices=YES_NO, **kwargs)

    def filter(self, queryset: Any, value: Any) -> Any:
        return queryset if value in ("", None) else super().filter(queryset, value == "true")
