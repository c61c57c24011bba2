"""/api/v1/procedures/: an integration account logs, corrects and voids procedures through the entry form's rules
and services: past a hard limit only with an override reason, exactly as on the form; a correction made from an
old version is refused; every write is in the history under the account's name; lists read a fixed number of
queries."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.models import AccessLog
from clinic.roles import Role
from procedures.models import Procedure
from tests import factories
from tests.api.helpers import (
    api_patch,
    api_post,
    bearer,
    esi_proposal,
    form_entry,
    integration_account,
    results,
    token_for,
)

pytestmark = pytest.mark.django_db

REASON = "Severe radicular pain; surgery consult booked."


@pytest.fixture
def walter():
    return factories.near_esi_limit()


def log(client, auth, body, **headers):
    return api_post(client, reverse("api:procedure-list"), body, **auth, **headers)


def test_an_integration_account_gets_the_forms_limit_answer_and_needs_the_same_override(
    client, physician, account, auth, walter
):
    body = esi_proposal(walter, performed_by=physician.pk)
    check = api_post(client, reverse("api:limits-check"), body, **auth).json()
    refused = log(client, auth, body)
    client.force_login(physician)
    new = f"{reverse('procedures:new')}?patient={walter.pk}"
    form = client.post(new, form_entry(walter, physician, body)).context
    # The same rules passed, in the same words, and the same refusal at the same field.
    assert results(check) == results(form["check"])
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"override_reason": list(form["entry"].form.errors["override_reason"])}
    assert Procedure.objects.filter(patient=walter).count() == 3

    logged = log(client, auth, body | {"override_reason": REASON})
    assert logged.status_code == 201
    procedure = Procedure.objects.get(pk=logged.json()["id"])
    assert procedure.overridden_rules.split(",") == [r["rule"] for r in check["blocking"]]
    assert (procedure.override_reason, procedure.recorded_by, procedure.performed_by) == (REASON, account, physician)
    assert logged.headers["ETag"] == '"1"'


def test_the_performing_physician_is_chosen_as_on_the_form(client, auth, physician, nurse):
    patient = factories.patient()
    named = log(client, auth, esi_proposal(patient, performed_by=physician.pk))
    assert named.json()["performed_by"] == physician.pk
    not_a_physician = log(client, auth, esi_proposal(patient, performed_by=nurse.pk))
    assert not_a_physician.status_code == 400
    assert "performed_by" in not_a_physician.json()["errors"]


def test_an_integration_account_names_the_physician_who_performed_it(client, auth, physician):
    # The account holds the Physician role for its permissions, but is nobody who performs procedures.
    unnamed = log(client, auth, esi_proposal(factories.patient(), performed_by=None))
    assert unnamed.status_code == 400
    assert "performed_by" in unnamed.json()["errors"]


def test_an_account_with_the_nurse_role_cannot_log_procedures(client, physician):
    patient = factories.patient()
    auth = bearer(token_for(integration_account("nurse-feed", role=Role.NURSE)))
    assert log(client, auth, esi_proposal(patient, performed_by=physician.pk)).status_code == 403


def test_the_same_idempotency_key_or_form_token_logs_once(client, auth):
    patient = factories.patient()
    key = {"Idempotency-Key": "ehr-order-8812"}
    token = str(uuid.uuid4())
    ids = [
        log(client, auth, esi_proposal(patient), **key).json()["id"],
        log(client, auth, esi_proposal(patient), **key).json()["id"],
        log(client, auth, esi_proposal(patient, form_token=token)).json()["id"],
        log(client, auth, esi_proposal(patient, form_token=token)).json()["id"],
    ]
    assert ids[0] == ids[1] != ids[2] == ids[3]
    assert Procedure.objects.filter(patient=patient).count() == 2


def test_a_correction_from_an_old_version_is_refused_with_who_changed_it(client, auth, physician):
    patient = factories.patient()
    procedure = factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=3))
    url = reverse("api:procedure-detail", args=[procedure.pk])
    read = client.get(url, headers=auth)
    assert read.headers["ETag"] == '"1"'
    corrected = api_patch(client, url, {"nrs_post": 2}, **auth, **{"If-Match": read.headers["ETag"]})
    assert (corrected.status_code, corrected.json()["nrs_post"], corrected.json()["version"]) == (200, 2, 2)
    stale = api_patch(client, url, {"nrs_post": 3}, **auth, **{"If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.json()["type"] == "conflict"
    assert stale.json()["version"] == 2
    assert "Changed by EHR Interface" in stale.json()["detail"]
    unversioned = api_patch(client, url, {"nrs_post": 3}, **auth)
    assert unversioned.status_code == 428


def test_a_correction_changes_sites_and_drugs_through_the_form(client, auth):
    patient = factories.patient()
    procedure = factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=3))
    url = reverse("api:procedure-detail", args=[procedure.pk])
    body = {
        "version": 1,
        "sites": [{"place": "L4-L5", "side": "right"}],
        "medications": [{"drug": "Dexamethasone sodium phosphate", "dose_mg": "7,5"}],
    }
    corrected = api_patch(client, url, body, **auth).json()
    assert corrected["sites"] == [{"place": "L4-L5", "side": "right"}]
    assert corrected["medications"][0]["dose_mg"] == "7.50"
    bad = api_patch(
        client,
        url,
        {"version": 2, "medications": [{"drug": "Dexamethasone sodium phosphate", "dose_mg": "1,000"}]},
        **auth,
    )
    assert bad.status_code == 400
    assert "can be read two ways" in bad.json()["errors"]["medications.0.dose_mg"][0]


def test_a_void_keeps_the_record_and_writes_the_history_under_the_accounts_name(client, auth, account):
    patient = factories.patient()
    procedure = factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=3))
    url = reverse("api:procedure-void", args=[procedure.pk])
    assert api_post(client, url, {"reason": ""}, **auth).json()["errors"] == {
        "reason": ["Say why this record is void."]
    }
    voided = api_post(client, url, {"reason": "Entered for the wrong patient"}, **auth)
    assert voided.json()["voided"] is True
    assert procedure.history.latest("history_id").history_user == account


def test_every_api_write_is_in_the_history_under_the_accounts_name(client, auth, account):
    patient = factories.patient()
    logged = log(client, auth, esi_proposal(patient)).json()
    procedure = Procedure.objects.get(pk=logged["id"])
    assert {record.history_user for record in procedure.history.all()} == {account}
    assert {record.history_user for record in procedure.sites.model.history.filter(procedure_id=procedure.pk)} == {
        account
    }


def test_reading_a_procedure_is_in_the_access_log(client, auth, account):
    patient = factories.patient()
    procedure = factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=3))
    client.get(reverse("api:procedure-detail", args=[procedure.pk]), headers=auth)
    entry = AccessLog.objects.get()
    assert (entry.user, entry.kind, entry.patient_id, entry.object_id) == (
        account,
        "procedure",
        patient.pk,
        procedure.pk,
    )


def test_the_list_filters_by_patient_dates_type_physician_and_voided(client, auth, physician):
    walter = factories.near_esi_limit(physician=physician)
    other = factories.patient(first_name="Omar", last_name="Ali")
    knee = factories.procedure(
        other,
        on=timezone.localdate() - datetime.timedelta(days=10),
        type_code="joint-major",
        sites=(("knee", "left"),),
        drugs=(("Triamcinolone acetonide", "40"),),
    )

    def ids(**query):
        response = client.get(reverse("api:procedure-list"), query, headers=auth)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert len(ids(patient=walter.pk)) == 3
    assert ids(procedure_type="joint-major") == [knee.pk]
    since = timezone.localdate() - datetime.timedelta(days=45)
    assert len(ids(date_from=since.isoformat())) == 2
    assert len(ids(date_to=since.isoformat())) == 2
    assert len(ids(performed_by=physician.pk)) == 3
    assert ids(voided="true") == []
    refused = client.get(reverse("api:procedure-list"), {"date_from": "soon"}, headers=auth)
    assert refused.status_code == 400
    assert "date_from" in refused.json()["errors"]


@pytest.mark.parametrize("records", [2, 6])
def test_the_list_reads_a_fixed_number_of_queries_however_many_records(
    client, auth, records, django_assert_num_queries
):
    for number in range(records):
        patient = factories.patient(first_name=f"Patient{'x' * number}")
        factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=3))
    client.get(reverse("api:procedure-list"), headers=auth)  # the token's first use is noted once
    # The token, its account's permissions, the count, the page, its sites and its medications.
    with django_assert_num_queries(6):
        rows = client.get(reverse("api:procedure-list"), headers=auth).json()["results"]
    assert len(rows) == records


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "0001-01-01"}, "date_from"),
        ({"date_to": "9999-12-31"}, "date_to"),
        ({"patient": "99999999999999999999999"}, "patient"),
        ({"patient": "1.5"}, "patient"),
        ({"performed_by": "99999999999999999"}, "performed_by"),
        ({"voided": "perhaps"}, "voided"),
    ],
)
def test_a_filter_out_of_bounds_is_refused_at_its_name(client, auth, query, field):
    response = client.get(reverse("api:procedure-list"), query, headers=auth)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_a_drug_named_with_a_nul_character_is_no_such_entry(client, auth):
    body = esi_proposal(factories.patient(), medications=[{"drug": "Dexa\x00", "dose_mg": "10"}])
    refused = log(client, auth, body)
    assert refused.status_code == 400
    assert "medications" in refused.json()["errors"]
