"""The follow-up worklist: today's calls, the overdue ones oldest first, the next week's, each with a phone number."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import FollowUp
from outcomes.services import followup_record
from procedures.services import procedure_void
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
URL = reverse("outcomes:worklist")
FAR_AWAY = TODAY + datetime.timedelta(days=365)


def esi(first_name: str, **fields):
    """An ESI logged a month ago, its follow-ups parked out of the list until a test places one."""
    patient = factories.patient(first_name=first_name, last_name="Lopez", phone=fields.pop("phone", "(555) 013-4567"))
    procedure = factories.procedure(patient, on=TODAY - datetime.timedelta(days=30), **fields)
    FollowUp.objects.filter(procedure=procedure).update(due_on=FAR_AWAY)
    return procedure


def place(procedure, days: int, label: str = "2 weeks") -> FollowUp:
    FollowUp.objects.filter(procedure=procedure, label=label).update(due_on=TODAY + datetime.timedelta(days=days))
    return FollowUp.objects.get(procedure=procedure, label=label)


def listed(response) -> dict[str, list[tuple[str, int]]]:
    """Section key -> (first name, days from today) per row, in the order shown."""
    return {
        section.key: [
            (call.follow_up.procedure.patient.first_name, call.days) for group in section.groups for call in group.calls
        ]
        for section in response.context["sections"]
    }


def test_calls_are_sorted_into_due_today_overdue_and_upcoming_by_their_due_date(client, nurse):
    for name, days in [("Ana", 0), ("Bea", -3), ("Cruz", -10), ("Dora", 3), ("Eva", 7), ("Faye", 8)]:
        place(esi(name), days)
    client.force_login(nurse)
    response = client.get(URL)
    assert response.status_code == 200
    assert listed(response) == {
        "today": [("Ana", 0)],
        "overdue": [("Cruz", -10), ("Bea", -3)],
        "upcoming": [("Dora", 3), ("Eva", 7)],
    }
    html = response.content.decode()
    assert "10 days overdue" in html
    assert "3 days overdue" in html


def test_section_headings_carry_their_counts(client, nurse):
    place(esi("Ana"), 0)
    place(esi("Bea"), -1)
    place(esi("Cruz"), -2)
    client.force_login(nurse)
    response = client.get(URL)
    assert [(s.title, s.count) for s in response.context["sections"]] == [
        ("Due today", 1),
        ("Overdue", 2),
        ("Upcoming", 0),
    ]
    assert "Nothing due in the next 7 days." in response.content.decode()


def test_each_row_shows_the_patient_with_a_phone_link_the_procedure_and_the_baseline(client, nurse):
    procedure = esi("Ana", phone="(555) 013-9876", nrs_pre=7)
    follow_up = place(procedure, 0)
    client.force_login(nurse)
    html = client.get(URL).content.decode()
    assert 'href="tel:5550139876"' in html
    assert "(555) 013-9876" in html
    assert procedure.patient.mrn in html
    assert procedure.patient.get_absolute_url() in html
    assert "Transforaminal ESI" in html
    assert "L5-S1 left" in html
    assert procedure.performed_on.strftime("%-d %b %Y") in html
    assert "7<span" in html  # the pre-procedure NRS as the baseline
    assert reverse("outcomes:record", args=[follow_up.pk]) in html
    assert reverse("outcomes:not_reached", args=[follow_up.pk]) in html


def test_a_patient_with_two_calls_due_is_one_group(client, nurse):
    procedure = esi("Ana")
    place(procedure, -2, "2 weeks")
    place(procedure, -1, "6 weeks")
    client.force_login(nurse)
    (overdue,) = [s for s in client.get(URL).context["sections"] if s.key == "overdue"]
    assert len(overdue.groups) == 1
    assert [call.follow_up.label for call in overdue.groups[0].calls] == ["2 weeks", "6 weeks"]


def test_follow_ups_of_a_voided_procedure_are_not_listed(client, nurse):
    kept, voided = esi("Ana"), esi("Bea")
    place(kept, 0)
    place(voided, 0)
    procedure_void(procedure=voided, by=factories.physician_user(), reason="Logged for the wrong patient")
    client.force_login(nurse)
    assert listed(client.get(URL))["today"] == [("Ana", 0)]


def test_a_recorded_follow_up_leaves_the_list(client, nurse):
    follow_up = place(esi("Ana"), -1)
    place(esi("Bea"), -1)
    followup_record(follow_up=follow_up, recorded_by=nurse, nrs=2, relief_pct=70)
    client.force_login(nurse)
    assert listed(client.get(URL))["overdue"] == [("Bea", -1)]


def test_an_administrator_sees_the_list_without_the_buttons(client, administrator):
    follow_up = place(esi("Ana"), 0)
    client.force_login(administrator)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ana" in html
    assert reverse("outcomes:record", args=[follow_up.pk]) not in html
    assert "Not reached" not in html


def test_the_list_runs_the_same_queries_for_3_or_30_follow_ups(client, nurse, django_assert_max_num_queries):
    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            procedure = esi(f"P{n}")
            # Each ESI has three follow-ups; spread them over the three sections.
            for label, days in (("2 weeks", -n - 1), ("6 weeks", 0), ("3 months", n % 7 + 1)):
                place(procedure, days, label)

    client.force_login(nurse)
    add(1, 0)
    with django_assert_max_num_queries(8) as few:
        assert client.get(URL).status_code == 200
    add(9, 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert sum(section.count for section in response.context["sections"]) == 30
