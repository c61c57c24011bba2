"""Limit rules as data: rule sets per payer, each rule with its source and effective dates."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from patients.models import Payer
from procedures import exposure
from procedures.models.catalog import Approach, Family, Intent


class RuleSet(models.Model):
    name = models.CharField(max_length=120, unique=True)
    payers = models.ManyToManyField(Payer, blank=True, help_text="Patients with these payers get this set.")
    always = models.BooleanField(
        default=False, help_text="Applies to every patient whatever the payer (clinic default, steroid caps)."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Sets are shown and applied in this order.")
    description = models.TextField(blank=True)
    # Provenance, shown to whoever reviews the set: the checks apply each rule's own effective dates, so a set's
    # date narrows nothing (a payer's set may gather sources that took effect on different days).
    # A new set starts today; the shipped ones are dated by procedures migration 0013.
    effective_from = models.DateField(
        default=timezone.localdate, help_text="The day this set took effect in the clinic."
    )
    source_date = models.DateField(
        default=timezone.localdate,
        help_text="The day its limits were last checked against their sources; check again when one is revised.",
    )
    active = models.BooleanField(default=True)

    history = HistoricalRecords(m2m_fields=[payers])

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


def _split(codes: str) -> frozenset[str]:
    return frozenset(code.strip() for code in codes.split(",") if code.strip())


class LimitRule(models.Model):
    class Kind(models.TextChoices):
        SESSIONS = exposure.RuleKind.SESSIONS.value, "Sessions in a rolling window"
        MPE_TOTAL = exposure.RuleKind.MPE_TOTAL.value, "Steroid total (mg MPE) in a rolling window"
        SPACING = exposure.RuleKind.SPACING.value, "Minimum days between sessions"
        DOSE_PER_SESSION = exposure.RuleKind.DOSE_PER_SESSION.value, "Steroid per session (mg MPE)"
        LEVELS_PER_SESSION = exposure.RuleKind.LEVELS_PER_SESSION.value, "Spinal levels per session"
        REGIONS_PER_SESSION = exposure.RuleKind.REGIONS_PER_SESSION.value, "Spinal regions per session"

    class Severity(models.TextChoices):
        HARD = exposure.Severity.HARD.value, "Hard: saving past it needs an override reason"
        ADVISORY = exposure.Severity.ADVISORY.value, "Advisory: a warning"

    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="rules")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    limit = models.DecimalField(
        max_digits=7, decimal_places=2, help_text="Sessions, mg MPE, days, levels or regions, by kind."
    )
    window_months = models.PositiveSmallIntegerField(
        default=0, help_text="Rolling window for session counts and steroid totals."
    )
    families = models.CharField(
        max_length=200, blank=True, help_text="Procedure families counted; none ticked counts every family."
    )
    approaches = models.CharField(
        max_length=200, blank=True, help_text="Approaches counted; none ticked counts every approach."
    )
    intent = models.CharField(max_length=12, choices=Intent.choices, blank=True, help_text="Empty for both.")
    per_region = models.BooleanField(default=False, help_text="Count cervical/thoracic and lumbar/sacral separately.")
    unilateral_only = models.BooleanField(default=False, help_text="Levels rule: a bilateral session breaks it.")
    requires_bone_density_risk = models.BooleanField(
        default=False, help_text="Applies only to patients with a bone-density risk."
    )
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.HARD)
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, help_text="Citation: LCD number, guideline, paper.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["rule_set__position", "rule_set__name", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(limit__gt=0),
                name="rule_limit_positive",
                violation_error_message="The limit must be more than zero.",
            ),
            models.CheckConstraint(condition=~Q(source=""), name="rule_has_source"),
            models.CheckConstraint(
                condition=Q(effective_from__isnull=True)
                | Q(effective_to__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="rule_effective_dates_ordered",
                violation_error_message="A rule cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["sessions", "mpe_total"]) | Q(window_months__gt=0),
                name="rule_window_for_windowed_kinds",
                violation_error_message="Session and steroid-total rules need a window of at least one month.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = _split(self.families) - set(Family.values)
        if unknown:
            raise ValidationError({"families": f"Unknown families: {', '.join(sorted(unknown))}."})
        unknown = _split(self.approaches) - set(Approach.values)
        if unknown:
            raise ValidationError({"approaches": f"Unknown approaches: {', '.join(sorted(unknown))}."})

    def as_engine_rule(self) -> exposure.Rule:
        return exposure.Rule(
            code=self.code,
            name=self.name,
            kind=exposure.RuleKind(self.kind),
            limit=self.limit,
            window_months=self.window_months,
            families=_split(self.families),
            approaches=_split(self.approaches),
            intent=self.intent,
            per_region=self.per_region,
            unilateral_only=self.unilateral_only,
            requires_bone_density_risk=self.requires_bone_density_risk,
            severity=exposure.Severity(self.severity),
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            source=self.source,
        )
