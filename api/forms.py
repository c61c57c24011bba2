"""The pages' own forms, filled from JSON: one set of rules for a record however it arrives.

A record written through the API is read by the same form as on its page (`PatientForm`, the procedure entry), so
the same input is refused with the same message, a default is the page's default, and the same values reach the
same service. The API's serializers check only the JSON's types; this module turns their values into what a
browser would post, and the form's errors back into the API's field names.
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from django.http import QueryDict
from rest_framework import exceptions
from rest_framework.request import Request

from clinic.rest import NON_FIELD
from patients.models import Patient


def acting_user(request: Request) -> User:
    """The account the request acts as (a token's owner, or the signed-in user), typed as the services record it."""
    user = request.user
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated()
    return user


def json_object(request: Request) -> dict[str, Any]:
    """The body, which must be a JSON object."""
    if not isinstance(request.data, dict):
        raise exceptions.ValidationError({NON_FIELD: ["Send a JSON object."]})
    return dict(request.data)


def body_patient(values: dict[str, Any]) -> Patient:
    """The patient a body names (popped from its validated `values`), with the payer the limit rules read."""
    patient = Patient.objects.select_related("payer").filter(pk=values.pop("patient")).first()
    if patient is None:
        raise exceptions.ValidationError({"patient": ["No such patient."]})
    return patient


def posted(value: Any) -> str:
    """One value as a browser posts it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"  # what Django's checkbox reads as True and False
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def form_data(values: Mapping[str, Any], rows: Mapping[str, Iterable[Mapping[str, Any]]] | None = None) -> QueryDict:
    """A form's POST: `values` by field name (a list posts each item under the name), and each named list of
    `rows` as the numbered rows of a formset-like entry (`site-0-place`, `site-0-side`, …)."""
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if isinstance(value, list | tuple):
            data.setlist(name, [posted(item) for item in value])
        else:
            data[name] = posted(value)
    for prefix, items in (rows or {}).items():
        for number, row in enumerate(items):
            for name, value in row.items():
                data[f"{prefix}-{number}-{name}"] = posted(value)
    return data


def form_errors(form: forms.BaseForm, prefix: str = "", names: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """A form's errors by the API's field names: `prefix` before each (a row's position), `names` renaming."""
    found: dict[str, list[str]] = {}
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            key = prefix.rstrip(".") or NON_FIELD
        else:
            key = f"{prefix}{(names or {}).get(name, name)}"
        found.setdefault(key, []).extend(str(error) for error in errors)
    return found


def refuse(errors: dict[str, list[str]]) -> ValidationError:
    """The errors as the exception the API answers with a 400 in the one error shape."""
    return ValidationError(
        {key: [ValidationError(message) for message in messages] for key, messages in errors.items()}
    )


_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


def given_version(request: Request, body_version: int | None) -> int | None:
    """The version a write was based on: the If-Match header (an ETag of a read: `"3"`, `W/"3"` or 3) or `version`
    in the body, which must agree when both are sent; None when neither is (`*` names no version)."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return body_version
    found = _ETAG.match(header)
    if found is None or int(found[1]) < 1:
        raise ValidationError({"If-Match": 'Send the ETag of the version read, e.g. "3".'})
    version = int(found[1])
    if body_version is not None and body_version != version:
        raise ValidationError({"version": f"The body says version {body_version} and If-Match says {version}."})
    return version


def opened_version(request: Request, body_version: int | None) -> int:
    """The version a correction was made from (`given_version`). A correction without one is refused (428): it
    would overwrite whatever changed since it was read."""
    version = given_version(request, body_version)
    if version is None:
        raise MissingVersion()
    return version


class MissingVersion(exceptions.APIException):
    """A correction that names no version."""

    status_code = 428
    default_code = "precondition_required"
    default_detail = (
        "Send the version this correction was made from: the ETag of the record as read, in If-Match, "
        "or `version` in the body."
    )
