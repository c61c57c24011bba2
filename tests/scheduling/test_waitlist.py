"""The waitlist: the front desk adds patients who want an earlier slot, and a cancellation offers it to them."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients import services as patient_services
from scheduling import services
from scheduling.models import Room, VisitType, WaitlistEntry
from tests import factories
from tests.permissions import FORBIDDEN, LOGIN, OK, check, each_cell, login_as

pytestmark = pytest.mark.django_db

LIST, NEW = reverse("scheduling:waitlist"), reverse("scheduling:waitlist_new")


@pytest.fixture
def patient():
    return factories.patient()


@pytest.fixture
def entry(patient, frontdesk) -> WaitlistEntry:
    return services.waitlist_entry_add(
        patient=patient, visit_type=VisitType.FOLLOW_UP, earliest_on=timezone.localdate(), created_by=frontdesk
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(**changes):
    data = {"physician": "", "visit_type": VisitType.NEW_CONSULT, "earliest_on": timezone.localdate().isoformat()}
    return data | {"note": "Can come at short notice"} | changes


def test_the_front_desk_adds_a_patient_and_sees_them_on_the_waitlist(client, frontdesk, physician, patient):
    client.force_login(frontdesk)
    data = form_data(physician=physician.pk, visit_type=VisitType.PROCEDURE)
    response = client.post(f"{NEW}?patient={patient.pk}", data)

    assert response.status_code == 302
    assert response.url == LIST
    assert messages_of(response) == ["Added Maria Lopez to the waitlist."]
    entry = WaitlistEntry.objects.get()
    assert (entry.patient, entry.physician, entry.visit_type, entry.created_by) == (
        patient,
        physician,
        VisitType.PROCEDURE,
        frontdesk,
    )
    assert entry.is_open
    page = client.get(LIST).content.decode()
    assert "Lopez, Maria" in page
    assert patient.get_absolute_url() in page
    assert "(555) 013-4567" in page
    assert "Can come at short notice" in page


def test_the_form_names_the_patient_starts_today_and_labels_every_input(client, nurse, patient):
    client.force_login(nurse)
    response = client.get(f"{NEW}?patient={patient.pk}")
    page = response.content.decode()

    assert response.status_code == 200
    assert "Lopez, Maria" in page
    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert 'type="date"' in page
    for name in ("physician", "visit_type", "earliest_on", "note"):
        assert re.search(rf'<label\s+for="id_{name}"', page)


def test_any_physician_is_the_default_and_only_active_physicians_are_offered(client, frontdesk, physician):
    retired = factories.physician_user("dr-retired")
    retired.is_active = False
    retired.save()
    client.force_login(frontdesk)
    field = client.get(f"{NEW}?patient={factories.patient().pk}").context["form"].fields["physician"]
    assert list(field.queryset) == [physician]
    assert field.empty_label == "Any physician"


def test_an_earliest_date_in_the_past_is_refused_at_the_field_and_nothing_is_saved(client, frontdesk, patient):
    client.force_login(frontdesk)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(f"{NEW}?patient={patient.pk}", form_data(earliest_on=yesterday.isoformat()))

    assert response.status_code == 200
    assert response.context["form"].errors == {"earliest_on": ["The earliest date cannot be in the past."]}
    assert "The earliest date cannot be in the past." in response.content.decode()
    assert not WaitlistEntry.objects.exists()


@pytest.mark.parametrize("query", ["", "?patient=", "?patient=999999", "?patient=abc", "?patient=-1"])
def test_a_missing_or_unknown_patient_sends_the_user_to_the_patient_list_with_a_message(client, frontdesk, query):
    client.force_login(frontdesk)
    response = client.post(f"{NEW}{query}", form_data())
    assert response.status_code == 302
    assert response.url == reverse("patients:list")
    assert messages_of(response) == ["Find the patient first, then add them to the waitlist from their chart."]
    assert not WaitlistEntry.objects.exists()


def test_an_archived_patient_is_not_added(client, frontdesk, patient):
    patient_services.patient_archive(patient=patient, reason="Moved away")
    client.force_login(frontdesk)
    response = client.post(f"{NEW}?patient={patient.pk}", form_data())
    assert response.status_code == 302
    assert response.url == patient.get_absolute_url()
    assert not WaitlistEntry.objects.exists()


def test_the_waitlist_service_refuses_an_archived_patient(frontdesk, patient):
    patient_services.patient_archive(patient=patient, reason="Moved away")
    with pytest.raises(ValidationError) as refused:
        services.waitlist_entry_add(
            patient=patient, visit_type=VisitType.FOLLOW_UP, earliest_on=timezone.localdate(), created_by=frontdesk
        )
    assert refused.value.messages == ["This patient is archived; restore them before adding them to the waitlist."]
    assert not WaitlistEntry.objects.exists()


def test_closing_an_entry_takes_it_off_the_list_and_keeps_the_reason(client, frontdesk, entry):
    client.force_login(frontdesk)
    response = client.post(reverse("scheduling:waitlist_close", args=[entry.pk]), {"reason": "Booked elsewhere"})

    assert response.status_code == 302
    assert response.url == LIST
    assert messages_of(response) == ["Took Maria Lopez off the waitlist: Booked elsewhere."]
    entry.refresh_from_db()
    assert not entry.is_open
    assert entry.closed_reason == "Booked elsewhere"
    assert "Lopez, Maria" not in client.get(LIST).content.decode()


def test_closing_without_a_reason_says_no_longer_needed(client, physician, entry):
    client.force_login(physician)
    client.post(reverse("scheduling:waitlist_close", args=[entry.pk]), {"reason": "  "})
    entry.refresh_from_db()
    assert entry.closed_reason == "No longer needed"


def test_closing_an_entry_twice_keeps_the_first_reason(client, frontdesk, entry):
    services.waitlist_entry_close(entry=entry, reason="Booked")
    client.force_login(frontdesk)
    response = client.post(reverse("scheduling:waitlist_close", args=[entry.pk]), {"reason": "Other"})
    assert messages_of(response) == ["Maria Lopez's waitlist entry was already closed."]
    entry.refresh_from_db()
    assert entry.closed_reason == "Booked"


def test_closing_takes_a_post(client, frontdesk, entry):
    client.force_login(frontdesk)
    assert client.get(reverse("scheduling:waitlist_close", args=[entry.pk])).status_code == 405
    assert WaitlistEntry.objects.get().is_open


def test_the_list_offers_close_only_to_those_who_may_close(client, frontdesk, administrator, entry):
    close_url = reverse("scheduling:waitlist_close", args=[entry.pk])
    client.force_login(frontdesk)
    page = client.get(LIST).content.decode()
    assert close_url in page
    assert re.search(rf'<label\s+for="close-reason-{entry.pk}"', page)
    assert "Add to waitlist" in page
    client.force_login(administrator)
    page = client.get(LIST).content.decode()
    assert "Lopez, Maria" in page
    assert close_url not in page
    assert "Add to waitlist" not in page


# page -> expected outcome per role, in ROLES order: anonymous, no role, front desk, nurse, physician, admin
PAGES = {
    "list": [LOGIN, FORBIDDEN, OK, OK, OK, OK],
    "new": [LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN],
    "close": [LOGIN, FORBIDDEN, 302, 302, 302, FORBIDDEN],
}


@each_cell(PAGES)
def test_every_waitlist_page_answers_every_role_as_the_matrix_says(client, request, entry, page, role, expected):
    login_as(client, request, role)
    if page == "list":
        response = client.get(LIST)
    elif page == "new":
        response = client.get(f"{NEW}?patient={entry.patient_id}")
    else:
        response = client.post(reverse("scheduling:waitlist_close", args=[entry.pk]), {"reason": "Test"})
    check(response, expected)
    entry.refresh_from_db()
    assert entry.is_open == (page != "close" or expected != 302)


def test_cancelling_a_visit_offers_it_to_the_matching_waitlist_entries_only(physician, frontdesk, make_user):
    other_doctor = make_user("olga", None)
    day = timezone.localdate() + datetime.timedelta(days=7)
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    booked = factories.patient(first_name="Booked", last_name="Patient")
    room = Room.objects.create(name="Exam room A", kind=Room.Kind.EXAM_ROOM)
    appointment = services.appointment_book(
        patient=booked,
        slot=services.Slot(physician, room, starts_at, starts_at + datetime.timedelta(minutes=20)),
        visit_type=VisitType.FOLLOW_UP,
        booked_by=frontdesk,
    )

    def wait(name: str, *, visit_type=VisitType.FOLLOW_UP, earliest_on=day, doctor=None, patient=None):
        who = patient or factories.patient(first_name=name, last_name="Waiting")
        return services.waitlist_entry_add(
            patient=who, visit_type=visit_type, earliest_on=earliest_on, created_by=frontdesk, physician=doctor
        )

    any_physician = wait("Any", earliest_on=timezone.localdate())
    that_physician = wait("That", doctor=physician)
    wait("Other", doctor=other_doctor)
    wait("Consult", visit_type=VisitType.NEW_CONSULT)
    wait("Later", earliest_on=day + datetime.timedelta(days=1))
    services.waitlist_entry_close(entry=wait("Closed"), reason="No longer needed")
    wait("Own", patient=booked)

    offered = services.appointment_cancel(appointment=appointment, reason="Patient unwell")

    assert {e.pk for e in offered} == {any_physician.pk, that_physician.pk}


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_3_or_20_entries(
    client, frontdesk, physician, django_assert_max_num_queries
):
    def add(n: int) -> None:
        patient = factories.patient(last_name=f"Waiting{n}", date_of_birth=datetime.date(1950, 1, 1 + n))
        services.waitlist_entry_add(
            patient=patient,
            visit_type=VisitType.FOLLOW_UP,
            earliest_on=timezone.localdate(),
            created_by=frontdesk,
            physician=physician if n % 2 else None,
        )

    for n in range(3):
        add(n)
    client.force_login(frontdesk)
    with django_assert_max_num_queries(6):
        few = list_queries(client)
    for n in range(3, 20):
        add(n)
    with django_assert_max_num_queries(6):
        assert list_queries(client) == few


def wait_for_follow_up(frontdesk, n: int) -> WaitlistEntry:
    patient = factories.patient(last_name=f"Waiting{n:02d}", date_of_birth=datetime.date(1950, 1, 1 + n % 28))
    return services.waitlist_entry_add(
        patient=patient, visit_type=VisitType.FOLLOW_UP, earliest_on=timezone.localdate(), created_by=frontdesk
    )


def test_the_list_shows_a_page_at_a_time_longest_waiting_first_and_says_how_many_wait(client, frontdesk):
    entries = [wait_for_follow_up(frontdesk, n) for n in range(53)]
    client.force_login(frontdesk)
    first = client.get(LIST).content.decode()
    assert "53 waiting" in first
    assert "Page 1 of 2" in first
    assert "Waiting00" in first
    assert "Waiting49" in first
    assert "Waiting50" not in first
    second = client.get(LIST, {"page": 2}).content.decode()
    assert list(dict.fromkeys(re.findall(r"Waiting\d\d", second))) == ["Waiting50", "Waiting51", "Waiting52"]
    assert entries[0].patient.last_name == "Waiting00"


def test_a_freed_slot_is_offered_to_the_ten_who_have_waited_longest(client, frontdesk, physician):
    entries = [wait_for_follow_up(frontdesk, n) for n in range(12)]
    day = timezone.localdate() + datetime.timedelta(days=7)
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    appointment = services.appointment_book(
        patient=factories.patient(first_name="Leaving"),
        slot=services.Slot(physician, None, starts_at, starts_at + datetime.timedelta(minutes=20)),
        visit_type=VisitType.FOLLOW_UP,
        booked_by=frontdesk,
    )
    client.force_login(frontdesk)
    page = client.post(reverse("scheduling:cancel", args=[appointment.pk]), {"reason": "Unwell"}).content.decode()
    offered = list(dict.fromkeys(re.findall(r"Waiting\d\d", page)))
    assert offered == [f"Waiting{n:02d}" for n in range(services.OFFERS_SHOWN)]
    assert page.count("Offer this slot") == services.OFFERS_SHOWN == 10
    assert "the waitlist</a> has everyone" in page
    assert len(entries) == 12
