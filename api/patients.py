"""/api/v1/patients/: the registry's search, a patient's record, registration and corrections.

Search is the search box's (`PatientQuerySet.find`); a read is recorded in the read-access log as the chart is;
registration and corrections are the registration form's (`PatientForm`) through `patients.services`, so a
possible duplicate is refused until confirmed (`allow_duplicate`), and a correction made from an old version is
refused with who changed the record since (409).
"""

from typing import Any

import django_filters  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from api.filters import YesNoFilter
from api.forms import etag, form_data, form_errors, opened_version, refuse
from api.openapi import ETAG, IF_MATCH
from clinic.access import Kind, log_access
from clinic.rest import Pages, error_body
from patients import services
from patients.forms import PatientForm
from patients.models import Channel, Patient, Payer
from patients.search import MAX_QUERY
from patients.views import PAGE_CAP

FIELDS = PatientForm.Meta.fields


class PatientSerializer(serializers.ModelSerializer[Patient]):
    payer: "serializers.SlugRelatedField[Payer]" = serializers.SlugRelatedField(
        slug_field="key", read_only=True, allow_null=True, help_text="The payer's key."
    )
    archived = serializers.BooleanField(source="is_archived", read_only=True)
    # Blank when not recorded, which an "email" format would not allow.
    email = serializers.CharField(read_only=True)

    class Meta:
        model = Patient
        fields = ["id", *FIELDS, "archived", "archived_at", "archive_reason", "created_at", "version"]
        read_only_fields = fields


class PatientInput(serializers.Serializer[Any]):
    """A registration or a correction. Types only here: the registration form's rules apply after."""

    mrn = serializers.CharField(required=False, allow_blank=True, help_text="Blank or absent: one is generated.")
    first_name = serializers.CharField(allow_blank=True)
    last_name = serializers.CharField(allow_blank=True)
    date_of_birth = serializers.DateField()
    sex = serializers.ChoiceField(choices=Patient.Sex.choices)
    phone = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    payer = serializers.SlugRelatedField(
        slug_field="key", queryset=Payer.objects.all(), required=False, allow_null=True, help_text="A payer's key."
    )
    member_id = serializers.CharField(required=False, allow_blank=True)
    weight_kg = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)
    primary_care_physician = serializers.CharField(required=False, allow_blank=True)
    anticoagulant = serializers.BooleanField(required=False)
    anticoagulant_detail = serializers.CharField(required=False, allow_blank=True)
    diabetes = serializers.BooleanField(required=False)
    contrast_allergy = serializers.BooleanField(required=False)
    other_allergies = serializers.CharField(required=False, allow_blank=True)
    pregnant = serializers.BooleanField(required=False)
    bone_density_risk = serializers.BooleanField(required=False)
    questionnaire_channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    questionnaire_consent = serializers.BooleanField(required=False)


class Registration(PatientInput):
    allow_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="True after a 409 for a possible duplicate, once it is confirmed to be a different person.",
    )
    form_token = serializers.UUIDField(
        required=False, allow_null=True, help_text="Any UUID: the same one sent again registers nobody twice."
    )


class Correction(PatientInput):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version corrected; or send its ETag as If-Match."
    )


class PatientSearch(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(
        label="Name fragments in any order, MRN, phone digits or a birth date, as in the search box.",
        max_length=MAX_QUERY,
    )
    archived = YesNoFilter(label="Include archived patients.", method="as_given")

    class Meta:
        model = Patient
        fields: list[str] = []

    def as_given(self, queryset: Any, name: str, value: Any) -> Any:
        # Read by the view, which hands the search its queryset (`find` pages and counts it in one query).
        return queryset


class FoundPages(Pages):
    """A page of what the search box found: `find` reads the page and its count in one query, counting up to its
    limit (more matches than that show as the limit)."""

    def respond(self, request: Request, query: str, patients: Any) -> Response:
        size = self.get_page_size(request) or self.page_size
        try:
            # Within what the databases take as an OFFSET, as the search page's pages are.
            number = min(max(int(request.query_params.get(self.page_query_param, 1)), 1), PAGE_CAP)
        except ValueError as error:
            raise ValidationError({"page": "A page number, from 1."}) from error
        found = patients.find(query, start=(number - 1) * size, size=size)
        count = min(found.matches, found.limit)
        url = request.build_absolute_uri()
        later = number * size < count
        earlier = number > 1
        return Response(
            {
                "count": count,
                "next": replace_query_param(url, self.page_query_param, number + 1) if later else None,
                "previous": (
                    (replace_query_param(url, self.page_query_param, number - 1) if number > 2 else None)
                    or (remove_query_param(url, self.page_query_param) if earlier else None)
                ),
                "results": PatientSerializer(found.patients, many=True).data,
            }
        )


@extend_schema_view(
    list=extend_schema(summary="Search the registry", responses=PatientSerializer(many=True)),
    retrieve=extend_schema(summary="A patient's record", parameters=[ETAG]),
    create=extend_schema(summary="Register a patient", request=Registration, responses={201: PatientSerializer}),
    partial_update=extend_schema(summary="Correct a patient's record", request=Correction, parameters=[IF_MATCH, ETAG]),
)
class PatientViewSet(viewsets.GenericViewSet[Patient]):
    # Any path segment reaches the view, so an id that is not one is a 404 in the API's error shape.
    lookup_value_converter = "str"
    queryset = Patient.objects.select_related("payer")
    serializer_class = PatientSerializer
    pagination_class = FoundPages
    filterset_class = PatientSearch
    http_method_names = ["get", "post", "patch", "head", "options"]
    permissions = {
        "list": "patients.view_patient",
        "retrieve": "patients.view_patient",
        "create": "patients.add_patient",
        "partial_update": "patients.change_patient",
    }

    def list(self, request: Request) -> Response:
        search = PatientSearch(request.query_params, queryset=self.get_queryset())
        if not search.is_valid():
            raise refuse(form_errors(search.form))
        patients = Patient.objects.select_related("payer")
        if search.form.cleaned_data.get("archived") != "true":
            patients = patients.active()
        query = (search.form.cleaned_data.get("q") or "").strip()
        return FoundPages().respond(request, query, patients)

    def retrieve(self, request: Request, pk: str) -> Response:
        patient = self.get_object()
        log_access(request._request, Kind.CHART, patient_id=patient.pk)
        return _answer(patient)

    def create(self, request: Request) -> Response:
        body = Registration(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        allow_duplicate = values.pop("allow_duplicate")
        form = PatientForm(form_data(values | {"confirm_not_duplicate": allow_duplicate}))
        if not form.is_valid():
            raise refuse(form_errors(form, names={"confirm_not_duplicate": "allow_duplicate"}))
        try:
            patient = services.patient_register(**form.patient_fields(), **form.registration_fields())
        except services.PossibleDuplicate as error:
            mrns = ", ".join(match.mrn for match in error.matches)
            message = f"{services.POSSIBLE_DUPLICATE} Registered: MRN {mrns}. Send allow_duplicate: true to register."
            return Response(_conflict(message, "allow_duplicate"), status=status.HTTP_409_CONFLICT)
        return _answer(patient, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        patient = self.get_object()
        body = Correction(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        version = opened_version(request, changes.pop("version", None))
        form = PatientForm(form_data(model_to_dict(patient, FIELDS) | changes | {"version": version}), instance=patient)
        if not form.is_valid():
            raise refuse(form_errors(form))
        if form.has_changed():
            services.patient_update(patient=patient, opened_version=form.opened_version(), **form.patient_fields())
        return _answer(patient)


def _answer(patient: Patient, code: int = status.HTTP_200_OK) -> Response:
    return Response(PatientSerializer(patient).data, status=code, headers={"ETag": etag(patient.version)})


def _conflict(message: str, field: str) -> dict[str, Any]:
    return error_body("conflict", message, {field: [message]})
