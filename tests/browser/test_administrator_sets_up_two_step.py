"""An administrator must set up two-step login before anything else, then is let in; next time a code is asked."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tests.browser.pages import log_in, log_out

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("two_step_enforced"),
]


def test_an_administrator_sets_up_an_authenticator_and_is_then_let_in(page: Page, live_server, administrator):
    url = live_server.url
    log_in(page, url, "ada")
    expect(page.get_by_role("heading", name="Set up two-step login")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    page.screenshot(path="screenshots/two-step-setup.png", full_page=True)

    # The admin site waits too.
    page.goto(f"{url}/admin/")
    expect(page.get_by_role("heading", name="Set up two-step login")).to_be_visible()

    # What an authenticator app does with the key typed in by hand.
    secret = page.locator("#mfa-secret").inner_text()
    code = f"{totp(b32decode(secret.replace(' ', ''))):06d}"
    page.get_by_label("Code from your app").fill(code)
    page.get_by_role("button", name="Turn on two-step login").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    recovery = codes.first.inner_text()
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page.get_by_role("heading", name="Users and configuration")).to_be_visible()

    page.goto(f"{url}/")
    expect(page.get_by_role("heading", name=re.compile("Good (morning|afternoon|evening), Ada"))).to_be_visible()
    log_out(page)

    log_in(page, url, "ada")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Code").fill(recovery)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("You used a recovery code: 9 left.")).to_be_visible()
    page.get_by_role("button", name="Administration").click()
    page.get_by_role("link", name="Users & configuration").click()
    expect(page.get_by_role("heading", name="Users and configuration")).to_be_visible()
