import functools
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.context_processors import PermLookupDict, PermWrapper
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from clinic.idle import idle_limit_seconds
from clinic.roles import user_roles


def roles(request: HttpRequest) -> dict[str, Any]:
    # Lazy: pages that never show the role name pay no query for it.
    return {"user_roles": SimpleLazyObject(lambda: user_roles(request.user))}


# The permissions a viewer holds, or None for an active superuser, who holds every one.
Held = frozenset[str] | None
HELD_CACHE = "_held_permissions"


def held_permissions(user: User | AnonymousUser) -> Held:
    """What `user.has_perm` answers from: an active superuser holds every permission; anyone else active holds those
    their backends list (`get_all_permissions`, from the user's one permissions query, `clinic.auth`); nobody inactive
    or anonymous holds any."""
    if not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    # Kept on the user object for the request, as Django keeps the permissions it is built from.
    held: frozenset[str] | None = getattr(user, HELD_CACHE, None)
    if held is None:
        held = frozenset(user.get_all_permissions())
        setattr(user, HELD_CACHE, held)
    return held


class HeldPermLookupDict(PermLookupDict):
    def __init__(self, wrapper: "HeldPermWrapper", app_label: str) -> None:
        super().__init__(wrapper.user, app_label)
        self.wrapper = wrapper

    def __getitem__(self, perm_name: str) -> bool:
        return self.wrapper.granted(f"{self.app_label}.{perm_name}")


class HeldPermWrapper(PermWrapper):
    """`perms` in templates, answering from the user's permissions read once per page (`held_permissions`).

    Django's `perms.app.codename` calls `user.has_perm`, which loads every authentication backend anew (an import
    and a new instance each) to ask it: a page's navigation asks a dozen times, for the same answers.
    """

    def __init__(self, user: User | AnonymousUser, held: Held | Literal[False] = False) -> None:
        super().__init__(user)
        self._held = held  # False: not read yet

    def held(self) -> Held:
        if self._held is False:
            self._held = held_permissions(self.user)
        return self._held

    def __getitem__(self, app_label: str) -> HeldPermLookupDict:
        return HeldPermLookupDict(self, app_label)

    def granted(self, permission: str) -> bool:
        held = self.held()
        return held is None or permission in held


def _user(request: HttpRequest) -> User | AnonymousUser:
    return request.user if hasattr(request, "user") else AnonymousUser()


def perms(request: HttpRequest) -> dict[str, Any]:
    # Listed after Django's auth processor (which the admin requires), so this `perms` is the one pages see.
    return {"perms": HeldPermWrapper(_user(request))}


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
    """`nav.<app>_<name>`: the navigation's links, reversed once per process rather than sixteen times a page; and
    `nav_menu`, the signed-in viewer's main menu, read only by a page that shows it."""
    urlconf, prefix = get_urlconf(), get_script_prefix()
    return {"nav": _nav_links(urlconf, prefix), "nav_menu": SimpleLazyObject(lambda: _menu(request, urlconf, prefix))}


@functools.cache
def _nav_links(urlconf: str | None, prefix: str) -> dict[str, str]:
    return {name.replace(":", "_"): reverse(name, urlconf=urlconf) for name in NAV}


def _menu(request: HttpRequest, urlconf: str | None, prefix: str) -> SafeString:
    user = _user(request)
    if not user.is_authenticated:
        return SafeString("")
    match = request.resolver_match
    on_list = match is not None and match.url_name == "list" and match.namespace == "patients"
    return _menu_html(held_permissions(user), user.is_staff, on_list, urlconf, prefix)


# Every page shows the menu and it holds nothing but links: its HTML follows from these arguments alone, so it is
# rendered once per process for each combination (a handful: one per role and page highlighted) instead of asking
# a dozen permissions on every page.
@functools.lru_cache(maxsize=64)
def _menu_html(held: Held, is_staff: bool, on_list: bool, urlconf: str | None, prefix: str) -> SafeString:
    context = {
        "perms": HeldPermWrapper(AnonymousUser(), held),
        "is_staff": is_staff,
        "patients_list_active": on_list,
        "nav": _nav_links(urlconf, prefix),
    }
    return mark_safe(render_to_string("clinic/_nav_menu.html", context))  # the template escaped what it rendered
