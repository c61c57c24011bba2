"""API tokens: an administrator creates one for an integration account and sees it once; Pinpoint keeps its hash;
a revoked token, or one whose account is retired, is refused; each use is noted, at most once a minute; and the
token's requests, unlike the browser's, are not subject to CSRF."""

import datetime
import hashlib
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic import tokens
from clinic.models import ApiToken
from tests.admin_pages import assert_nothing_can_be_deleted
from tests.api.helpers import bearer, integration_account, token_for

pytestmark = pytest.mark.django_db

SECRET = re.compile(r'<code id="api-token-secret"[^>]*>(pp_[^<]+)</code>')


def patients(client: Client, secret: str):
    return client.get(reverse("api:patient-list"), headers=bearer(secret))


def create_in_admin(client: Client, owner: User, name: str = "EHR interface"):
    return client.post(reverse("admin:clinic_apitoken_add"), {"name": name, "owner": owner.pk})


def test_an_administrator_creates_a_token_and_sees_its_secret_once(client, administrator):
    account = integration_account()
    client.force_login(administrator)
    page = create_in_admin(client, account).content.decode()
    shown = SECRET.search(page)
    assert shown is not None
    secret = shown[1]
    token = ApiToken.objects.get()
    assert token.owner == account
    assert token.created_by == administrator
    assert patients(Client(), secret).status_code == 200
    # Only the hash is kept, and no later page shows the secret again.
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in client.get(reverse("admin:clinic_apitoken_change", args=[token.pk])).content.decode()
    assert secret not in client.get(reverse("admin:clinic_apitoken_changelist")).content.decode()
    assert token.prefix in secret


def test_a_token_is_for_an_integration_account_not_a_person_who_signs_in(client, administrator, physician):
    client.force_login(administrator)
    page = create_in_admin(client, physician).content.decode()
    assert "Tokens are for integration accounts" in page
    assert not ApiToken.objects.exists()


def test_staff_without_staff_administration_cannot_create_tokens(client, physician):
    physician.is_staff = True
    physician.save()
    client.force_login(physician)
    assert create_in_admin(client, integration_account()).status_code == 403


def test_a_revoked_token_is_refused_and_kept(client, administrator):
    secret = token_for(integration_account(), administrator)
    token = ApiToken.objects.get()
    client.force_login(administrator)
    client.post(reverse("admin:clinic_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    response = patients(Client(), secret)
    assert response.status_code == 401
    assert response.json() == {"type": "not_authenticated", "detail": tokens.REVOKED, "errors": {}}
    token.refresh_from_db()
    assert token.revoked_by == administrator
    assert_nothing_can_be_deleted(client, token)


def test_creation_and_revocation_are_in_the_tokens_history_with_who_did_them(administrator):
    token, _ = tokens.token_create(name="Billing export", owner=integration_account(), created_by=administrator)
    tokens.token_revoke(token=token, by=administrator)
    reasons = list(token.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == [f"Created by {administrator.username}", f"Revoked by {administrator.username}"]
    assert "key_hash" not in {field.name for field in token.history.model._meta.fields}


def test_a_token_of_a_retired_account_is_refused(client):
    account = integration_account()
    secret = token_for(account)
    account.is_active = False
    account.save()
    response = patients(client, secret)
    assert response.status_code == 401
    assert response.json()["detail"] == tokens.INACTIVE


def test_a_token_stops_working_once_its_account_is_given_a_password(client):
    # The account is a person's now, who signs in with a password and a two-step code that a token would bypass.
    account = integration_account()
    secret = token_for(account)
    account.set_password("a-person-now-1234")
    account.save()
    response = patients(client, secret)
    assert response.status_code == 401
    assert response.json()["detail"] == tokens.NOW_A_PERSON


@pytest.mark.parametrize("secret", ["pp_0000000_nothing", "not-a-token", "pp_", "Bearer", "pp_abcdefgh_x"])
def test_a_made_up_token_is_refused(client, secret):
    token_for(integration_account())
    response = patients(client, secret)
    assert response.status_code == 401
    assert response.json()["type"] == "not_authenticated"


def test_a_tampered_token_with_a_real_prefix_is_refused(client):
    secret = token_for(integration_account())
    assert patients(client, secret[:-2] + "xx").status_code == 401


def test_each_use_is_noted_at_most_once_a_minute(client):
    secret = token_for(integration_account())
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        patients(client, secret)
    assert ApiToken.objects.get().last_used_at == start
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        patients(client, secret)
    assert ApiToken.objects.get().last_used_at == start
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        patients(client, secret)
    assert ApiToken.objects.get().last_used_at == start + datetime.timedelta(minutes=2)


def test_a_token_request_needs_no_csrf_token_but_a_session_request_does(physician):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(physician)
    born = {"first_name": "Ines", "last_name": "Ortega", "date_of_birth": "1970-03-04", "sex": "F"}
    refused = browser.post(reverse("api:patient-list"), born, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    machine = Client(enforce_csrf_checks=True)
    created = machine.post(
        reverse("api:patient-list"),
        born,
        content_type="application/json",
        headers=bearer(token_for(integration_account())),
    )
    assert created.status_code == 201
