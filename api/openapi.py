"""The OpenAPI schema's shared parts: the one error shape, documented on every operation, and the version header.

`AutoSchema` (settings `REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]`) adds the error responses each operation can give
to whatever the view documents itself, so an endpoint added later is documented with them without saying so:
401 and 403 (the role matrix, `clinic.rest.RolePermission`), 400 (a bad query or body), 404, and for writes 409
(a stale version, a possible duplicate) and 415; for corrections 428 (no version sent). The bodies are
`clinic.rest.error_body`'s shape.
"""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_serializer,
)
from rest_framework import serializers

from clinic.rest import NON_FIELD


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A field's error",
            value={
                "type": "invalid",
                "detail": "override_reason: This procedure passes a hard limit. Give the clinical reason to go ahead, "
                "or change the plan. (…)",
                "errors": {"override_reason": ["This procedure passes a hard limit. (…)"]},
            },
            response_only=True,
        )
    ]
)
class ErrorSerializer(serializers.Serializer[Any]):
    """Every error: `type` names the kind, `detail` says it in a sentence, `errors` lists messages by field."""

    type = serializers.CharField(help_text="invalid, not_authenticated, forbidden, not_found, conflict, …")
    detail = serializers.CharField(help_text="The first problem, in plain words.")
    # Serializer's own `errors` is the attribute a field of that name shadows: this class only describes the body.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        help_text=f"Messages by field name; `{NON_FIELD}` for the request as a whole. A row of a list is named "
        "by its position, e.g. `sites.0.side`.",
    )
    version = serializers.IntegerField(
        required=False, help_text="On a 409 for a stale version: the record's version now."
    )


ERROR_DESCRIPTIONS = {
    400: "The request is not valid: `errors` names each field and what is wrong with it.",
    401: "No credentials, or a token that is not valid, was revoked, or whose account is not active.",
    403: "The signed-in account's roles do not allow this.",
    404: "No such record, or no such page of a list.",
    409: "A conflict: the record changed since the version sent, or the registry already holds this person.",
    415: "The body is not JSON.",
    428: "A correction without the version it was made from: send If-Match (the ETag of the read) or `version`.",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CORRECTION_METHODS = {"PUT", "PATCH"}


def error_response(code: int) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])


def error_codes(method: str) -> list[int]:
    codes = [400, 401, 403, 404]
    if method in WRITE_METHODS:
        codes += [409, 415]
    if method in CORRECTION_METHODS:
        codes.append(428)
    return codes


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the error responses of `error_codes` on every operation."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        bodies: dict[str, Any] = super()._get_response_bodies(direction)
        for code in error_codes(self.method):
            bodies.setdefault(str(code), self._get_response_for_code(error_response(code), str(code)))  # type: ignore[no-untyped-call]
        return bodies


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """`clinic.tokens.BearerTokenAuthentication` in the schema (drf-spectacular finds it by its class path)."""

    target_class = "clinic.tokens.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token an administrator created for an integration account.",
        }


ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200, 201],
    description='The record\'s version, e.g. `"3"`: send it back as If-Match to correct the record.',
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description='The ETag of the version the correction was made from, e.g. `"3"` (or send `version` in the body).',
)
