"""/api/v1/procedures/: procedure records with their sites and medications: list, read, log, correct, void.

Logging and corrections are the entry form's (`procedures.forms.ProcedureEntry`) through `procedures.services`:
the same performing-physician choices and default, the same limit check inside the save, and the same refusal
of a procedure past a hard limit without an override reason (400, `errors.override_reason`, the form's words).
"""

import datetime
import uuid
from typing import Any

import django_filters  # type: ignore[import-untyped]
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import DateFilter, IdFilter, YesNoFilter
from api.forms import acting_user, body_patient, etag, json_object, opened_version
from api.openapi import ETAG, IF_MATCH
from api.procedure_serializers import (
    ProcedureCorrection,
    ProcedureLog,
    ProcedureSerializer,
    VoidSerializer,
    current_values,
    entry,
    valid_entry,
)
from clinic.access import Kind, log_access
from clinic.staff import physicians
from procedures import services
from procedures.forms import ProcedureForm
from procedures.models import Procedure
from procedures.models.records import ProcedureQuerySet

# Idempotency keys of any text become form tokens: one per user and key.
IDEMPOTENCY = uuid.UUID("4f7d1c2e-9a55-4c1b-8d2e-3b6a0f1e7c90")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="Any text: the same key sent again by the same account logs the procedure once (as `form_token`).",
)


class ProcedureFilter(django_filters.FilterSet):  # type: ignore[misc]
    patient = IdFilter(field_name="patient_id", label="A patient's id.")
    date_from = DateFilter(method="performed_from", label="Performed on or after (clinic date).")
    date_to = DateFilter(method="performed_to", label="Performed on or before (clinic date).")
    procedure_type = django_filters.CharFilter(field_name="procedure_type__code", label="A procedure type's code.")
    performed_by = django_filters.ModelChoiceFilter(
        queryset=physicians(include_inactive=True), label="The performing physician's user id."
    )
    voided = YesNoFilter(
        field_name="voided_at", lookup_expr="isnull", exclude=True, label="Voided records only, or none."
    )

    class Meta:
        model = Procedure
        fields: list[str] = []

    def performed_from(self, queryset: ProcedureQuerySet, name: str, value: Any) -> ProcedureQuerySet:
        return queryset.since(value)

    def performed_to(self, queryset: "QuerySet[Procedure]", name: str, value: Any) -> "QuerySet[Procedure]":
        next_day = datetime.datetime.combine(value + datetime.timedelta(days=1), datetime.time.min)
        return queryset.filter(performed_at__lt=timezone.make_aware(next_day))


@extend_schema_view(
    list=extend_schema(summary="Procedure records, newest first"),
    retrieve=extend_schema(summary="A procedure record", parameters=[ETAG]),
    create=extend_schema(
        summary="Log a procedure",
        request=ProcedureLog,
        responses={201: ProcedureSerializer},
        parameters=[IDEMPOTENCY_KEY, ETAG],
    ),
    partial_update=extend_schema(
        summary="Correct a procedure record", request=ProcedureCorrection, parameters=[IF_MATCH, ETAG]
    ),
    void=extend_schema(summary="Void a record entered in error", request=VoidSerializer, responses=ProcedureSerializer),
)
class ProcedureViewSet(viewsets.GenericViewSet[Procedure]):
    # Any path segment reaches the view, so an id that is not one is a 404 in the API's error shape.
    lookup_value_converter = "str"
    serializer_class = ProcedureSerializer
    filterset_class = ProcedureFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    permissions = {
        "list": "procedures.view_procedure",
        "retrieve": "procedures.view_procedure",
        "create": "procedures.add_procedure",
        "partial_update": "procedures.change_procedure",
        "void": "procedures.void_procedure",
    }

    def get_queryset(self) -> "QuerySet[Procedure]":
        return Procedure.objects.with_details().order_by("-performed_at", "-pk")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ProcedureSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        procedure = self.get_object()
        log_access(request._request, Kind.PROCEDURE, patient_id=procedure.patient_id, obj=procedure)
        return _answer(procedure)

    def create(self, request: Request) -> Response:
        body = ProcedureLog(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        patient = body_patient(values)
        user = acting_user(request)
        # What the entry is not told is what the empty entry form shows: the logging physician as the performing
        # one, fluoroscopy guidance, local anaesthetic, …
        values = _entry_defaults(user) | values
        # The empty form's one-time token is a new one each time; a client's own token or key is the same each time.
        values["form_token"] = body.validated_data.get("form_token") or _idempotency_token(request, user)
        found = valid_entry(entry(values, patient=patient, user=user))
        procedure = services.procedure_log(
            patient=patient,
            recorded_by=user,
            sites=found.site_inputs(),
            medications=found.medication_inputs(),
            override_reason=found.override_reason,
            form_token=found.form.cleaned_data.get("form_token"),
            **found.record_fields(),
        )
        return _answer(_read(procedure.pk), status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        procedure = self.get_object()
        # A correction sends what changes: the rest is the record as read, and the whole is read as one entry.
        body = ProcedureCorrection(data=current_values(procedure) | json_object(request))
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        values["version"] = opened_version(request, values.pop("version", None))
        found = valid_entry(entry(values, patient=procedure.patient, user=acting_user(request), instance=procedure))
        services.procedure_update(
            procedure=procedure,
            sites=found.site_inputs(),
            medications=found.medication_inputs(),
            override_reason=found.override_reason,
            opened_version=found.form.opened_version(),
            **found.record_fields(),
        )
        return _answer(_read(procedure.pk))

    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: str) -> Response:
        procedure = self.get_object()
        body = VoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.procedure_void(procedure=procedure, by=acting_user(request), reason=body.validated_data["reason"])
        return _answer(_read(procedure.pk))


def _entry_defaults(user: User) -> dict[str, Any]:
    empty = ProcedureForm(user=user)
    shown = {name: empty.get_initial_for_field(field, name) for name, field in empty.fields.items()}
    return {name: value for name, value in shown.items() if value not in (None, "")}


def _idempotency_token(request: Request, user: User) -> uuid.UUID | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    return uuid.uuid5(IDEMPOTENCY, f"{user.pk}:{key}") if key else None


def _read(pk: int) -> Procedure:
    return Procedure.objects.with_details().get(pk=pk)


def _answer(procedure: Procedure, code: int = status.HTTP_200_OK) -> Response:
    return Response(ProcedureSerializer(procedure).data, status=code, headers={"ETag": etag(procedure.version)})
