"""What every machine-facing endpoint shares (the REST API in `api/`, FHIR in `fhir_r4/`): its access check, its pages
and its one shape of error.

Access is the role matrix's (`clinic.roles.ROLE_PERMISSIONS`): each view names the permission each action needs,
the same one its page checks, and the check runs on the server before the view does anything. Writes go through the
same services as the pages, so a service's `ValidationError` (a hard limit without a reason, a stale version, an
archived patient) reaches the client as a 400 or 409 with the field it is about, in the one documented shape.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import URLPattern, URLResolver
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

if TYPE_CHECKING:
    # rest_framework.views reads the permission classes from the settings, which name this module: import it late.
    from rest_framework.views import APIView

from clinic.concurrency import StaleEdit
from clinic.roles import roles_with

# The key of an error that is about the request as a whole rather than one field.
NON_FIELD = "non_field_errors"


class RolePermission(permissions.BasePermission):
    """The role matrix, per action: a view's `permissions` maps an action (a viewset's `list`, `retrieve`, `create`,
    … or, on a plain APIView, the HTTP method in lower case) to the permission it needs, e.g.
    `{"list": "patients.view_patient", "create": "patients.add_patient"}`. An action it does not name is refused,
    so a new action is closed until someone decides who may use it."""

    def has_permission(self, request: Request, view: "APIView") -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        needed = required_permission(view, request)
        if needed is None:
            raise exceptions.PermissionDenied("This action is not open to anyone.")
        if not request.user.has_perm(needed):
            allowed = " or ".join(role.value for role in roles_with(needed)) or "an administrator"
            raise exceptions.PermissionDenied(f"This needs the {allowed} role.")
        return True


def required_permission(view: "APIView", request: Request) -> str | None:
    table: dict[str, str] = getattr(view, "permissions", {})
    action = getattr(view, "action", None) or (request.method or "").lower()
    return table.get(action)


class Pages(PageNumberPagination):
    """50 a page by default; `?page_size=` up to 200, so no request reads a whole table."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (NON_FIELD if field == "__all__" else field): [str(message) for message in messages]
            for field, messages in error.message_dict.items()
        }
    return {NON_FIELD: [str(message) for message in error.messages]}


def error_body(kind: str, detail: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one error shape: `{"type": ..., "detail": ..., "errors": {field: [message, ...]}}`."""
    return {"type": kind, "detail": detail, "errors": errors or {}}


def exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    """Every error in the one shape (`error_body`), Django's own exceptions from the services included."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(error, StaleEdit):
        body = error_body("conflict", " ".join(error.messages), {NON_FIELD: list(error.messages)})
        body["version"] = error.version
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(error, DjangoValidationError):
        errors = _field_errors(error)
        return Response(error_body("invalid", _first(errors), errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(error, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        detail = f"The request body is larger than the {limit / 1024 / 1024:.1f} MB accepted."
        return Response(error_body("too_large", detail), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(error, Http404):
        error = exceptions.NotFound()
    elif isinstance(error, DjangoPermissionDenied):
        error = exceptions.PermissionDenied(str(error) or None)
    response = drf_exception_handler(error, context)
    if response is None:
        return None
    if isinstance(error, exceptions.ValidationError):
        errors = _drf_errors(response.data)
        response.data = error_body("invalid", _first(errors), errors)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else str(response.data)
        response.data = error_body(_kind(response.status_code), str(detail))
    return response


def _drf_errors(data: Any) -> dict[str, Any]:
    if isinstance(data, dict):
        return {(NON_FIELD if key == "non_field_errors" else key): value for key, value in data.items()}
    return {NON_FIELD: data if isinstance(data, list) else [str(data)]}


def _first(errors: dict[str, Any]) -> str:
    for field, messages in errors.items():
        message = messages[0] if isinstance(messages, list) and messages else messages
        return str(message) if field == NON_FIELD else f"{field}: {message}"
    return "The request is not valid."


_KINDS = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    428: "precondition_required",
    429: "throttled",
}


def _kind(code: int) -> str:
    return _KINDS.get(code, "error")


def open_to_api_auth(patterns: Iterable[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """Let the API's own authentication answer: the site's login redirect is for pages, and a machine holding a
    token has no session. Every pattern is still closed to anyone the API's authentication does not know
    (`RolePermission` refuses an anonymous request with a 401 or 403 in the one error shape)."""
    patterns = list(patterns)
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            open_to_api_auth(pattern.url_patterns)
        else:
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns
