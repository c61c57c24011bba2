"""Staff as the clinic's pages name and choose them: one name for a user, the physicians, and the field that
picks one. Every app names staff the same way, so a renamed account reads the same on every page."""

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from clinic.roles import Role, staff_with


def staff_name(user: User) -> str:
    """The full name, else the username: an account made without names is still named."""
    return user.get_full_name() or user.username


def physicians(*, include_inactive: bool = False) -> QuerySet[User]:
    """The physicians by name; `include_inactive` keeps former ones, whom filters and past records still name."""
    return staff_with(Role.PHYSICIAN, include_inactive=include_inactive)


class PhysicianChoiceField(forms.ModelChoiceField[User]):
    """A choice of physician, each by name. Without a queryset it offers the active physicians (former ones too
    with `include_inactive`); the queryset is lazy and each form's copy of the field reads it afresh."""

    def __init__(
        self, queryset: QuerySet[User] | None = None, *, include_inactive: bool = False, **kwargs: Any
    ) -> None:
        chosen_from = physicians(include_inactive=include_inactive) if queryset is None else queryset
        super().__init__(chosen_from, **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return staff_name(obj)
