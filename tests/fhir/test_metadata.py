"""The CapabilityStatement: FHIR 4.0.1, JSON, and for each type exactly the interactions and search parameters the
server implements; open before sign-in, as FHIR clients read it first."""

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from fhir_r4.types import TYPES
from tests.fhir.conftest import BASE


def test_the_capability_statement_lists_what_the_server_does(client, db):
    response = client.get(BASE + "metadata")
    assert response.status_code == 200
    CapabilityStatement.model_validate_json(response.content)
    statement = response.json()
    assert (statement["fhirVersion"], statement["kind"], statement["status"]) == ("4.0.1", "instance", "active")
    assert "json" in statement["format"]
    assert statement["implementation"]["url"] == "http://testserver/fhir/R4/"
    rest = statement["rest"][0]
    assert rest["mode"] == "server"
    resources = {resource["type"]: resource for resource in rest["resource"]}
    assert list(resources) == list(TYPES)
    for name, resource in resources.items():
        assert [interaction["code"] for interaction in resource["interaction"]] == ["read", "search-type"]
        assert [param["name"] for param in resource["searchParam"]] == list(TYPES[name].params)
    assert [operation["name"] for operation in resources["Patient"]["operation"]] == ["export"]
    assert [operation["name"] for operation in rest["operation"]] == ["export"]
