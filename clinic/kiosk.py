"""A signed-in device handed to a patient: locked to one page until the staff member who handed it unlocks it.

The front desk's tablet stays signed in, so a patient holding it could otherwise reach the schedule or another
chart. While a session is locked, every request outside the locked path (which holds its own unlock page) is sent
back to it; the app that locks decides what that path shows. Nothing of the patient is kept in the lock.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

SESSION_KEY = "kiosk_locked_to"


def lock(request: HttpRequest, path: str) -> None:
    request.session[SESSION_KEY] = path


def unlock(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def locked_to(request: HttpRequest) -> str | None:
    path = request.session.get(SESSION_KEY)
    return path if isinstance(path, str) else None


class KioskLockMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = locked_to(request)
        if path and not request.path.startswith((path, f"/{settings.STATIC_URL.strip('/')}/")):
            return redirect(path)
        return self.get_response(request)
