"""The outcomes dashboard's filters: a GET form whose bad values are reported and ignored, never a 500."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from clinic.staff import PhysicianChoiceField, staff_name
from procedures.exposure import Region, month_shift
from procedures.models import Family

# Dates outside this span are typing slips; refusing them also keeps date arithmetic from overflowing.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# One row per month in the monthly table: a longer range would be a wall of empty rows.
MAX_YEARS = 10
REGION_CHOICES = [
    (Region.CERVICOTHORACIC.value, "Cervical / thoracic"),
    (Region.LUMBOSACRAL.value, "Lumbar / sacral"),
]


def default_range(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last 12 calendar months, this one included, so the monthly chart shows whole months."""
    return month_shift(today.replace(day=1), -11), today


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class Criteria:
    """What every metric is restricted to. Dates are the procedure's (or the appointment's) clinic date."""

    date_from: datetime.date
    date_to: datetime.date
    physician: User | None = None
    family: str = ""
    region: str = ""
    # "Due by today" and the limit flags are as of this day.
    today: datetime.date = field(default_factory=timezone.localdate)
    # Sums already read for these criteria, by grouping: several tables of one page share them.
    read: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def starts_at(self) -> datetime.datetime:
        return _midnight(self.date_from)

    @property
    def ends_before(self) -> datetime.datetime:
        """Exclusive end: midnight after the last day (a DST day is 23 or 25 hours long)."""
        return _midnight(self.date_to + datetime.timedelta(days=1))

    def describe(self) -> str:
        parts = [f"{_day(self.date_from)} – {_day(self.date_to)}"]
        if self.physician is not None:
            parts.append(staff_name(self.physician))
        if self.family:
            parts.append(str(Family(self.family).label))
        if self.region:
            parts.append(dict(REGION_CHOICES)[self.region])
        return " · ".join(parts)


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
    )


class DashboardFilter(forms.Form):
    date_from = _date_field("Procedure date from")
    date_to = _date_field("Procedure date to")
    # Everyone who is or was a physician: a past colleague's procedures still count.
    physician = PhysicianChoiceField(
        include_inactive=True, required=False, empty_label="All physicians", label="Physician"
    )
    family = forms.ChoiceField(choices=[("", "All families"), *Family.choices], required=False, label="Family")
    region = forms.ChoiceField(choices=[("", "All regions"), *REGION_CHOICES], required=False, label="Spinal region")

    def __init__(self, data: Mapping[str, Any] | None = None, *, today: datetime.date | None = None) -> None:
        self.today = today or timezone.localdate()
        self.defaults = default_range(self.today)
        # Always bound: a blank date shows, and counts as, its default.
        values = {"date_from": self.defaults[0].isoformat(), "date_to": self.defaults[1].isoformat()}
        values |= {name: value for name, value in (data or {}).items() if name in self.base_fields and value}
        super().__init__(values)

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        start = start or self.defaults[0]
        end = end or self.defaults[1]
        if start > end:
            self._drop_dates("The start date is after the end date.")
        elif month_shift(start, 12 * MAX_YEARS) < end:
            self._drop_dates(f"Choose a range of at most {MAX_YEARS} years.")
        return cleaned

    def _drop_dates(self, message: str) -> None:
        self.add_error("date_to", message)
        self.cleaned_data.pop("date_from", None)

    def criteria(self) -> Criteria:
        """The valid filters; a missing or bad value falls back to its default."""
        self.is_valid()  # cleans once; fields that failed are left out of cleaned_data
        data = self.cleaned_data
        return Criteria(
            date_from=data.get("date_from") or self.defaults[0],
            date_to=data.get("date_to") or self.defaults[1],
            physician=data.get("physician"),
            family=data.get("family") or "",
            region=data.get("region") or "",
            today=self.today,
        )

    def problems(self) -> list[str]:
        """One sentence per ignored filter, for a message above the page."""
        problems = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else "Filters"
            problems.append(f"{label}: {' '.join(str(error) for error in errors)} It was ignored.")
        return problems
