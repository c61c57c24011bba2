"""Cache-Control for signed-in pages: patient data is never kept by the browser or a proxy."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Every response to a signed-in user (pages, fragments, CSV exports) says no-store.

    A chart or an export left in the browser's cache can be read from the disk or through Back after
    signing out on a shared workstation. Static files never reach here (WhiteNoise answers them first).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
