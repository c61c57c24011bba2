"""One upload of an existing procedure log: the file as received, how its columns were mapped, and how it ended.

The file is kept (not only its digest): the imported records say which row of which upload they came from, and
an audit can read that row again. The row is written when the file is uploaded and changed by `imports.services`
only: the mapping when it is chosen, the outcome in the import's own transaction, so an import that rolls back
leaves its upload showing it did not finish, never "imported".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class ProcedureLogImport(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel workbook (XLSX)"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Failed: nothing imported"

    file_name = models.CharField(max_length=200)
    file_format = models.CharField(max_length=4, choices=Format.choices)
    content = models.BinaryField(editable=False)
    content_sha256 = models.CharField("SHA-256 of the file", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Field key (`imports.columns.FIELDS`) -> the file's header it is read from; "" for a field not in the file.
    mapping = models.JSONField(default=dict, blank=True)
    # The physician named on rows whose physician cell is empty (or when no column names one).
    default_physician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who started the import: the imported records name them as the one who recorded them.
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Imported history's follow-up calls already overdue are closed as not reached (the old log has no results),
    # rather than filling the nurses' worklist with calls nobody can make any more.
    close_overdue_calls = models.BooleanField(default=True)
    closed_calls = models.PositiveIntegerField("overdue follow-up calls closed", default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    imported = models.PositiveIntegerField("procedures imported", default=0)
    already = models.PositiveIntegerField("rows already imported", default=0)
    new_patients = models.PositiveIntegerField("patients registered", default=0)
    overridden = models.PositiveIntegerField("imported past a hard limit", default=0)
    failure = models.TextField("why it failed", blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        default_permissions = ("view",)
        permissions = [("import_procedure_log", "Can import an existing procedure log")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(failure=""), name="procedure_log_import_failure_says_why"
            ),
        ]
        indexes = [models.Index(fields=["uploaded_at"], name="procedure_log_import_date_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return f"{reverse('imports:result')}?run={self.pk}"

    @property
    def is_mapped(self) -> bool:
        return bool(self.mapping)
