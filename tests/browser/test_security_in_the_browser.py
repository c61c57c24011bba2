"""In a real browser: the main pages run with the Content-Security-Policy on and break none of it, and a
page left idle warns a minute before signing out, stays signed in on request, and signs out after."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from tests import factories
from tests.browser.pages import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csp_violations(page: Page) -> list[str]:
    """Chromium reports every refused script, style or handler on the console."""
    found: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.append(f"{page.url}: {message.text}")

    page.on("console", note)
    return found


def test_the_main_pages_break_none_of_the_content_security_policy(page: Page, live_server, physician, administrator):
    violations = csp_violations(page)
    patient = factories.patient(first_name="Walter", last_name="Kowalski")
    done = factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=30), physician=physician)
    base = live_server.url

    log_in(page, base, "paul")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{base}/patients/")
    page.locator("#q").fill("Kowal")
    expect(page.locator("#results")).to_contain_text("Kowalski")
    page.goto(f"{base}{patient.get_absolute_url()}")
    expect(page.get_by_role("region", name="Procedures")).to_be_visible()
    page.goto(f"{base}/procedures/new/?patient={patient.pk}")
    page.get_by_label("Procedure*", exact=True).select_option(label="Transforaminal ESI")
    expect(page.locator("#limit-check")).not_to_be_empty()
    page.goto(f"{base}/procedures/{done.pk}/")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    for path in ("/schedule/", "/schedule/week/", "/schedule/new/", "/procedures/flags/", "/outcomes/"):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    log_out(page)
    log_in(page, base, "ada")
    for path in ("/admin/", "/admin/auth/user/", "/admin/auth/user/add/", f"/admin/auth/user/{physician.pk}/change/"):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_an_idle_page_warns_a_minute_before_stays_signed_in_on_request_and_signs_out_after(
    page: Page, live_server, frontdesk
):
    # The server's clock and the page's are moved together.
    with time_machine.travel(timezone.now(), tick=True) as server_clock:
        page.clock.install()
        log_in(page, live_server.url, "fiona")
        page.goto(f"{live_server.url}/patients/")
        warning = page.get_by_role("alert").filter(has_text="You will be signed out in")
        expect(warning).to_be_hidden()

        server_clock.shift(datetime.timedelta(minutes=14, seconds=5))
        page.clock.fast_forward("14:05")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("Stay signed in")
        page.screenshot(path="screenshots/idle-warning.png")
        warning.get_by_role("button", name="Stay signed in").click()
        expect(warning).to_be_hidden()

        server_clock.shift(datetime.timedelta(minutes=16))
        page.clock.fast_forward("16:00")
        expect(page.get_by_text("You were signed out after 15 minutes without activity.")).to_be_visible()
        expect(page.get_by_role("heading", name="Log in to Pinpoint")).to_be_visible()
