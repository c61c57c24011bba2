"""A physician keeps a stimulator trial's diary, decides on it, then records the implant with its serial numbers;
the front desk finds the pump patient whose refill is due on the refill worklist."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from implants import services
from tests import factories
from tests.browser.pages import log_in, log_out
from tests.implants.helpers import implanted_pump, refill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


def test_the_trial_diary_the_decision_and_the_implant_then_the_refill_worklist(
    page: Page, live_server, shipped_data, physician, nurse, frontdesk
):
    today = timezone.localdate()
    patient = factories.patient(first_name="James", last_name="Patel")
    pathway = services.pathway_open(patient=patient, device="scs", by=nurse, on=today - 30 * DAY)
    services.pathway_evaluation(pathway=pathway, psych_on=today - 20 * DAY, cleared=True)
    start = today - 5 * DAY
    services.pathway_trial(pathway=pathway, start=start, end=today - DAY, note="Two percutaneous leads at T8")
    for offset, kept in enumerate((55, 60)):
        services.diary_add(pathway=pathway, day=start + offset * DAY, nrs=5, relief_pct=kept, by=nurse)
    pump = implanted_pump(factories.patient(first_name="Björn", last_name="Kowalski"), nurse)
    refill(pump, nurse, on=today - 88 * DAY, due=today)

    log_in(page, live_server.url, "paul")
    page.goto(f"{live_server.url}{patient.get_absolute_url()}")
    panel = page.get_by_role("region", name="Stimulator and pump")
    expect(panel).to_contain_text("Trial diary: 2 of 5 days recorded.")
    panel.get_by_role("link", name="Spinal cord stimulator").click()

    # The rest of the week's diary, from the patient's card: the day moves on by itself after each entry.
    diary = page.get_by_role("form", name="Add a diary day")
    for nrs, relief in (("4", "70"), ("3", "75"), ("4", "70")):
        diary.get_by_label("Pain (NRS 0–10)").fill(nrs)
        diary.get_by_label("Relief (%)").fill(relief)
        diary.get_by_label("Relief (%)").press("Enter")
        expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_be_visible()
    expect(page.get_by_text("66% mean relief over 5 diary days: meets ≥ 50%")).to_be_visible()
    expect(page.get_by_text("Trial ended: the decision is not recorded.")).to_be_visible()

    decision = page.locator("#decision")
    decision.get_by_label("Proceed to implant").check()
    decision.get_by_label("Note").fill("Walks twice as far; sleeps through")
    decision.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision recorded: proceed to implant.")).to_be_visible()

    implant = page.locator("#implant")
    expect(implant.get_by_role("alert", name="No successful trial")).to_have_count(0)
    implant.get_by_label("Manufacturer").fill("Abbott")
    implant.get_by_label("Generator / pump model").fill("Proclaim XR")
    implant.get_by_label("Generator / pump serial").fill("PXR-55123")
    implant.get_by_label("Location").fill("Left upper buttock")
    implant.get_by_label("Lead / catheter tip level").select_option("T8")
    implant.get_by_label("Lead type").select_option("percutaneous")
    implant.get_by_label("Lead model").fill("Octrode")
    implant.get_by_label("Lead serials").fill("OCT-1001, OCT-1002")
    implant.get_by_role("button", name="Save the implant").click()
    expect(page.get_by_text("Implant recorded: Abbott Proclaim XR, serial PXR-55123.")).to_be_visible()
    expect(page.locator("#implant")).to_contain_text("OCT-1001, OCT-1002")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Follow-up")
    page.screenshot(path="screenshots/scs-pathway-implanted.png", full_page=True)

    log_out(page)
    log_in(page, live_server.url, "fiona")
    page.get_by_role("button", name="Schedule").or_(page.get_by_role("link", name="Schedule")).first.click()
    page.get_by_role("link", name="Pump refills").click()
    due = page.get_by_role("region", name="Due within 14 days")
    expect(due).to_contain_text("Kowalski, Björn")
    expect(due).to_contain_text("today")
    expect(due).to_contain_text("not booked")
    page.screenshot(path="screenshots/pump-refill-worklist.png", full_page=True)
