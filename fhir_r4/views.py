"""Read and search (`GET /fhir/R4/<Type>/<id>`, `GET /fhir/R4/<Type>?...`) and the CapabilityStatement.

Each type's route reads one resource when it names an id and searches otherwise. Access is the role matrix's,
per type (`fhir_r4.types`), checked by `clinic.rest.RolePermission` before the view runs; reads and search pages are
recorded in the read-access log (`fhir_r4.audit`).
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from fhir_r4 import search
from fhir_r4.audit import log_reads
from fhir_r4.outcome import FhirJsonRenderer, FhirNegotiation, exception_handler, respond
from fhir_r4.params import SearchError
from fhir_r4.types import TYPES, ResourceType

FHIR_VERSION = "4.0.1"
BULK_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
PATIENT_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"


class FhirView(APIView):
    """REST framework's authentication and permissions, FHIR's media type and its errors."""

    renderer_classes = [FhirJsonRenderer, JSONRenderer]
    content_negotiation_class = FhirNegotiation
    parser_classes: list[Any] = []
    # Not in the REST API's OpenAPI schema: FHIR describes itself (the CapabilityStatement at /fhir/R4/metadata).
    schema = None

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], HttpResponse | None]:
        return exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # A write to a read-only endpoint is a 405, not the access check's 403 for an action no role is given.
        method = (request.method or "").lower()
        if method not in ("options", "head") and not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method or "")
        super().initial(request, *args, **kwargs)


def base_url(request: Request) -> str:
    """The service base, e.g. https://clinic.example/fhir/R4/, as the client reached it."""
    return request.build_absolute_uri(reverse("fhir_r4:metadata")).removesuffix("metadata")


class ResourceView(FhirView):
    resource_type: ResourceType | None = None

    @property
    def kind(self) -> ResourceType:
        assert self.resource_type is not None, "route a ResourceView with as_view(resource_type=...)"
        return self.resource_type

    @property
    def permissions(self) -> dict[str, str]:
        return {"get": self.kind.permission, "head": self.kind.permission}

    def get(self, request: Request, resource_id: str | None = None) -> HttpResponse:
        if resource_id is None:
            return self.search(request)
        kind = self.kind
        for name in request.query_params:
            if name not in ("_format", "_pretty"):
                raise SearchError(f"{name}: a read takes no parameters but _format and _pretty.")
        search.check_format(request.query_params)
        found = kind.read(resource_id)
        if found is None:
            raise exceptions.NotFound(f"{kind.name}/{resource_id} is not known to this server.")
        source, row = found
        log_reads(request, [found])
        return respond(source.build(row), pretty=_pretty(request))

    def search(self, request: Request) -> HttpResponse:
        kind = self.kind
        results = search.run(kind, request.query_params)
        base = base_url(request)
        entries = []
        for source, row in results.rows:
            resource = source.build(row)
            entries.append(
                {"fullUrl": f"{base}{kind.name}/{resource.id}", "resource": resource, "search": {"mode": "match"}}
            )
        log_reads(request, results.rows)
        return respond(
            Bundle.model_validate(
                {
                    "type": "searchset",
                    "total": results.total,
                    "link": _links(request, results),
                    "entry": entries or None,
                }
            ),
            pretty=_pretty(request),
        )


def _pretty(request: Request) -> bool:
    return request.query_params.get("_pretty") == "true"


def _links(request: Request, results: search.Results) -> list[dict[str, str]]:
    def page(number: int) -> str:
        query = request.query_params.copy()
        query["_page"] = str(number)
        query["_count"] = str(results.count)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    links = [{"relation": "self", "url": request.build_absolute_uri()}]
    if results.page > 1:
        links.append({"relation": "previous", "url": page(results.page - 1)})
    if results.has_next:
        links.append({"relation": "next", "url": page(results.page + 1)})
    return links


class MetadataView(FhirView):
    """The CapabilityStatement, open to anyone: FHIR clients read it before they sign in, and it names no patient."""

    permission_classes: list[Any] = []

    def get(self, request: Request) -> HttpResponse:
        search.check_format(request.query_params)
        return respond(capability_statement(base_url(request)), pretty=_pretty(request))


def _resource(kind: ResourceType) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": kind.name,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            {"name": param.name, "type": param.type, "documentation": param.documentation}
            for param in kind.params.values()
        ],
    }
    if kind.name == "Patient":
        entry["operation"] = [{"name": "export", "definition": PATIENT_EXPORT}]
    return entry


def capability_statement(base: str) -> CapabilityStatement:
    return CapabilityStatement.model_validate(
        {
            "status": "active",
            "date": timezone.now(),
            "publisher": "Pinpoint",
            "kind": "instance",
            "software": {"name": "Pinpoint"},
            "implementation": {"description": "Pinpoint interventional pain clinic records", "url": base},
            "fhirVersion": FHIR_VERSION,
            "format": ["json", "application/fhir+json"],
            "rest": [
                {
                    "mode": "server",
                    "documentation": "Reads and searches need a signed-in session or an API token (Authorization: "
                    "Bearer) of a role the clinic's role matrix allows for the type; this statement is open.",
                    "security": {"cors": False, "description": "Session or bearer token; the role matrix per type."},
                    "resource": [_resource(kind) for kind in TYPES.values()],
                    "searchParam": [
                        {"name": "_count", "type": "number", "documentation": "Page size, 0 to 200 (50 by default)."},
                        {"name": "_page", "type": "number", "documentation": "The page, from 1."},
                    ],
                    "operation": [{"name": "export", "definition": BULK_EXPORT}],
                }
            ],
        }
    )


class UnknownView(FhirView):
    """Any other path under /fhir/R4/: FHIR's 404, an OperationOutcome, rather than the site's HTML page."""

    permission_classes: list[Any] = []

    def get(self, request: Request) -> HttpResponse:
        raise exceptions.NotFound(f"{request.path} is not a resource type or operation this server has.")
