"""HTML templates printed as PDF (WeasyPrint), at Letter or A4.

The printed HTML is the application's own template, fetched from nowhere: every URL it could name (an image, a
style sheet) is refused, so typed text can never make the server fetch anything.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# Page sizes as CSS names them; Letter first, the default of a US clinic.
SIZES = {"letter": "Letter", "a4": "A4"}


def pdf_bytes(request: HttpRequest, template: str, context: dict[str, Any]) -> bytes:
    # Imported when printing: WeasyPrint loads Pango, which the rest of the app does not need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context, request=request)
    # No protocol allowed: every URL is refused (and left out of the page), file: and data: included.
    fetch_nothing = URLFetcher(allowed_protocols=())
    return HTML(string=html, url_fetcher=fetch_nothing).write_pdf()  # type: ignore[no-any-return]


def pdf_response(request: HttpRequest, template: str, context: dict[str, Any], filename: str) -> HttpResponse:
    """The PDF shown in the browser (inline), saved under `filename` when downloaded."""
    response = HttpResponse(pdf_bytes(request, template, context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
