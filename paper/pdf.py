"""HTML templates printed as PDF (WeasyPrint), at Letter or A4.

The printed HTML is the application's own template, fetched from nowhere: every URL it could name (an image, a
style sheet) is refused, so typed text can never make the server fetch anything.
"""

from typing import Any, NoReturn

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# Page sizes as CSS names them; Letter first, the default of a US clinic.
SIZES = {"letter": "Letter", "a4": "A4"}


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"Printed pages fetch nothing: {url[:60]}")


def pdf_bytes(request: HttpRequest, template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported when printing: it loads Pango, which the rest of the app does not need

    html = render_to_string(template, context, request=request)
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()  # type: ignore[no-any-return]


def pdf_response(request: HttpRequest, template: str, context: dict[str, Any], filename: str) -> HttpResponse:
    """The PDF shown in the browser (inline), saved under `filename` when downloaded."""
    response = HttpResponse(pdf_bytes(request, template, context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
