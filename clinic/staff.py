"""Staff as the clinic's pages name and choose them: one name for a user, the physicians, and the field that
picks one. Every app names staff the same way, so a renamed account reads the same on every page."""

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from clinic.forms import KeptChoiceField
from clinic.roles import Role, staff_with

# Renewed on any write to who holds a role, who is active, a password or a name (clinic migration 0009).
STAFF_STAMP = "staff"


def staff_name(user: User) -> str:
    """The full name, else the username: an account made without names is still named."""
    return user.get_full_name() or user.username


def physicians(*, include_inactive: bool = False) -> QuerySet[User]:
    """The physicians by name; `include_inactive` keeps former ones, whom filters and past records still name."""
    return staff_with(Role.PHYSICIAN, include_inactive=include_inactive)


class PhysicianChoiceField(KeptChoiceField[User]):
    """A choice of physician, each by name. Without a queryset it offers the active physicians (former ones too
    with `include_inactive`), and a posted physician is found in the copy of them each process keeps under the
    staff stamp: the live limit check and every booking name one. With a queryset of its own, the field reads it."""

    def __init__(
        self, queryset: QuerySet[User] | None = None, *, include_inactive: bool = False, **kwargs: Any
    ) -> None:
        self.kept = queryset is None
        chosen_from = physicians(include_inactive=include_inactive) if queryset is None else queryset
        copy = "physicians, former ones too" if include_inactive else "physicians"
        super().__init__(chosen_from, stamp=STAFF_STAMP, copy=copy, **kwargs)

    def to_python(self, value: Any) -> User | None:
        if not self.kept:
            return forms.ModelChoiceField.to_python(self, value)
        return super().to_python(value)

    def label_from_instance(self, obj: User) -> str:
        return staff_name(obj)
