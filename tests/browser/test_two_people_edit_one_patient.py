"""Two people edit one patient in two browsers: the second save is refused with who changed what, and what the
second person typed is still in the form."""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests import factories
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_save_is_refused_as_changed_since_it_was_opened(browser: Browser, live_server, frontdesk, nurse):
    patient = factories.patient(first_name="Irene", last_name="Novak", phone="(555) 013-4567", address="1 Old Road")
    desk, ward = browser.new_context().new_page(), browser.new_context().new_page()
    for page, username in ((desk, "fiona"), (ward, "nora")):
        log_in(page, live_server.url, username)
        page.goto(f"{live_server.url}{patient.get_absolute_url()}")
        page.get_by_role("link", name="Edit", exact=True).click()

    desk.get_by_label("Phone").fill("(555) 999-0000")
    desk.get_by_role("button", name="Save changes").click()
    expect(desk.get_by_text("Saved changes to Irene Novak.")).to_be_visible()

    ward.get_by_label("Address").fill("22 New Street")
    ward.get_by_role("button", name="Save changes").click()
    when = timezone.localtime(patient.history.latest().history_date)
    refusal = ward.get_by_role("alert")
    expect(refusal).to_contain_text(f"Changed by Fiona at {when:%H:%M} since you opened it")
    expect(refusal).to_contain_text("Phone: (555) 013-4567 → (555) 999-0000")
    expect(ward.get_by_label("Address")).to_have_value("22 New Street")
    expect(ward.get_by_label("Phone")).to_have_value("(555) 999-0000")
    refusal.screenshot(path="screenshots/patient-edit-refused-as-stale.png")

    ward.get_by_role("button", name="Save changes").click()
    expect(ward.get_by_text("Saved changes to Irene Novak.")).to_be_visible()
    patient.refresh_from_db()
    assert (patient.phone, patient.address) == ("(555) 999-0000", "22 New Street")
