"""A nurse records a follow-up from the worklist and the chart shows it; an administrator filters the
dashboard and downloads a CSV that matches the table."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from outcomes.models import FollowUp
from tests import factories
from tests.browser.pages import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def html_table(page: Page, slug: str) -> list[list[str]]:
    table = page.locator(f'table[data-table="{slug}"]')
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("thead tr, tbody tr, tfoot tr").all()
    ]


def test_the_nurse_records_a_follow_up_and_the_administrator_downloads_the_matching_numbers(
    page: Page, live_server, nurse, administrator
):
    today = timezone.localdate()
    patient = factories.patient(first_name="Walter", last_name="Kowalski", phone="(555) 777-0101")
    procedure = factories.procedure(patient, on=today - datetime.timedelta(days=14), nrs_pre=8)
    FollowUp.objects.filter(procedure=procedure, label="2 weeks").update(due_on=today)

    page.emulate_media(reduced_motion="reduce")
    log_in(page, live_server.url, "nora")
    page.get_by_role("link", name="Follow-ups").click()
    due_today = page.get_by_role("region", name="Due today")
    expect(due_today).to_contain_text("Kowalski, Walter")
    expect(due_today).to_contain_text("(555) 777-0101")
    due_today.get_by_role("link", name="Record the 2 weeks follow-up for Walter Kowalski").click()

    page.get_by_label("Pain now (NRS 0–10)").fill("3")
    page.get_by_label("% relief since the procedure").fill("70")
    page.get_by_label("Impression of change (PGIC)").select_option(label="Much improved")
    page.get_by_role("button", name="Save follow-up").click()
    expect(page.get_by_role("status").filter(has_text="Recorded 2 weeks follow-up for Walter Kowalski")).to_be_visible()
    expect(page.get_by_role("region", name="Due today")).not_to_contain_text("Kowalski")

    page.get_by_label("Find a patient").fill("kowalski")
    page.get_by_label("Find a patient").press("Enter")
    page.get_by_role("link", name="Kowalski, Walter").click()
    outcomes = page.get_by_role("region", name="Outcomes")
    outcomes.get_by_text("Pain scores as a table").click()
    expect(outcomes.get_by_role("row").filter(has_text=today.isoformat()).last).to_contain_text("3")
    # Chart.js drew the trajectory on the canvas (no animation, so the picture shows the final values).
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('trajectory-chart'))")
    page.screenshot(path="screenshots/chart-trajectory.png", full_page=True)
    log_out(page)

    log_in(page, live_server.url, "ada")
    page.get_by_role("link", name="Outcomes").click()
    page.get_by_label("Family", exact=True).select_option(label="Epidural steroid injection")
    page.get_by_role("button", name="Apply").click()
    shown = html_table(page, "responders-by-family")
    assert any(row[0] == "Epidural steroid injection" and "100% (1/1)" in row for row in shown)
    page.screenshot(path="screenshots/dashboard.png", full_page=True)

    section = page.locator("#responders-by-family")
    with page.expect_download() as download:
        section.get_by_role("link", name="Download CSV").click()
    content = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    assert list(csv.reader(io.StringIO(content))) == shown
