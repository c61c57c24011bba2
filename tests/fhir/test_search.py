"""Searches return exactly the matching resources, a page at a time with `next` links, at a cost that does not grow
with the clinic; a search the server cannot answer as asked is a 400 OperationOutcome that names the parameter."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.operationoutcome import OperationOutcome

from fhir_r4 import codes
from scheduling.models import VisitType
from tests import factories
from tests.fhir.conftest import BASE, Clinic, get_json
from tests.scheduling.helpers import at, book, next_weekday


@pytest.fixture
def physician_client(client: Client, physician: Any) -> Client:
    client.force_login(physician)
    return client


def ids(client: Client, type_name: str, **query: Any) -> list[str]:
    status, bundle = get_json(client, type_name, query)
    assert status == 200, bundle
    return [entry["resource"]["id"] for entry in bundle.get("entry", [])]


def test_patients_are_found_by_mrn_name_birth_date_and_id(physician_client, clinic: Clinic):
    maria, omar = str(clinic.maria.pk), str(clinic.omar.pk)
    assert ids(physician_client, "Patient", identifier="MRN-100") == [maria]
    assert ids(physician_client, "Patient", identifier=f"{codes.MRN}|MRN-100") == [maria]
    assert ids(physician_client, "Patient", identifier="http://other.example/mrn|MRN-100") == []
    assert ids(physician_client, "Patient", name="ali") == [omar]
    assert ids(physician_client, "Patient", name="LOP") == [maria]
    assert ids(physician_client, "Patient", name="opez") == []
    assert ids(physician_client, "Patient", **{"name:contains": "opez"}) == [maria]
    assert ids(physician_client, "Patient", birthdate="1970-05-06") == [omar]
    assert ids(physician_client, "Patient", birthdate="1961") == [maria]
    assert ids(physician_client, "Patient", birthdate="lt1965-01-01") == [maria]
    assert ids(physician_client, "Patient", _id=f"{maria},{omar}") == [maria, omar]


def test_procedures_are_found_by_patient_date_code_performer_and_status(physician_client, clinic: Clinic, physician):
    esi, voided = str(clinic.esi.pk), str(clinic.voided.pk)
    assert ids(physician_client, "Procedure", patient=f"Patient/{clinic.maria.pk}") == [esi]
    assert ids(physician_client, "Procedure", subject=clinic.omar.pk) == [voided]
    performed = timezone.localdate(clinic.esi.performed_at).isoformat()
    assert ids(physician_client, "Procedure", date=performed) == [esi]
    assert ids(physician_client, "Procedure", date=f"gt{performed}") == [voided]
    assert ids(physician_client, "Procedure", date=[f"ge{performed}", f"le{performed}"]) == [esi]
    assert ids(physician_client, "Procedure", code="64483") == [esi]
    assert ids(physician_client, "Procedure", code=f"{codes.CPT}|64483") == [esi]
    # The type's cervical code does not match a lumbar procedure.
    assert ids(physician_client, "Procedure", code="64479") == []
    assert ids(physician_client, "Procedure", code=f"{codes.PROCEDURE_TYPE}|mbb") == [voided]
    assert ids(physician_client, "Procedure", code="64483,mbb") == [esi, voided]
    assert ids(physician_client, "Procedure", performer=f"Practitioner/{physician.pk}") == [esi, voided]
    assert ids(physician_client, "Procedure", status="entered-in-error") == [voided]


def test_drugs_and_scores_are_found_by_patient_and_scores_by_code_date_and_procedure(physician_client, clinic: Clinic):
    drugs = [str(m.pk) for m in clinic.esi.medications.order_by("pk")]
    assert ids(physician_client, "MedicationAdministration", patient=clinic.maria.pk) == drugs
    nrs = ids(physician_client, "Observation", code=f"{codes.LOINC}|72514-3", patient=clinic.maria.pk)
    assert nrs == [
        f"procedure-nrs-before-{clinic.esi.pk}",
        f"procedure-nrs-after-{clinic.esi.pk}",
        f"follow-up-nrs-{clinic.follow_up.pk}",
    ]
    assert ids(physician_client, "Observation", code="odi") == [f"follow-up-odi-{clinic.follow_up.pk}"]
    recorded = timezone.localdate(clinic.follow_up.recorded_at).isoformat()
    on_call = ids(physician_client, "Observation", date=recorded, patient=clinic.maria.pk)
    assert on_call
    assert all(found.startswith("follow-up-") for found in on_call)
    assert ids(physician_client, "Observation", **{"part-of": f"Procedure/{clinic.voided.pk}"}) == [
        f"procedure-nrs-before-{clinic.voided.pk}"
    ]


def test_appointments_are_found_by_patient_practitioner_date_and_status(physician_client, clinic: Clinic, physician):
    visit = str(clinic.visit.pk)
    day = timezone.localdate(clinic.visit.starts_at).isoformat()
    assert ids(physician_client, "Appointment", patient=clinic.maria.pk) == [visit]
    assert ids(physician_client, "Appointment", patient=clinic.omar.pk) == []
    assert ids(physician_client, "Appointment", practitioner=physician.pk, date=day) == [visit]
    assert ids(physician_client, "Appointment", date=f"lt{day}") == []
    assert ids(physician_client, "Appointment", status="booked") == [visit]
    assert ids(physician_client, "Appointment", status="cancelled") == []


def test_practitioners_are_the_physicians_found_by_name(physician_client, clinic, physician, nurse):
    assert ids(physician_client, "Practitioner") == [str(physician.pk)]
    assert ids(physician_client, "Practitioner", name="pau") == [str(physician.pk)]
    assert ids(physician_client, "Practitioner", name="nora") == []
    assert get_json(physician_client, f"Practitioner/{nurse.pk}")[0] == 404


def test_a_search_pages_with_count_and_links_to_the_next_and_previous_page(physician_client, clinic: Clinic):
    status, first = get_json(physician_client, "Observation", {"_count": 3})
    assert (status, first["total"], len(first["entry"])) == (200, 8, 3)
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert set(links) == {"self", "next"}
    seen = [entry["resource"]["id"] for entry in first["entry"]]
    url = links["next"]
    while url:
        _, page = get_json(physician_client, url)
        seen += [entry["resource"]["id"] for entry in page["entry"]]
        relations = {link["relation"]: link["url"] for link in page["link"]}
        assert "previous" in relations
        url = relations.get("next")
    assert len(seen) == len(set(seen)) == 8
    _, count_only = get_json(physician_client, "Observation", {"_count": 0})
    assert (count_only["total"], count_only.get("entry")) == (8, None)
    assert [link["relation"] for link in count_only["link"]] == ["self"]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"colour": "red"}, "colour: not a search parameter of Procedure"),
        ({"date": "yesterday"}, "date: 'yesterday' is not a FHIR date"),
        ({"date": "2025-02-30"}, "date: '2025-02-30' is not a date on the calendar"),
        ({"date": "ap2025-01-01"}, "date: the 'ap' prefix is not supported"),
        ({"date": "9999-12-31"}, "date: '9999-12-31' is not a date on the calendar"),
        ({"patient": "Practitioner/1"}, "patient: a reference to a Patient is expected"),
        ({"patient": "not an id"}, "patient: 'not an id' is not a resource id"),
        ({"patient": ""}, "patient: give a value"),
        ({"code": "http://loinc.org|"}, "code: give a code after the '|'"),
        ({"code:text": "esi"}, "code: the ':text' modifier is not supported"),
        ({"_count": "500"}, "_count: give a whole number from 0 to 200"),
        ({"_count": "-1"}, "_count: give a whole number from 0 to 200"),
        ({"_page": "0"}, "_page: give a whole number from 1 to"),
        ({"_format": "xml"}, "_format: this server speaks JSON only"),
        ({"format": "xml"}, "format: not a search parameter of Procedure"),
    ],
)
def test_a_search_the_server_cannot_answer_is_a_400_that_names_the_parameter(physician_client, clinic, query, names):
    response = physician_client.get(BASE + "Procedure", query)
    assert response.status_code == 400
    issue = OperationOutcome.model_validate_json(response.content).issue[0]
    assert issue.severity == "error"
    assert str(issue.diagnostics).startswith(names)


def test_a_read_takes_no_search_parameters(physician_client, clinic: Clinic):
    status, outcome = get_json(physician_client, f"Patient/{clinic.maria.pk}", {"name": "x"})
    assert status == 400
    assert outcome["issue"][0]["diagnostics"].startswith("name: a read takes no parameters")


def _more_clinic(size: int, physician: Any) -> None:
    for number in range(size):
        patient = factories.patient(first_name=f"P{number}", last_name="Many")
        on = timezone.localdate() - datetime.timedelta(days=30 + number)
        factories.procedure(patient, on=on, physician=physician, nrs_pre=5, nrs_post=2)
        book(
            patient,
            physician,
            at(next_weekday() + datetime.timedelta(weeks=number + 1), 10),
            visit_type=VisitType.FOLLOW_UP,
        )


# Per search page: the session, the user with their permissions (2), then the count(s), the page, the relations its
# builder reads and one access-log INSERT. Observation counts each of its 8 measures.
PAGE_QUERIES = {
    "Patient": 5,
    "Practitioner": 4,
    "Procedure": 6,
    "MedicationAdministration": 5,
    "Observation": 12,
    "Appointment": 4,
}


@pytest.mark.parametrize(("type_name", "expected"), PAGE_QUERIES.items())
def test_a_search_page_costs_the_same_queries_in_a_small_and_a_larger_clinic(
    physician_client, clinic, physician, django_assert_num_queries, type_name, expected
):
    # One resource a page: the page is read from the same source (Observation has one per measure) at both sizes.
    with django_assert_num_queries(expected):
        assert physician_client.get(BASE + type_name, {"_count": 1}).status_code == 200
    _more_clinic(6, physician)
    with django_assert_num_queries(expected):
        assert physician_client.get(BASE + type_name, {"_count": 1}).status_code == 200


def test_a_code_that_rules_out_a_measure_costs_no_count_of_it(physician_client, clinic, django_assert_num_queries):
    with django_assert_num_queries(5):
        assert physician_client.get(BASE + "Observation", {"code": "odi"}).status_code == 200
