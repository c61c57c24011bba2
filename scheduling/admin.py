"""The administrators' scheduling screens: rooms, physicians' hours and time off; the schedule itself, read-only.

Rooms, hours and time off are the clinic's configuration and change here, each change kept in the history.
Appointments and the waitlist change only through the schedule's pages, whose services check for double
booking and run the limit check, so here they are for audit. Nothing is deleted: a room is retired by `active`.
"""

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from clinic.admin_kit import ConstraintsAtFieldsForm, UndeletableAdmin
from clinic.history_admin import RecordAdmin
from clinic.paging import LargeTableAdmin
from clinic.staff import PhysicianChoiceField, physicians, staff_name
from patients.admin import PatientSearchAdmin
from scheduling.models import Appointment, Room, TimeOff, WaitlistEntry, WorkingHours


class WorkingHoursForm(ConstraintsAtFieldsForm[WorkingHours]):
    constraint_fields = {"working_hours_end_after_start": ("ends", None)}


class TimeOffForm(ConstraintsAtFieldsForm[TimeOff]):
    constraint_fields = {"time_off_ends_after_start": ("ends_on", None)}


@admin.display(description="physician", ordering="physician__last_name")
def physician(obj: WorkingHours | TimeOff | Appointment | WaitlistEntry) -> str:
    """By name: the usernames (drchen) mean little to whoever reads the list."""
    if obj.physician is None:
        return "any"
    return staff_name(obj.physician)


class PhysicianFieldAdmin(UndeletableAdmin):
    """Hours and time off belong to physicians: the choice lists them alone, by name."""

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "physician":
            # Inactive physicians stay listed so a past block of theirs still saves unchanged.
            kwargs["queryset"] = physicians(include_inactive=True)
            kwargs["form_class"] = PhysicianChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[no-any-return]


class PhysicianFilter(admin.SimpleListFilter):
    """The physicians by name, from the staff list: Django's related-only filter reads every visit for them."""

    title = "physician"
    parameter_name = "physician"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(user.pk), staff_name(user)) for user in physicians(include_inactive=True)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(physician_id=value) if value and value.isdigit() else queryset


@admin.register(Room)
class RoomAdmin(UndeletableAdmin):
    list_display = ["name", "kind", "fluoroscopy", "active"]
    list_filter = ["kind", "fluoroscopy", "active"]
    search_fields = ["name"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(PhysicianFieldAdmin):
    form = WorkingHoursForm
    list_display = [physician, "weekday", "starts", "ends"]
    list_filter = [("physician", admin.RelatedOnlyFieldListFilter), "weekday"]
    list_select_related = ["physician"]


@admin.register(TimeOff)
class TimeOffAdmin(PhysicianFieldAdmin):
    form = TimeOffForm
    list_display = [physician, "starts_on", "ends_on", "reason"]
    list_filter = [("physician", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["physician"]
    search_fields = ["reason"]


@admin.register(Appointment)
class AppointmentAdmin(PatientSearchAdmin, LargeTableAdmin, RecordAdmin):
    list_display = ["starts_at", "patient", physician, "room", "visit_type", "status"]
    list_select_related = ["patient", "physician", "room"]
    list_filter = ["status", "visit_type", PhysicianFilter]
    ordering = ["-starts_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appointment]:
        # The change page's title and planned procedure read these too. The list applies list_select_related
        # only to a queryset without select_related, so this names every relation itself.
        return super().get_queryset(request).with_details()  # type: ignore[no-any-return]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(PatientSearchAdmin, LargeTableAdmin, RecordAdmin):
    list_display = ["created_at", "patient", "visit_type", physician, "earliest_on", "closed_at", "closed_reason"]
    list_select_related = ["patient", "physician"]
    list_filter = ["visit_type", ("closed_at", admin.EmptyFieldListFilter)]
