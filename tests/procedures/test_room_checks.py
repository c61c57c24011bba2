"""Consent and time-out on the entry screen: a box left unticked holds the first save back with a word beside it,
and a confirmation saves it as not documented; the API and the import, which cannot be asked, record what they
send."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.models import Procedure
from tests import factories
from tests.api.helpers import api_post, bearer, esi_proposal, integration_account, token_for

pytestmark = pytest.mark.django_db

UNTICKED = {"consent_obtained": "", "time_out_done": ""}


def _new(patient) -> str:
    return f"{reverse('procedures:new')}?patient={patient.pk}"


def _post(client, patient, physician, **changes):
    data = {key: value for key, value in factories.esi_entry(patient, physician, **changes).items() if value != ""}
    return client.post(_new(patient), data)


def test_both_boxes_ticked_save_at_once(client, physician):
    patient = factories.patient()
    client.force_login(physician)
    assert _post(client, patient, physician).status_code == 302
    procedure = Procedure.objects.get(patient=patient)
    assert (procedure.consent_obtained, procedure.time_out_done) == (True, True)


def test_an_unticked_box_holds_the_first_save_back_with_a_word_beside_it(client, physician):
    patient = factories.patient()
    client.force_login(physician)
    response = _post(client, patient, physician, consent_obtained="")
    assert response.status_code == 200
    assert not Procedure.objects.filter(patient=patient).exists()
    form = response.context["entry"].form
    assert "Consent: not documented" in " ".join(form.errors["consent_obtained"])
    assert "time_out_done" not in form.errors
    page = response.content.decode()
    assert 'id="room-checks"' in page
    assert 'name="undocumented_ok"' in page


def test_confirming_saves_it_as_not_documented(client, physician):
    patient = factories.patient()
    client.force_login(physician)
    held = _post(client, patient, physician, **UNTICKED)
    assert set(held.context["entry"].form.errors) == {"consent_obtained", "time_out_done"}
    assert _post(client, patient, physician, **UNTICKED, undocumented_ok="on").status_code == 302
    procedure = Procedure.objects.get(patient=patient)
    assert (procedure.consent_obtained, procedure.time_out_done) == (False, False)


def test_the_first_form_shows_no_confirmation(client, physician):
    patient = factories.patient()
    client.force_login(physician)
    assert 'name="undocumented_ok"' not in client.get(_new(patient)).content.decode()


def test_correcting_a_record_saved_without_them_does_not_ask_again(client, physician):
    patient = factories.patient()
    procedure = factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=1), physician=physician)
    client.force_login(physician)
    data = factories.esi_entry(patient, physician, version=procedure.version, nrs_pre="6", **UNTICKED)
    data = {key: value for key, value in data.items() if value != ""}
    data["performed_at"] = timezone.localtime(procedure.performed_at).strftime("%Y-%m-%dT%H:%M")
    assert client.post(reverse("procedures:edit", args=[procedure.pk]), data).status_code == 302
    procedure.refresh_from_db()
    assert procedure.nrs_pre == 6


def test_unticking_a_box_in_a_correction_asks(client, physician):
    patient = factories.patient()
    procedure = factories.procedure(
        patient,
        on=timezone.localdate() - datetime.timedelta(days=1),
        physician=physician,
        consent_obtained=True,
        time_out_done=True,
    )
    client.force_login(physician)
    data = factories.esi_entry(patient, physician, version=procedure.version, time_out_done="")
    data = {key: value for key, value in data.items() if value != ""}
    data["performed_at"] = timezone.localtime(procedure.performed_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("procedures:edit", args=[procedure.pk]), data)
    assert response.status_code == 200
    assert set(response.context["entry"].form.errors) == {"time_out_done"}


def test_the_api_logs_without_the_boxes_and_is_never_asked(client, physician):
    patient = factories.patient()
    auth = bearer(token_for(integration_account()))
    logged = api_post(client, reverse("api:procedure-list"), esi_proposal(patient, performed_by=physician.pk), **auth)
    assert logged.status_code == 201
    assert (logged.json()["consent_obtained"], logged.json()["time_out_done"]) == (False, False)
