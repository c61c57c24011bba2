"""A password someone else set is replaced at the next login: until then every page leads to the password page.

The login view (clinic.views.LoginView, the only way in: the admin's login leads there too) marks the session
when the user's password was set for them; the middleware then reads that mark from the session it loads anyway,
so the check costs no query on any page.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "password_change_required"


def require_change(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = True


def required(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_KEY))


def done(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if required(request) and request.path not in {reverse("password_change"), reverse("logout")}:
            if request.headers.get("HX-Request"):
                # htmx would swap the password page into a fragment: have the browser go there instead.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("password_change")
                return response
            return redirect("password_change")
        return self.get_response(request)
