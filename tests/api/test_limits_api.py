"""POST /api/v1/limits/check/ answers what the entry form's live check shows for the same proposal: the same rules
in the same words, the same problems that stop it, the same advice, and the first date within limits."""

import pytest
from django.urls import reverse

from tests import factories
from tests.api.helpers import api_post, bearer, esi_proposal, form_entry, integration_account, results, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def walter():
    """Lumbar ESIs 150, 100 and 40 days ago: a fourth passes the clinic's 3 in 6 months."""
    return factories.near_esi_limit()


def api_check(client, body, secret):
    response = api_post(client, reverse("api:limits-check"), body, **bearer(secret))
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_api_check_says_what_the_form_shows_for_the_same_proposal(client, physician, walter):
    body = esi_proposal(walter)
    answer = api_check(client, body, token_for(integration_account()))
    client.force_login(physician)
    shown = client.post(reverse("procedures:check"), form_entry(walter, physician, body)).context
    assert results(answer) == results(shown["check"])
    assert answer["advice"] == [*shown["entry"].uncounted_steroid_warnings(), *shown["advice"]]
    assert answer["blocking"]
    assert answer["override_needed"] is True


def test_a_proposal_past_a_hard_limit_says_when_it_is_within_limits_again(client, walter):
    answer = api_check(client, esi_proposal(walter), token_for(integration_account()))
    six_months = next(r for r in answer["blocking"] if r["rule"] == "clinic-esi-6m")
    assert f"within limits again on {six_months['next_allowed']}" in six_months["explanation"]
    assert answer["within_limits_again_on"] >= six_months["next_allowed"]
    later = {key: value for key, value in esi_proposal(walter).items() if key != "performed_at"}
    moved = api_check(
        client, later | {"performed_on": answer["within_limits_again_on"]}, token_for(integration_account("ehr-2"))
    )
    # Not checkable on a future date: the form says so too, as a problem to fix first.
    assert moved["checked"] is False
    assert moved["problems"] == [{"field": "Date and time", "message": "The date and time cannot be in the future."}]


def test_a_proposal_within_the_limits_is_clear(client):
    patient = factories.patient()
    answer = api_check(client, esi_proposal(patient), token_for(integration_account()))
    assert (answer["checked"], answer["blocking"], answer["override_needed"]) == (True, [], False)
    assert answer["within_limits_again_on"] is None
    assert answer["clear"]


def test_what_the_form_would_ask_to_fix_stops_the_check_as_it_does_on_the_form(client, physician, walter):
    body = esi_proposal(walter, sites=[{"place": "L4-L5", "side": "bilateral"}, {"place": "L4-L5", "side": "left"}])
    answer = api_check(client, body, token_for(integration_account()))
    assert answer["checked"] is False
    assert answer["problems"] == [
        {"field": "Levels and sides", "message": "Each level or site once: use the side for left, right or bilateral."}
    ]
    assert answer["blocking"] == answer["warnings"] == answer["clear"] == []


def test_a_check_names_the_field_of_a_proposal_it_cannot_read(client, walter):
    body = esi_proposal(walter, medications=[{"drug": "Unobtainium", "dose_mg": "10"}], performed_at="yesterday")
    response = api_post(client, reverse("api:limits-check"), body, **bearer(token_for(integration_account())))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"medications", "performed_at"}


def test_a_body_past_the_upload_limit_is_refused_in_the_error_shape(client, auth, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api_post(client, reverse("api:limits-check"), {"note": "x" * 2048}, **auth)
    assert response.status_code == 413
    assert response.json()["type"] == "too_large"
