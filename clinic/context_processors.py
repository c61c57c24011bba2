import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

from clinic.idle import idle_limit_seconds
from clinic.roles import user_roles


def roles(request: HttpRequest) -> dict[str, Any]:
    # Lazy: pages that never show the role name pay no query for it.
    return {"user_roles": SimpleLazyObject(lambda: user_roles(request.user))}


def clinic(request: HttpRequest) -> dict[str, Any]:
    # The clinic's own name, on the pages patients see (their questionnaire, the check-in tablet).
    return {"clinic_name": settings.CLINIC_NAME}


def idle(request: HttpRequest) -> dict[str, Any]:
    # The sign-out warning's clock (static/js/idle.js) starts from the server's idle limit.
    return {"idle_seconds": idle_limit_seconds()}


# The pages every page's navigation links to, by URL name.
NAV = (
    "home",
    "logout",
    "password_change",
    "session_status",
    "mfa:account",
    "admin:index",
    "access_log",
    "patients:list",
    "patients:new",
    "scheduling:day",
    "scheduling:week",
    "scheduling:agenda",
    "scheduling:waitlist",
    "scheduling:new",
    "procedures:flags",
    "outcomes:worklist",
    "outcomes:dashboard",
    "authorizations:worklist",
    "implants:refills",
    "imports:upload",
    "api:docs",
)


def nav(request: HttpRequest) -> dict[str, Any]:
    """`nav.<app>_<name>`: the navigation's links, reversed once per process rather than sixteen times a page."""
    return {"nav": _nav_links(get_urlconf(), get_script_prefix())}


@functools.cache
def _nav_links(urlconf: str | None, prefix: str) -> dict[str, str]:
    return {name.replace(":", "_"): reverse(name, urlconf=urlconf) for name in NAV}
