"""Staff roles and what each may do.

`ROLE_PERMISSIONS` is the one source of truth: data migrations call `sync_roles()` to make the
groups match it, the 403 page names the roles that hold a missing permission, and the README's
permission matrix is a copy of it. Adding a permission for a later feature means adding it
here and a migration that calls `sync_roles()` again (it is idempotent).
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from clinic.auth import role_names


class Role(StrEnum):
    FRONT_DESK = "Front desk"
    NURSE = "Nurse"
    PHYSICIAN = "Physician"
    ADMINISTRATOR = "Administrator"


_PATIENT_EDIT = {"patients.view_patient", "patients.add_patient", "patients.change_patient", "patients.view_payer"}
# The clinical view: procedure records, exposure panels and the limit flags.
_CLINICAL_VIEW = {"procedures.view_procedure"}
_PROCEDURE_LOG = {"procedures.add_procedure", "procedures.change_procedure", "procedures.void_procedure"}
_CATALOG_EDIT = {
    f"procedures.{action}_{model}"
    for action in ("view", "add", "change")
    for model in ("proceduretype", "drug", "ruleset", "limitrule")
}

_SCHEDULE_VIEW = {"scheduling.view_appointment", "scheduling.view_room", "scheduling.view_waitlistentry"}
# Booking, moving, cancelling and moving a visit along its day (check-in, in room, completed).
_SCHEDULE_BOOK = _SCHEDULE_VIEW | {
    "scheduling.add_appointment",
    "scheduling.change_appointment",
    "scheduling.add_waitlistentry",
    "scheduling.change_waitlistentry",
}
_SCHEDULE_CONFIG = {
    f"scheduling.{action}_{model}"
    for action in ("view", "add", "change")
    for model in ("room", "workinghours", "timeoff")
}

# Nurses and physicians record follow-up calls; physicians and administrators read the dashboard.
_FOLLOW_UPS = {"outcomes.view_followup", "outcomes.change_followup", "outcomes.view_outcomerule"}
# Handing the tablet to a checked-in patient for their baseline, and reading it on the visit.
_BASELINES = {"outcomes.add_visitbaseline", "outcomes.view_visitbaseline"}
# Requesting prior authorizations and recording the payers' answers; which payers require them is configuration.
_AUTHORIZATIONS = {f"authorizations.{action}_authorization" for action in ("view", "add", "change")}
_AUTHORIZATION_CONFIG = {f"authorizations.{action}_authorizationrequirement" for action in ("view", "add", "change")}
# Stimulator and pump pathways: nurses keep the diary, reprogramming visits and refills; physicians also decide on
# the trial and record the implant. The front desk books the refills from their worklist.
_IMPLANTS = {f"implants.{action}_pathway" for action in ("view", "add", "change")} | {"implants.view_refill_worklist"}
_TRIAL_RULES = {f"implants.{action}_trialrule" for action in ("view", "add", "change")}
_OUTCOMES_CONFIG = {
    f"outcomes.{action}_{model}"
    for action in ("view", "add", "change")
    for model in ("followupinterval", "outcomerule")
}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    # Front desk keeps the registry; clinical detail is not theirs to see.
    Role.FRONT_DESK: frozenset(
        _PATIENT_EDIT
        | {"patients.archive_patient", "implants.view_refill_worklist"}
        | _SCHEDULE_BOOK
        | _BASELINES
        | _AUTHORIZATIONS
    ),
    Role.NURSE: frozenset(
        _PATIENT_EDIT | _CLINICAL_VIEW | _SCHEDULE_BOOK | _FOLLOW_UPS | _BASELINES | _AUTHORIZATIONS | _IMPLANTS
    ),
    # Only physicians log procedures, so the performing physician is always a physician's own record.
    Role.PHYSICIAN: frozenset(
        _PATIENT_EDIT
        | {"patients.archive_patient", "outcomes.view_dashboard"}
        | _CLINICAL_VIEW
        | _PROCEDURE_LOG
        | _SCHEDULE_BOOK
        | _FOLLOW_UPS
        | _BASELINES
        | _AUTHORIZATIONS
        | _IMPLANTS
        | {"implants.decide_pathway"}
    ),
    # Administrators run the clinic's configuration and accounts; clinical records are read-only to them.
    Role.ADMINISTRATOR: frozenset(
        {
            "patients.view_patient",
            "patients.view_historicalpatient",
            "patients.view_payer",
            "patients.add_payer",
            "patients.change_payer",
            # Staff accounts, their roles and password resets (clinic/admin.py); nobody holds Django's own user
            # permissions, which would let an account's editor grant any permission or superuser status.
            "clinic.administer_staff",
            "axes.view_accessattempt",
            "axes.delete_accessattempt",
            "axes.view_accesslog",
            # Who opened which patient's records (clinic.access), for audits and the chart's "who looked".
            "clinic.view_accesslog",
            "procedures.view_procedure",
            "procedures.view_historicalprocedure",
            "scheduling.view_appointment",
            "scheduling.view_waitlistentry",
            "outcomes.view_followup",
            "outcomes.view_dashboard",
            "authorizations.view_authorization",
            "implants.view_pathway",
            "implants.view_refill_worklist",
            # A clinic's existing procedure log, imported through the procedures' own services (imports app).
            "imports.import_procedure_log",
            "imports.view_procedurelogimport",
        }
        | _CATALOG_EDIT
        | _SCHEDULE_CONFIG
        | _OUTCOMES_CONFIG
        | _AUTHORIZATION_CONFIG
        | _TRIAL_RULES
    ),
}


def staff_with(role: Role, *, include_inactive: bool = False) -> "QuerySet[User]":
    """The people who hold a role, by name: e.g. the physicians a procedure or a visit can be with.

    `include_inactive` keeps former staff, for filters and records that still name them. Integration accounts (the
    API's machines: no usable password, `clinic.tokens`) hold a role for its permissions but are nobody to book or
    to name as performing a procedure, so they are left out.
    """
    users = User.objects.filter(groups__name=role.value).exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    if not include_inactive:
        users = users.filter(is_active=True)
    return users.order_by("last_name", "first_name", "username")


def has_role(user: User | AnonymousUser, role: Role) -> bool:
    return user.is_authenticated and user.groups.filter(name=role.value).exists()


def roles_with(permission: str) -> list[Role]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if permission in perms]


def sync_roles(apps: Apps = global_apps) -> None:
    """Create the role groups and set each one's permissions to exactly the matrix.

    Called from data migrations with the migration's app registry, and safe to re-run.
    Permissions are normally created after all migrations; creating them here lets a fresh
    database get its groups in the same `migrate`.
    """
    for app_config in apps.get_app_configs():
        # create_permissions skips apps without a models module, which migration-state apps lack.
        if getattr(app_config, "models_module", None) is None:
            app_config.models_module = True  # type: ignore[assignment]
        create_permissions(app_config, apps=apps, verbosity=0)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, permissions in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role.value)
        wanted = Q(pk__in=[])
        for permission in permissions:
            app_label, codename = permission.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(permission_model.objects.filter(wanted))


def require(user: User | AnonymousUser, permission: str) -> None:
    """Raise a 403 that names the roles allowed to do this."""
    if not user.has_perm(permission):
        allowed = " or ".join(role.value for role in roles_with(permission)) or "an administrator"
        raise PermissionDenied(f"This needs the {allowed} role.")


R = TypeVar("R", bound=HttpResponse)


def permission_required(
    permission: str,
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """View decorator: the server-side access check for pages that have no single object."""

    def decorator(view: Callable[..., R]) -> Callable[..., R]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> R:
            require(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def staff_user(request: HttpRequest) -> User:
    """The signed-in staff member making the request, typed as the `User` the services record.

    `LoginRequiredMiddleware` keeps everyone else out of every page that asks, so this only says so once for the
    type checker; a page open to anonymous visitors that asked anyway would get a 403, not a record without a name.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


def user_roles(user: User | AnonymousUser) -> list[str]:
    return role_names(user)
