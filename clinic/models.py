from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import models
from django.utils import timezone
from simple_history import register
from simple_history.models import HistoricalRecords


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
        DAY_SHEET = "day_sheet", "Printed day sheet"

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


class PasswordResetQuerySet(models.QuerySet["PasswordReset"]):
    def pending(self) -> "PasswordResetQuerySet":
        return self.filter(changed_at__isnull=True)


class PasswordReset(models.Model):
    """A password someone else set for this user (an administrator's reset, or a new account's first password): the
    user must choose their own at their next login. The rows are the audit of who set whose password, and when it
    was replaced."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="password_resets")
    reset_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reset_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True, help_text="When the user chose their own password.")

    objects = PasswordResetQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        # Staff administration is a permission of its own, not Django's user permissions: those would let whoever
        # edits accounts hand out any permission, superuser included.
        permissions = [("administer_staff", "Can administer staff accounts: roles, access and password resets")]

    def __str__(self) -> str:
        return f"{self.user} by {self.reset_by} at {self.reset_at:%Y-%m-%d %H:%M}"


class StaffHistory(HistoricalRecords):  # type: ignore[misc]
    """A staff account's history: every change an administrator or a migration makes, but not each login (Django
    saves `last_login` alone then), which would bury the changes."""

    def post_save(self, instance: Any, created: bool, using: str | None = None, **kwargs: Any) -> None:
        if kwargs.get("update_fields") == frozenset({"last_login"}):
            return
        super().post_save(instance, created, using=using, **kwargs)


# Accounts and roles are kept like every other record. The password hash stays out of the audit table: a reset
# shows as a change with its reason, and in PasswordReset.
register(
    User, app="clinic", records_class=StaffHistory, excluded_fields=["password", "last_login"], m2m_fields=["groups"]
)
register(Group, app="clinic", m2m_fields=["permissions"])


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, owner__is_active=True)


class ApiToken(models.Model):
    """A machine's key to the REST API (`clinic.tokens`), acting as its owner: an integration account whose roles
    say what it may do. Only a hash of the secret is kept; the secret is shown once, when an administrator creates
    the token. A token is revoked, never deleted, so the history still names what wrote each record."""

    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'EHR interface' or 'billing export'.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text="The integration account the token acts as: its roles give the token's permissions.",
    )
    # The first characters of the secret, shown in lists to tell tokens apart, and used to find a token's row.
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField("SHA-256 of the secret", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )
    last_used_at = models.DateTimeField("last used", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True, editable=False
    )

    objects = ApiTokenQuerySet.as_manager()
    # Creation and revocation are audited; each use is not (last_used_at is written past the history).
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
