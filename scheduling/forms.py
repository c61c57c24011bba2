"""Booking and moving a visit."""

import copy
import datetime
from typing import Any

from django import forms

from clinic import validators
from clinic.concurrency import OnceToken, OpenedVersion
from clinic.forms import KeptChoiceField, ReasonField
from clinic.staff import PhysicianChoiceField
from patients.models import Patient
from procedures.models import CATALOG_STAMP, ProcedureType, Side
from scheduling import services
from scheduling.models import DEFAULT_MINUTES, MAX_VISIT_MINUTES, ROOMS_STAMP, Appointment, Room, VisitType

# The fields the limit check reads: an error in any of them means the check has not really run.
LIMIT_FIELDS = ("physician", "room", "starts_at", "minutes", "procedure_type", "planned_levels", "planned_side")


class SlotForm(forms.Form):
    """Who, where and when; shared by booking and moving."""

    physician = PhysicianChoiceField(label="Physician")
    room = KeptChoiceField(
        Room.objects.filter(active=True),
        stamp=ROOMS_STAMP,
        copy="active rooms",
        required=False,
        label="Room",
        empty_label="No room",
    )
    starts_at = forms.DateTimeField(
        label="Starts",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 300}, format="%Y-%m-%dT%H:%M"),
    )
    minutes = forms.IntegerField(
        label="Length (minutes)",
        required=False,
        min_value=5,
        max_value=MAX_VISIT_MINUTES,
        help_text="Leave empty for the usual length of the visit type.",
    )
    confirm_hours = forms.BooleanField(required=False, label="Book anyway, outside working hours")
    limit_reason = forms.CharField(
        required=False,
        max_length=300,
        validators=[validators.validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason to book past the limit",
        help_text="Needed only when the visit would pass a hard limit; the physician sees it on the schedule.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hours_warnings: list[str] = []

    def slot(self, visit_type: str) -> services.Slot:
        # In UTC: aware arithmetic in the clinic's zone is wall-clock, so 60 minutes from 01:15 on the night
        # the clocks go back would end two real hours later.
        starts_at: datetime.datetime = self.cleaned_data["starts_at"].astimezone(datetime.UTC)
        minutes = self.cleaned_data.get("minutes") or DEFAULT_MINUTES[VisitType(visit_type)]
        return services.Slot(
            physician=self.cleaned_data["physician"],
            room=self.cleaned_data.get("room"),
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=minutes),
        )

    def clean_starts_at(self) -> datetime.datetime:
        starts_at: datetime.datetime = self.cleaned_data["starts_at"]
        validators.validate_visit_start(starts_at)
        return starts_at

    def moved(self, appointment: Appointment) -> Appointment | None:
        """The visit as it would be after the move (unsaved), for the live limit check; None until complete."""
        if not {"physician", "starts_at"} <= self.cleaned_data.keys():
            return None
        slot = self.slot(appointment.visit_type)
        moved = copy.copy(appointment)
        moved.physician, moved.room, moved.starts_at, moved.ends_at = (
            slot.physician,
            slot.room,
            slot.starts_at,
            slot.ends_at,
        )
        return moved

    def limit_problems(self) -> list[str]:
        """Errors in what the limit check reads, in plain words; the check says nothing green until they are fixed."""
        return [
            f"{self.fields[name].label}: {' '.join(str(e) for e in self.errors[name])}"
            for name in LIMIT_FIELDS
            if name in self.fields and name in self.errors
        ]

    def check_hours(self, visit_type: str) -> bool:
        """False (with the warnings kept for the page) until the user confirms a slot outside hours."""
        self.hours_warnings = services.hours_warnings(self.slot(visit_type))
        return not self.hours_warnings or bool(self.cleaned_data.get("confirm_hours"))


class MoveForm(SlotForm, OpenedVersion):
    """A visit's new time, physician or room, with the visit's version when the form was opened."""


class BookingForm(SlotForm, OnceToken):
    patient = forms.ModelChoiceField(
        # With the payer, whose rules the limit check of a planned procedure reads.
        queryset=Patient.objects.active().select_related("payer"),
        widget=forms.HiddenInput,
        error_messages={"required": "Choose the patient."},
    )
    visit_type = forms.ChoiceField(choices=VisitType.choices, label="Visit type", initial=VisitType.FOLLOW_UP)
    procedure_type = KeptChoiceField(
        ProcedureType.objects.active(),
        stamp=CATALOG_STAMP,
        copy="active procedure types",
        required=False,
        label="Planned procedure",
    )
    planned_levels = forms.CharField(required=False, label="Levels", help_text="e.g. L4-L5, L5-S1")
    planned_side = forms.ChoiceField(choices=[("", "—"), *Side.choices], required=False, label="Side")
    reason = forms.CharField(
        required=False, max_length=200, validators=[validators.validate_plain_text], label="Reason for the visit"
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validators.validate_plain_text],
        label="Notes",
    )
    waitlist = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = [
        "patient",
        "visit_type",
        "physician",
        "room",
        "starts_at",
        "minutes",
        "procedure_type",
        "planned_levels",
        "planned_side",
        "reason",
        "notes",
    ]

    def clean_planned_levels(self) -> str:
        try:
            return services.planned_levels(self.cleaned_data["planned_levels"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["planned_levels"]) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("visit_type") == VisitType.PROCEDURE:
            procedure_type = cleaned.get("procedure_type")
            if procedure_type is None:
                self.add_error("procedure_type", "Choose the planned procedure.")
            elif procedure_type.spinal_level_required and not cleaned.get("planned_levels"):
                self.add_error("planned_levels", f"{procedure_type.name} needs the planned levels.")
        return cleaned

    def planned_visit(self) -> Appointment | None:
        """The procedure visit being booked (unsaved), for the live limit check; None until enough is known."""
        cleaned = self.cleaned_data
        needed = {"patient", "visit_type", "physician", "starts_at", "procedure_type"}
        if not needed <= cleaned.keys() or cleaned["visit_type"] != VisitType.PROCEDURE:
            return None
        if cleaned["procedure_type"] is None or "planned_levels" not in cleaned:
            return None
        slot = self.slot(cleaned["visit_type"])
        return Appointment(
            patient=cleaned["patient"],
            physician=slot.physician,
            room=slot.room,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            visit_type=VisitType.PROCEDURE,
            procedure_type=cleaned["procedure_type"],
            planned_levels=cleaned["planned_levels"],
            planned_side=cleaned.get("planned_side") or "",
        )

    def booking_fields(self) -> services.VisitPlan:
        data = self.cleaned_data
        return {
            "visit_type": data.get("visit_type") or "",
            "procedure_type": data.get("procedure_type") or None,
            "planned_levels": data.get("planned_levels") or "",
            "planned_side": data.get("planned_side") or "",
            "reason": data.get("reason") or "",
            "notes": data.get("notes") or "",
            "limit_reason": data.get("limit_reason") or "",
        }


class CancelForm(forms.Form):
    reason = ReasonField(
        max_length=Appointment._meta.get_field("cancel_reason").max_length,
        label="Reason for cancelling",
        error_messages={"required": "Say why the visit is cancelled."},
    )
