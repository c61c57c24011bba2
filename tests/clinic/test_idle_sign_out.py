"""Idle sign-out: a session left SESSION_IDLE_MINUTES (15) without a request ends; any request keeps it.

The clock is frozen and moved by hand, so "16 minutes later" is exact.
"""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC)
STATUS = reverse("session_status")


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """Time frozen at START; each test moves it by hand."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def minutes(n: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


def log_in(client: Client, username: str) -> None:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def live_check(client: Client, entry: dict[str, Any], from_page: str = "") -> HttpResponseBase:
    """The procedure form's live limit check as htmx posts it from the open form: the page is not reloaded."""
    headers = {"HX-Request": "true"} | ({"HX-Current-URL": from_page} if from_page else {})
    return client.post(reverse("procedures:check"), entry, headers=headers)


def signed_out(response: HttpResponse) -> bool:
    return response.status_code == 302 and str(response["Location"]).startswith(reverse("login"))


def test_a_session_idle_for_16_minutes_is_signed_out_and_told_why(client, frontdesk, clock):
    log_in(client, "fiona")
    clock.shift(minutes(16))
    response = client.get(reverse("patients:list"))
    assert signed_out(response)
    assert "?next=/patients/" in response.url
    login_page = client.get(response.url).content.decode()
    assert "You were signed out after 15 minutes without activity." in login_page
    assert "Log in to Pinpoint" in login_page


def test_a_session_used_every_10_minutes_stays_signed_in(client, frontdesk, clock):
    log_in(client, "fiona")
    for _ in range(6):
        clock.shift(minutes(10))
        assert client.get(reverse("patients:list")).status_code == 200


def test_the_live_limit_check_while_typing_counts_as_activity(client, physician, clock):
    patient = factories.patient()
    log_in(client, "paul")
    form_page = client.get(reverse("procedures:new") + f"?patient={patient.pk}")
    assert form_page.status_code == 200
    clock.shift(minutes(10))
    # A dose typed into the open form: htmx posts it for the live check, the page itself is not reloaded.
    assert live_check(client, factories.esi_entry(patient, physician)).status_code == 200
    clock.shift(minutes(10))
    assert client.get(reverse("patients:chart", args=[patient.pk])).status_code == 200


def test_the_warnings_countdown_does_not_keep_a_session_alive(client, frontdesk, clock):
    log_in(client, "fiona")
    clock.shift(minutes(14))
    assert client.get(STATUS).json() == {"seconds_left": 60}
    clock.shift(datetime.timedelta(seconds=30))
    assert client.get(STATUS).json() == {"seconds_left": 30}
    clock.shift(datetime.timedelta(seconds=31))
    assert client.get(STATUS).json() == {"seconds_left": 0}
    assert signed_out(client.get(reverse("home")))


def test_stay_signed_in_extends_the_session_by_a_full_spell(client, frontdesk, clock):
    log_in(client, "fiona")
    clock.shift(minutes(14))
    assert client.post(STATUS).json() == {"seconds_left": 15 * 60}
    clock.shift(minutes(14))
    assert client.get(reverse("home")).status_code == 200


def test_an_htmx_request_after_the_idle_limit_sends_the_whole_page_to_the_login(client, physician, clock):
    patient = factories.patient()
    log_in(client, "paul")
    clock.shift(minutes(16))
    form_url = f"http://testserver/procedures/new/?patient={patient.pk}"
    response = live_check(client, factories.esi_entry(patient, physician), from_page=form_url)
    # Not the login form swapped into the check's corner of the page: the browser reloads it, and the
    # page's own login redirect brings the user back to the form afterwards.
    assert response["HX-Redirect"] == form_url
    assert "_auth_user_id" not in client.session


@override_settings(SESSION_IDLE_MINUTES=5)
def test_the_idle_limit_is_a_setting(client, frontdesk, clock):
    log_in(client, "fiona")
    clock.shift(minutes(4))
    assert client.get(reverse("home")).status_code == 200
    clock.shift(minutes(6))
    assert signed_out(client.get(reverse("home")))


def test_signed_in_pages_carry_the_warning_and_its_script_with_the_servers_limit(client, frontdesk):
    client.force_login(frontdesk)
    html = client.get(reverse("home")).content.decode()
    assert f'data-idle-url="{STATUS}" data-idle-seconds="900"' in html
    assert 'id="idle-warning"' in html
    assert "Stay signed in" in html
    assert "js/idle.js" in html
    client.logout()
    login_page = client.get(reverse("login")).content.decode()
    assert "idle.js" not in login_page
    assert "data-idle-url" not in login_page
