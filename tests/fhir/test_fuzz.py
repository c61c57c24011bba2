"""No value of any search parameter, of any type, gives a server error: each answers 200 or a 400 OperationOutcome.

Values are what clients and scripts send (NUL bytes, huge and negative numbers, calendar edges, stray prefixes and
separators, other systems' tokens), drawn for every parameter the CapabilityStatement lists, each with a modifier
now and then."""

import os
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhir_r4.types import TYPES
from tests.fhir.conftest import BASE

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
NASTY = [
    "",
    ",",
    "\\,",
    "|",
    "a|",
    "|b",
    "\x00",
    "x" * 5000,
    "9" * 400,
    "-1",
    "0",
    "1e309",
    "NaN",
    "²",
    "١٢",
    "0001-01-01",
    "9999-12-31",
    "ge9999-12-31",
    "lt0001-01-01",
    "2025-13-01",
    "2025-02-29T25:61",
    "2025-01-01T10:00:00+99:99",
    "2025-01-01T10:00:00Z",
    "eq2025",
    "sa2025",
    "Patient/",
    "Patient/1",
    "Practitioner/1",
    "Procedure/1",
    "http://loinc.org|72514-3",
    "http://www.ama-assn.org/go/cpt|64483",
    "procedure-nrs-before-1",
    "follow-up-odi-99999999999999999999",
]
VALUE = st.one_of(st.sampled_from(NASTY), st.text(max_size=20))
MODIFIER = st.sampled_from(["", "", "", ":exact", ":contains", ":missing", ":not", ":"])


@pytest.mark.parametrize("type_name", list(TYPES))
def test_no_search_value_gives_a_server_error(client, clinic, physician, type_name):
    client.force_login(physician)
    names = [*TYPES[type_name].params, "_count", "_page", "_format", "_pretty", "unknown"]

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(
        query=st.dictionaries(
            st.tuples(st.sampled_from(names), MODIFIER), st.lists(VALUE, min_size=1, max_size=2), max_size=3
        )
    )
    def fuzz(query: dict[tuple[str, str], list[str]]) -> None:
        data: dict[str, Any] = {f"{name}{modifier}": values for (name, modifier), values in query.items()}
        with transaction.atomic():
            response = client.get(BASE + type_name, data)
            transaction.set_rollback(True)
        assert response.status_code in (200, 400), response.content[:300]
        if response.status_code == 400:
            assert response.json()["resourceType"] == "OperationOutcome"

    fuzz()
