"""Staff account writes that are audited: passwords someone else sets, and their replacement by the user."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from clinic.models import PasswordReset

RESET_REASON = "Password reset by an administrator"


@transaction.atomic
def staff_password_reset(*, user: User, password: str, reset_by: User) -> PasswordReset:
    """An administrator sets a user's password: the user's sessions end (their password hash changes), and at the
    next login they must choose their own. The account's history keeps the reset, without the hash."""
    user.set_password(password)
    user._change_reason = RESET_REASON  # type: ignore[attr-defined]  # read by django-simple-history
    user.save(update_fields=["password"])
    return staff_password_mark_given(user=user, given_by=reset_by)


def staff_password_mark_given(*, user: User, given_by: User) -> PasswordReset:
    """A password chosen by someone else (a reset, or a new account's first): replaced at the next login."""
    return PasswordReset.objects.create(user=user, reset_by=given_by)


def staff_password_mark_chosen(*, user: User) -> None:
    """The user chose their own password: what was set for them no longer needs replacing."""
    PasswordReset.objects.filter(user=user).pending().update(changed_at=timezone.now())


def staff_password_pending(user: User) -> bool:
    return PasswordReset.objects.filter(user=user).pending().exists()
