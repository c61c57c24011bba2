"""Every resource Pinpoint emits is valid FHIR R4 (it parses with fhir.resources' model of its type), says what the
record says in the codes docs/fhir.md names, and points only at resources the server answers for."""

import json
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.procedure import Procedure

from clinic.models import AccessLog
from fhir_r4 import build, codes
from tests.fhir.conftest import BASE, Clinic, get_json

MODELS: dict[str, Any] = {
    "Patient": Patient,
    "Practitioner": Practitioner,
    "Procedure": Procedure,
    "MedicationAdministration": MedicationAdministration,
    "Observation": Observation,
    "Appointment": Appointment,
}


@pytest.fixture
def physician_client(client: Client, physician: Any) -> Client:
    client.force_login(physician)
    return client


def _search_all(client: Client, type_name: str) -> list[dict[str, Any]]:
    response = client.get(BASE + type_name, {"_count": 200})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.type == "searchset"
    return [entry["resource"] for entry in json.loads(response.content).get("entry", [])]


def _references(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [ref for item in value.values() for ref in _references(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _references(item)]
    return []


@pytest.mark.parametrize("type_name", list(MODELS))
def test_every_resource_of_every_type_parses_with_the_r4_model_of_its_type(physician_client, clinic, type_name):
    resources = _search_all(physician_client, type_name)
    assert resources, f"the clinic has {type_name} resources"
    for resource in resources:
        parsed = MODELS[type_name].model_validate_json(json.dumps(resource))
        assert parsed.get_resource_type() == type_name
        status, read = get_json(physician_client, f"{type_name}/{resource['id']}")
        assert status == 200
        assert MODELS[type_name].model_validate(read) == parsed


@pytest.mark.parametrize("type_name", list(MODELS))
def test_every_reference_resolves_to_a_resource_the_server_answers_for(physician_client, clinic, type_name):
    for resource in _search_all(physician_client, type_name):
        for reference in _references(resource):
            target_type, _, target_id = reference.partition("/")
            status, target = get_json(physician_client, reference)
            assert status == 200, reference
            assert (target["resourceType"], target["id"]) == (target_type, target_id)


def test_a_patient_carries_the_mrn_name_birth_date_and_contact(physician_client, clinic: Clinic):
    _, patient = get_json(physician_client, f"Patient/{clinic.maria.pk}")
    assert patient["identifier"][0] | {"type": None} == {
        "use": "usual",
        "type": None,
        "system": codes.MRN,
        "value": "MRN-100",
    }
    assert patient["name"] == [{"use": "official", "family": "Lopez", "given": ["Maria"]}]
    assert (patient["birthDate"], patient["gender"], patient["active"]) == ("1961-04-02", "female", True)
    assert {"system": "email", "value": "maria@example.org"} in patient["telecom"]


def test_a_procedure_is_coded_in_cpt_for_its_region_with_its_levels_sides_physician_and_diagnoses(
    physician_client, clinic: Clinic, physician
):
    _, procedure = get_json(physician_client, f"Procedure/{clinic.esi.pk}")
    assert procedure["status"] == "completed"
    codings = {(c["system"], c["code"]) for c in procedure["code"]["coding"]}
    # Lumbar levels: the catalog's L/S code, not its C/T one, and no add-on code.
    assert codings == {(codes.PROCEDURE_TYPE, "esi-transforaminal"), (codes.CPT, "64483")}
    sites = [(s["coding"][0]["code"], s["extension"][0]["valueCodeableConcept"]) for s in procedure["bodySite"]]
    assert [code for code, _ in sites] == ["L4-L5", "L5-S1"]
    assert [side["coding"][0]["code"] for _, side in sites] == ["7771000", "51440002"]
    assert procedure["bodySite"][0]["extension"][0]["url"] == codes.LATERALITY_EXTENSION
    assert procedure["performer"][0]["actor"]["reference"] == f"Practitioner/{physician.pk}"
    assert [r["coding"][0] for r in procedure["reasonCode"]] == [
        {"system": codes.ICD10CM, "code": "M54.16"},
        {"system": codes.ICD10CM, "code": "M51.16"},
    ]


def test_a_voided_procedure_its_drugs_and_its_scores_are_entered_in_error(physician_client, clinic: Clinic):
    _, procedure = get_json(physician_client, f"Procedure/{clinic.voided.pk}")
    assert procedure["status"] == "entered-in-error"
    assert procedure["statusReason"] == {"text": "Wrong patient"}
    _, drugs = get_json(physician_client, "MedicationAdministration", {"patient": clinic.omar.pk})
    _, scores = get_json(physician_client, "Observation", {"patient": clinic.omar.pk})
    assert {entry["resource"]["status"] for entry in drugs["entry"] + scores["entry"]} == {"entered-in-error"}


def test_a_medication_administration_gives_the_drug_dose_in_mg_route_and_its_procedure(
    physician_client, clinic: Clinic
):
    medication = clinic.esi.medications.get(drug__name="Dexamethasone sodium phosphate")
    _, given = get_json(physician_client, f"MedicationAdministration/{medication.pk}")
    assert given["medicationCodeableConcept"]["text"] == "Dexamethasone sodium phosphate"
    assert given["dosage"]["dose"] == {"value": 10, "unit": "mg", "system": codes.UCUM, "code": "mg"}
    assert given["dosage"]["route"]["coding"][0] == {
        "system": codes.SNOMED,
        "code": "404820008",
        "display": "Epidural route",
    }
    assert given["partOf"] == [{"reference": f"Procedure/{clinic.esi.pk}"}]
    assert given["effectiveDateTime"].startswith(clinic.esi.performed_at.strftime("%Y-%m-%d"))


def test_the_scores_are_observations_coded_in_loinc_or_pinpoints_outcome_codes_and_part_of_their_procedure(
    physician_client, clinic: Clinic
):
    _, bundle = get_json(physician_client, "Observation", {"patient": clinic.maria.pk})
    found = {
        (entry["resource"]["code"]["coding"][0]["code"], entry["resource"]["code"]["text"]): entry["resource"]
        for entry in bundle["entry"]
    }
    nrs_before = found[("72514-3", "Pain before the procedure (NRS 0-10)")]
    assert (nrs_before["valueInteger"], nrs_before["code"]["coding"][0]["system"]) == (7, codes.LOINC)
    assert found[("72514-3", "Pain at follow-up (NRS 0-10)")]["valueInteger"] == 3
    assert found[("relief-percent", "Relief after the procedure (%)")]["valueQuantity"]["value"] == 80
    assert found[("relief-percent", "Relief since the procedure at follow-up (%)")]["valueQuantity"]["value"] == 60
    assert found[("odi", "Oswestry Disability Index at follow-up")]["valueQuantity"]["value"] == (
        clinic.follow_up.odi_score
    )
    pgic = found[("pgic", "Patient Global Impression of Change at follow-up")]["valueCodeableConcept"]
    assert pgic["coding"][0] == {"system": codes.PGIC, "code": "2", "display": "Much improved"}
    assert {tuple(o["partOf"][0].values()) for o in found.values()} == {(f"Procedure/{clinic.esi.pk}",)}
    assert {o["status"] for o in found.values()} == {"final"}


def test_an_appointment_names_its_patient_physician_times_and_status(physician_client, clinic: Clinic, physician):
    _, visit = get_json(physician_client, f"Appointment/{clinic.visit.pk}")
    assert visit["status"] == "booked"
    assert visit["description"] == "Transforaminal ESI L4-L5 left"
    actors = [participant["actor"]["reference"] for participant in visit["participant"]]
    assert actors == [f"Patient/{clinic.maria.pk}", f"Practitioner/{physician.pk}"]
    assert visit["minutesDuration"] == 20


@pytest.mark.parametrize(
    "path",
    ["Patient/999999", "Procedure/abc", "Observation/procedure-nrs-before-999999", "Observation/12", "Nothing/1"],
)
def test_an_unknown_resource_is_a_404_operation_outcome(physician_client, clinic, path):
    response = physician_client.get(BASE + path)
    assert response.status_code == 404
    outcome = OperationOutcome.model_validate_json(response.content)
    assert outcome.issue[0].code == "not-found"


def test_a_read_records_the_patients_record_in_the_access_log(physician_client, clinic: Clinic, physician):
    physician_client.get(f"{BASE}Procedure/{clinic.esi.pk}")
    physician_client.get(f"{BASE}Patient/{clinic.maria.pk}")
    entries = list(AccessLog.objects.order_by("id").values_list("user_id", "kind", "patient_id"))
    assert entries == [
        (physician.pk, AccessLog.Kind.PROCEDURE, clinic.maria.pk),
        (physician.pk, AccessLog.Kind.CHART, clinic.maria.pk),
    ]


def test_a_search_page_records_each_patient_it_showed_once(physician_client, clinic: Clinic):
    physician_client.get(f"{BASE}Observation")
    assert set(AccessLog.objects.values_list("kind", "patient_id")) == {
        (AccessLog.Kind.PROCEDURE, clinic.maria.pk),
        (AccessLog.Kind.FOLLOW_UP, clinic.maria.pk),
        (AccessLog.Kind.PROCEDURE, clinic.omar.pk),
    }
    assert AccessLog.objects.count() == 3


def test_a_client_asking_for_fhir_json_gets_it_and_one_asking_for_xml_is_told_no(physician_client, clinic):
    assert physician_client.get(BASE + "Patient", headers={"Accept": "application/fhir+json"}).status_code == 200
    refused = physician_client.get(BASE + "Patient", headers={"Accept": "application/fhir+xml"})
    assert refused.status_code == 406
    assert OperationOutcome.model_validate_json(refused.content).issue[0].code == "not-supported"


@pytest.mark.parametrize(
    ("catalog", "groups"),
    [
        ("64479, +64480 (C/T); 64483, +64484 (L/S)", [("cervicothoracic", ["64479"]), ("lumbosacral", ["64483"])]),
        (
            "62320/62321 (C/T), 62322/62323 (L/S)",
            [("cervicothoracic", ["62320", "62321"]), ("lumbosacral", ["62322", "62323"])],
        ),
        ("62367–62369", [(None, ["62367", "62368", "62369"])]),
        ("20552 (1–2 muscles), 20553 (3 or more)", [(None, ["20552", "20553"])]),
        ("", []),
    ],
)
def test_the_catalogs_cpt_codes_are_read_by_region_without_add_ons(catalog, groups):
    assert [(region and region.value, found) for region, found in build.cpt_groups(catalog)] == groups


def test_a_pretty_read_is_indented(physician_client, clinic: Clinic):
    response = physician_client.get(f"{BASE}Patient/{clinic.maria.pk}", {"_pretty": "true"})
    assert response.content.decode().startswith('{\n  "resourceType": "Patient"')


def test_diagnoses_that_read_as_icd10_codes_are_coded_and_the_rest_kept_as_text():
    assert build.diagnoses("m54.16,  lumbar  radiculopathy ,, G89.29") == [
        {"coding": [{"system": codes.ICD10CM, "code": "M54.16"}], "text": "m54.16"},
        {"text": "lumbar  radiculopathy"},
        {"coding": [{"system": codes.ICD10CM, "code": "G89.29"}], "text": "G89.29"},
    ]
