"""`/api/v1/appointments/`: the schedule for machines. Read, book, move, cancel, and the visit's day.

The same roles as the schedule's pages (`scheduling.views`): reading needs `scheduling.view_appointment`, booking
`scheduling.add_appointment`, and moving, cancelling and the status steps `scheduling.change_appointment`. Every
write goes through `scheduling.services` after the page's own form has checked the input, so a conflict, a hard
limit without a reason, an archived patient or a slot outside working hours is refused here exactly as on the
page. Like the schedule's pages, reading a visit writes no access-log entry: a visit is the schedule's record,
not the patient's clinical one (the chart, a procedure and a follow-up call are logged).
"""

import datetime
from typing import Any

import django_filters  # type: ignore[import-untyped,unused-ignore]
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.care_serializers import (
    AppointmentSerializer,
    BookingInput,
    CancelInput,
    CancelResult,
    MoveInput,
    StatusInput,
)
from api.care_writes import (
    DETAIL,
    DETAIL_WRITE,
    opened_version,
    refuse_unless_valid,
    version_checked,
    with_etag,
)
from api.filters import DateFilter, IdFilter
from api.forms import acting_user
from api.openapi import ETAG
from scheduling import calendar, services
from scheduling.forms import BookingForm, CancelForm, MoveForm, SlotForm
from scheduling.models import Appointment, Status


class AppointmentFilter(django_filters.FilterSet):  # type: ignore[misc]
    """Filters on the indexed columns: the start alone, or after the physician, room, patient or status
    (`Appointment.Meta.indexes`), so a filtered page is read from an index."""

    day = DateFilter(help_text="Visits starting on this clinic day.", method="filter_day")
    date_from = DateFilter(help_text="Visits starting on or after this clinic day.", method="filter_from")
    date_to = DateFilter(help_text="Visits starting on or before this clinic day.", method="filter_to")
    physician = IdFilter(field_name="physician_id", help_text="The physician's id.")
    room = IdFilter(field_name="room_id", help_text="The room's id.")
    patient = IdFilter(field_name="patient_id", help_text="The patient's id.")
    status = django_filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Appointment
        fields: list[str] = []

    def filter_day(self, queryset: QuerySet[Appointment], name: str, value: datetime.date) -> QuerySet[Appointment]:
        starts, ends = calendar.day_bounds(value)
        return queryset.filter(starts_at__gte=starts, starts_at__lt=ends)

    def filter_from(self, queryset: QuerySet[Appointment], name: str, value: datetime.date) -> QuerySet[Appointment]:
        return queryset.filter(starts_at__gte=calendar.day_bounds(value)[0])

    def filter_to(self, queryset: QuerySet[Appointment], name: str, value: datetime.date) -> QuerySet[Appointment]:
        return queryset.filter(starts_at__lt=calendar.day_bounds(value)[1])


def _form_data(given: dict[str, Any]) -> dict[str, Any]:
    """The typed input as the page's form reads it: absent and null alike are left out."""
    return {name: value for name, value in given.items() if value is not None}


def _require_hours(form: SlotForm, visit_type: str) -> None:
    """Outside working hours or on time off the page asks to confirm; here `confirm_hours` is that answer."""
    if not form.check_hours(visit_type):
        raise ValidationError({"confirm_hours": [*form.hours_warnings, "Send confirm_hours: true to book anyway."]})


def _answer(appointment: Appointment, code: int = status.HTTP_200_OK) -> Response:
    return with_etag(Response(AppointmentSerializer(appointment).data, status=code), appointment.version)


@extend_schema_view(
    list=extend_schema(
        summary="List appointments",
        description="In start order, paginated; the filters combine.",
        responses={200: AppointmentSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="Read an appointment",
        description="The `ETag` header carries the version, for `If-Match` on a write.",
        parameters=DETAIL,
        responses={200: AppointmentSerializer},
    ),
)
class AppointmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Appointment]):
    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilter
    lookup_value_converter = "str"
    permissions = {
        "list": "scheduling.view_appointment",
        "retrieve": "scheduling.view_appointment",
        "create": "scheduling.add_appointment",
        "move": "scheduling.change_appointment",
        "cancel": "scheduling.change_appointment",
        "set_status": "scheduling.change_appointment",
    }

    def get_queryset(self) -> QuerySet[Appointment]:
        # Every related row a visit shows, joined: a page of visits is one query whatever its length.
        return Appointment.objects.with_details().select_related("booked_by").order_by("starts_at", "pk")

    def retrieve(self, request: Request, pk: str) -> Response:
        return _answer(self.get_object())

    @extend_schema(
        summary="Book an appointment",
        description=(
            "The booking form's fields and rules. A procedure visit that would pass a hard limit needs "
            "`limit_reason`; a slot outside the physician's hours needs `confirm_hours`; a clash with the "
            "physician's, room's or patient's other visits is refused with a sentence naming it."
        ),
        request=BookingInput,
        parameters=[ETAG],
        responses={
            201: OpenApiResponse(AppointmentSerializer, description="Booked."),
            200: OpenApiResponse(AppointmentSerializer, description="Already booked by this `form_token`."),
        },
    )
    def create(self, request: Request) -> Response:
        given = BookingInput(data=request.data)
        given.is_valid(raise_exception=True)
        form = BookingForm(_form_data(given.validated_data))
        refuse_unless_valid(form)
        visit_type = form.cleaned_data["visit_type"]
        _require_hours(form, visit_type)
        token = form.cleaned_data.get("form_token")
        again = token is not None and Appointment.objects.filter(form_token=token).exists()
        appointment = services.appointment_book(
            patient=form.cleaned_data["patient"],
            slot=form.slot(visit_type),
            booked_by=acting_user(request),
            form_token=token,
            **form.booking_fields(),
        )
        response = _answer(appointment, status.HTTP_200_OK if again else status.HTTP_201_CREATED)
        response["Location"] = reverse("api:appointment-detail", args=[appointment.pk])
        return response

    @extend_schema(
        summary="Move an appointment",
        description=(
            "New time, physician or room, with the move form's rules; the limit check runs again for the new date "
            "(the visit's reason to book past a limit is kept unless another is given)."
        ),
        request=MoveInput,
        parameters=DETAIL_WRITE,
        responses={200: AppointmentSerializer},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        appointment = self.get_object()
        given = MoveInput(data=request.data)
        given.is_valid(raise_exception=True)
        version = opened_version(request, given.validated_data)
        form = MoveForm(_form_data(given.validated_data))
        refuse_unless_valid(form)
        _require_hours(form, appointment.visit_type)
        services.appointment_move(
            appointment=appointment,
            slot=form.slot(appointment.visit_type),
            limit_reason=form.cleaned_data["limit_reason"],
            opened_version=version,
        )
        return _answer(appointment)

    @extend_schema(
        summary="Cancel an appointment",
        description="Frees the slot; answers with the waitlist entries it suits, longest waiting first.",
        request=CancelInput,
        parameters=DETAIL_WRITE,
        responses={200: CancelResult},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        appointment = self.get_object()
        given = CancelInput(data=request.data)
        given.is_valid(raise_exception=True)
        form = CancelForm(_form_data(given.validated_data))
        refuse_unless_valid(form)
        with transaction.atomic():
            version_checked(appointment, request, given.validated_data)
            offers = services.appointment_cancel(appointment=appointment, reason=form.cleaned_data["reason"])
        body = CancelResult({"appointment": appointment, "waitlist_offers": offers}).data
        return with_etag(Response(body), appointment.version)

    @extend_schema(
        summary="Move an appointment along its day",
        description=(
            "Confirm, check in, in room, complete or no-show, as the schedule's buttons do; a step the visit "
            "cannot take from its status is refused with the steps it can."
        ),
        request=StatusInput,
        parameters=DETAIL_WRITE,
        responses={200: AppointmentSerializer},
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def set_status(self, request: Request, pk: str) -> Response:
        appointment = self.get_object()
        given = StatusInput(data=request.data)
        given.is_valid(raise_exception=True)
        with transaction.atomic():
            version_checked(appointment, request, given.validated_data)
            services.appointment_set_status(appointment=appointment, status=given.validated_data["status"])
        return _answer(appointment)
