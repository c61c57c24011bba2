"""The follow-up worklist: today's calls, the overdue ones oldest first, the next week's, each with a phone number."""

import datetime
import urllib.parse

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import FollowUp, FollowUpStatus
from outcomes.services import followup_record
from outcomes.views import followups
from procedures.services import procedure_void
from tests import factories
from tests.work import instances_built

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
    response = client.get(URL)
    assert listed(response)["today"] == [("Ana", 0)]
    assert [(section.key, section.count) for section in response.context["sections"]] == [
        ("today", 1),
        ("overdue", 0),
        ("upcoming", 0),
    ]


def test_voiding_cancels_the_calls_still_to_make_with_an_audit_row_and_keeps_the_ones_made(nurse):
    procedure = esi("Ana")
    made = place(procedure, -1)
    followup_record(follow_up=made, recorded_by=nurse, nrs=3, relief_pct=60)
    procedure_void(procedure=procedure, by=factories.physician_user(), reason="Duplicate entry")
    statuses = dict(FollowUp.objects.filter(procedure=procedure).values_list("label", "status"))
    assert statuses.pop("2 weeks") == FollowUpStatus.DONE
    assert set(statuses.values()) == {FollowUpStatus.CANCELLED}
    cancelled = FollowUp.objects.filter(procedure=procedure, status=FollowUpStatus.CANCELLED).earliest("pk")
    latest = cancelled.history.first()
    assert (latest.status, latest.history_change_reason) == ("cancelled", "Cancelled: the procedure was voided")
    assert not FollowUp.objects.open().filter(procedure=procedure).exists()


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


def spread(count: int, start: int = 0) -> None:
    """`count` ESIs whose three follow-ups fall one in each section."""
    for n in range(start, start + count):
        procedure = esi(f"P{n}")
        for label, days in (("2 weeks", -n - 1), ("6 weeks", 0), ("3 months", n % 7 + 1)):
            place(procedure, days, label)


def test_the_list_runs_the_same_queries_for_3_or_30_follow_ups(client, nurse, django_assert_max_num_queries):
    client.force_login(nurse)
    spread(1)
    # The sections' counts and pages, their details, and the patients' own answers (a count and the latest).
    with django_assert_max_num_queries(12) as few:
        assert client.get(URL).status_code == 200
    spread(9, start=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert sum(section.count for section in response.context["sections"]) == 30


def test_a_page_of_a_section_runs_no_more_queries_than_the_whole_list(client, nurse, django_assert_max_num_queries):
    spread(4)
    client.force_login(nurse)
    with django_assert_max_num_queries(10):
        assert client.get(URL, {"section": "overdue", "page": "2"}).status_code == 200


# Paging: the page size is made small so that a few calls fill several pages.


@pytest.fixture
def page_of_three(monkeypatch):
    monkeypatch.setattr(followups, "PAGE_SIZE", 3)
    monkeypatch.setattr(followups, "PREVIEW_SIZE", 2)


def overdue_backlog(count: int, start: int = 0) -> list[FollowUp]:
    """Overdue calls from `start` + 1 to `start` + `count` days late, one patient each."""
    return [place(esi(f"Late{n:02d}"), -n - 1) for n in range(start, start + count)]


def test_overdue_shows_the_oldest_few_with_the_count_and_a_link_to_them_all(client, nurse, page_of_three):
    overdue_backlog(7)
    for n in range(4):
        place(esi(f"Ana{n}"), 0)
    client.force_login(nurse)
    response = client.get(URL)
    sections = {section.key: section for section in response.context["sections"]}
    assert sections["overdue"].count == 7
    assert listed(response)["overdue"] == [("Late06", -7), ("Late05", -6)]
    # Due today comes first, whatever the backlog, a whole page of it.
    assert listed(response)["today"] == [("Ana0", 0), ("Ana1", 0), ("Ana2", 0)]
    html = response.content.decode()
    assert "The oldest 2 of 7 calls." in html
    assert 'href="?section=overdue"' in html
    assert "The first 3 of 4 calls." in html
    assert 'href="?section=today&amp;page=2"' in html


def test_the_overdue_calls_are_paged_through_oldest_first(client, nurse, page_of_three):
    overdue_backlog(7)
    client.force_login(nurse)
    pages = [client.get(URL, {"section": "overdue", "page": number}) for number in (1, 2, 3)]
    assert [[days for _name, days in listed(page)["overdue"]] for page in pages] == [[-7, -6, -5], [-4, -3, -2], [-1]]
    # A section's page shows that section alone, with every section's count to move to.
    assert [section.key for section in pages[1].context["sections"]] == ["overdue"]
    assert [(section.key, section.count) for section in pages[1].context["all_sections"]] == [
        ("today", 0),
        ("overdue", 7),
        ("upcoming", 0),
    ]
    html = pages[1].content.decode()
    assert "Page 2 of 3" in html
    assert 'href="?section=overdue&amp;page=1"' in html
    assert 'href="?section=overdue&amp;page=3"' in html


def test_a_page_past_the_last_shows_the_last(client, nurse, page_of_three):
    overdue_backlog(4)
    client.force_login(nurse)
    for asked in ("9", "0", "x"):
        response = client.get(URL, {"section": "overdue", "page": asked})
        assert response.status_code == 200
    assert [days for _name, days in listed(client.get(URL, {"section": "overdue", "page": "9"}))["overdue"]] == [-1]


def test_upcoming_calls_are_paged_too(client, nurse, page_of_three):
    for n, name in enumerate(["Ana", "Bea", "Cruz", "Dora"]):
        place(esi(name), n % 7 + 1)
    client.force_login(nurse)
    assert [name for name, _days in listed(client.get(URL))["upcoming"]] == ["Ana", "Bea"]
    assert [name for name, _days in listed(client.get(URL, {"section": "upcoming"}))["upcoming"]] == [
        "Ana",
        "Bea",
        "Cruz",
    ]
    assert listed(client.get(URL, {"section": "upcoming", "page": "2"}))["upcoming"] == [("Dora", 4)]


def test_recording_from_a_later_page_comes_back_to_that_page(client, nurse, page_of_three):
    late = overdue_backlog(7)
    client.force_login(nurse)
    page = f"{URL}?section=overdue&page=2"
    html = client.get(page).content.decode()
    record = reverse("outcomes:record", args=[late[3].pk])
    assert f'href="{record}?next={urllib.parse.quote(page)}"' in html
    assert f'<input type="hidden" name="next" value="{page.replace("&", "&amp;")}">' in html
    response = client.post(f"{record}?next={urllib.parse.quote(page)}", {"nrs": 3, "relief_pct": 60, "method": "phone"})
    assert response.status_code == 302
    assert response.url == page


def test_a_patients_calls_on_one_page_are_one_group(client, nurse, page_of_three):
    procedure = esi("Ana")
    place(procedure, -3, "2 weeks")
    place(procedure, -2, "6 weeks")
    overdue_backlog(1, start=1)  # two days late, between Ana's two calls
    client.force_login(nurse)
    (overdue,) = client.get(URL, {"section": "overdue"}).context["sections"]
    assert [[call.follow_up.label for call in group.calls] for group in overdue.groups] == [
        ["2 weeks", "6 weeks"],
        ["2 weeks"],
    ]


def test_the_list_builds_a_pages_worth_of_rows_whatever_the_backlog(client, nurse, page_of_three):
    client.force_login(nurse)
    overdue_backlog(4)
    with instances_built() as few:
        client.get(URL)
    overdue_backlog(20, start=4)
    with instances_built() as many:
        response = client.get(URL)
    assert [section.count for section in response.context["sections"]] == [0, 24, 0]
    assert many[FollowUp] == few[FollowUp] == 2  # the oldest few overdue
    assert many.total == few.total
