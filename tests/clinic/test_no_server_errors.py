"""Input that once answered a server error now answers a message, and a write it refuses changes nothing:
a `next` that is not a path, NUL characters (PostgreSQL refuses them in text), reasons longer than their column,
and dates at the ends of the calendar, where adding a day or changing the time zone leaves it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import FollowUp, FollowUpStatus
from procedures.models import Procedure
from tests import factories
from tests.scheduling.helpers import at, book, next_weekday

pytestmark = pytest.mark.django_db

LONG = "x" * 100_000


@pytest.fixture
def patient():
    return factories.patient()


@pytest.fixture
def visit(patient, physician):
    return book(patient, physician, at(next_weekday(), 9))


@pytest.fixture
def follow_up(patient, physician):
    procedure = factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=14), physician=physician)
    return FollowUp.objects.get(procedure=procedure, label="2 weeks")


@pytest.mark.parametrize("target", ["foo", "javascript:alert(1)", "https://elsewhere.example/", "//elsewhere.example/"])
def test_a_status_change_with_a_next_that_is_not_a_page_here_returns_to_the_visit(client, frontdesk, visit, target):
    client.force_login(frontdesk)
    response = client.post(reverse("scheduling:status", args=[visit.pk]), {"status": "confirmed", "next": target})
    assert response.status_code == 302
    assert response.url == visit.get_absolute_url()
    visit.refresh_from_db()
    assert visit.status == "confirmed"


def test_a_status_change_returns_to_the_list_it_was_made_from(client, frontdesk, visit):
    client.force_login(frontdesk)
    back = f"{reverse('scheduling:agenda')}?date={visit.local_start:%Y-%m-%d}"
    response = client.post(reverse("scheduling:status", args=[visit.pk]), {"status": "confirmed", "next": back})
    assert response.url == back


def test_a_call_recorded_with_a_next_that_is_not_a_path_returns_to_the_worklist(client, nurse, follow_up):
    client.force_login(nurse)
    data = {"method": "phone", "nrs": "3", "relief_pct": "60", "next": "foo"}
    response = client.post(f"{reverse('outcomes:record', args=[follow_up.pk])}?next=foo", data)
    assert response.url == reverse("outcomes:worklist")
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE


def test_a_call_not_reached_with_a_next_that_is_not_a_path_returns_to_the_worklist(client, nurse, follow_up):
    client.force_login(nurse)
    response = client.post(reverse("outcomes:not_reached", args=[follow_up.pk]), {"next": "foo"})
    assert response.url == reverse("outcomes:worklist")
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.NOT_REACHED


def test_a_procedure_logged_with_a_next_that_is_not_a_path_opens_the_record(client, physician, patient):
    client.force_login(physician)
    url = f"{reverse('procedures:new')}?patient={patient.pk}&next=foo"
    response = client.post(url, factories.esi_entry(patient, physician))
    assert response.url == Procedure.objects.get().get_absolute_url()


@pytest.mark.parametrize(("reason", "message"), [("unwell\x00", "NUL"), (LONG, "at most 200 characters")])
def test_a_cancel_reason_with_nul_or_too_long_is_refused_at_the_field(client, frontdesk, visit, reason, message):
    client.force_login(frontdesk)
    response = client.post(reverse("scheduling:cancel", args=[visit.pk]), {"reason": reason})
    assert response.status_code == 200
    assert message in response.context["error"]
    visit.refresh_from_db()
    assert (visit.status, visit.cancel_reason) == ("scheduled", "")


@pytest.mark.parametrize(("reason", "message"), [("wrong\x00patient", "NUL"), (LONG, "at most 300 characters")])
def test_a_void_reason_with_nul_or_too_long_is_refused_with_a_message(client, physician, patient, reason, message):
    procedure = factories.procedure(patient, on=timezone.localdate(), physician=physician)
    client.force_login(physician)
    response = client.post(reverse("procedures:void", args=[procedure.pk]), {"reason": reason}, follow=True)
    assert message in response.content.decode()
    procedure.refresh_from_db()
    assert not procedure.is_voided


def test_a_not_reached_note_with_nul_is_refused_and_the_call_stays_open(client, nurse, follow_up):
    client.force_login(nurse)
    response = client.post(reverse("outcomes:not_reached", args=[follow_up.pk]), {"note": "voicemail\x00"}, follow=True)
    assert "NUL" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DUE


def test_a_nul_in_a_query_string_is_ignored_with_a_message(client, physician, patient):
    client.force_login(physician)
    response = client.get(f"{reverse('procedures:new')}?patient={patient.pk}&type=%00")
    assert response.status_code == 200
    assert "type: it held a NUL character" in response.content.decode()
    response = client.get(f"{reverse('patients:list')}?q=ma%00")
    assert response.status_code == 200


def test_a_procedure_in_the_year_1_is_refused_at_the_date_on_the_form_and_the_live_check(client, physician, patient):
    client.force_login(physician)
    data = factories.esi_entry(patient, physician, performed_at="0001-01-01T00:00")
    response = client.post(f"{reverse('procedures:new')}?patient={patient.pk}", data)
    assert response.status_code == 200
    assert "before the patient's date of birth" in response.context["entry"].form.errors["performed_at"][0]
    response = client.post(reverse("procedures:check"), data)
    assert response.status_code == 200
    assert "Not checked" in response.content.decode()
    assert not Procedure.objects.exists()


def test_a_visit_at_the_last_minute_of_9999_is_refused_at_the_start(client, frontdesk, physician, patient, visit):
    client.force_login(frontdesk)
    start = {"physician": physician.pk, "starts_at": "9999-12-31T23:59"}
    booking = {"patient": patient.pk, "visit_type": "follow_up"} | start
    for url, data in [(reverse("scheduling:new"), booking), (reverse("scheduling:move", args=[visit.pk]), start)]:
        response = client.post(url, data)
        assert response.status_code == 200
        assert "Choose a time between" in response.context["form"].errors["starts_at"][0]
        response = client.post(reverse("scheduling:check"), data | {"take_offer": "9999-12-31T23:59"})
        assert response.status_code == 200
