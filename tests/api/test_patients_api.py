"""/api/v1/patients/: the search box's search, a chart-like read (in the read-access log, with its version as
ETag), registration through the registration form with its duplicate check, and corrections made from a version."""

import datetime

import pytest
from django.urls import reverse

from clinic.models import AccessLog
from patients import services
from patients.models import Patient
from tests import factories
from tests.api.helpers import api_patch, api_post

pytestmark = pytest.mark.django_db

INES = {"first_name": "Inés", "last_name": "Ortega", "date_of_birth": "1970-03-04", "sex": "F"}


def search(client, auth, **query):
    response = client.get(reverse("api:patient-list"), query, headers=auth)
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_search_finds_as_the_search_box_does(client, auth):
    factories.patient(first_name="José", last_name="Núñez", date_of_birth=datetime.date(1950, 1, 2))
    factories.patient(first_name="Ana", last_name="Silva")
    found = search(client, auth, q="nunez jose")
    assert [row["last_name"] for row in found["results"]] == ["Núñez"]
    assert search(client, auth, q="01/02/1950")["count"] == 1
    assert search(client, auth)["count"] == 2


def test_archived_patients_are_found_only_when_asked_for(client, auth):
    patient = factories.patient()
    services.patient_archive(patient=patient, reason="Moved away")
    assert search(client, auth)["count"] == 0
    assert search(client, auth, archived="true")["count"] == 1


def test_the_search_is_paged(client, auth):
    for number in range(3):
        factories.patient(first_name=f"Ana{'a' * number}", last_name="Silva")
    first = search(client, auth, q="silva", page_size=2)
    assert (first["count"], len(first["results"]), first["previous"]) == (3, 2, None)
    second = client.get(first["next"], headers=auth).json()
    assert (len(second["results"]), second["next"]) == (1, None)
    assert second["previous"] is not None


@pytest.mark.parametrize("patients", [2, 8])
def test_the_search_reads_a_fixed_number_of_queries(client, auth, patients, django_assert_num_queries):
    for number in range(patients):
        factories.patient(first_name=f"Ana{'a' * number}", last_name="Silva")
    search(client, auth)  # the token's first use is noted once
    # The token, its account's permissions, and the page with its count.
    with django_assert_num_queries(3):
        assert len(search(client, auth, q="silva")["results"]) == patients


def test_a_read_is_in_the_access_log_and_carries_the_version(client, auth, account):
    patient = factories.patient()
    response = client.get(reverse("api:patient-detail", args=[patient.pk]), headers=auth)
    assert response.headers["ETag"] == '"1"'
    assert response.json()["mrn"] == patient.mrn
    entry = AccessLog.objects.get()
    assert (entry.user, entry.kind, entry.patient_id) == (account, "chart", patient.pk)


def test_registering_goes_through_the_registration_form(client, auth, account):
    response = api_post(client, reverse("api:patient-list"), INES | {"mrn": " ab123 "}, **auth)
    assert response.status_code == 201
    patient = Patient.objects.get()
    assert (patient.mrn, response.headers["ETag"]) == ("AB123", '"1"')
    assert patient.history.get().history_user == account
    refused = api_post(client, reverse("api:patient-list"), INES | {"date_of_birth": "1850-01-01"}, **auth)
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["date_of_birth"]


def test_a_possible_duplicate_is_refused_until_confirmed(client, auth):
    assert api_post(client, reverse("api:patient-list"), INES, **auth).status_code == 201
    again = api_post(client, reverse("api:patient-list"), INES | {"first_name": "INES"}, **auth)
    assert again.status_code == 409
    assert "allow_duplicate" in again.json()["errors"]
    confirmed = api_post(client, reverse("api:patient-list"), INES | {"allow_duplicate": True}, **auth)
    assert confirmed.status_code == 201
    assert Patient.objects.count() == 2


def test_a_correction_needs_the_version_and_refuses_a_stale_one(client, auth, physician):
    patient = factories.patient()
    url = reverse("api:patient-detail", args=[patient.pk])
    assert api_patch(client, url, {"phone": "(555) 010-2020"}, **auth).status_code == 428
    corrected = api_patch(client, url, {"phone": "(555) 010-2020"}, **auth, **{"If-Match": '"1"'})
    assert (corrected.status_code, corrected.json()["phone"], corrected.headers["ETag"]) == (
        200,
        "(555) 010-2020",
        '"2"',
    )
    stale = api_patch(client, url, {"phone": "(555) 010-3030", "version": 1}, **auth)
    assert stale.status_code == 409
    assert stale.json()["version"] == 2
    assert "Phone: (555) 013-4567 → (555) 010-2020" in stale.json()["errors"]["non_field_errors"]
    patient.refresh_from_db()
    assert patient.phone == "(555) 010-2020"


def test_a_correction_reads_as_the_form_does(client, auth):
    patient = factories.patient()
    url = reverse("api:patient-detail", args=[patient.pk])
    corrected = api_patch(client, url, {"anticoagulant_detail": "apixaban 5 mg BID", "version": 1}, **auth).json()
    # As on the form: naming the drug says the patient takes one.
    assert corrected["anticoagulant"] is True
    bad = api_patch(client, url, {"payer": "no-such-payer", "version": 2}, **auth)
    assert list(bad.json()["errors"]) == ["payer"]
    unchanged = api_patch(client, url, {"version": 2}, **auth)
    assert unchanged.json()["version"] == 2


@pytest.mark.parametrize("page", ["99999999999999999999", "0", "-3"])
def test_any_page_number_is_a_page(client, auth, page):
    factories.patient()
    assert client.get(reverse("api:patient-list"), {"page": page}, headers=auth).status_code == 200


def test_a_page_that_is_not_a_number_is_refused_at_its_name(client, auth):
    response = client.get(reverse("api:patient-list"), {"page": "two"}, headers=auth)
    assert (response.status_code, list(response.json()["errors"])) == (400, ["page"])
