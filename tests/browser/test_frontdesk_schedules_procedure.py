"""Front desk books a near-limit patient's ESI, sees the flag, moves it, checks them in; the physician logs it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from procedures.models import ProcedureType
from scheduling import services
from scheduling.models import Appointment, Room, WaitlistEntry
from tests import factories
from tests.browser.pages import fill_esi_booking, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_desk_books_moves_and_checks_in_and_the_physician_opens_the_prefilled_form(
    page: Page, live_server, frontdesk, physician
):
    Room.objects.create(name="Procedure suite 1", kind=Room.Kind.PROCEDURE_SUITE, fluoroscopy=True)
    factories.near_esi_limit(physician, drugs=(("Triamcinolone acetonide", "40"),))
    next_week = timezone.localdate() + datetime.timedelta(days=7)

    log_in(page, live_server.url, "fiona")
    page.get_by_label("Find a patient").fill("kowalski")
    page.get_by_label("Find a patient").press("Enter")
    page.get_by_role("link", name="Kowalski, Walter").click()
    page.get_by_role("region", name="Appointments").get_by_role("link", name="Book").click()

    fill_esi_booking(page, next_week)
    # Warned before booking; the patient's pain cannot wait, so the desk books this slot with a reason.
    expect(page.locator("#limit-check")).to_contain_text("Would pass a limit")
    page.get_by_label("Reason to book past the limit").fill("Severe flare; Dr Paul asked for it this week")
    page.get_by_role("button", name="Book", exact=True).click()
    # The demo physician keeps no working hours: the desk is warned and books anyway.
    page.get_by_label("Book anyway, outside working hours").check()
    page.get_by_role("button", name="Book", exact=True).click()

    flag = page.get_by_role("alert").filter(has_text="Would pass a limit")
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("within limits again on")
    expect(flag).to_contain_text("ESI sessions per region, 6 months: 4 of 3")
    page.screenshot(path="screenshots/booking-confirmation-flag.png", full_page=True)

    # The patient wants it sooner: today, first thing.
    page.get_by_role("link", name="Reschedule").click()
    page.get_by_label("Starts").fill(f"{timezone.localdate()}T07:00")
    # As the desk would, read the live check for the new time before moving (and let it finish first).
    expect(page.locator("#limit-check")).to_contain_text("Would pass a limit")
    page.get_by_role("button", name="Move the visit").click()
    page.get_by_label("Book anyway, outside working hours").check()
    page.get_by_role("button", name="Move the visit").click()
    expect(page.get_by_role("status").filter(has_text="Moved to")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Would pass a limit")).to_be_visible()

    page.get_by_role("button", name="Schedule").click()
    page.get_by_role("link", name="Today’s visits").click()
    row = page.get_by_role("row").filter(has_text="Kowalski")
    row.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("row").filter(has_text="Kowalski")).to_contain_text("Checked in")
    page.screenshot(path="screenshots/today-checked-in.png", full_page=True)
    log_out(page)

    log_in(page, live_server.url, "paul")
    page.get_by_label("Find a patient").fill("kowalski")
    page.get_by_label("Find a patient").press("Enter")
    page.get_by_role("link", name="Kowalski, Walter").click()
    visits = page.get_by_role("region", name="Appointments")
    expect(visits).to_contain_text("Checked in")
    visits.get_by_role("link", name=timezone.localdate().strftime("%a %Y-%m-%d 07:00")).click()
    expect(page.get_by_role("alert").filter(has_text="Would pass a limit")).to_be_visible()
    page.get_by_role("link", name="Log procedure").click()
    tfesi = ProcedureType.objects.get(code="esi-transforaminal")
    expect(page.get_by_label("Procedure*", exact=True)).to_have_value(str(tfesi.pk))
    expect(page.get_by_label("Level or site 1")).to_have_value("L4-L5")
    expect(page.get_by_label("Side 1")).to_have_value("bilateral")
    expect(page.get_by_label("Level or site 2")).to_have_value("L5-S1")
    # The plan is checked as soon as the form opens, before a drug is chosen.
    expect(page.locator("#limit-check")).to_contain_text("Passes a hard limit.")
    page.get_by_label("Drug 1", exact=True).select_option(label="Dexamethasone sodium phosphate")
    page.get_by_label("Dose (mg) 1").fill("10")
    expect(page.locator("#limit-check")).to_contain_text("Passes a hard limit.")
    page.screenshot(path="screenshots/prefilled-procedure-form.png", full_page=True)


def test_front_desk_cancels_a_visit_and_books_the_freed_slot_for_a_waitlisted_patient(
    page: Page, live_server, frontdesk, physician
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    leaving = factories.patient(first_name="Ruth", last_name="Leaving")
    waiting = factories.patient(first_name="Wanda", last_name="Waiting", phone="(555) 444-1212")
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(10, 0)))
    visit = services.appointment_book(
        patient=leaving,
        slot=services.Slot(physician, None, start, start + datetime.timedelta(minutes=20)),
        visit_type="follow_up",
        booked_by=frontdesk,
    )
    services.waitlist_entry_add(
        patient=waiting, visit_type="follow_up", earliest_on=timezone.localdate(), created_by=frontdesk
    )

    log_in(page, live_server.url, "fiona")
    page.goto(f"{live_server.url}{visit.get_absolute_url()}")
    page.get_by_role("link", name="Cancel visit").click()
    page.get_by_label("Reason for cancelling").fill("Patient called: unwell")
    page.get_by_role("button", name="Cancel the visit").click()

    offers = page.get_by_role("region", name="Waitlist: patients who want an earlier follow-up")
    expect(offers).to_contain_text("Waiting, Wanda")
    expect(offers).to_contain_text("(555) 444-1212")
    page.screenshot(path="screenshots/cancel-waitlist-offer.png", full_page=True)
    offers.get_by_role("link", name="Offer this slot").click()

    expect(page.get_by_text("Waiting, Wanda")).to_be_visible()
    expect(page.get_by_label("Starts")).to_have_value(f"{tomorrow}T10:00")
    page.get_by_role("button", name="Book").click()
    page.get_by_label("Book anyway, outside working hours").check()
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_role("status").filter(has_text="Booked Follow-up")).to_be_visible()
    booked = Appointment.objects.get(patient=waiting)
    assert booked.local_start.hour == 10
    assert WaitlistEntry.objects.get(patient=waiting).appointment == booked
