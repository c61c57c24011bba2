"""Booking a freed slot for a waitlisted patient: their upcoming visit moves into it, plan and all."""

import datetime
import re
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from procedures.models import ProcedureType
from scheduling import services
from scheduling.models import Appointment, WaitlistEntry
from tests import factories
from tests.scheduling.helpers import at, book, next_weekday, room, weekday_hours

pytestmark = pytest.mark.django_db

DAY = next_weekday()
LATER = DAY + datetime.timedelta(days=21)
NEW = reverse("scheduling:new")


@pytest.fixture
def leaving(physician):
    weekday_hours(physician)
    patient = factories.patient(first_name="Ruth", last_name="Leaving")
    return book(patient, physician, at(DAY, 10), 30, where=room(), visit_type="procedure", procedure="si-injection")


@pytest.fixture
def freed(leaving):
    services.appointment_cancel(appointment=leaving, reason="Patient unwell")
    return leaving


@pytest.fixture
def wanda():
    return factories.patient(first_name="Wanda", last_name="Waiting")


@pytest.fixture
def later_visit(wanda, physician):
    return book(
        wanda,
        physician,
        at(LATER, 9),
        30,
        where=room(),
        visit_type="procedure",
        procedure="esi-transforaminal",
        levels="L4-L5, L5-S1",
        side="left",
    )


@pytest.fixture
def entry(wanda, frontdesk):
    return waiting(wanda, frontdesk)


def waiting(patient, frontdesk, visit_type: str = "procedure") -> WaitlistEntry:
    return services.waitlist_entry_add(
        patient=patient, visit_type=visit_type, earliest_on=timezone.localdate(), created_by=frontdesk
    )


def slot_of(appointment: Appointment) -> services.Slot:
    return services.Slot(appointment.physician, appointment.room, appointment.starts_at, appointment.ends_at)


def book_offer(entry: WaitlistEntry, freed: Appointment, by, patient=None) -> Appointment:
    """What the booking form sends for a procedure visit nobody planned yet."""
    return services.waitlist_entry_book(
        entry=entry,
        patient=patient or entry.patient,
        slot=slot_of(freed),
        booked_by=by,
        visit_type="procedure",
        procedure_type=ProcedureType.objects.get(code="si-injection"),
    )


def long_date(appointment: Appointment) -> str:
    return str(dateformat.format(appointment.local_start, "l j F Y, H:i"))


def caudal(patient, physician, starts_at: datetime.datetime) -> Appointment:
    """A procedure visit other than the one the offer moves."""
    return book(patient, physician, starts_at, 30, visit_type="procedure", procedure="esi-caudal")


def cancel_page(client, appointment: Appointment) -> str:
    response = client.post(reverse("scheduling:cancel", args=[appointment.pk]), {"reason": "Patient unwell"})
    return str(response.content.decode())


def offer_link(html: str, entry: WaitlistEntry) -> str:
    found = re.search(rf'href="([^"]*waitlist={entry.pk})"', html)
    assert found, "no offer link for the entry"
    return unescape(found.group(1))


def form_as_shown(response) -> dict[str, object]:
    """Every field as the page filled it in, as a browser would send it back, booking outside hours if asked."""
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {k: v for k, v in data.items() if v not in (None, False)} | {"confirm_hours": "on"}


def test_booking_an_offer_moves_the_patients_upcoming_visit_and_keeps_its_plan(frontdesk, freed, later_visit, entry):
    booked = book_offer(entry, freed, frontdesk)

    assert booked.pk == later_visit.pk
    later_visit.refresh_from_db()
    assert later_visit.local_start == at(DAY, 10)
    assert (later_visit.procedure_type.code, later_visit.planned_levels, later_visit.planned_side) == (
        "esi-transforaminal",
        "L4-L5, L5-S1",
        "left",
    )
    assert Appointment.objects.filter(patient=entry.patient).count() == 1
    entry.refresh_from_db()
    assert not entry.is_open
    assert entry.appointment == later_visit
    assert entry.closed_reason == f"Booked from the waitlist: moved their visit from {at(LATER, 9):%a %Y-%m-%d %H:%M}"


def test_only_the_next_of_several_upcoming_visits_moves(frontdesk, physician, freed, later_visit, entry):
    last = caudal(entry.patient, physician, at(LATER + datetime.timedelta(days=7), 9))

    assert book_offer(entry, freed, frontdesk) == later_visit
    last.refresh_from_db()
    assert last.local_start == at(LATER + datetime.timedelta(days=7), 9)


def _none(patient, physician) -> None:
    return None


def _another_visit_type(patient, physician) -> None:
    book(patient, physician, at(LATER, 9))


def _cancelled(patient, physician) -> None:
    services.appointment_cancel(appointment=caudal(patient, physician, at(LATER, 9)), reason="Unwell")


def _past(patient, physician) -> None:
    caudal(patient, physician, at(timezone.localdate() - datetime.timedelta(days=3), 9))


@pytest.mark.parametrize("history", [_none, _another_visit_type, _cancelled, _past], ids=lambda f: f.__name__[1:])
def test_an_offer_books_a_new_visit_when_the_patient_has_none_of_that_kind_coming(
    frontdesk, physician, freed, entry, history
):
    history(entry.patient, physician)
    before = set(Appointment.objects.filter(patient=entry.patient).values_list("pk", flat=True))

    booked = book_offer(entry, freed, frontdesk)

    assert booked.pk not in before
    assert (booked.patient, booked.local_start) == (entry.patient, at(DAY, 10))
    assert booked.procedure_type == ProcedureType.objects.get(code="si-injection")
    entry.refresh_from_db()
    assert (entry.appointment, entry.closed_reason) == (booked, "Booked from the waitlist")


def test_an_offer_cannot_book_another_patient_nor_close_their_entry(frontdesk, freed, later_visit, entry):
    other = factories.patient(first_name="Otto", last_name="Other")

    with pytest.raises(ValidationError, match="This waitlist entry is Wanda Waiting's, not Otto Other's"):
        book_offer(entry, freed, frontdesk, patient=other)

    assert not Appointment.objects.filter(patient=other).exists()
    later_visit.refresh_from_db()
    assert later_visit.local_start == at(LATER, 9)
    entry.refresh_from_db()
    assert entry.is_open


def test_a_closed_entry_books_nothing(frontdesk, freed, later_visit, entry):
    services.waitlist_entry_close(entry=entry, reason="Booked elsewhere")

    with pytest.raises(ValidationError, match=r"Wanda Waiting's waitlist entry is already closed \(Booked elsewhere\)"):
        book_offer(entry, freed, frontdesk)

    assert Appointment.objects.filter(patient=entry.patient).get() == later_visit
    later_visit.refresh_from_db()
    assert later_visit.local_start == at(LATER, 9)


def test_the_cancel_page_says_which_offers_move_an_existing_visit(client, frontdesk, leaving, later_visit, entry):
    nina = waiting(factories.patient(first_name="Nina", last_name="New"), frontdesk)
    client.force_login(frontdesk)

    html = cancel_page(client, leaving)

    offers = {e.pk: part for part in html.split("<li")[1:] for e in (entry, nina) if f"waitlist={e.pk}" in part}
    assert f"Moves their visit on {long_date(later_visit)} to this slot" in offers[entry.pk]
    assert "Transforaminal ESI L4-L5, L5-S1 left" in offers[entry.pk]
    assert "Books a new visit" in offers[nina.pk]
    assert "Moves their visit" not in offers[nina.pk]


def test_the_offer_opens_the_form_with_the_visits_plan_and_says_it_moves_it(
    client, frontdesk, leaving, later_visit, entry
):
    client.force_login(frontdesk)
    response = client.get(offer_link(cancel_page(client, leaving), entry))

    form = response.context["form"]
    assert (form["procedure_type"].value(), form["planned_levels"].value(), form["planned_side"].value()) == (
        later_visit.procedure_type_id,
        "L4-L5, L5-S1",
        "left",
    )
    assert f"Moves Wanda Waiting's visit on {long_date(later_visit)} to this slot" in response.content.decode()


def test_booking_from_the_offer_moves_the_visit_into_the_slot_and_closes_the_entry(
    client, frontdesk, leaving, later_visit, entry
):
    client.force_login(frontdesk)
    form_page = client.get(offer_link(cancel_page(client, leaving), entry))

    response = client.post(NEW, form_as_shown(form_page))

    assert response.status_code == 302
    assert response.url == later_visit.get_absolute_url()
    moved = Appointment.objects.get(patient=entry.patient)
    assert (moved.pk, moved.local_start, moved.planned_summary) == (
        later_visit.pk,
        at(DAY, 10),
        "Transforaminal ESI L4-L5, L5-S1 left",
    )
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        f"Moved Wanda Waiting's visit from {at(LATER, 9):%a %Y-%m-%d %H:%M} to {at(DAY, 10):%a %Y-%m-%d %H:%M}."
    )
    entry.refresh_from_db()
    assert entry.appointment == moved


def test_booking_one_patient_with_anothers_waitlist_entry_is_refused_with_a_message(
    client, frontdesk, physician, freed, entry
):
    other = factories.patient(first_name="Otto", last_name="Other")
    data = {
        "patient": other.pk,
        "waitlist": entry.pk,
        "visit_type": "follow_up",
        "physician": physician.pk,
        "starts_at": f"{DAY}T10:00",
    }
    client.force_login(frontdesk)

    response = client.post(NEW, data)

    assert response.status_code == 200
    assert "This waitlist entry is Wanda Waiting's, not Otto Other's." in response.context["form"].non_field_errors()[0]
    assert "Nothing was booked." in response.content.decode()
    assert not Appointment.objects.filter(patient=other).exists()
    entry.refresh_from_db()
    assert entry.is_open


def test_booking_from_a_waitlist_entry_that_is_gone_is_refused(client, frontdesk, physician, freed, wanda):
    data = {"patient": wanda.pk, "waitlist": 999999, "visit_type": "follow_up", "physician": physician.pk}
    client.force_login(frontdesk)

    response = client.post(NEW, data | {"starts_at": f"{DAY}T10:00"})

    assert response.context["form"].non_field_errors() == ["That waitlist entry no longer exists. Nothing was booked."]
    assert not Appointment.objects.filter(patient=wanda).exists()


def cancel_queries(client, appointment: Appointment) -> int:
    with CaptureQueriesContext(connection) as queries:
        cancel_page(client, appointment)
    return len(queries)


def test_the_cancel_page_costs_the_same_queries_for_2_or_8_offers(client, frontdesk, physician):
    weekday_hours(physician)
    visits = [book(factories.patient(first_name=f"Going{n}"), physician, at(DAY, 9 + n)) for n in range(2)]
    client.force_login(frontdesk)

    def add_offers(count: int, start: int) -> None:
        for n in range(start, start + count):
            patient = factories.patient(first_name=f"Wait{n}", date_of_birth=datetime.date(1950, 1, 1 + n))
            waiting(patient, frontdesk, visit_type="follow_up")
            book(patient, physician, at(LATER, 8) + datetime.timedelta(minutes=20 * n))

    add_offers(2, 0)
    few = cancel_queries(client, visits[0])
    add_offers(6, 2)
    assert cancel_queries(client, visits[1]) == few


def test_an_archived_patient_is_not_booked_from_the_waitlist_even_by_moving_their_visit(
    frontdesk, freed, later_visit, entry
):
    from patients.services import patient_archive

    patient_archive(patient=entry.patient, reason="Moved away")
    with pytest.raises(ValidationError) as refused:
        book_offer(entry, freed, frontdesk)
    assert refused.value.messages == ["This patient is archived; restore them before booking."]
    later_visit.refresh_from_db()
    assert later_visit.local_start == at(LATER, 9)
    entry.refresh_from_db()
    assert entry.is_open
