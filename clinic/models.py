from django.conf import settings
from django.db import models
from django.utils import timezone


class ReferenceStamp(models.Model):
    """One kind of reference data (`clinic.reference`), and a value its tables' triggers renew on every write."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.value}"


class AccessLog(models.Model):
    """One page a member of staff opened that shows patient data, or one export: written once per view, never
    changed or deleted (`clinic.access`)."""

    class Kind(models.TextChoices):
        CHART = "chart", "Chart"
        HISTORY = "history", "Chart history"
        PROCEDURE = "procedure", "Procedure"
        FOLLOW_UP = "follow_up", "Follow-up"
        EXPORT = "export", "CSV export"

    at = models.DateTimeField(default=timezone.now)
    # Indexed with `at` below, which serves the user's own lookups too.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # A plain number, not a foreign key: the clinic app sits below the patient registry, and a log entry must
    # outlive any reorganisation of the records it names.
    patient_id = models.BigIntegerField(null=True, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    path = models.CharField(max_length=500)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"
        indexes = [
            models.Index(fields=["patient_id", "at"], name="access_log_patient_idx"),
            models.Index(fields=["user", "at"], name="access_log_user_idx"),
            models.Index(fields=["at"], name="access_log_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.path} by {self.user_id} at {self.at:%Y-%m-%d %H:%M}"
