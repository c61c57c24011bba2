"""FHIR's answers on the wire: resources as application/fhir+json, and every error as an OperationOutcome with the
status code that fits it (FHIR's RESTful API asks for an OperationOutcome in the body of any error).

The views are REST framework views, so its authentication (session or token) and the role matrix
(`clinic.rest.RolePermission`) run first; their refusals, a missing row and a search the server cannot answer
all come out of `exception_handler` in this one shape.
"""

from types import SimpleNamespace
from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.resource import Resource
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer

from fhir_r4.build import as_json
from fhir_r4.params import SearchError

FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"

# DRF status → FHIR's issue type.
_ISSUE_TYPES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    415: "not-supported",
    429: "throttled",
}


class FhirJsonRenderer(JSONRenderer):
    """Lets a client that asks for application/fhir+json (as FHIR clients do) past REST framework's content
    negotiation; the views write their bodies themselves."""

    media_type = FHIR_JSON
    format = "fhir"


class FhirNegotiation(DefaultContentNegotiation):
    """The Accept header alone picks the format: FHIR names it `_format` (read by the search), so REST framework's
    own `format` query parameter is not honoured here and a search refuses it as the unknown parameter it is."""

    # Only the one setting select_renderer reads; the stubs type it as the whole settings object.
    settings = cast(Any, SimpleNamespace(URL_FORMAT_OVERRIDE=None))


def respond(resource: Resource, status: int = 200, *, pretty: bool = False) -> HttpResponse:
    return HttpResponse(as_json(resource, pretty=pretty), status=status, content_type=FHIR_JSON)


def outcome(status: int, diagnostics: str, *, code: str = "", severity: str = "error") -> HttpResponse:
    issue = {"severity": severity, "code": code or _ISSUE_TYPES.get(status, "processing"), "diagnostics": diagnostics}
    return respond(OperationOutcome.model_validate({"issue": [issue]}), status=status)


def exception_handler(error: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """Every refusal as an OperationOutcome: 400 for a search or request the server cannot answer as asked, 401 or
    403 for access, 404 for no such resource, 405, 406 and 429 as REST framework decides them."""
    if isinstance(error, SearchError):
        return outcome(400, str(error), code="not-supported" if "not supported" in str(error) else "invalid")
    if isinstance(error, Http404):
        error = exceptions.NotFound(str(error) or None)
    elif isinstance(error, DjangoPermissionDenied):
        error = exceptions.PermissionDenied(str(error) or None)
    if not isinstance(error, exceptions.APIException):
        return None
    detail = error.detail if isinstance(error.detail, str) else "; ".join(_messages(error.detail))
    response = outcome(error.status_code, str(detail))
    auth_header = getattr(error, "auth_header", None)
    if auth_header:
        response["WWW-Authenticate"] = auth_header
    wait = getattr(error, "wait", None)
    if wait is not None:
        response["Retry-After"] = str(int(wait))
    return response


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [f"{key}: {message}" for key, value in detail.items() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for item in detail for message in _messages(item)]
    return [str(detail)]
