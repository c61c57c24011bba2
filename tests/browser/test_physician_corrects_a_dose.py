"""A physician types an implausible dose: the live check says what to fix instead of showing green."""

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dose_above_the_ceiling_is_not_checked_until_corrected(page: Page, live_server, physician):
    patient = factories.patient(first_name="Irene", last_name="Novak", payer=factories.payer())

    log_in(page, live_server.url, "paul")
    page.goto(f"{live_server.url}{patient.get_absolute_url()}")
    page.get_by_role("link", name="Log procedure").click()
    page.get_by_label("Procedure*", exact=True).select_option(label="Interlaminar ESI")
    page.get_by_label("Level or site 1").select_option("L5-S1")
    page.get_by_label("Side 1").select_option("midline")
    page.get_by_label("Drug 1", exact=True).select_option(label="Triamcinolone acetonide")
    dose = page.get_by_label("Dose (mg) 1")
    dose.press_sequentially("120")

    limits = page.locator("#limit-check")
    expect(limits).to_contain_text("Not checked: fix dose 1.")
    expect(limits).to_contain_text("Dose 1: Above the plausible ceiling for Triamcinolone acetonide: 80 mg")
    expect(limits).not_to_contain_text("Within")
    limits.screenshot(path="screenshots/procedure-dose-not-checked.png")

    dose.clear()
    dose.press_sequentially("40")
    expect(limits).not_to_contain_text("Not checked")
    expect(limits).to_contain_text("40 of 200 mg methylprednisolone-equivalent steroid in 12 months")
    expect(limits).to_contain_text("Within")
    limits.screenshot(path="screenshots/procedure-dose-corrected.png")
