"""A physician opens a procedure's page and prints its note: one page, with the codes the record bills."""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests import factories
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_physician_prints_the_note_of_a_two_level_bilateral_lumbar_tfesi(page: Page, live_server, physician):
    patient = factories.patient(first_name="Ruth", last_name="Adeyemi", payer=factories.payer())
    procedure = factories.procedure(
        patient,
        on=timezone.localdate() - datetime.timedelta(days=1),
        sites=(("L4-L5", "bilateral"), ("L5-S1", "bilateral")),
        physician=physician,
        consent_obtained=True,
        time_out_done=True,
    )

    log_in(page, live_server.url, "paul")
    page.goto(f"{live_server.url}{procedure.get_absolute_url()}")
    link = page.get_by_role("link", name="Procedure note (PDF)")
    expect(link).to_be_visible()
    # Chromium opens the PDF in its viewer, in the same tab: the document is the response to the click.
    with page.expect_response(lambda response: response.url.endswith("/note.pdf")) as answered:
        link.click()
    response = answered.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'inline; filename="procedure-note-{procedure.pk}.pdf"'
    expect(page).to_have_url(f"{live_server.url}/paper/procedures/{procedure.pk}/note.pdf")
    # The viewer holds the document; the same browser session fetches its bytes to read them.
    fetched = page.request.get(response.url)
    assert fetched.ok
    reader = PdfReader(io.BytesIO(fetched.body()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "64483-50" in text
    assert "64484-50" in text
    assert "Adeyemi, Ruth" in text
