"""In a real browser: the API's docs page shows every operation from the installed Swagger UI (nothing fetched
from elsewhere) and runs under the site's Content-Security-Policy without breaking any of it."""

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, expect

from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _shipped_data(shipped_data: None) -> None:
    """The migrations' catalog and rules, which a live server's flushed database lacks."""


def test_the_docs_page_shows_the_api_offline_and_within_the_security_policy(page: Page, live_server, physician):
    refused: list[str] = []
    elsewhere: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    def outside(request: Request) -> None:
        if not request.url.startswith(live_server.url):
            elsewhere.append(request.url)

    page.on("console", note)
    page.on("request", outside)
    log_in(page, live_server.url, "paul")
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("Pinpoint API", exact=False).first).to_be_visible()
    expect(page.locator(".opblock-summary-path").filter(has_text="/api/v1/limits/check/")).to_be_visible()
    expect(page.locator(".opblock-summary-path").filter(has_text="/api/v1/procedures/{id}/void/")).to_be_visible()
    assert refused == []
    assert elsewhere == []
