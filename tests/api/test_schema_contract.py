"""The API keeps its word: every operation of the OpenAPI schema, called by schemathesis with data drawn from the
schema (valid and not), as a physician's integration account, answers without a server error and as documented.

The schema is the one /api/schema/ serves, generated in the process, so an endpoint added to the API is tested
here without being listed. Each example runs in a transaction rolled back after it, so each starts from the same
records. Examples are drawn deterministically (CI's run is the same every time); CONTRACT_EXAMPLES digs deeper.
"""

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clinic.roles import Role
from tests import factories
from tests.api.helpers import bearer, integration_account, token_for

EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _served_schema() -> dict[str, Any]:
    """The schema /api/schema/ serves, as JSON."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return dict(json.loads(OpenApiJsonRenderer().render(generated)))


schema = schemathesis.openapi.from_dict(_served_schema())
schema.app = WSGIHandler()


@pytest.fixture
def physician_token(db: None) -> str:
    """A physician's integration account and its token, and records for the ids drawn to find: a patient near
    the lumbar ESI limit, with three procedures."""
    factories.near_esi_limit()
    return token_for(integration_account("contract", Role.PHYSICIAN))


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """Django closes the database connection after each request; the test's transaction lives on it (the test
    client keeps it open the same way)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case: Any, physician_token: str, connection_kept: None) -> None:
    with transaction.atomic():
        case.call_and_validate(headers=bearer(physician_token), checks=CHECKS)
        transaction.set_rollback(True)
