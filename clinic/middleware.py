"""Query strings the database cannot take, dropped once before any view reads them."""

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict


class DropUnstorableQueryMiddleware:
    """A query parameter holding a NUL character is left out, and the page says it was ignored.

    PostgreSQL refuses NUL in any text it is given, a search or a filter value included, so `?type=%00` would fail
    the page; every view reads `request.GET`, and forms (which refuse NUL themselves) are not behind all of them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = [key for key, values in request.GET.lists() if "\x00" in key or any("\x00" in v for v in values)]
        if bad:
            kept = request.GET.copy()
            for key in bad:
                del kept[key]
                shown = key.replace("\x00", "")[:40] or "?"
                problem = "it held a NUL character (\\0), which cannot be searched. It was ignored."
                messages.warning(request, f"{shown}: {problem}")
            kept._mutable = False
            request.GET = cast("_ImmutableQueryDict", kept)
        return self.get_response(request)
