"""Front desk books, moves and cancels visits; nothing is double booked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.models import ProcedureType
from scheduling.models import Appointment, TimeOff
from tests import factories
from tests.scheduling.helpers import at, book, next_weekday, room, weekday_hours

pytestmark = pytest.mark.django_db

DAY = next_weekday()


@pytest.fixture
def patient():
    return factories.patient(first_name="Ana", last_name="Reyes", phone="(555) 222-1000")


@pytest.fixture
def clinic(physician):
    weekday_hours(physician)
    return physician


def booking(patient, physician, start: str, **changes):
    data = {
        "patient": patient.pk,
        "visit_type": "follow_up",
        "physician": physician.pk,
        "starts_at": f"{DAY.isoformat()}T{start}",
    }
    return data | changes


def test_front_desk_books_a_visit_and_sees_the_confirmation(client, frontdesk, clinic, patient):
    client.force_login(frontdesk)
    response = client.post(reverse("scheduling:new"), booking(patient, clinic, "09:00"), follow=True)
    appointment = Appointment.objects.get()
    assert response.redirect_chain[-1][0] == appointment.get_absolute_url()
    html = response.content.decode()
    assert "Booked Follow-up" in html
    assert "Ana Reyes" in html
    assert "(555) 222-1000" in html
    assert appointment.local_start == at(DAY, 9)
    assert appointment.booked_by == frontdesk


@pytest.mark.parametrize(("visit_type", "minutes"), [("new_consult", 45), ("follow_up", 20), ("procedure", 30)])
def test_the_length_defaults_by_visit_type(client, frontdesk, clinic, patient, visit_type, minutes):
    client.force_login(frontdesk)
    extra = {"procedure_type": ProcedureType.objects.get(code="si-injection").pk} if visit_type == "procedure" else {}
    client.post(reverse("scheduling:new"), booking(patient, clinic, "10:00", visit_type=visit_type, **extra))
    assert Appointment.objects.get().minutes == minutes


def test_a_booked_physician_cannot_be_booked_again_and_the_message_names_the_visit(client, frontdesk, clinic, patient):
    book(factories.patient(first_name="Bo", last_name="Kim"), clinic, at(DAY, 9), 30)
    client.force_login(frontdesk)
    response = client.post(reverse("scheduling:new"), booking(patient, clinic, "09:15"))
    errors = " ".join(response.context["form"].non_field_errors())
    assert "already booked: Follow-up for Bo Kim with Paul" in errors
    assert "09:00–09:30" in errors
    assert Appointment.objects.count() == 1


def test_a_room_and_a_patient_cannot_be_in_two_places(clinic, make_user, patient):
    from django.core.exceptions import ValidationError

    from clinic.roles import Role

    colleague = make_user("rosa", Role.PHYSICIAN)
    suite = room()
    book(patient, clinic, at(DAY, 9), 30, where=suite)
    with pytest.raises(ValidationError, match="Procedure suite 1 already booked"):
        book(factories.patient(first_name="Other"), colleague, at(DAY, 9, 15), where=suite)
    with pytest.raises(ValidationError, match="Ana Reyes already booked"):
        book(patient, colleague, at(DAY, 9, 15))


def test_back_to_back_visits_do_not_conflict(clinic, patient):
    book(patient, clinic, at(DAY, 9), 30)
    book(factories.patient(first_name="Next"), clinic, at(DAY, 9, 30), 30)
    assert Appointment.objects.count() == 2


def test_a_cancelled_visit_frees_its_slot(client, frontdesk, clinic, patient):
    first = book(patient, clinic, at(DAY, 9), 30)
    client.force_login(frontdesk)
    client.post(reverse("scheduling:cancel", args=[first.pk]), {"reason": "Patient unwell"})
    book(factories.patient(first_name="Next"), clinic, at(DAY, 9), 30)
    assert Appointment.objects.holding_slot().count() == 1


def test_outside_working_hours_warns_and_books_once_confirmed(client, frontdesk, clinic, patient):
    client.force_login(frontdesk)
    response = client.post(reverse("scheduling:new"), booking(patient, clinic, "18:30"))
    assert any("Outside Paul's working hours" in w for w in response.context["form"].hours_warnings)
    assert not Appointment.objects.exists()
    client.post(reverse("scheduling:new"), booking(patient, clinic, "18:30", confirm_hours="on"))
    assert Appointment.objects.count() == 1


def test_a_day_off_warns(client, frontdesk, clinic, patient):
    TimeOff.objects.create(physician=clinic, starts_on=DAY, ends_on=DAY, reason="Conference")
    client.force_login(frontdesk)
    response = client.post(reverse("scheduling:new"), booking(patient, clinic, "09:00"))
    assert any("is off" in w and "Conference" in w for w in response.context["form"].hours_warnings)


def test_a_day_off_outside_hours_gives_both_warnings_and_lists_the_hours(client, frontdesk, clinic, patient):
    TimeOff.objects.create(physician=clinic, starts_on=DAY, ends_on=DAY + datetime.timedelta(days=2), reason="")
    client.force_login(frontdesk)
    warnings = client.post(reverse("scheduling:new"), booking(patient, clinic, "18:30")).context["form"].hours_warnings
    off, outside = warnings
    assert off == f"Paul is off {DAY}–{DAY + datetime.timedelta(days=2)}."
    assert outside.startswith("Outside Paul's working hours on")
    assert "08:00–17:00" in outside


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"visit_type": "procedure"}, "procedure_type", "Choose the planned procedure."),
        (
            {"visit_type": "procedure", "procedure_type": "esi-transforaminal"},
            "planned_levels",
            "needs the planned levels",
        ),
        (
            {"visit_type": "procedure", "procedure_type": "esi-transforaminal", "planned_levels": "L9-L10"},
            "planned_levels",
            "Not a spinal level: L9-L10",
        ),
        ({"starts_at": "tomorrow"}, "starts_at", "Enter a valid date/time."),
        ({"minutes": "1000"}, "minutes", "less than or equal to 480"),
    ],
)
def test_bad_booking_input_gets_a_message_beside_the_field(client, frontdesk, clinic, patient, changes, field, message):
    if "procedure_type" in changes:
        changes["procedure_type"] = ProcedureType.objects.get(code=changes["procedure_type"]).pk
    client.force_login(frontdesk)
    response = client.post(reverse("scheduling:new"), booking(patient, clinic, "09:00", **changes))
    assert message in " ".join(response.context["form"].errors[field])
    assert not Appointment.objects.exists()


def test_a_time_that_does_not_exist_on_the_spring_forward_day_is_refused_not_a_500(client, frontdesk, clinic, patient):
    client.force_login(frontdesk)
    data = booking(patient, clinic, "02:30", starts_at="2027-03-14T02:30")
    response = client.post(reverse("scheduling:new"), data)
    assert response.status_code == 200
    assert "starts_at" in response.context["form"].errors


@pytest.mark.parametrize(("day", "utc_hour"), [(datetime.date(2027, 3, 15), 13), (datetime.date(2027, 11, 8), 14)])
def test_times_are_stored_in_utc_and_shown_in_the_clinics_zone_across_dst(
    client, frontdesk, clinic, patient, day, utc_hour
):
    client.force_login(frontdesk)
    client.post(
        reverse("scheduling:new"), booking(patient, clinic, "09:00", starts_at=f"{day}T09:00", confirm_hours="on")
    )
    appointment = Appointment.objects.get()
    assert appointment.starts_at.astimezone(datetime.UTC).hour == utc_hour
    assert appointment.local_start.hour == 9
    assert "09:00–09:20" in client.get(appointment.get_absolute_url()).content.decode()


def test_rescheduling_moves_the_visit_and_refuses_a_taken_slot(client, frontdesk, clinic, patient):
    moving = book(patient, clinic, at(DAY, 9))
    book(factories.patient(first_name="Busy"), clinic, at(DAY, 11), 30)
    client.force_login(frontdesk)
    data = {"physician": clinic.pk, "starts_at": f"{DAY}T11:10"}
    response = client.post(reverse("scheduling:move", args=[moving.pk]), data)
    assert "already booked" in " ".join(response.context["form"].non_field_errors())
    data["starts_at"] = f"{DAY}T14:00"
    client.post(reverse("scheduling:move", args=[moving.pk]), data)
    moving.refresh_from_db()
    assert moving.local_start == at(DAY, 14)
    assert moving.minutes == 20
    assert moving.history.latest().history_change_reason == "Rescheduled"


def test_booking_from_the_chart_starts_with_the_patient(client, frontdesk, patient):
    client.force_login(frontdesk)
    chart = client.get(patient.get_absolute_url()).content.decode()
    assert f"{reverse('scheduling:new')}?patient={patient.pk}" in chart
    page = client.get(f"{reverse('scheduling:new')}?patient={patient.pk}").content.decode()
    assert "Reyes, Ana" in page


def test_the_chart_lists_upcoming_and_past_visits(client, nurse, clinic, patient):
    book(patient, clinic, at(DAY, 9))
    past = timezone.localdate() - datetime.timedelta(days=7)
    book(patient, clinic, at(past, 9))
    client.force_login(nurse)
    panel = client.get(patient.get_absolute_url()).context["panels"][0].context
    assert [len(group) for _title, group in panel["groups"]] == [1, 1]


def test_the_patient_finder_searches_the_registry(client, frontdesk, patient):
    client.force_login(frontdesk)
    html = client.get(reverse("scheduling:patient_search"), {"q": "reyes", "physician": "3"}).content.decode()
    assert "Reyes, Ana" in html
    assert f"patient={patient.pk}" in html
    assert "physician=3" in html
