"""What the care endpoints' writes share: the version a write was based on, and a page form's refusal.

Versions. Every appointment and follow-up carries `version` (one more on every saved change). A read returns it,
and a retrieve also as the `ETag` header (`"3"`). A write may say which version it was based on, in `If-Match`
or in the body's `version` (`api.forms.given_version`); the service refuses it with a 409 if the record changed
since (`StaleEdit`). A write that names no version applies to the record as it is now, as the pages' one-click
buttons do (a correction of a patient or a procedure must name one: `api.forms.opened_version`).

Forms. The API's input is typed by its serializer for the schema, then handed to the form the page posts, so the
same rules refuse it with the same message, keyed by the same field name.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from api.forms import etag, given_version
from api.openapi import ETAG, IF_MATCH
from clinic.concurrency import take_version

# Any path segment reaches the view, which answers a non-number with the API's own 404 (JSON, in the one error
# shape) rather than the site's HTML page; the schema still says the id is an integer.
RECORD_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The record's id.")
DETAIL = [RECORD_ID, ETAG]
DETAIL_WRITE = [RECORD_ID, IF_MATCH, ETAG]


def with_etag(response: Response, version: int) -> Response:
    response["ETag"] = etag(version)
    return response


def opened_version(request: Request, data: dict[str, Any]) -> int | None:
    """The version the write is based on, if it names one."""
    return given_version(request, data.get("version"))


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
