"""Prior authorizations: what a payer approved in advance, and which payers require one for which procedures.

Which payers require an authorization for which procedure family is data an administrator edits, each row with
its source. An authorization covers procedure types in a spinal region (or any), a number of units, between two
dates; each logged procedure it covers uses a unit (`AuthorizationUse`), and voiding gives the unit back.
"""

import datetime
from typing import Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q
from simple_history.models import HistoricalRecords

from clinic.concurrency import version_field
from patients.models import Patient, Payer
from procedures.models import Family, Procedure, ProcedureType

REGION_CHOICES = [("", "Any region"), ("cervicothoracic", "Cervical / thoracic"), ("lumbosacral", "Lumbar / sacral")]


class AuthorizationRequirement(models.Model):
    """A payer requires (or does not require) prior authorization for a procedure family."""

    payer = models.ForeignKey(Payer, on_delete=models.CASCADE, related_name="authorization_requirements")
    family = models.CharField(max_length=20, choices=Family.choices)
    required = models.BooleanField(default=True)
    source = models.CharField(max_length=300)

    history = HistoricalRecords()

    class Meta:
        ordering = ["payer__name", "family"]
        constraints = [
            models.UniqueConstraint(fields=["payer", "family"], name="authorization_requirement_unique"),
            models.CheckConstraint(condition=~Q(source=""), name="authorization_requirement_has_source"),
        ]

    def __str__(self) -> str:
        verb = "requires" if self.required else "does not require"
        return f"{self.payer} {verb} authorization for {self.get_family_display()}"


class AuthorizationQuerySet(models.QuerySet["Authorization"]):
    def with_units_used(self) -> Self:
        return self.annotate(units_used=Count("uses", filter=Q(uses__released_at__isnull=True)))


class Authorization(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="authorizations")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="+")
    number = models.CharField("authorization number", max_length=60, blank=True)
    procedure_types = models.ManyToManyField(ProcedureType, related_name="+", verbose_name="procedures covered")
    region = models.CharField(max_length=20, choices=REGION_CHOICES, blank=True)
    units_approved = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_on = models.DateField()
    decided_on = models.DateField(null=True, blank=True)
    documents = models.CharField(
        "documents", max_length=300, blank=True, help_text="By name, e.g. MRI report 2026-10-02; clinic note 2026-11-20"
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = version_field()

    objects = AuthorizationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(units_approved__gte=1), name="authorization_units_positive"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(valid_from__isnull=False, valid_to__isnull=False) & ~Q(number=""),
                name="authorization_approved_has_number_and_dates",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="authorization_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "status"], name="authorization_patient_idx"),
            models.Index(fields=["status", "valid_to"], name="authorization_status_to_idx"),
            models.Index(fields=["status", "requested_on"], name="authorization_status_req_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.payer} authorization {self.number or '(requested)'} for {self.patient}"

    def is_expired(self, today: datetime.date) -> bool:
        return self.status == self.Status.APPROVED and self.valid_to is not None and self.valid_to < today

    def state(self, today: datetime.date) -> str:
        return "Expired" if self.is_expired(today) else self.get_status_display()


class AuthorizationUse(models.Model):
    """A logged procedure counted against an authorization's units; released (never deleted) when voided."""

    authorization = models.ForeignKey(Authorization, on_delete=models.PROTECT, related_name="uses")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            # A procedure uses at most one unit at a time.
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(released_at__isnull=True), name="authorization_use_one_per_procedure"
            ),
        ]

    def __str__(self) -> str:
        return f"Unit of {self.authorization} used by procedure {self.procedure_id}"
