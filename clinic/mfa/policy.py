"""Who must pass a second step, and which step a logged-in session still owes.

A session owes a code when its user has an authenticator and has not given a code in this session; it owes
enrolment when the user's role requires an authenticator (`MFA_REQUIRED_ROLES`) and they have none. Both facts
are read with the user's permissions in the request's one permission query (`clinic.auth`), so the check that
runs on every page costs nothing more.
"""

from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured

from clinic.auth import has_authenticator, role_names
from clinic.roles import Role

EVERYONE = "all"


class Step(StrEnum):
    VERIFY = "verify"
    ENROL = "enrol"


def required_roles(names: list[str]) -> frozenset[Role] | None:
    """The roles named in the setting (Role names, any case); None when every account needs an authenticator."""
    wanted = {name.strip().lower().replace(" ", "_") for name in names if name.strip()}
    if EVERYONE in wanted:
        return None
    by_name = {role.name.lower(): role for role in Role}
    unknown = sorted(wanted - by_name.keys())
    if unknown:
        known = ", ".join([*by_name, EVERYONE])
        raise ImproperlyConfigured(f"MFA_REQUIRED_ROLES: unknown {', '.join(unknown)} (known: {known}).")
    return frozenset(by_name[name] for name in wanted)


def is_required(user: User | AnonymousUser) -> bool:
    roles = required_roles(settings.MFA_REQUIRED_ROLES)
    if roles is None:
        return user.is_authenticated
    held = set(role_names(user))
    return any(role.value in held for role in roles)


def is_verified(user: User | AnonymousUser) -> bool:
    """Whether this session's user gave a code from one of their devices (django-otp's OTPMiddleware reads it)."""
    return bool(getattr(user, "is_verified", lambda: False)())


def owed_step(user: User | AnonymousUser) -> Step | None:
    if not user.is_authenticated or is_verified(user):
        return None
    if has_authenticator(user):
        return Step.VERIFY
    if is_required(user):
        return Step.ENROL
    return None
