"""Steps every browser journey shares."""

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
