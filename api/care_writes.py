"""What the care endpoints share: the version a write was based on, a page form's refusal, the acting user, and
how the schema describes ids, versions and errors.

Versions. Every appointment and follow-up carries `version` (one more on every saved change). A read returns it,
and a retrieve also as the `ETag` header (`"3"`). A write may say which version it was based on, in `If-Match`
or in the body's `version`; the service refuses it with a 409 if the record changed since (`StaleEdit`). A write
that names no version applies to the record as it is now, as the pages' one-click buttons do.

Forms. The API's input is typed by its serializer for the schema, then handed to the form the page posts, so the
same rules refuse it with the same message, keyed by the same field name.
"""

import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.concurrency import take_version

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='The version the write is based on, as the ETag gave it ("3"); a changed record answers 409.',
)
ETAG = "ETag"
ETAG_HEADER = OpenApiParameter(
    ETAG,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The record\'s version, quoted ("3"): send it back in `If-Match`.',
)
# Any path segment reaches the view, which answers a non-number with the API's own 404 (JSON, in the one error
# shape) rather than the site's HTML page; the schema still says the id is an integer.
RECORD_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The record's id.")
DETAIL = [RECORD_ID, ETAG_HEADER]
DETAIL_WRITE = [RECORD_ID, IF_MATCH, ETAG_HEADER]
# Ids as the schema gives them: a larger number is a typing slip, not a record.
MAX_ID = 2**31 - 1
# `"3"`, `W/"3"` or a bare 3: the version alone, whatever a client library makes of the ETag.
_TAG = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(response: Response, version: int) -> Response:
    response[ETAG] = etag(version)
    return response


def acting_user(request: Request) -> User:
    """The signed-in member of staff (or integration user) making the request, as the services record it.
    `clinic.rest.RolePermission` has let no one else this far."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


def opened_version(request: Request, data: dict[str, Any]) -> int | None:
    """The version the write is based on: `If-Match` or the body's `version` (both must agree), else None."""
    body: int | None = data.get("version")
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return body
    match = _TAG.match(header)
    if match is None:
        raise ValidationError({"If-Match": 'Give the version as the ETag gave it, e.g. "3".'})
    version = int(match.group(1))
    if body is not None and body != version:
        raise ValidationError({"version": f"The body says version {body} and If-Match says {version}."})
    return version


def version_checked(record: Model, request: Request, given: dict[str, Any]) -> None:
    """For a service that takes no version: lock the record and refuse the write (409) if it changed since the
    version the client read. Called in the service's transaction, which then writes the change itself."""
    version = opened_version(request, given)
    if version is not None:
        take_version(record, version)


def refuse_unless_valid(form: forms.Form) -> None:
    """The form's own errors as a 400 (`clinic.rest.exception_handler`): its field names, its messages."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())


# The one error shape (`clinic.rest.error_body`), described once for every care endpoint's schema.
ERROR = inline_serializer(
    "CareError",
    {
        "type": serializers.CharField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)
STALE = inline_serializer(
    "CareConflict",
    {
        "type": serializers.CharField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        "version": serializers.IntegerField(help_text="The record's version now."),
    },
)


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error responses an endpoint can give, each in the one shape; every endpoint can answer 401 and 403."""
    codes = tuple(sorted({*codes, 401, 403}))
    described = {
        400: "Invalid input: `errors` names each field and what is wrong with it.",
        401: "No valid credentials (where the API offers a token scheme).",
        403: "Not signed in, or the user's role may not do this.",
        404: "No such record.",
        409: "The record changed since the version given.",
    }
    return {code: OpenApiResponse(STALE if code == 409 else ERROR, description=described[code]) for code in codes}
