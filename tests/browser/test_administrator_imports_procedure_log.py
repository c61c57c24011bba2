"""An administrator imports the clinic's old procedure log, the sample in the repository: uploads it, checks the
columns, previews every row, imports with a progress bar, and opens the flags page on who the history puts over."""

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from imports import samples, services
from procedures import services as procedure_services
from tests.browser.pages import log_in
from tests.imports.helpers import doctors, sample_day

__all__ = ["doctors", "sample_day"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(samples.__file__).parent / "samples" / "procedure-log-sample.csv"


@pytest.fixture
def slow_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tenth of a second a row, so the 50-row sample takes long enough for the progress bar to be seen."""
    real = procedure_services.procedure_log

    def slowly(**kwargs):
        time.sleep(0.1)
        return real(**kwargs)

    monkeypatch.setattr(services, "procedure_log", slowly)


def test_an_administrator_imports_the_sample_log_and_sees_who_it_puts_over_a_limit(
    page: Page, live_server, administrator, doctors, sample_day, slow_rows
):
    log_in(page, live_server.url, "ada")
    page.get_by_role("button", name="Administration").click()
    page.get_by_role("link", name="Import a procedure log").click()
    expect(page.get_by_role("heading", name="Import a procedure log")).to_be_visible()

    page.get_by_label("Procedure log").set_input_files(SAMPLE)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Which column holds what")).to_be_visible()
    expect(page.get_by_label("Date of birth")).to_have_value("DOB")
    expect(page.get_by_label("Drug")).to_have_value("Steroid")

    page.get_by_role("button", name="Check every row").click()
    expect(page.locator("#count-ready")).to_have_text("50")
    expect(page.locator("#count-problems")).to_have_text("0")
    expect(page.locator("#count-new-patients")).to_have_text("27")

    page.get_by_role("button", name="Import 50 procedures").click()
    expect(page.get_by_role("progressbar", name="Import progress")).to_be_visible()
    expect(page.get_by_text("Imported 50 procedures")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("27 new patients registered")).to_be_visible()

    page.get_by_role("link", name="See who is at or over a limit").click()
    flags = page.get_by_role("table")
    for name in ("Walsh, Gordon", "Ortega, Lucia", "Brennan, Maeve"):
        expect(flags.get_by_role("link", name=name)).to_be_visible()
