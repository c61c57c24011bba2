"""POST /api/v1/limits/check/: a proposed procedure in, the entry form's live limit check out.

The proposal fills the entry form itself (`procedures.forms.ProcedureEntry`) and is checked by
`procedures.live_check.live_check`, the function behind the form's panel: the same problems stop the check, the
same rules are judged, in the same words. The answer adds the first date on which the proposal would pass no hard
limit ("within limits again on"), and each rule's own.
"""

import datetime
from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, views
from rest_framework.request import Request
from rest_framework.response import Response

from api.forms import acting_user, body_patient
from api.procedure_serializers import ProposalSerializer, entry
from procedures.exposure import RuleResult
from procedures.live_check import LiveCheck, live_check
from procedures.models import Procedure


class ProposalCheckInput(ProposalSerializer):
    patient = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    procedure = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="When checking a correction: the record corrected, which the check then replaces.",
    )
    performed_at = serializers.DateTimeField(required=False, help_text="When; or `performed_on`.")
    performed_on = serializers.DateField(required=False, help_text="The clinic date, when the time does not matter.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("performed_at" in attrs) == ("performed_on" in attrs):
            raise serializers.ValidationError({"performed_at": ["Send performed_at or performed_on, not both."]})
        return attrs


class RuleResultSerializer(serializers.Serializer[RuleResult]):
    rule = serializers.CharField(source="rule.code", help_text="The rule's code.")
    name = serializers.CharField(source="rule.name")
    severity = serializers.CharField(source="rule.severity", help_text="hard or advisory.")
    kind = serializers.CharField(source="rule.kind")
    region = serializers.CharField(allow_null=True, help_text="cervicothoracic, lumbosacral, or null: all injections.")
    status = serializers.CharField(help_text="within, at_limit or over.")
    value = serializers.DecimalField(max_digits=12, decimal_places=3)
    limit = serializers.DecimalField(max_digits=12, decimal_places=3)
    explanation = serializers.CharField(source="explain", help_text="As the entry form says it.")
    next_allowed = serializers.DateField(
        allow_null=True,
        help_text="The first date on which the proposal fits this rule: its own date when it does, the date it is "
        "within the rule again when it is over; null for a rule of one session alone.",
    )
    # Field's own `source` is the attribute a field of that name shadows; serializers read their declared fields.
    source = serializers.CharField(  # type: ignore[assignment]
        source="rule.source", help_text="Where the limit comes from."
    )


class ProblemSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="As the entry screen labels it, e.g. 'Site 1'.")
    message = serializers.CharField()


class LimitCheckSerializer(serializers.Serializer[LiveCheck]):
    checked = serializers.BooleanField(help_text="False while `problems` (or a missing type or date) stop the check.")
    problems = ProblemSerializer(many=True, help_text="What to correct before the limits can be checked.")
    override_needed = serializers.BooleanField(help_text="Logging it needs an override reason.")
    blocking = serializers.SerializerMethodField(help_text="Hard limits the proposal passes.")
    warnings = serializers.SerializerMethodField(help_text="Advisory rules over, and limits reached.")
    clear = serializers.SerializerMethodField(help_text="Limits the proposal stays within.")
    within_limits_again_on = serializers.DateField(
        source="first_within",
        allow_null=True,
        help_text="When it passes a hard limit: the first date on which it would pass none (null if no date does).",
    )
    advice = serializers.SerializerMethodField(help_text="The notes the entry form shows below the check.")

    def _results(self, found: LiveCheck, kind: str) -> Any:
        results = getattr(found.check, kind) if found.check else []
        return RuleResultSerializer(results, many=True).data  # type: ignore[arg-type]

    @extend_schema_field(RuleResultSerializer(many=True))
    def get_blocking(self, found: LiveCheck) -> Any:
        return self._results(found, "blocking")

    @extend_schema_field(RuleResultSerializer(many=True))
    def get_warnings(self, found: LiveCheck) -> Any:
        return self._results(found, "warnings")

    @extend_schema_field(RuleResultSerializer(many=True))
    def get_clear(self, found: LiveCheck) -> Any:
        return self._results(found, "clear")

    def get_advice(self, found: LiveCheck) -> list[str]:
        return [*found.notes, *found.advice]


class LimitCheckView(views.APIView):
    permissions = {"post": "procedures.add_procedure"}

    @extend_schema(
        summary="Check a proposed procedure against the limits, as the entry form does",
        request=ProposalCheckInput,
        examples=[
            OpenApiExample(
                "A two-level transforaminal ESI",
                value={
                    "patient": 17,
                    "procedure_type": "esi-transforaminal",
                    "performed_at": "2026-12-02T10:30:00-05:00",
                    "sites": [{"place": "L4-L5", "side": "bilateral"}, {"place": "L5-S1", "side": "bilateral"}],
                    "medications": [{"drug": "Dexamethasone sodium phosphate", "dose_mg": "10"}],
                },
                request_only=True,
            )
        ],
        responses=LimitCheckSerializer,
    )
    def post(self, request: Request) -> Response:
        body = ProposalCheckInput(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        patient = body_patient(values)
        instance = None
        procedure_id = values.pop("procedure", None)
        if procedure_id is not None:
            # As the form's check of a correction: the record must be one the user may correct.
            if not request.user.has_perm("procedures.change_procedure"):
                raise exceptions.PermissionDenied("Checking a correction needs the Physician role.")
            instance = Procedure.objects.filter(pk=procedure_id, patient=patient).first()
            if instance is None:
                raise exceptions.ValidationError({"procedure": ["No such procedure of this patient."]})
        on: datetime.date | None = values.pop("performed_on", None)
        if on is not None:
            values["performed_at"] = on
        found = entry(values, patient=patient, user=acting_user(request), instance=instance, checking=True)
        found.is_valid()
        return Response(LimitCheckSerializer(live_check(found, first_within=True)).data)
