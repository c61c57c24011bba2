"""The API's docs page: Swagger UI from the installed sidecar's static files (no CDN), started by a static script
rather than drf-spectacular's inline one, which the site's Content-Security-Policy (scripts from 'self' only)
would block."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def api_docs(request: HttpRequest) -> HttpResponse:
    # The API's routes are opened to its own authentication (`clinic.rest.open_to_api_auth`); this page is for
    # people, who sign in first like on every other page.
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "api/docs.html", {"schema_url": reverse("api:schema")})
