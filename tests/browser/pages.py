"""Steps every browser journey shares."""

import datetime

from playwright.sync_api import Page

from tests.conftest import PASSWORD


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.locator("#account-menu").click()
    page.get_by_role("button", name="Log out").click()


def fill_esi_booking(page: Page, day: datetime.date) -> None:
    """The open booking form filled for a bilateral two-level transforaminal ESI with Paul, in suite 1 at 9:00."""
    page.get_by_label("Visit type").select_option(label="Procedure")
    page.get_by_label("Physician").select_option(label="Paul")
    page.get_by_label("Room").select_option(label="Procedure suite 1")
    page.get_by_label("Starts").fill(f"{day}T09:00")
    page.get_by_label("Planned procedure").select_option(label="Transforaminal ESI")
    page.get_by_label("Levels").fill("L4-L5, L5-S1")
    page.get_by_label("Side").select_option(label="Bilateral")
