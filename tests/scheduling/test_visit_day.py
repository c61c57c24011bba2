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


@pytest.fixture
def visit(physician):
    patient = factories.patient(first_name="Ana", last_name="Reyes", payer=factories.payer())
    return book(
        patient,
        physician,
        at(DAY, 9),
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
    entry = services.waitlist_add(
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


def test_after_logging_the_physician_returns_to_the_visit_and_completing_links_the_record(client, physician):
    # Today's visit, early, so the procedure is logged on the visit's own day.
    visit = book(
        factories.patient(first_name="Today"),
        physician,
        at(timezone.localdate(), 6),
        visit_type="procedure",
        procedure="esi-transforaminal",
        levels="L4-L5, L5-S1",
        side="bilateral",
    )
    client.force_login(physician)
    for status in ("checked_in", "in_room"):
        post_status(client, visit, status)
    logged_at = min(visit.local_start, timezone.localtime())
    data = factories.esi_entry(visit.patient, physician, performed_at=logged_at.strftime("%Y-%m-%dT%H:%M"))
    url = f"{reverse('procedures:new')}?patient={visit.patient_id}&next={visit.get_absolute_url()}"
    response = client.post(url, data)
    assert response.url == visit.get_absolute_url()
    post_status(client, visit, "completed")
    visit.refresh_from_db()
    assert visit.procedure == Procedure.objects.get()
    assert Appointment.objects.get(procedure=Procedure.objects.get()) == visit


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
    services.waitlist_add(
        patient=factories.patient(first_name="Later"), visit_type="procedure", earliest_on=later, created_by=frontdesk
    )
    services.waitlist_add(
        patient=factories.patient(first_name="Consult"),
        visit_type="new_consult",
        earliest_on=timezone.localdate(),
        created_by=frontdesk,
    )
    assert services.appointment_cancel(appointment=visit, reason="Snow day") == []
    assert WaitlistEntry.objects.filter(closed_at=None).count() == 2
