"""Patients answer for themselves: a follow-up link sent by the daily job is answered on a phone and the nurse's
worklist shows it answered with no call; at check-in the front desk hands over the tablet for the baseline."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from outcomes.models import FollowUp, VisitBaseline
from scheduling.models import Appointment
from tests import factories
from tests.browser.pages import log_in
from tests.conftest import PASSWORD
from tests.scheduling.helpers import at, book, room

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_answers_the_link_on_a_phone_and_the_worklist_needs_no_call(
    page: Page, browser: Browser, live_server, nurse
):
    today = timezone.localdate()
    patient = factories.patient(
        first_name="Rosa",
        last_name="Delgado",
        email="rosa@example.org",
        questionnaire_channel="email",
        questionnaire_consent=True,
    )
    procedure = factories.procedure(patient, on=today - datetime.timedelta(days=14), nrs_pre=8)
    FollowUp.objects.filter(procedure=procedure).exclude(label="2 weeks").update(due_on=today + datetime.timedelta(99))
    FollowUp.objects.filter(procedure=procedure, label="2 weeks").update(due_on=today)

    call_command("send_follow_up_links")
    call_command("send_follow_up_links")  # the scheduler ran it twice: one message all the same
    [message] = mail.outbox
    found = re.search(r"https?://[^/]+(/outcomes/answer/\S+/)", str(message.body))
    assert found is not None
    path = found.group(1)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{live_server.url}{path}")
    expect(phone.get_by_role("heading", name="How is your pain?")).to_be_visible()
    expect(phone.locator("body")).not_to_contain_text("Delgado")
    phone.get_by_role("radiogroup", name="How bad is your pain right now?").get_by_text("3", exact=True).tap()
    phone.get_by_role("radiogroup", name=re.compile("How much better")).get_by_text("70%").tap()
    phone.get_by_role("radiogroup", name=re.compile("change in your condition")).get_by_text(
        "Much improved", exact=True
    ).tap()
    for number in range(1, 11):
        phone.get_by_role("radiogroup", name=re.compile(rf"^{number}\. ")).locator("label").nth(1).tap()
    phone.get_by_role("button", name="Send my answers").tap()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    phone.screenshot(path="screenshots/patient-link-answered.png")

    log_in(page, live_server.url, "nora")
    page.get_by_role("link", name="Follow-ups").click()
    expect(page.get_by_role("region", name="Due today")).not_to_contain_text("Delgado")
    answered = page.get_by_role("region", name="Answered by patients")
    expect(answered).to_contain_text("Delgado, Rosa")
    expect(answered).to_contain_text("NRS 3")
    expect(answered).to_contain_text("70% relief")
    page.screenshot(path="screenshots/worklist-answered-by-patients.png", full_page=True)


def test_the_front_desk_hands_the_tablet_at_check_in_and_it_locks_back(page: Page, live_server, frontdesk, physician):
    patient = factories.patient(first_name="Ana", last_name="Reyes")
    visit: Appointment = book(
        patient,
        physician,
        at(timezone.localdate(), 15),
        30,
        where=room(),
        visit_type="procedure",
        procedure="esi-transforaminal",
        levels="L4-L5, L5-S1",
        side="bilateral",
    )

    log_in(page, live_server.url, "fiona")
    page.goto(f"{live_server.url}/schedule/{visit.pk}/")
    page.get_by_role("button", name="Check in").click()
    page.get_by_role("button", name="Hand the tablet to Ana").click()

    expect(page.get_by_role("heading", name="Welcome, Ana R.")).to_be_visible()
    page.get_by_role("radiogroup", name="How bad is your pain today?").get_by_text("7", exact=True).click()
    for number in range(1, 11):
        page.get_by_role("radiogroup", name=re.compile(rf"^{number}\. ")).locator("label").nth(2).click()
    page.get_by_role("button", name="I'm done").click()
    expect(page.get_by_text("Please hand the tablet back to the front desk.")).to_be_visible()

    page.goto(f"{live_server.url}/patients/")  # a curious patient tries the rest of the app
    expect(page.get_by_text("Please hand the tablet back to the front desk.")).to_be_visible()
    page.get_by_label(re.compile("password to unlock")).fill(PASSWORD)
    page.get_by_role("button", name="Unlock").click()

    expect(page.get_by_text("Baseline stored for Ana Reyes: NRS 7, ODI 40.")).to_be_visible()
    expect(page.get_by_role("region", name="Baseline at check-in")).to_contain_text("Pain 7/10 · ODI 40")
    assert VisitBaseline.objects.get(appointment=visit).odi_score == 40
