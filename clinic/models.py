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
