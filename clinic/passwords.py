"""Passwords: the guesses refused, and the password someone else set that must be replaced.

- `PredictablePasswordValidator`: a season, a month or the product's name with a year or a few symbols after it
  ("Summer2026!", "Pinpoint2026"). Django's common-password list misses most of them, and at twelve characters
  they are as weak as at eight.
- A password someone else set is replaced at the next login: until then every page leads to the password page.
  The login view (clinic.views.LoginView, the only way in: the admin's login leads there too) marks the session
  when the user's password was set for them; the middleware then reads that mark from the session it loads anyway,
  so the check costs no query on any page.
"""

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from clinic.mfa.policy import owed_step

PREDICTABLE_WORDS = (
    "spring|summer|autumn|fall|winter|"
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "pinpoint|clinic|password|welcome|letmein"
)
# Only such words, digits and punctuation: nothing a guesser has to find.
PREDICTABLE = re.compile(rf"^(?:{PREDICTABLE_WORDS}|[\d\W_])+$", re.IGNORECASE)


class PredictablePasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if PREDICTABLE.match(password):
            raise ValidationError(
                "This password is a season, month or name with numbers or symbols: it is among the first guessed.",
                code="password_predictable",
            )

    def get_help_text(self) -> str:
        return "Your password can’t be just a season, a month or the clinic’s name with numbers or symbols."


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
        # A second step still owed comes first (clinic.mfa): the user proves who they are, then picks a password.
        if (
            required(request)
            and request.path not in {reverse("password_change"), reverse("logout")}
            and owed_step(request.user) is None
        ):
            if request.headers.get("HX-Request"):
                # htmx would swap the password page into a fragment: have the browser go there instead.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("password_change")
                return response
            return redirect("password_change")
        return self.get_response(request)
