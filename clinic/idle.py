"""Idle sign-out: a session ends after SESSION_IDLE_MINUTES without a request.

A workstation left signed in at the front desk shows the next person whatever was open. Every request the
user's browser makes counts as activity, htmx ones included (the live limit checks while a form is typed
into, the patient search), except one: the sign-out warning asking how long is left (`GET` of
`session_status`), so the warning's own countdown never keeps a session alive. "Stay signed in" posts to the
same address, and that request counts like any other.

The time of the last request travels in a signed cookie bound to the session, renewed on every response:
keeping it in the session itself would write the session row on every keystroke check. The session holds
the login time, so a session cookie replayed without the activity cookie still ends 15 minutes after login.
"""

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

COOKIE = "pinpoint_activity"
LOGGED_IN_AT = "logged_in_at"
SIGNER = signing.Signer(salt="clinic.idle")


def idle_limit_seconds() -> int:
    return int(settings.SESSION_IDLE_MINUTES) * 60


def start_idle_clock(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in: every login, ours, the admin site's or a test's, starts the clock."""
    if request is not None:
        request.session[LOGGED_IN_AT] = time.time()


def _binding(request: HttpRequest) -> str:
    # The activity cookie of one session is worthless with another (the key changes at every login).
    return hashlib.sha256((request.session.session_key or "").encode()).hexdigest()[:32]


def last_activity(request: HttpRequest) -> float | None:
    """The last request that counted, from this request's cookie or the login; None if neither is known."""
    known: float | None = getattr(request, "_idle_now", None)
    if known is not None:
        return known
    times = [request.session.get(LOGGED_IN_AT)]
    try:
        cookie = SIGNER.unsign_object(request.COOKIES.get(COOKIE, ""))
        if cookie["s"] == _binding(request):
            times.append(cookie["t"])
    except (signing.BadSignature, KeyError, TypeError):
        pass
    stamps = [float(t) for t in times if isinstance(t, (int, float))]
    return max(stamps) if stamps else None


def seconds_left(request: HttpRequest) -> int:
    """Seconds until this session is signed out for inactivity; 0 for no signed-in user."""
    if not request.user.is_authenticated:
        return 0
    last = last_activity(request)
    if last is None:
        return idle_limit_seconds()
    return max(0, round(idle_limit_seconds() - (time.time() - last)))


def is_status_check(request: HttpRequest) -> bool:
    return request.method == "GET" and request.path_info == reverse("session_status")


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        now = time.time()
        if request.user.is_authenticated:
            last = last_activity(request)
            if last is not None and now - last >= idle_limit_seconds():
                return self.sign_out(request)
            if not is_status_check(request):
                request._idle_now = now  # type: ignore[attr-defined]
        response = self.get_response(request)
        if not request.user.is_authenticated:
            if COOKIE in request.COOKIES:
                response.delete_cookie(COOKIE)
        elif not is_status_check(request):
            # Set after the view, so the session key is the one a login in this request just made.
            response.set_cookie(
                COOKIE,
                SIGNER.sign_object({"s": _binding(request), "t": now}),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def sign_out(self, request: HttpRequest) -> HttpResponseBase:
        logout(request)
        minutes = settings.SESSION_IDLE_MINUTES
        messages.info(request, f"You were signed out after {minutes} minutes without activity.")
        if request.headers.get("HX-Request") and not is_status_check(request):
            # An htmx fragment would otherwise swap the login page into a corner of the form.
            current = request.headers.get("HX-Current-URL", "")
            response: HttpResponseBase = HttpResponseClientRedirect(current or reverse(settings.LOGIN_URL))
        else:
            # Anonymous from here on: LoginRequiredMiddleware sends the page to the login form (and back after).
            response = self.get_response(request)
        response.delete_cookie(COOKIE)
        return response


@login_not_required
@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds left before the idle sign-out. GET only asks; POST ("Stay signed in") is activity."""
    return JsonResponse({"seconds_left": seconds_left(request)})
