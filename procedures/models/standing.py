"""Each patient's standing against the windowed limits, kept so the flags page reads one indexed table.

Rows exist only for rules a patient is at or over. They are rewritten in the same transaction as every
log, correction and void of the patient's records, for everyone when the rules change, and for the
patients whose `refresh_on` has come (a counted injection left its window) by the daily refresh and by
the pages that read them. `procedures.standing` does all of that; nothing else writes these rows.
"""

from django.db import models
from django.db.models import Q

from patients.models import Patient
from procedures.models.rules import LimitRule


class StandingLimit(models.Model):
    class Status(models.TextChoices):
        AT_LIMIT = "at_limit", "At the limit"
        OVER = "over", "Over the limit"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="standing_limits")
    rule = models.ForeignKey(LimitRule, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=20, blank=True, help_text="Empty for a whole-patient rule.")
    status = models.CharField(max_length=10, choices=Status.choices)
    value = models.DecimalField(max_digits=9, decimal_places=2)
    limit = models.DecimalField(max_digits=7, decimal_places=2)
    where = models.CharField(max_length=40)
    next_allowed = models.DateField("within limits again on", null=True, blank=True)
    refresh_on = models.DateField(help_text="The first date on which time alone can change this standing.")
    computed_on = models.DateField()

    class Meta:
        ordering = ["patient", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "rule", "region"], name="standing_limit_unique"),
            models.CheckConstraint(condition=Q(status__in=["at_limit", "over"]), name="standing_limit_flagged_only"),
        ]
        indexes = [
            models.Index(fields=["refresh_on"], name="standing_limit_refresh_idx"),
            models.Index(fields=["rule", "status"], name="standing_limit_rule_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.rule.code} {self.region} {self.status}"


class StandingLimitsComputed(models.Model):
    """One row once the standing limits have been computed for everyone: until then, a reader computes them."""

    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "standing limits computed"

    def __str__(self) -> str:
        return f"Standing limits computed {self.computed_at:%Y-%m-%d %H:%M}"
