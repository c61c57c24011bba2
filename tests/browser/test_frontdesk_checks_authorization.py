"""The front desk books an RFA for a BCBS patient whose authorization has one unit left and expires before the
visit, and is told so before booking; the physician's chart shows the units."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from scheduling.models import Room
from tests import factories
from tests.authorizations.helpers import approved
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_desk_is_told_the_authorization_expires_before_the_visit(page: Page, live_server, frontdesk, physician):
    Room.objects.create(name="Procedure suite 1", kind=Room.Kind.PROCEDURE_SUITE, fluoroscopy=True)
    today = timezone.localdate()
    visit_day = today + datetime.timedelta(days=21)
    patient = factories.patient(first_name="Beatriz", last_name="Soto", payer=factories.payer("BCBS FL", "bcbs-fl"))
    valid_to = today + datetime.timedelta(days=14)
    approved(patient, physician, units=3, valid_from=today - datetime.timedelta(days=90), valid_to=valid_to)
    for days, side in ((40, "right"), (20, "left")):
        factories.procedure(
            patient,
            on=today - datetime.timedelta(days=days),
            type_code="rfa-facet",
            sites=(("L4-L5", side),),
            drugs=(),
            physician=physician,
        )

    log_in(page, live_server.url, "fiona")
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    expect(page.get_by_role("region", name="Prior authorizations")).to_contain_text(
        f"2 of 3 used, expires {valid_to:%Y-%m-%d}"
    )
    page.get_by_role("region", name="Appointments").get_by_role("link", name="Book").click()
    page.get_by_label("Visit type").select_option(label="Procedure")
    page.get_by_label("Physician").select_option(label="Paul")
    page.get_by_label("Room").select_option(label="Procedure suite 1")
    page.get_by_label("Starts").fill(f"{visit_day}T09:00")
    page.get_by_label("Planned procedure").select_option(label="Radiofrequency ablation, medial branch (facet)")
    page.get_by_label("Levels").fill("L4-L5")
    page.get_by_label("Side").select_option(label="Right")

    warning = page.get_by_role("alert", name="Prior authorization")
    expect(warning).to_contain_text(
        f"Blue Cross Blue Shield of Florida authorization BCB-4471 expires on {valid_to:%Y-%m-%d}, "
        f"before this visit on {visit_day:%Y-%m-%d} (1 of 3 units left)"
    )
    page.screenshot(path="screenshots/booking-authorization-warning.png", full_page=True)
