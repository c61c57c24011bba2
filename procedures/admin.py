"""The administrators' configuration screens: the procedure catalog and the limit rules.

Clinical rules are data, each with its source, edited here; every change lands in the object's history.
Nothing is deleted from the admin: a rule is retired by its effective dates, a set or catalog entry by
`active`. Procedure records are shown read-only, for audit.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from clinic.admin_kit import ConstraintsAtFieldsForm, UndeletableAdmin
from clinic.history_admin import RecordAdmin
from clinic.paging import LargeTableAdmin
from patients.admin import PatientSearchAdmin
from procedures import standing
from procedures.models import (
    Approach,
    Drug,
    Family,
    LimitRule,
    Procedure,
    ProcedureMedication,
    ProcedureSite,
    ProcedureType,
    RuleSet,
)


class CodesField(forms.MultipleChoiceField):
    """Checkboxes for a CharField of comma-separated codes, stored sorted and without spaces."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return [code.strip() for code in value.split(",") if code.strip()]
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        # The initial value is the stored string; compared as is, it would be a set of characters.
        return bool(super().has_changed(self.prepare_value(initial), data))

    def clean(self, value: Any) -> str:
        return ",".join(sorted(super().clean(value)))


def _codes_field(name: str, choices: Iterable[tuple[str, str]]) -> CodesField:
    model_field = LimitRule._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return CodesField(
        choices=choices,
        required=False,
        label=capfirst(str(model_field.verbose_name)),
        help_text=str(model_field.help_text),
    )


class LimitRuleForm(ConstraintsAtFieldsForm[LimitRule]):
    """The admin supplies the model and the fields (from LimitRuleAdmin.fieldsets)."""

    families = _codes_field("families", Family.choices)
    approaches = _codes_field("approaches", [(code, label) for code, label in Approach.choices if code])

    # An empty source never reaches rule_has_source: the form field is required.
    constraint_fields = {
        "rule_limit_positive": ("limit", None),
        "rule_effective_dates_ordered": ("effective_to", None),
        "rule_window_for_windowed_kinds": ("window_months", None),
    }


class DrugForm(ConstraintsAtFieldsForm[Drug]):
    constraint_fields = {
        "drug_mpe_factor_for_steroids_only": ("mpe_factor", None),
        "drug_max_dose_positive": ("max_dose_mg", None),
    }


@admin.register(ProcedureType)
class ProcedureTypeAdmin(UndeletableAdmin):
    list_display = [
        "code",
        "name",
        "family",
        "approach",
        "default_intent",
        "cpt_codes",
        "spinal_level_required",
        "active",
    ]
    list_filter = ["family", "active"]
    search_fields = ["name", "code", "cpt_codes"]


class RefreshesStandingLimits(UndeletableAdmin):
    """Rules, rule sets and MPE factors decide who is at a limit: every save recomputes the stored standing."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        standing.refresh_all()


@admin.register(Drug)
class DrugAdmin(RefreshesStandingLimits):
    form = DrugForm
    list_display = ["name", "drug_class", "mpe_factor", "max_dose_mg", "particulate", "active"]
    list_filter = ["drug_class", "particulate", "active"]
    search_fields = ["name", "source"]


@admin.register(RuleSet)
class RuleSetAdmin(RefreshesStandingLimits):
    list_display = ["name", "always", "payer_names", "position", "effective_from", "source_date", "active"]
    list_filter = ["always", "active"]
    search_fields = ["name"]
    filter_horizontal = ["payers"]
    # Rules have too many fields for an inline; they are listed here and edited on their own page.
    readonly_fields = ["rule_links"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RuleSet]:
        return super().get_queryset(request).prefetch_related("payers")  # type: ignore[no-any-return]

    @admin.display(description="payers")
    def payer_names(self, rule_set: RuleSet) -> str:
        return ", ".join(payer.name for payer in rule_set.payers.all())

    @admin.display(description="rules")
    def rule_links(self, rule_set: RuleSet) -> SafeString:
        if rule_set.pk is None:
            return format_html("{}", "Save the set, then add its rules.")
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            (
                (reverse("admin:procedures_limitrule_change", args=[rule.pk]), rule.name, rule.code)
                for rule in rule_set.rules.order_by("code")
            ),
        )
        add_url = f"{reverse('admin:procedures_limitrule_add')}?rule_set={rule_set.pk}"
        return format_html('<ul>{}</ul><a href="{}">Add a rule to this set</a>', links, add_url)


@admin.register(LimitRule)
class LimitRuleAdmin(RefreshesStandingLimits):
    form = LimitRuleForm
    list_display = [
        "code",
        "name",
        "rule_set",
        "kind",
        "limit",
        "window_months",
        "per_region",
        "severity",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["rule_set", "kind", "severity"]
    search_fields = ["code", "name", "source"]
    list_select_related = ["rule_set"]
    fieldsets = [
        (None, {"fields": ["rule_set", "code", "name"]}),
        ("What it counts", {"fields": ["kind", "families", "approaches", "intent", "per_region", "unilateral_only"]}),
        ("Limit", {"fields": ["limit", "window_months", "severity"]}),
        ("When it applies", {"fields": ["effective_from", "effective_to", "requires_bone_density_risk"]}),
        ("Source", {"fields": ["source"]}),
    ]


class VoidedFilter(admin.SimpleListFilter):
    title = "voided"
    parameter_name = "voided"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Voided"), ("no", "Counts (not voided)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> QuerySet[Procedure]:
        if self.value() in ("yes", "no"):
            return queryset.filter(voided_at__isnull=self.value() == "no")
        return queryset


class ProcedurePartInline(admin.TabularInline[Any, Procedure]):
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Sites and medications are parts of the record: whoever may view the procedure sees them.
        return request.user.has_perm("procedures.view_procedure")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProcedureSiteInline(ProcedurePartInline):
    model = ProcedureSite
    fields = ["position", "level", "named_site", "side"]


class ProcedureMedicationInline(ProcedurePartInline):
    model = ProcedureMedication
    fields = ["drug", "dose_mg", "volume_ml"]


@admin.register(Procedure)
class ProcedureAdmin(PatientSearchAdmin, LargeTableAdmin, RecordAdmin):
    """Read-only: administrators audit records here; physicians log and void them in the clinic's pages."""

    list_display = ["performed_at", "patient", "procedure_type", "performed_by", "voided"]
    list_select_related = ["patient", "procedure_type", "performed_by"]
    list_filter = ["procedure_type__family", VoidedFilter]
    inlines = [ProcedureSiteInline, ProcedureMedicationInline]

    @admin.display(boolean=True, ordering="voided_at")
    def voided(self, procedure: Procedure) -> bool:
        return procedure.is_voided
