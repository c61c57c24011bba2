"""The administrators' scheduling screens: rooms, hours and time off edited; the schedule itself only audited."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scheduling import services
from scheduling.models import Appointment, Room, TimeOff, VisitType, WorkingHours
from tests import factories
from tests.admin_pages import assert_nothing_can_be_deleted
from tests.permissions import ADMIN_LOGIN, check

pytestmark = pytest.mark.django_db

CONFIG = ["room", "workinghours", "timeoff"]
RECORDS = ["appointment", "waitlistentry"]


def admin_url(model: str, view: str, *args) -> str:
    return reverse(f"admin:scheduling_{model}_{view}", args=args)


@pytest.fixture
def room() -> Room:
    return Room.objects.create(name="Procedure suite 1", kind=Room.Kind.PROCEDURE_SUITE, fluoroscopy=True)


def book(physician, frontdesk, room: Room, *, days: int = 3, last_name: str = "Lopez") -> Appointment:
    starts_at = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=days), datetime.time(9))
    )
    return services.appointment_book(
        patient=factories.patient(last_name=last_name),
        slot=services.Slot(physician, room, starts_at, starts_at + datetime.timedelta(minutes=20)),
        visit_type=VisitType.FOLLOW_UP,
        booked_by=frontdesk,
    )


@pytest.fixture
def shipped(physician, frontdesk, room):
    """One object of each model."""
    appointment = book(physician, frontdesk, room)
    return {
        "room": room,
        "workinghours": WorkingHours.objects.create(
            physician=physician, weekday=0, starts=datetime.time(8), ends=datetime.time(12)
        ),
        "timeoff": TimeOff.objects.create(
            physician=physician, starts_on=timezone.localdate(), ends_on=timezone.localdate(), reason="Conference"
        ),
        "appointment": appointment,
        "waitlistentry": services.waitlist_entry_add(
            patient=appointment.patient,
            visit_type=VisitType.FOLLOW_UP,
            earliest_on=timezone.localdate(),
            created_by=frontdesk,
        ),
    }


@pytest.mark.parametrize("model", CONFIG)
def test_the_administrator_opens_the_list_add_and_change_pages_of_the_configuration(
    client, administrator, shipped, model
):
    client.force_login(administrator)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "add")).status_code == 200
    assert client.get(admin_url(model, "change", shipped[model].pk)).status_code == 200


@pytest.mark.parametrize("model", RECORDS)
def test_the_administrator_views_appointments_and_waitlist_entries_read_only(client, administrator, shipped, model):
    client.force_login(administrator)
    url = admin_url(model, "change", shipped[model].pk)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(url, {"notes": "edited in the admin", "note": "edited"}).status_code == 403
    assert client.get(admin_url(model, "history", shipped[model].pk)).status_code == 200


def test_an_appointment_cannot_be_changed_from_the_admin(client, administrator, shipped):
    appointment = shipped["appointment"]
    client.force_login(administrator)
    response = client.post(admin_url("appointment", "change", appointment.pk), {"status": "cancelled"})
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == "scheduled"
    assert appointment.history.count() == 1


@pytest.mark.parametrize("persona", ["frontdesk", "nurse", "physician"])
@pytest.mark.parametrize("model", CONFIG + RECORDS)
def test_clinical_staff_are_sent_to_the_admin_login(client, request, persona, model):
    client.force_login(request.getfixturevalue(persona))
    check(client.get(admin_url(model, "changelist")), ADMIN_LOGIN)


@pytest.mark.parametrize("model", CONFIG + RECORDS)
def test_nothing_can_be_deleted_from_the_admin(client, administrator, shipped, model):
    client.force_login(administrator)
    assert_nothing_can_be_deleted(client, shipped[model])


def test_a_room_is_retired_not_deleted(client, administrator, room):
    client.force_login(administrator)
    data = {"name": room.name, "kind": room.kind, "fluoroscopy": "on"}
    assert client.post(admin_url("room", "change", room.pk), data).status_code == 302
    room.refresh_from_db()
    assert not room.active
    assert room.history.latest().history_user == administrator


def test_the_physician_choice_offers_physicians_only(client, administrator, physician, frontdesk, nurse):
    client.force_login(administrator)
    for model in ("workinghours", "timeoff"):
        field = client.get(admin_url(model, "add")).context["adminform"].form.fields["physician"]
        assert list(field.queryset) == [physician]
        assert field.label_from_instance(physician) == physician.get_full_name()


def test_the_administrator_adds_a_working_hours_block_listed_by_the_physicians_name(client, administrator, physician):
    client.force_login(administrator)
    data = {"physician": physician.pk, "weekday": 2, "starts": "13:00", "ends": "17:00"}
    assert client.post(admin_url("workinghours", "add"), data).status_code == 302
    block = WorkingHours.objects.get()
    assert (block.weekday, block.starts, block.ends) == (2, datetime.time(13), datetime.time(17))
    assert block.history.get().history_user == administrator
    page = client.get(admin_url("workinghours", "changelist")).content.decode()
    assert re.search(r'class="field-physician"><a [^>]*>Paul</a>', page)


def test_a_front_desk_user_cannot_be_given_working_hours(client, administrator, frontdesk):
    client.force_login(administrator)
    data = {"physician": frontdesk.pk, "weekday": 2, "starts": "13:00", "ends": "17:00"}
    response = client.post(admin_url("workinghours", "add"), data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["physician"]
    assert not WorkingHours.objects.exists()


def test_a_block_ending_before_it_starts_is_refused_at_the_field(client, administrator, physician):
    client.force_login(administrator)
    data = {"physician": physician.pk, "weekday": 1, "starts": "12:00", "ends": "08:00"}
    response = client.post(admin_url("workinghours", "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"ends": ["The block must end after it starts."]}
    assert "The block must end after it starts." in response.content.decode()
    assert not WorkingHours.objects.exists()


def test_time_off_ending_before_it_starts_is_refused_at_the_field(client, administrator, physician):
    client.force_login(administrator)
    data = {"physician": physician.pk, "starts_on": "2026-03-10", "ends_on": "2026-03-09", "reason": "Leave"}
    response = client.post(admin_url("timeoff", "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"ends_on": ["Time off cannot end before it starts."]}
    assert not TimeOff.objects.exists()


def test_the_appointment_list_filters_by_status_and_visit_type(client, administrator, shipped):
    client.force_login(administrator)
    url = admin_url("appointment", "changelist")
    assert list(client.get(url, {"status__exact": "scheduled"}).context["cl"].result_list) == [shipped["appointment"]]
    assert list(client.get(url, {"visit_type__exact": "procedure"}).context["cl"].result_list) == []


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_appointment_and_waitlist_lists_cost_the_same_queries_however_many_rows(
    client, administrator, physician, frontdesk, room
):
    book(physician, frontdesk, room)
    client.force_login(administrator)
    urls = [admin_url("appointment", "changelist"), admin_url("waitlistentry", "changelist")]
    before = [queries_for(client, url) for url in urls]
    for n in range(1, 4):
        extra = book(physician, frontdesk, room, days=3 + n, last_name=f"Other{n}")
        services.waitlist_entry_add(
            patient=extra.patient,
            visit_type=VisitType.PROCEDURE,
            earliest_on=timezone.localdate(),
            created_by=frontdesk,
        )
    assert [queries_for(client, url) for url in urls] == before
