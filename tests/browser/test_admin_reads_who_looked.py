"""An administrator reads who looked at a chart after a physician opened it, and follows it to the access log."""

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.pages import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_reads_who_looked_at_a_chart_a_physician_opened(
    page: Page, live_server, physician, administrator
):
    patient = factories.patient(first_name="Irene", last_name="Novak")
    chart = f"{live_server.url}{patient.get_absolute_url()}"

    log_in(page, live_server.url, "paul")
    page.goto(chart)
    expect(page.get_by_role("heading", name="Novak, Irene")).to_be_visible()
    expect(page.get_by_text("Who looked at this chart")).to_have_count(0)
    log_out(page)

    log_in(page, live_server.url, "ada")
    page.goto(chart)
    looked = page.locator("section", has=page.get_by_role("heading", name="Who looked at this chart"))
    expect(looked).to_contain_text("Paul · Chart")
    expect(looked).to_contain_text("127.0.0.1")
    looked.get_by_role("link", name="Full access log for this patient").click()

    log = page.get_by_role("table", name="Access log")
    expect(log.locator("tbody tr")).to_have_count(2)  # the physician's look and the administrator's own
    expect(log).to_contain_text("Paul")
    expect(log).to_contain_text(patient.get_absolute_url())
