"""The chart's change history, for administrators: what changed in the record, its procedures (doses, sites,
overrides by rule name, voids), visits and follow-up calls, in the clinic's time zone; the latest entries on the
chart, all of them on the history page, in a fixed number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from outcomes.models import FollowUp
from outcomes.services import followup_record
from procedures.models import Drug, LimitRule
from procedures.services import MedicationInput, SiteInput, procedure_update, procedure_void
from scheduling import services as scheduling
from scheduling.models import Status
from tests import factories
from tests.scheduling.helpers import at, book, weekday_hours

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def patient():
    return factories.patient(first_name="Ana", last_name="Reyes")


def block(patient, on: datetime.date):
    """A medial branch block: no steroid, so any number of them stays within every limit."""
    sites, drugs = (("L3-L4", "right"),), (("Bupivacaine", "5"),)
    return factories.procedure(patient, on=on, type_code="mbb", sites=sites, drugs=drugs)


def history_text(client, patient, url: str | None = None) -> str:
    """The history section's text, as the administrator reads it."""
    page = client.get(url or patient.get_absolute_url()).content.decode()
    section = page[page.index("Change history") :]
    return re.sub(r"\s+", " ", strip_tags(section))


def test_a_corrected_dose_reads_from_what_to_what(client, administrator, patient):
    on = TODAY - datetime.timedelta(days=5)
    esi = factories.procedure(patient, on=on, drugs=(("Triamcinolone acetonide", "80"),))
    procedure_update(
        procedure=esi,
        sites=[SiteInput("L5-S1", "left")],
        medications=[MedicationInput(Drug.objects.get(name="Triamcinolone acetonide"), Decimal("40"))],
    )
    client.force_login(administrator)
    text = history_text(client, patient)
    assert f"Changed · Transforaminal ESI on {esi.performed_on:%Y-%m-%d}" in text
    assert "Triamcinolone acetonide 80 → 40 mg" in text


def test_a_changed_site_and_an_added_drug_show_beside_the_correction(client, administrator, patient):
    esi = factories.procedure(patient, on=TODAY - datetime.timedelta(days=5))
    dex, lidocaine = Drug.objects.get(name="Dexamethasone sodium phosphate"), Drug.objects.get(name="Lidocaine")
    procedure_update(
        procedure=esi,
        sites=[SiteInput("L4-L5", "right")],
        medications=[MedicationInput(dex, Decimal(10)), MedicationInput(lidocaine, Decimal(20))],
    )
    client.force_login(administrator)
    text = history_text(client, patient)
    assert "Levels and sides: L5-S1 left → L4-L5 right" in text
    assert "Drug: — → Lidocaine 20 mg" in text
    assert "Dexamethasone" not in text  # the same dose, rewritten with the correction, is no change


@pytest.fixture
def saved_past_a_limit(patient):
    """The fourth lumbar ESI in six months, saved past the clinic's session limit with a reason."""
    for days in (100, 80, 60, 40):
        latest = factories.procedure(
            patient, on=TODAY - datetime.timedelta(days=days), override_reason="Documented severe radiculopathy"
        )
    return latest


def test_an_override_names_its_rules_not_their_codes(client, administrator, patient, saved_past_a_limit):
    client.force_login(administrator)
    text = history_text(client, patient)
    rule = LimitRule.objects.get(code="clinic-esi-6m")
    assert f"Overridden rules: — → {rule.name}" in text
    assert "Override reason: — → Documented severe radiculopathy" in text
    assert "clinic-esi-6m" not in text


def test_the_procedure_page_names_the_rules_it_was_saved_past(client, administrator, saved_past_a_limit):
    client.force_login(administrator)
    page = re.sub(r"\s+", " ", strip_tags(client.get(saved_past_a_limit.get_absolute_url()).content.decode()))
    assert f"Saved past a hard limit ({LimitRule.objects.get(code='clinic-esi-6m').name}" in page
    assert "clinic-esi-6m" not in page


def test_a_void_shows_its_time_in_the_clinics_zone(client, administrator, physician, patient):
    esi = factories.procedure(patient, on=TODAY - datetime.timedelta(days=5))
    procedure_void(procedure=esi, by=physician, reason="Wrong patient")
    esi.refresh_from_db()
    client.force_login(administrator)
    text = history_text(client, patient)
    assert f"Voided at: — → {timezone.localtime(esi.voided_at):%Y-%m-%d %H:%M}" in text
    assert "Voided · Transforaminal ESI" in text
    assert "+00:00" not in text


def test_visits_booked_moved_checked_in_and_cancelled_appear(client, administrator, physician, patient):
    weekday_hours(physician)
    visit = book(patient, physician, at(TODAY, 9))
    later = scheduling.Slot(physician, None, at(TODAY, 11), at(TODAY, 11, 20))
    scheduling.appointment_move(appointment=visit, slot=later)
    scheduling.appointment_set_status(appointment=visit, status=Status.CHECKED_IN)
    other = book(patient, physician, at(TODAY + datetime.timedelta(days=7), 9))
    scheduling.appointment_cancel(appointment=other, reason="Patient asked")
    client.force_login(administrator)
    text = history_text(client, patient)
    assert f"Booked · Follow-up visit on {TODAY:%Y-%m-%d} 09:00" in text
    assert f"Moved · Follow-up visit on {TODAY:%Y-%m-%d} 11:00" in text
    assert f"Starts: {TODAY:%Y-%m-%d} 09:00 → {TODAY:%Y-%m-%d} 11:00" in text
    assert "Checked in · Follow-up visit" in text
    assert "Cancelled · Follow-up visit" in text
    assert "Cancel reason: — → Patient asked" in text


def test_a_recorded_follow_up_call_appears(client, administrator, nurse, patient):
    esi = factories.procedure(patient, on=TODAY - datetime.timedelta(days=20))
    call = FollowUp.objects.filter(procedure=esi).earliest("due_on")
    followup_record(follow_up=call, recorded_by=nurse, method="phone", nrs=3, relief_pct=60)
    client.force_login(administrator)
    text = history_text(client, patient)
    assert f"Recorded · {call.label} follow-up of Transforaminal ESI on {esi.performed_on:%Y-%m-%d}" in text
    assert "Recorded by: — → Nora" in text
    assert "Pain now (NRS 0–10): — → 3" in text


def test_the_chart_shows_the_latest_changes_and_links_to_the_whole_history(client, administrator, patient):
    for n in range(20):
        block(patient, TODAY - datetime.timedelta(days=300 - 10 * n))
    client.force_login(administrator)
    response = client.get(patient.get_absolute_url())
    assert len(response.context["history"]) == 15
    assert f'href="{reverse("patients:history", args=[patient.pk])}"' in response.content.decode()
    full = client.get(reverse("patients:history", args=[patient.pk]))
    assert "Registered by" in re.sub(r"\s+", " ", strip_tags(full.content.decode()))
    assert len(full.context["history"]) > 15


def test_the_charts_history_does_not_grow_in_queries_with_the_history(
    client, administrator, nurse, physician, patient, django_assert_max_num_queries
):
    def add_history(n: int) -> None:
        for day in range(n):
            esi = block(patient, TODAY - datetime.timedelta(days=400 - 20 * day))
            procedure_update(procedure=esi, sites=[SiteInput("L4-L5", "left")], medications=[])
            call = FollowUp.objects.filter(procedure=esi).earliest("due_on")
            followup_record(follow_up=call, recorded_by=nurse, method="phone", nrs=3, relief_pct=60)

    weekday_hours(physician)
    book(patient, physician, at(TODAY, 9))
    add_history(1)
    client.force_login(administrator)
    with django_assert_max_num_queries(60) as few:
        client.get(patient.get_absolute_url())
    add_history(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(patient.get_absolute_url())
