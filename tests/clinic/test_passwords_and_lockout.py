"""Passwords: twelve characters at least, and not common, similar to the account or all digits.
Lockout: five failures for one account from one address, and twenty from one address across accounts."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from demo.logins import DEMO_PASSWORD
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def refusals(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


@pytest.mark.parametrize("password", ["Summer2026", "pinpoint1", "1234567890123", "password1234"])
def test_short_common_and_numeric_passwords_are_refused(password):
    assert refusals(password)


def test_a_password_like_the_username_is_refused(make_user):
    user = make_user("frontdesk-fiona", None)
    assert "The password is too similar to the username." in refusals("frontdesk-fiona1", user)


@pytest.mark.parametrize("password", ["Summer2026!!", "Pinpoint2026", "december-2026", "Welcome2026!"])
def test_a_season_month_or_the_products_name_with_numbers_is_refused_at_any_length(password):
    assert any("among the first guessed" in message for message in refusals(password))


def test_the_refusal_names_the_twelve_character_minimum():
    assert "This password is too short. It must contain at least 12 characters." in refusals("Summer2026")


@pytest.mark.parametrize("password", [PASSWORD, DEMO_PASSWORD, "a-new-long-phrase-42"])
def test_long_passphrases_and_the_demo_password_are_accepted(password):
    assert refusals(password) == []


def test_changing_to_a_short_password_is_refused_beside_the_field(client, nurse):
    client.force_login(nurse)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Summer2026", "new_password2": "Summer2026"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    nurse.refresh_from_db()
    assert nurse.check_password(PASSWORD)


def fail(client: Client, username: str, address: str = "203.0.113.7") -> int:
    return client.post(reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address).status_code


def test_twenty_failures_over_five_accounts_from_one_address_lock_that_address_out(client, make_user):
    for n in range(5):
        make_user(f"staff{n}", None)
    make_user("victim", None)
    answers = [fail(client, f"staff{n}") for n in range(5) for _ in range(4)]  # each under its limit of five
    # The twentieth failure from the address locks it out.
    assert answers == [200] * 19 + [429]
    response = client.post(reverse("login"), {"username": "victim", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    # Another address is not affected: the clinic's own workstations still log in.
    other = client.post(reverse("login"), {"username": "victim", "password": PASSWORD}, REMOTE_ADDR="198.51.100.2")
    assert other.status_code == 302


def test_a_few_typing_slips_across_a_shared_address_lock_nobody_out(client, make_user):
    for n in range(6):
        make_user(f"staff{n}", None)
    for n in range(6):
        for _ in range(3):
            fail(client, f"staff{n}")
    response = client.post(reverse("login"), {"username": "staff0", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20


def through_the_proxy(client, username: str, password: str, forwarded_for: str):
    """A login from the one proxy in front of the app (10.0.0.1), the X-Forwarded-For header as it arrives."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@override_settings(PROXY_COUNT=1)
def test_behind_the_proxy_the_lockout_counts_the_address_the_proxy_saw(client, make_user):
    make_user("victim", None)
    for n in range(20):
        # The first address is whatever the client sent; the proxy appended the real one.
        through_the_proxy(client, f"guess{n}", "wrong", f"192.0.2.{n}, 203.0.113.7")
    assert through_the_proxy(client, "victim", PASSWORD, "203.0.113.7").status_code == 429
    # A colleague behind another address still gets in.
    assert through_the_proxy(client, "victim", PASSWORD, "198.51.100.2").status_code == 302
