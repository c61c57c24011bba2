"""`/api/v1/follow-ups/`: the follow-up calls after procedures. Read them, record one, or close it as not reached.

The same roles as the worklist and the recording page (`outcomes.views.followups`): reading needs
`outcomes.view_followup`, recording `outcomes.change_followup`. A recording is checked by the page's own form
(`outcomes.forms.FollowUpForm`, with the questionnaires the procedure's levels call for) and written by
`outcomes.services`, so NRS, relief, PGIC and the ODI / NDI answers are refused here exactly as on the page. Reading
or recording one call writes an access-log entry, as opening the recording page does.
"""

import django_filters  # type: ignore[import-untyped,unused-ignore]
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.care_serializers import FollowUpRecordInput, FollowUpSerializer, NotReachedInput
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
from clinic.access import Kind, log_access
from outcomes import questionnaires
from outcomes.forms import FollowUpForm, NotReachedForm, section_field
from outcomes.models import FollowUp, FollowUpStatus
from outcomes.services import followup_mark_not_reached, followup_record
from outcomes.views.followups import CALL_ORDER
from procedures.models import ProcedureSite

# The form's fields the API passes on as they are; the questionnaires come as lists of answers.
PLAIN_FIELDS = ("nrs", "relief_pct", "relief_days", "pgic", "method", "new_complications", "note")


class FollowUpFilter(django_filters.FilterSet):  # type: ignore[misc]
    """Filters on indexed columns: the status with the due date (`follow_up_status_due_idx`, and the open calls'
    own index), the procedure (`follow_up_procedure_idx`), and the patient through their procedures."""

    status = django_filters.ChoiceFilter(choices=FollowUpStatus.choices)
    due_from = DateFilter(help_text="Calls due on or after this day.", field_name="due_on", lookup_expr="gte")
    due_to = DateFilter(help_text="Calls due on or before this day.", field_name="due_on", lookup_expr="lte")
    patient = IdFilter(field_name="procedure__patient_id", help_text="The patient's id.")
    procedure = IdFilter(field_name="procedure_id", help_text="The procedure's id.")

    class Meta:
        model = FollowUp
        fields: list[str] = []


def _record_data(
    follow_up: FollowUp, given: dict[str, object]
) -> tuple[dict[str, object], list[questionnaires.Questionnaire]]:
    """The recording as the page's form reads it, and the questionnaires the procedure's levels call for.

    Answers to a questionnaire the levels do not call for are refused: the page never asks them, so they would be
    dropped without a word."""
    asked = questionnaires.for_levels(follow_up.procedure.levels)
    data = {name: given[name] for name in PLAIN_FIELDS if given.get(name) is not None}
    for questionnaire in questionnaires.QUESTIONNAIRES:
        answers = given.get(f"{questionnaire.key}_answers")
        if not isinstance(answers, list) or all(points is None for points in answers):
            continue
        if questionnaire not in asked:
            levels = ", ".join(follow_up.procedure.levels) or "no spinal level"
            raise ValidationError(
                {
                    f"{questionnaire.key}_answers": f"The {questionnaire.abbreviation} is not asked after this "
                    f"procedure ({levels})."
                }
            )
        for index, points in enumerate(answers):
            if points is not None:
                data[section_field(questionnaire, index)] = points
    return data, asked


def _refuse(form: FollowUpForm) -> None:
    """The form's errors keyed as the API takes the input: a section's error under its questionnaire's answers."""
    if form.is_valid():
        return
    sections = {
        section_field(questionnaire, index): (f"{questionnaire.key}_answers", f"Section {index + 1}: ")
        for questionnaire in form.questionnaires
        for index in range(len(questionnaire.sections))
    }
    found: dict[str, list[str]] = {}
    for name, problems in form.errors.items():
        key, prefix = sections.get(name, (name, ""))
        found.setdefault(key, []).extend(f"{prefix}{problem}" for problem in problems)
    raise ValidationError(found)


def _answer(follow_up: FollowUp) -> Response:
    return with_etag(Response(FollowUpSerializer(follow_up).data), follow_up.version)


@extend_schema_view(
    list=extend_schema(
        summary="List follow-up calls",
        description="The worklist's order: due first (oldest first), then by procedure. Paginated; filters combine.",
        responses={200: FollowUpSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="Read a follow-up call",
        description="Writes an access-log entry for the patient, as the recording page does.",
        parameters=DETAIL,
        responses={200: FollowUpSerializer},
    ),
)
class FollowUpViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[FollowUp]):
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    lookup_value_converter = "str"
    permissions = {
        "list": "outcomes.view_followup",
        "retrieve": "outcomes.view_followup",
        "record": "outcomes.change_followup",
        "not_reached": "outcomes.change_followup",
    }

    def get_queryset(self) -> QuerySet[FollowUp]:
        # The procedure, its patient, type and sites, and who recorded: three queries for a page of any length.
        sites = ProcedureSite.objects.order_by("position", "pk")
        return (
            FollowUp.objects.with_details()
            .prefetch_related(Prefetch("procedure__sites", queryset=sites))
            .order_by(*CALL_ORDER)
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        follow_up = self.get_object()
        log_access(request._request, Kind.FOLLOW_UP, patient_id=follow_up.procedure.patient_id, obj=follow_up)
        return _answer(follow_up)

    @extend_schema(
        summary="Record a follow-up call",
        description=(
            "The recording form's fields and rules. `odi_answers` / `ndi_answers` hold the ten sections' points "
            "(0–5, null for a section not answered) of the questionnaires the procedure's levels call for "
            "(`questionnaires` on the read); the score is computed from them. A closed call is not recorded again."
        ),
        request=FollowUpRecordInput,
        parameters=DETAIL_WRITE,
        responses={200: FollowUpSerializer},
    )
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str) -> Response:
        follow_up = self.get_object()
        log_access(request._request, Kind.FOLLOW_UP, patient_id=follow_up.procedure.patient_id, obj=follow_up)
        given = FollowUpRecordInput(data=request.data)
        given.is_valid(raise_exception=True)
        version = opened_version(request, given.validated_data)
        data, asked = _record_data(follow_up, given.validated_data)
        form = FollowUpForm(data, questionnaires=asked)
        _refuse(form)
        followup_record(
            follow_up=follow_up, recorded_by=acting_user(request), opened_version=version, **form.record_fields()
        )
        return _answer(follow_up)

    @extend_schema(
        summary="Close a follow-up call as not reached",
        description="It counts as not completed on the dashboard.",
        request=NotReachedInput,
        parameters=DETAIL_WRITE,
        responses={200: FollowUpSerializer},
    )
    @action(detail=True, methods=["post"], url_path="not-reached", url_name="not-reached")
    def not_reached(self, request: Request, pk: str) -> Response:
        follow_up = self.get_object()
        given = NotReachedInput(data=request.data)
        given.is_valid(raise_exception=True)
        form = NotReachedForm({"note": given.validated_data.get("note", "")})
        refuse_unless_valid(form)
        with transaction.atomic():
            version_checked(follow_up, request, given.validated_data)
            followup_mark_not_reached(
                follow_up=follow_up, recorded_by=acting_user(request), note=form.cleaned_data["note"]
            )
        return _answer(follow_up)
