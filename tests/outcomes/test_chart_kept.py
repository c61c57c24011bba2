"""The chart keeps the HTML of its procedures, outcomes and visits panels, and never shows a kept copy older than
the patient's records, the names and rules it shows, today's date or the viewer's role.

Every test opens the chart once (which keeps the panels), changes something the way the clinic would, and opens
it again: the change must show. A kept panel is served with no context (`RenderedPanel.context is None`).
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outcomes.models import FollowUp
from outcomes.services import followup_record
from patients.services import patient_archive
from procedures.models import LimitRule, ProcedureSite, ProcedureType
from procedures.services import procedure_void
from scheduling import services as scheduling_services
from tests import factories
from tests.clock import clinic_time
from tests.conftest import PASSWORD
from tests.scheduling.helpers import at, book, weekday_hours

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PROCEDURES = "procedures/_chart_panel.html"
OUTCOMES = "outcomes/_chart_panel.html"
VISITS = "scheduling/_chart_panel.html"
AUTHORIZATIONS = "authorizations/_chart_panel.html"
IMPLANTS = "implants/_chart_panel.html"
ALL_KEPT = {PROCEDURES, OUTCOMES, VISITS, AUTHORIZATIONS, IMPLANTS}


def chart(client, patient):
    response = client.get(patient.get_absolute_url())
    assert response.status_code == 200
    return response


def kept(response) -> set[str]:
    """The panels served from kept HTML."""
    return {panel.template for panel in response.context["panels"] if panel.context is None}


def html(response) -> str:
    return str(response.content.decode())


@pytest.fixture
def patient():
    return factories.patient(first_name="Ana", last_name="Reyes")


@pytest.fixture
def esi(patient):
    return factories.procedure(patient, on=TODAY - datetime.timedelta(days=40), nrs_pre=7)


def test_a_chart_opened_again_is_served_the_kept_panels_with_fewer_queries(client, physician, esi, patient):
    client.force_login(physician)
    first = chart(client, patient)
    with CaptureQueriesContext(connection) as again:
        second = chart(client, patient)
    assert kept(first) == set()
    assert kept(second) == ALL_KEPT
    assert [panel.html for panel in second.context["panels"]] == [panel.html for panel in first.context["panels"]]
    with CaptureQueriesContext(connection) as fresh:
        client.get(factories.patient(first_name="Other").get_absolute_url())
    assert len(again) < len(fresh) - 5


def test_a_procedure_logged_shows_at_once(client, physician, esi, patient):
    client.force_login(physician)
    chart(client, patient)
    factories.procedure(patient, on=TODAY, type_code="mbb", sites=(("L3-L4", "right"),), drugs=(("Bupivacaine", "5"),))
    page = chart(client, patient)
    assert kept(page) == set()
    assert f'<td class="text-nowrap">{TODAY.isoformat()}</td>' in html(page)
    assert "L3-L4 right" in html(page)


def test_a_voided_procedure_is_struck_through_at_once(client, physician, esi, patient):
    client.force_login(physician)
    assert 'badge text-bg-secondary">void' not in html(chart(client, patient))
    procedure_void(procedure=esi, by=physician, reason="Entered on the wrong patient")
    assert 'badge text-bg-secondary">void' in html(chart(client, patient))


def test_a_recorded_follow_up_call_shows_at_once(client, physician, esi, patient):
    client.force_login(physician)
    assert "<td>2 weeks after Transforaminal ESI L5-S1</td>" not in html(chart(client, patient))
    followup_record(
        follow_up=FollowUp.objects.get(procedure=esi, label="2 weeks"),
        recorded_by=physician,
        relief_pct=60,
        nrs=3,
        method="phone",
    )
    assert "<td>2 weeks after Transforaminal ESI L5-S1</td><td>3</td>" in html(chart(client, patient))


def test_a_change_written_around_the_services_shows_too(client, physician, esi, patient):
    """Database triggers renew the stamp: an update in plain SQL (a data fix, the admin) is seen like a service's."""
    client.force_login(physician)
    assert "L5-S1 left" in html(chart(client, patient))
    ProcedureSite.objects.filter(procedure=esi).update(side="right")
    page = chart(client, patient)
    assert "L5-S1 right" in html(page)
    assert PROCEDURES not in kept(page)


def test_a_booked_and_a_cancelled_visit_show_at_once(client, physician, frontdesk, patient):
    weekday_hours(physician)
    day = TODAY + datetime.timedelta(days=7)
    client.force_login(frontdesk)
    assert "None." in html(chart(client, patient))
    visit = book(patient, physician, at(day, 9))
    page = html(chart(client, patient))
    assert f"{day.isoformat()} 09:00</a> · Follow-up" in page
    scheduling_services.appointment_cancel(appointment=visit, reason="Patient asked")
    page = html(chart(client, patient))
    assert '<span class="badge text-bg-light border">Cancelled</span>' in page


def test_a_renamed_procedure_type_and_a_renamed_physician_show_at_once(client, physician, esi, patient):
    client.force_login(physician)
    chart(client, patient)
    ProcedureType.objects.filter(code="esi-transforaminal").update(name="TFESI")
    assert ">TFESI</a>" in html(chart(client, patient))
    User.objects.filter(pk=esi.performed_by_id).update(first_name="Dora", last_name="Diaz")
    assert "<td>Dora Diaz</td>" in html(chart(client, patient))


def test_a_login_leaves_the_kept_panels_standing(client, physician, nurse, esi, patient):
    client.force_login(physician)
    chart(client, patient)
    response = Client().post(reverse("login"), {"username": nurse.username, "password": PASSWORD})
    assert response.status_code == 302
    nurse.refresh_from_db()
    assert nurse.last_login is not None
    assert kept(chart(client, patient)) == ALL_KEPT


def test_an_edited_limit_rule_is_judged_afresh(client, physician, esi, patient):
    client.force_login(physician)
    chart(client, patient)
    rule = LimitRule.objects.filter(kind="sessions").first()
    assert rule is not None
    rule.limit = Decimal(1)
    rule.save()
    page = chart(client, patient)
    assert kept(page) == set()


def test_the_next_day_judges_the_history_again(client, physician, esi, patient):
    """Twenty minutes apart, across midnight: a limit's window or a call's due date may have moved."""
    with time_machine.travel(clinic_time(TODAY, 23, 50), tick=False):
        client.force_login(physician)
        chart(client, patient)
        assert kept(chart(client, patient)) == ALL_KEPT
    with time_machine.travel(clinic_time(TODAY + datetime.timedelta(days=1), 0, 10), tick=False):
        client.force_login(physician)  # signed out meanwhile: 20 minutes idle
        assert kept(chart(client, patient)) == set()


def test_a_visit_moves_from_upcoming_to_past_when_it_ends(client, physician, patient):
    weekday_hours(physician, starts=0, ends=23)
    with time_machine.travel(clinic_time(TODAY, 9), tick=False):
        book(patient, physician, at(TODAY, 10), minutes=30)
        client.force_login(physician)
        before = html(chart(client, patient))
    with time_machine.travel(clinic_time(TODAY, 10, 45), tick=False):
        client.force_login(physician)  # signed out meanwhile: over an hour idle
        after = chart(client, patient)
    upcoming, past = before.split(">Past</h3>")
    assert f"{TODAY.isoformat()} 10:00" in upcoming
    assert VISITS not in kept(after)
    upcoming, past = html(after).split(">Past</h3>")
    assert f"{TODAY.isoformat()} 10:00" in past


def test_each_role_is_served_its_own_buttons(client, physician, frontdesk, esi, patient):
    client.force_login(physician)
    assert ">Log procedure</a>" in html(chart(client, patient))
    client.force_login(frontdesk)
    page = chart(client, patient)
    assert ">Log procedure</a>" not in html(page)
    assert ">Book</a>" in html(page)
    client.force_login(physician)
    assert ">Log procedure</a>" in html(chart(client, patient))


def test_an_archived_patient_loses_the_book_button(client, frontdesk, patient):
    client.force_login(frontdesk)
    assert ">Book</a>" in html(chart(client, patient))
    patient_archive(patient=patient, reason="Moved away")
    assert ">Book</a>" not in html(chart(client, patient))
