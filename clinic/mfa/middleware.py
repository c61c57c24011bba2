from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import urlencode

from clinic.mfa.policy import owed_step


class TwoStepMiddleware(MiddlewareMixin):
    """Sends a logged-in session that owes its second step to that step, from every page, the admin's too.

    Only views marked `second_step_page` (the code, setting up an authenticator, logging out) let it through, so
    a new page is covered without doing anything. The check reads no table of its own (see `clinic.mfa.policy`).
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: list[Any],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if getattr(view_func, "two_step_exempt", False):
            return None
        step = owed_step(request.user)
        if step is None:
            return None
        return redirect(f"{reverse(f'mfa:{step}')}?{urlencode({'next': request.get_full_path()})}")
