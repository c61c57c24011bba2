"""A visit's day: confirmed, checked in, in room, completed; the physician logs the procedure from it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.models import Procedure
from scheduling import services
from scheduling.models import Appointment, WaitlistEntry
from tests import factories
from tests.scheduling.helpers import at, book, next_weekday, room

pytestmark = pytest.mark.django_db

DAY = next_weekday()
PAST_DAY = timezone.localdate() - datetime.timedelta(days=8)


@pytest.fixture
def visit(physician):
    return procedure_visit(physician, DAY)


@pytest.fixture
def past_visit(physician):
    """A procedure visit last week: a procedure is logged after it is done, never ahead."""
    return procedure_visit(physician, PAST_DAY)


def procedure_visit(physician, day: datetime.date) -> Appointment:
    patient = factories.patient(first_name="Ana", last_name="Reyes", payer=factories.payer())
    return book(
        patient,
        physician,
        at(day, 9),
        30,
        where=room(),
        visit_type="procedure",
        procedure="esi-transforaminal",
        levels="L4-L5, L5-S1",
        side="bilateral",
    )


def post_status(client, appointment, status, **extra):
    return client.post(reverse("scheduling:status", args=[appointment.pk]), {"status": status, **extra}, follow=True)


def test_a_visit_moves_along_its_day(client, frontdesk, visit):
    client.force_login(frontdesk)
    for status in ("confirmed", "checked_in", "in_room", "completed"):
        post_status(client, visit, status)
        visit.refresh_from_db()
        assert visit.status == status
    assert visit.checked_in_at is not None


@pytest.mark.parametrize(
    ("path", "refused"), [((), "completed"), (("checked_in",), "confirmed"), (("no_show",), "checked_in")]
)
def test_a_change_the_day_cannot_take_is_refused_with_a_message(client, frontdesk, visit, path, refused):
    client.force_login(frontdesk)
    for status in path:
        post_status(client, visit, status)
    response = post_status(client, visit, refused)
    visit.refresh_from_db()
    assert visit.status == (path[-1] if path else "scheduled")
    assert "cannot become" in response.content.decode()


def test_one_click_check_in_from_the_list_returns_the_row(client, frontdesk, visit):
    client.force_login(frontdesk)
    response = client.post(
        reverse("scheduling:status", args=[visit.pk]), {"status": "checked_in"}, headers={"HX-Request": "true"}
    )
    assert f'id="appt-{visit.pk}"' in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "checked_in"


def test_cancelling_needs_a_reason(client, frontdesk, visit):
    client.force_login(frontdesk)
    response = client.post(reverse("scheduling:cancel", args=[visit.pk]), {"reason": "  "})
    assert "Say why the visit is cancelled." in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "scheduled"


def test_a_cancelled_slot_is_offered_to_the_waitlist_and_booking_it_closes_the_entry(client, frontdesk, visit):
    waiting = factories.patient(first_name="Wanda", last_name="Wait")
    entry = services.waitlist_entry_add(
        patient=waiting, visit_type="procedure", earliest_on=timezone.localdate(), created_by=frontdesk
    )
    client.force_login(frontdesk)
    html = client.post(reverse("scheduling:cancel", args=[visit.pk]), {"reason": "Patient unwell"}).content.decode()
    assert "Visit cancelled — the slot is free" in html
    assert "Wait, Wanda" in html
    offer = next(part for part in html.split('href="') if "waitlist=" in part).split('"')[0]
    page = client.get(offer.replace("&amp;", "&"))
    form = page.context["form"]
    data = {
        name: form[name].value()
        for name in ("patient", "physician", "room", "starts_at", "minutes", "visit_type", "waitlist")
    }
    data |= {
        "procedure_type": visit.procedure_type_id,
        "planned_levels": "L5-S1",
        "planned_side": "left",
        "confirm_hours": "on",
    }
    response = client.post(reverse("scheduling:new"), {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.closed_at is not None
    assert entry.appointment is not None
    assert entry.appointment.patient == waiting


def test_the_physician_opens_the_procedure_form_prefilled_from_the_visit(client, physician, visit):
    client.force_login(physician)
    response = client.get(reverse("scheduling:log", args=[visit.pk]), follow=True)
    entry = response.context["entry"]
    assert entry.patient == visit.patient
    assert entry.form["procedure_type"].value() == visit.procedure_type_id
    assert [(f["place"].value(), f["side"].value()) for f in entry.site_forms[:2]] == [
        ("L4-L5", "bilateral"),
        ("L5-S1", "bilateral"),
    ]
    assert (
        entry.form["performed_at"].value().startswith(min(visit.local_start, timezone.localtime()).strftime("%Y-%m-%d"))
    )


def todays_visit(physician, patient=None, procedure: str = "esi-transforaminal", hour: int = 6):
    """A procedure visit early today, so the procedure is logged on the visit's own day."""
    return book(
        patient or factories.patient(first_name="Today"),
        physician,
        at(timezone.localdate(), hour),
        visit_type="procedure",
        procedure=procedure,
        levels="L4-L5, L5-S1",
        side="bilateral",
    )


def test_logging_the_procedure_from_the_visit_completes_the_visit_and_links_the_record(client, physician):
    visit = todays_visit(physician)
    client.force_login(physician)
    for status in ("checked_in", "in_room"):
        post_status(client, visit, status)
    logged_at = min(visit.local_start, timezone.localtime())
    data = factories.esi_entry(visit.patient, physician, performed_at=logged_at.strftime("%Y-%m-%dT%H:%M"))
    url = f"{reverse('procedures:new')}?patient={visit.patient_id}&next={visit.get_absolute_url()}"

    response = client.post(url, data)

    assert response.url == visit.get_absolute_url()
    visit.refresh_from_db()
    procedure = Procedure.objects.get()
    assert (visit.status, visit.procedure) == ("completed", procedure)
    latest = visit.history.latest()
    assert (latest.status, latest.history_change_reason) == ("completed", "Completed: Transforaminal ESI logged")
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Completed" in page
    assert procedure.get_absolute_url() in page


@pytest.mark.parametrize("path", [(), ("confirmed",), ("checked_in",), ("checked_in", "in_room")])
def test_a_logged_procedure_completes_its_visit_from_any_step_it_reached(physician, past_visit, path):
    visit = past_visit
    for status in path:
        services.appointment_set_status(appointment=visit, status=status)

    procedure = factories.procedure(visit.patient, on=PAST_DAY, physician=physician)

    visit.refresh_from_db()
    assert (visit.status, visit.procedure) == ("completed", procedure)


def test_the_visit_planned_for_that_procedure_is_completed_first(physician):
    patient = factories.patient(first_name="Two", last_name="Visits")
    si_joint = todays_visit(physician, patient, procedure="si-injection", hour=5)
    esi = todays_visit(physician, patient, hour=6)

    procedure = factories.procedure(patient, on=timezone.localdate(), physician=physician)

    si_joint.refresh_from_db()
    esi.refresh_from_db()
    assert (esi.status, esi.procedure) == ("completed", procedure)
    assert (si_joint.status, si_joint.procedure) == ("scheduled", None)


def test_only_an_open_unlinked_procedure_visit_of_that_patient_that_day_is_completed(frontdesk, physician, past_visit):
    visit = past_visit
    other_day = factories.procedure(visit.patient, on=PAST_DAY + datetime.timedelta(days=1), physician=physician)
    other_patient = factories.procedure(factories.patient(first_name="Someone"), on=PAST_DAY, physician=physician)
    cancelled = book(visit.patient, physician, at(PAST_DAY, 14), 30, visit_type="procedure", procedure="si-injection")
    services.appointment_cancel(appointment=cancelled, reason="Patient unwell")
    follow_up = book(visit.patient, physician, at(PAST_DAY, 15))
    visit.refresh_from_db()
    assert (visit.status, visit.procedure) == ("scheduled", None)

    factories.procedure(visit.patient, on=PAST_DAY, physician=physician)  # completes `visit`
    second = factories.procedure(visit.patient, on=PAST_DAY, physician=physician, type_code="si-injection")

    assert Appointment.objects.filter(procedure__in=[other_day, other_patient, second]).count() == 0
    cancelled.refresh_from_db()
    follow_up.refresh_from_db()
    assert (cancelled.status, follow_up.status) == ("cancelled", "scheduled")


def test_completing_a_visit_by_hand_links_a_procedure_logged_before_the_visit_was_booked(client, physician):
    patient = factories.patient(first_name="Walk", last_name="In")
    procedure = factories.procedure(patient, on=timezone.localdate(), physician=physician)
    visit = todays_visit(physician, patient)
    client.force_login(physician)

    for status in ("checked_in", "in_room", "completed"):
        post_status(client, visit, status)

    visit.refresh_from_db()
    assert (visit.status, visit.procedure) == ("completed", procedure)


def test_a_completed_visit_cannot_be_moved(client, frontdesk, visit):
    client.force_login(frontdesk)
    for status in ("checked_in", "in_room", "completed"):
        post_status(client, visit, status)
    data = {"physician": visit.physician_id, "starts_at": f"{DAY}T15:00", "confirm_hours": "on"}
    response = client.post(reverse("scheduling:move", args=[visit.pk]), data)
    assert "cannot be moved" in " ".join(response.context["form"].non_field_errors())
    assert Appointment.objects.get().local_start == at(DAY, 9)


def test_no_waitlist_offer_for_another_visit_type_or_a_later_date(frontdesk, visit):
    later = timezone.localdate() + datetime.timedelta(days=60)
    services.waitlist_entry_add(
        patient=factories.patient(first_name="Later"), visit_type="procedure", earliest_on=later, created_by=frontdesk
    )
    services.waitlist_entry_add(
        patient=factories.patient(first_name="Consult"),
        visit_type="new_consult",
        earliest_on=timezone.localdate(),
        created_by=frontdesk,
    )
    assert services.appointment_cancel(appointment=visit, reason="Snow day") == []
    assert WaitlistEntry.objects.filter(closed_at=None).count() == 2
