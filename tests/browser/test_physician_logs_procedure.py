"""A physician logs a procedure that passes a limit: warned live before saving, overrides with a reason."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_physician_is_warned_live_overrides_with_a_reason_and_the_chart_and_flags_show_it(
    page: Page, live_server, physician
):
    patient = factories.near_esi_limit(physician, drugs=(("Triamcinolone acetonide", "40"),))

    log_in(page, live_server.url, "paul")
    page.goto(f"{live_server.url}{patient.get_absolute_url()}")
    expect(page.get_by_text("3 of 3 ESI sessions (lumbar/sacral) in 6 months")).to_be_visible()
    page.get_by_role("link", name="Log procedure").click()

    started = datetime.datetime.now()
    expect(page.get_by_label("Performing physician")).to_have_value(str(physician.pk))
    page.get_by_label("Procedure*", exact=True).select_option(label="Transforaminal ESI")
    page.get_by_label("Level or site 1").select_option("L4-L5")
    page.get_by_label("Side 1").select_option("bilateral")
    page.get_by_label("Level or site 2").select_option("L5-S1")
    page.get_by_label("Side 2").select_option("bilateral")
    page.get_by_label("Drug 1", exact=True).select_option(label="Dexamethasone sodium phosphate")
    page.get_by_label("Dose (mg) 1").fill("10")
    page.get_by_label("Drug 2", exact=True).select_option(label="Lidocaine")
    page.get_by_label("Dose (mg) 2").fill("20")
    page.get_by_label("Fluoroscopy time (s)").fill("31")
    page.get_by_label("Pain before (NRS 0–10)").fill("8")
    page.get_by_label("Informed consent obtained").check()
    page.get_by_label("Time-out done").check()

    limits = page.locator("#limit-check")
    expect(limits).to_contain_text("Passes a hard limit.")
    expect(limits).to_contain_text(
        re.compile(r"4 of 3 ESI sessions \(lumbar/sacral\) in 6 months; within limits again on \d{4}-\d\d-\d\d")
    )
    expect(limits).to_contain_text("Levels per transforaminal ESI session")
    page.screenshot(path="screenshots/procedure-live-warning.png", full_page=True)

    page.get_by_label("Override reason").fill("Severe L5 radiculopathy, surgical consult pending")
    page.get_by_role("button", name="Save procedure").click()
    expect(page.get_by_role("status").filter(has_text="Logged Transforaminal ESI for Walter Kowalski.")).to_be_visible()
    expect(page.get_by_text("Saved past a hard limit")).to_be_visible()
    assert (datetime.datetime.now() - started).total_seconds() < 60
    page.screenshot(path="screenshots/procedure-confirmation.png", full_page=True)

    page.get_by_role("link", name="Kowalski, Walter").click()
    panel = page.get_by_role("region", name="Steroid exposure and limits")
    expect(panel).to_contain_text("4 of 3 ESI sessions (lumbar/sacral) in 6 months")
    expect(panel.locator(".badge", has_text="over").first).to_be_visible()
    expect(page.get_by_role("region", name="Procedures").get_by_text("L4-L5, L5-S1 bilateral")).to_be_visible()
    page.screenshot(path="screenshots/chart-with-exposure.png", full_page=True)

    page.get_by_role("link", name="Limit flags").click()
    row = page.get_by_role("row").filter(has_text="ESI sessions per region, 6 months")
    expect(row).to_contain_text("4 of 3")
    expect(row).to_contain_text("over")
    expect(page.get_by_role("link", name="Kowalski, Walter")).to_be_visible()
    page.screenshot(path="screenshots/flags.png", full_page=True)
