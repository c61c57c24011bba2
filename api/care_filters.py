"""The care lists' filter kit: ids as whole numbers, and dates within what a clinic's records can hold."""

from typing import Any

import django_filters  # type: ignore[import-untyped,unused-ignore]
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from drf_spectacular.utils import extend_schema_field

from api.care_writes import MAX_ID
from outcomes.filters import EARLIEST, LATEST


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):  # type: ignore[misc]
    """A record's id: a whole number (a `NumberFilter` would take 1.5 as record 1)."""

    field_class = forms.IntegerField


def id_filter(column: str, help_text: str) -> IdFilter:
    return IdFilter(field_name=column, min_value=1, max_value=MAX_ID, help_text=help_text)


def day_filter(help_text: str, **kwargs: Any) -> django_filters.DateFilter:
    """A clinic day. Outside the dashboard's span a date is a typing slip; the bounds also keep a day's midnights
    within what Python's dates can hold."""
    bounds = [MinValueValidator(EARLIEST), MaxValueValidator(LATEST)]
    return django_filters.DateFilter(help_text=help_text, validators=bounds, **kwargs)
