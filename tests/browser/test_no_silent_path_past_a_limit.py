"""No silent path past a limit: a back-dated entry is stopped with the later session named, and a booking
is warned before it is saved and takes the first eligible slot in one click."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from procedures.models import Procedure
from scheduling.models import Appointment, Room
from tests import factories
from tests.browser.pages import fill_esi_booking, log_in
from tests.scheduling.helpers import weekday_hours

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_physician_back_dating_an_esi_is_stopped_with_the_later_session_named(page: Page, live_server, physician):
    today = timezone.localdate()
    patient = factories.patient(first_name="Dora", last_name="Late", payer=factories.payer())
    for days in (20, 10, 1):
        factories.procedure(
            patient,
            on=today - datetime.timedelta(days=days),
            physician=physician,
            drugs=(("Dexamethasone sodium phosphate", "4"),),
        )
    back_dated = today - datetime.timedelta(days=25)
    latest = today - datetime.timedelta(days=1)

    log_in(page, live_server.url, "paul")
    page.goto(f"{live_server.url}{patient.get_absolute_url()}")
    page.get_by_role("link", name="Log procedure").click()
    page.get_by_label("Date and time").fill(f"{back_dated}T10:00")
    page.get_by_label("Procedure*", exact=True).select_option(label="Transforaminal ESI")
    page.get_by_label("Level or site 1").select_option("L5-S1")
    page.get_by_label("Side 1").select_option("left")
    page.get_by_label("Drug 1", exact=True).select_option(label="Dexamethasone sodium phosphate")
    page.get_by_label("Dose (mg) 1").fill("4")
    page.get_by_label("Informed consent obtained").check()
    page.get_by_label("Time-out done").check()

    limits = page.locator("#limit-check")
    expect(limits).to_contain_text("Passes a hard limit.")
    expect(limits).to_contain_text(f"makes the ESI session (lumbar/sacral) on {latest} the 4th of 3 in 6 months")
    page.screenshot(path="screenshots/procedure-back-dated.png", full_page=True)

    page.get_by_role("button", name="Save procedure").click()
    expect(page.get_by_text(re.compile("This procedure passes a hard limit"))).to_be_visible()
    assert Procedure.objects.filter(patient=patient).count() == 3

    page.get_by_label("Override reason").fill("Entered late from the paper log; physician reviewed the series")
    page.get_by_role("button", name="Save procedure").click()
    expect(page.get_by_role("status").filter(has_text="Logged Transforaminal ESI")).to_be_visible()
    assert Procedure.objects.filter(patient=patient).count() == 4


def test_front_desk_sees_the_limit_before_booking_and_takes_the_first_eligible_slot(
    page: Page, live_server, frontdesk, physician
):
    Room.objects.create(name="Procedure suite 1", kind=Room.Kind.PROCEDURE_SUITE, fluoroscopy=True)
    weekday_hours(physician)
    patient = factories.near_esi_limit(physician)
    monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())

    log_in(page, live_server.url, "fiona")
    page.goto(f"{live_server.url}{patient.get_absolute_url()}")
    page.get_by_role("region", name="Appointments").get_by_role("link", name="Book").click()
    fill_esi_booking(page, monday)

    check = page.locator("#limit-check")
    expect(check).to_contain_text("Would pass a limit")
    expect(check).to_contain_text("4 of 3 ESI sessions (lumbar/sacral) in 6 months")
    expect(check).to_contain_text("The first date within limits is")
    assert Appointment.objects.count() == 0
    page.screenshot(path="screenshots/booking-live-limit-check.png", full_page=True)

    offer = check.get_by_role("button", name=re.compile(r"^Book .* with Paul instead$"))
    offered = offer.get_attribute("value")
    offer.click()
    expect(page.get_by_role("status").filter(has_text="Booked Procedure")).to_be_visible()
    expect(page.get_by_text("Would pass a limit")).to_have_count(0)
    appointment = Appointment.objects.get()
    assert appointment.local_start.strftime("%Y-%m-%dT%H:%M") == offered
    assert not appointment.limit_would_pass
    page.screenshot(path="screenshots/booking-first-eligible-slot.png", full_page=True)
