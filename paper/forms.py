import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import User

from clinic.roles import Role, staff_with
from paper.pdf import SIZES
from scheduling import calendar
from scheduling.models import Room


class PaperSize(forms.Form):
    paper = forms.ChoiceField(choices=[(key, label) for key, label in SIZES.items()], required=False)

    def size(self) -> str:
        return SIZES[self.cleaned_data.get("paper") or "letter"]


class DaySheetQuery(PaperSize):
    """?day=2026-03-09 and one of &physician=<id> or &room=<id>; &paper=a4 for A4 (Letter otherwise)."""

    day = forms.DateField(input_formats=["%Y-%m-%d"], error_messages={"required": "Say which day: day=2026-03-09."})
    # Former staff and rooms too: a past day's sheet still names them.
    physician = forms.ModelChoiceField(staff_with(Role.PHYSICIAN, include_inactive=True), required=False)
    room = forms.ModelChoiceField(Room.objects.all(), required=False)

    def clean_day(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["day"]
        # The schedule's own bounds: a far-off year is a typo, and the last day of year 9999 has no end.
        if calendar.parse_day(day.isoformat()) is None:
            raise forms.ValidationError("Not a day the schedule holds: use a date like 2026-03-09.")
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [name for name in ("physician", "room") if cleaned.get(name)]
        if len(chosen) != 1 and not {"physician", "room"} & set(self.errors):
            raise forms.ValidationError("Name one physician (physician=<id>) or one room (room=<id>).")
        return cleaned

    @property
    def subject(self) -> User | Room:
        found: User | Room = self.cleaned_data.get("physician") or self.cleaned_data["room"]
        return found
