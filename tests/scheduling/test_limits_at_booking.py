"""Booking a planned steroid procedure checks the limits live, counts what is already booked, and offers the
first slot within limits; booking past a hard limit anyway needs a reason the physician sees."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procedures.exposure import month_shift
from procedures.models import ProcedureType
from scheduling.models import Appointment
from scheduling.services import appointment_cancel
from tests import factories
from tests.scheduling.helpers import at, book, next_weekday, room, weekday_hours

pytestmark = pytest.mark.django_db

DAY = next_weekday()
TRIAMCINOLONE = (("Triamcinolone acetonide", "40"),)
REASON = "Severe flare; physician reviewed the limit with the patient."


@pytest.fixture
def near_limit(physician):
    """Three lumbar ESIs in the last five months: a fourth passes the clinic's 3 per 6 months."""
    weekday_hours(physician)
    return factories.near_esi_limit(drugs=TRIAMCINOLONE)


def esi_form(patient, physician, day, **changes):
    return {
        "patient": patient.pk,
        "visit_type": "procedure",
        "physician": physician.pk,
        "room": room().pk,
        "starts_at": f"{day}T09:00",
        "procedure_type": ProcedureType.objects.get(code="esi-transforaminal").pk,
        "planned_levels": "L4-L5, L5-S1",
        "planned_side": "bilateral",
        "confirm_hours": "on",
        **changes,
    }


def book_esi(client, patient, physician, day, **changes):
    return client.post(reverse("scheduling:new"), esi_form(patient, physician, day, **changes), follow=True)


def live_check(client, patient, physician, day, **changes):
    return client.post(reverse("scheduling:check"), esi_form(patient, physician, day, **changes)).content.decode()


def esi(patient, physician, day, **kw):
    return book(
        patient, physician, at(day, 9), 30, visit_type="procedure", procedure="esi-transforaminal", levels="L5-S1", **kw
    )


# Before anything is saved


def test_the_live_check_shows_the_limit_before_booking_with_the_first_date_within_limits(
    client, frontdesk, physician, near_limit
):
    client.force_login(frontdesk)
    html = live_check(client, near_limit, physician, DAY)
    assert "Would pass a limit" in html
    assert "ESI sessions per region, 6 months</strong>: 4 of 3 ESI sessions (lumbar/sacral)" in html
    first = timezone.localdate() - datetime.timedelta(days=150)
    assert "The first date within limits is" in html
    assert 'name="take_offer"' in html
    assert Appointment.objects.count() == 0
    offered = html.split('name="take_offer" value="')[1].split('"')[0]
    assert month_shift(datetime.date.fromisoformat(offered[:10]), -6) > first


def test_the_live_check_is_green_for_a_patient_within_limits(client, frontdesk, physician):
    weekday_hours(physician)
    client.force_login(frontdesk)
    html = live_check(client, factories.patient(), physician, DAY)
    assert "Within the steroid and frequency limits" in html
    assert "Would pass" not in html


def test_the_live_check_is_never_green_while_the_levels_are_wrong(client, frontdesk, physician, near_limit):
    client.force_login(frontdesk)
    html = live_check(client, near_limit, physician, DAY, planned_levels="L45")
    assert "Limits not checked yet" in html
    assert "Not a spinal level: L45" in html
    assert "Within" not in html


def test_taking_the_offer_books_the_first_slot_within_limits_in_one_click(client, frontdesk, physician, near_limit):
    client.force_login(frontdesk)
    offered = live_check(client, near_limit, physician, DAY).split('name="take_offer" value="')[1].split('"')[0]
    html = book_esi(client, near_limit, physician, DAY, take_offer=offered).content.decode()
    appointment = Appointment.objects.get()
    assert appointment.local_start.strftime("%Y-%m-%dT%H:%M") == offered
    assert (appointment.limit_would_pass, appointment.limit_override_reason) == (False, "")
    assert "Would pass a limit" not in html
    assert "At a limit" in html  # the first date within is the one on which the 3rd in 6 months fits


# Booking anyway


def test_booking_past_a_hard_limit_without_a_reason_is_refused_and_saves_nothing(
    client, frontdesk, physician, near_limit
):
    client.force_login(frontdesk)
    html = book_esi(client, near_limit, physician, DAY).content.decode()
    assert "would pass a hard limit. Take the first date within limits, or give the reason" in html
    assert Appointment.objects.count() == 0


def test_booking_past_a_limit_with_a_reason_stands_and_the_physician_sees_the_reason(
    client, frontdesk, physician, near_limit
):
    client.force_login(frontdesk)
    html = book_esi(client, near_limit, physician, DAY, limit_reason=REASON).content.decode()
    appointment = Appointment.objects.get()
    assert (appointment.limit_would_pass, appointment.limit_override_reason) == (True, REASON)
    assert appointment.limit_clears_on is not None
    assert "Would pass a limit" in html
    assert f"within limits again on <strong>{appointment.limit_clears_on.isoformat()}</strong>" in html
    client.force_login(physician)
    agenda = client.get(reverse("scheduling:agenda"), {"date": DAY}).content.decode()
    assert f"Booked past the limit: {REASON}" in agenda
    chart = client.get(near_limit.get_absolute_url()).content.decode()
    assert 'class="badge text-bg-danger" title="ESI sessions per region, 6 months' in chart


def test_moving_the_visit_to_the_date_the_patient_clears_makes_it_within(client, frontdesk, physician, near_limit):
    client.force_login(frontdesk)
    book_esi(client, near_limit, physician, DAY, limit_reason=REASON)
    appointment = Appointment.objects.get()
    clears = appointment.limit_clears_on
    client.post(
        reverse("scheduling:move", args=[appointment.pk]),
        {"physician": physician.pk, "room": appointment.room_id, "starts_at": f"{clears}T10:00", "confirm_hours": "on"},
    )
    appointment.refresh_from_db()
    assert (appointment.limit_would_pass, appointment.limit_clears_on, appointment.limit_override_reason) == (
        False,
        None,
        "",
    )


# What is already booked counts


@pytest.fixture
def two_given(physician):
    """Two lumbar ESIs in the last three months: room for one more in six months."""
    patient = factories.patient(first_name="Ines", payer=factories.payer("Aetna", "aetna"))
    for days in (90, 45):
        factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=days))
    return patient


def test_two_bookings_count_each_other(physician, two_given):
    first = esi(two_given, physician, DAY)
    assert not first.limit_would_pass
    second_day = DAY + datetime.timedelta(days=14)
    with pytest.raises(Exception, match="would pass a hard limit"):
        esi(two_given, physician, second_day)
    second = esi(two_given, physician, second_day, limit_reason=REASON)
    assert second.limit_would_pass
    assert "4 of 3 ESI sessions (lumbar/sacral, 1 booked) in 6 months" in second.limit_summary


def test_a_booking_before_an_existing_one_is_judged_at_the_later_visit_and_it_is_re_checked(physician, two_given):
    later = esi(two_given, physician, DAY + datetime.timedelta(days=21))
    earlier = esi(two_given, physician, DAY, limit_reason=REASON)
    assert earlier.limit_would_pass
    assert f"makes the booked ESI session (lumbar/sacral) on {later.local_start.date()} the 4th of 3" in (
        earlier.limit_summary
    )
    later.refresh_from_db()
    assert later.limit_would_pass
    assert "(lumbar/sacral, 1 booked)" in later.limit_summary


def test_cancelling_one_booking_re_checks_the_other_and_drops_its_own_banner(client, physician, two_given):
    first = esi(two_given, physician, DAY)
    second = esi(two_given, physician, DAY + datetime.timedelta(days=14), limit_reason=REASON)
    appointment_cancel(appointment=first, reason="Patient unwell")
    second.refresh_from_db()
    assert not second.limit_would_pass
    assert "3 of 3 ESI sessions (lumbar/sacral) in 6 months; at the limit" in second.limit_summary
    appointment_cancel(appointment=second, reason="Changed plan")
    client.force_login(physician)
    html = client.get(second.get_absolute_url()).content.decode()
    assert "Would pass a limit" not in html
    assert "Within the steroid" not in html


def test_logging_a_procedure_re_checks_the_patients_bookings(physician, two_given):
    booked = esi(two_given, physician, DAY)
    assert not booked.limit_would_pass
    assert "3 of 3" in booked.limit_summary
    factories.procedure(two_given, on=timezone.localdate() - datetime.timedelta(days=2), physician=physician)
    booked.refresh_from_db()
    assert booked.limit_would_pass


def test_a_follow_up_leaves_the_checks_of_the_booked_procedures_alone(
    physician, two_given, django_assert_max_num_queries
):
    # Only planned procedures count toward the limits: booking, moving or cancelling another visit changes
    # nothing the patient's booked procedures would pass, so it costs what it costs a patient with none.
    plain = factories.patient(first_name="Plain")
    with django_assert_max_num_queries(50) as alone:
        visit = book(plain, physician, at(DAY, 11))
        appointment_cancel(appointment=visit, reason="Patient unwell")
    booked = esi(two_given, physician, DAY)
    with django_assert_max_num_queries(len(alone.captured_queries)):
        visit = book(two_given, physician, at(DAY, 11))
        appointment_cancel(appointment=visit, reason="Patient unwell")
    assert Appointment.history.filter(id=booked.pk).count() == 1


def test_a_booking_reads_the_history_once_however_many_procedures_the_patient_has_booked(physician, two_given):
    # The check of the new visit, the steps to its first date within limits and the re-check of each booked
    # visit share one read of the recorded history (sites are read with it, once per read).
    for weeks in (2, 4, 6):
        esi(two_given, physician, DAY + datetime.timedelta(weeks=weeks), limit_reason=REASON)
    with CaptureQueriesContext(connection) as queries:
        visit = esi(two_given, physician, DAY, limit_reason=REASON)
    assert visit.limit_would_pass
    history_reads = [q["sql"] for q in queries.captured_queries if 'FROM "procedures_proceduresite"' in q["sql"]]
    assert len(history_reads) == 1
    rechecked = Appointment.objects.exclude(pk=visit.pk).order_by("starts_at")
    assert all("booked" in other.limit_summary for other in rechecked)


def test_a_consult_runs_no_limit_check(frontdesk, physician, near_limit):
    appointment = book(near_limit, physician, at(DAY, 11), visit_type="new_consult")
    assert (appointment.limit_would_pass, appointment.limit_summary) == (False, "")


@pytest.mark.parametrize(
    "changes",
    [
        {"starts_at": "9999-12-31T23:59"},
        {"starts_at": "0001-01-01T00:00"},
        {"starts_at": "not a date"},
        {"minutes": "100000"},
        {"patient": "abc"},
        {"appointment": "999999"},
        {"procedure_type": "\x00"},
    ],
)
def test_the_live_check_answers_nonsense_with_a_message_never_a_server_error(
    client, frontdesk, physician, near_limit, changes
):
    client.force_login(frontdesk)
    response = client.post(reverse("scheduling:check"), esi_form(near_limit, physician, DAY) | changes)
    assert response.status_code in (200, 404)
    assert "Within" not in response.content.decode()
