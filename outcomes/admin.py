"""The administrators' outcome screens: the follow-up schedule and the outcome rules as data; follow-ups read-only.

Intervals and rules change here, each change kept in the object's history; nothing is deleted (retire one by
`active`). Follow-ups are recorded by nurses and physicians in the follow-up pages, through the services, so
here they are for audit.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from clinic.admin_kit import ConstraintsAtFieldsForm, UndeletableAdmin
from clinic.history_admin import RecordAdmin
from clinic.paging import LargeTableAdmin
from outcomes.models import FollowUp, FollowUpInterval, OutcomeRule
from patients.admin import PatientSearchAdmin


class OutcomeRuleForm(ConstraintsAtFieldsForm[OutcomeRule]):
    # The relief bound is also a field validator; the count has none, so the constraint speaks for it.
    constraint_fields = {
        "outcome_rule_relief_0_100": ("min_relief_pct", "Relief is a percentage: 0 to 100."),
        "outcome_rule_count_positive": ("min_count", "At least one qualifying procedure is needed."),
        "outcome_rule_renews_only_candidacy": (
            "renew_after_months",
            "Only a candidacy rule can ask for its qualifying procedures again.",
        ),
    }


@admin.register(FollowUpInterval)
class FollowUpIntervalAdmin(UndeletableAdmin):
    list_display = ["family", "intent", "label", "offset_days", "offset_hours", "active"]
    list_filter = ["family", "intent", "active"]
    search_fields = ["label", "source"]


@admin.register(OutcomeRule)
class OutcomeRuleAdmin(UndeletableAdmin):
    form = OutcomeRuleForm
    list_display = ["code", "name", "kind", "target_family", "evidence_family", "min_relief_pct", "min_days", "active"]
    list_filter = ["kind", "target_family", "active"]
    search_fields = ["code", "name", "source"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "active"]}),
        ("Which procedures", {"fields": ["target_family", "evidence_family", "evidence_intent"]}),
        ("Threshold", {"fields": ["min_relief_pct", "min_days", "min_count", "min_gap_days", "renew_after_months"]}),
        ("Source", {"fields": ["source"]}),
    ]


class LabelFilter(admin.SimpleListFilter):
    """The call labels the follow-up schedule writes: read from the schedule, not from millions of calls."""

    title = "label"
    parameter_name = "label"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        labels = FollowUpInterval.objects.order_by("label").values_list("label", flat=True).distinct()
        return [(label, label) for label in labels]

    def queryset(self, request: HttpRequest, queryset: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
        return queryset.filter(label=self.value()) if self.value() else queryset


@admin.register(FollowUp)
class FollowUpAdmin(PatientSearchAdmin, LargeTableAdmin, RecordAdmin):
    """Read-only: the follow-up pages record calls through the services, which keep status and times consistent."""

    list_display = ["due_on", "patient", "procedure", "label", "status", "recorded_at", "relief_pct", "nrs"]
    list_filter = ["status", "procedure__procedure_type__family", LabelFilter, "due_on"]
    patient_path = "procedure__patient"
    # Newest first by the primary key: 4 million calls after ten years are sorted by no other index, and a date
    # hierarchy would read them all for its years.
    ordering = ["-pk"]
    sortable_by: list[str] = []

    def get_queryset(self, request: HttpRequest) -> QuerySet[FollowUp]:
        # The procedure's name reads its type, sites and patient.
        return (  # type: ignore[no-any-return]
            super()
            .get_queryset(request)
            .select_related("procedure__procedure_type", "procedure__patient", "recorded_by")
            .prefetch_related("procedure__sites")
        )

    @admin.display(description="patient")
    def patient(self, follow_up: FollowUp) -> str:
        return str(follow_up.procedure.patient)
