"""Bulk exports: one row per `$export` request, the state any worker answers its status from."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from patients.models import Patient


class ExportJob(models.Model):
    """An export's request, progress and files. The work runs in a thread of the process that took the request
    (`fhir_r4.export`); every process reads its state from here, so any gunicorn worker answers a status poll. The
    thread beats `heartbeat_at` as it writes: a job whose heartbeat stops (its process ended) is reported failed,
    and `manage.py fhir_export` runs it again."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # Unguessable: the status and file URLs carry it (and are answered only to the one who asked).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    request_url = models.CharField(max_length=2000)
    # One patient's record, or the whole clinic's when empty.
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    types = models.CharField(max_length=300, help_text="The resource types, comma-separated, in export order.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveBigIntegerField(default=0, help_text="Resources counted when the export started.")
    written = models.PositiveBigIntegerField(default=0)
    # [{"type": "Patient", "count": 12}, ...] once each file is complete.
    files = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(types=""), name="export_job_has_types"),
            models.CheckConstraint(condition=~Q(state="failed") | ~Q(error=""), name="export_job_failure_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Export {self.id} ({self.state})"

    @property
    def type_names(self) -> list[str]:
        return self.types.split(",")

    @property
    def percent(self) -> int:
        """How far the export is: 100 once done; short of 100 while running, even if rows were added meanwhile."""
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.written * 100 // self.total)
