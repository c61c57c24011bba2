"""Front desk registers, finds and corrects a patient; an administrator sees who changed what."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_desk_registers_finds_and_corrects_a_patient_and_the_administrator_sees_the_change(
    page: Page, live_server, frontdesk, administrator
):
    url = live_server.url
    log_in(page, url, "fiona")
    expect(page.get_by_role("heading", name=re.compile("Good (morning|afternoon), Fiona"))).to_be_visible()

    page.get_by_role("link", name="Register patient").first.click()
    page.get_by_label("First name").fill("Renée")
    page.get_by_label("Last name").fill("Lefèvre")
    page.get_by_label("Date of birth").fill("1957-03-09")
    page.get_by_label("Sex").select_option(label="Female")
    page.get_by_label("Phone").fill("(555) 301-2020")
    page.get_by_label("Weight (kg)").fill("64")
    page.get_by_label("Takes an anticoagulant or antiplatelet").check()
    page.get_by_label("Anticoagulant / antiplatelet drugs").fill("apixaban 5 mg BID")
    page.get_by_label("Bone-density risk").check()
    page.get_by_role("button", name="Register patient").click()

    expect(page.get_by_role("status").filter(has_text="Registered Renée Lefèvre, MRN 1000001")).to_be_visible()
    expect(page.get_by_text("Anticoagulant / antiplatelet: apixaban 5 mg BID")).to_be_visible()
    page.screenshot(path="screenshots/chart-after-registration.png", full_page=True)

    # Found from the search box on every page, typed without accents and surname first.
    page.get_by_role("link", name="Patients").click()
    page.get_by_label("Find a patient").fill("lefevre renee")
    page.get_by_label("Find a patient").press("Enter")
    page.get_by_role("link", name="Lefèvre, Renée").click()

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Phone").fill("(555) 301-9999")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").filter(has_text="Saved changes to Renée Lefèvre")).to_be_visible()
    expect(page.get_by_text("(555) 301-9999")).to_be_visible()
    log_out(page)

    log_in(page, url, "ada")
    page.get_by_label("Find a patient").fill("1957-03-09")
    page.get_by_label("Find a patient").press("Enter")
    page.get_by_role("link", name="Lefèvre, Renée").click()
    history = page.get_by_role("region", name="Change history")
    expect(history.get_by_text("Changed by Fiona")).to_be_visible()
    expect(history.get_by_text("Phone: (555) 301-2020 → (555) 301-9999")).to_be_visible()
    expect(history.get_by_text("Registered by Fiona")).to_be_visible()
    page.screenshot(path="screenshots/chart-history-as-administrator.png", full_page=True)


def test_bad_input_shows_a_message_beside_the_field_in_the_browser(page: Page, live_server, frontdesk):
    log_in(page, live_server.url, "fiona")
    page.goto(f"{live_server.url}/patients/new/")
    page.get_by_label("First name").fill("Tom")
    page.get_by_label("Last name").fill("Future")
    page.get_by_label("Date of birth").fill("2999-01-01")
    page.get_by_label("Sex").select_option(label="Male")
    page.get_by_label("Email").fill("tom@")
    page.get_by_role("button", name="Register patient").click()
    # The message is tied to its field, as a screen reader announces it.
    expect(page.get_by_label("Date of birth")).to_have_accessible_description("Date of birth cannot be in the future.")
    expect(page.get_by_label("Email")).to_have_accessible_description("Enter a valid email address.")
    page.screenshot(path="screenshots/register-errors.png", full_page=True)
