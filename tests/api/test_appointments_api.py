"""The appointments API: the schedule read in pages and filtered on its indexes; booking, moving, cancelling and
the visit's day through the booking services, refused exactly where the booking page refuses."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from patients.services import patient_archive
from procedures.models import ProcedureType
from scheduling.models import Appointment, Status, VisitType
from scheduling.services import waitlist_entry_add
from tests import factories
from tests.scheduling.helpers import at, book, next_weekday, room, weekday_hours

pytestmark = pytest.mark.django_db

DAY = next_weekday()
LIST = reverse("api:appointment-list")
REASON = "Severe flare; physician reviewed the limit with the patient."
TRIAMCINOLONE = (("Triamcinolone acetonide", "40"),)


def detail(visit: Appointment, what: str = "detail") -> str:
    return reverse(f"api:appointment-{what}", args=[visit.pk])


@pytest.fixture
def api(frontdesk, physician) -> APIClient:
    """Fiona at the front desk, signed in; Paul the physician works weekdays 8 to 5."""
    weekday_hours(physician)
    client = APIClient()
    client.force_login(frontdesk)
    return client


@pytest.fixture
def patient():
    return factories.patient(first_name="Ana", last_name="Reyes")


def booking(patient, physician, hour: str = "09:00", **changes) -> dict[str, Any]:
    return {
        "patient": patient.pk,
        "visit_type": "follow_up",
        "physician": physician.pk,
        "starts_at": f"{DAY.isoformat()}T{hour}",
    } | changes


def esi_booking(patient, physician, **changes) -> dict[str, Any]:
    """A two-level lumbar transforaminal ESI in procedure suite 1: the booking page's example of a procedure."""
    return booking(
        patient,
        physician,
        visit_type="procedure",
        room=room().pk,
        procedure_type=ProcedureType.objects.get(code="esi-transforaminal").pk,
        planned_levels="L4-L5, L5-S1",
        planned_side="bilateral",
        **changes,
    )


def page_form(data: dict[str, Any]) -> dict[str, Any]:
    """The same booking as the booking page posts it: empty strings for nothing, the hours confirmed by a box."""
    form = {key: "" if value is None else value for key, value in data.items()}
    if form.pop("confirm_hours", False):
        form["confirm_hours"] = "on"
    return form


def test_front_desk_books_a_visit_and_the_history_names_them(api, frontdesk, physician, patient):
    response = api.post(LIST, booking(patient, physician, reason="Review after ESI"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    visit = Appointment.objects.get(pk=body["id"])
    assert response["Location"] == detail(visit)
    assert response["ETag"] == '"1"'
    assert body["patient"] == {"id": patient.pk, "name": "Ana Reyes", "mrn": patient.mrn}
    assert body["physician"]["id"] == physician.pk
    assert body["minutes"] == 20  # a follow-up's usual length
    assert body["status"] == "scheduled"
    assert body["booked_by"]["id"] == frontdesk.pk
    assert timezone.localtime(visit.starts_at) == at(DAY, 9)
    assert visit.history.get().history_user == frontdesk


def test_a_user_authenticated_by_the_api_alone_is_named_in_the_history(nurse, physician, patient):
    """No session, as with a token: the API's own authentication names the user the audit history records."""
    weekday_hours(physician)
    machine = APIClient()
    machine.force_authenticate(nurse)
    response = machine.post(LIST, booking(patient, physician), format="json")
    assert response.status_code == 201, response.json()
    visit = Appointment.objects.get()
    assert visit.booked_by == nurse
    assert visit.history.get().history_user == nurse


def test_a_time_with_an_offset_is_taken_as_that_moment(api, physician, patient):
    moment = at(DAY, 9).astimezone(datetime.UTC).isoformat()
    response = api.post(LIST, booking(patient, physician) | {"starts_at": moment}, format="json")
    assert response.status_code == 201, response.json()
    assert Appointment.objects.get().starts_at == at(DAY, 9)


def test_a_clash_is_refused_with_a_sentence_naming_it(api, physician, patient):
    book(factories.patient(first_name="Omar", last_name="Ali"), physician, at(DAY, 9))
    response = api.post(LIST, booking(patient, physician, "09:10"), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "invalid"
    assert body["errors"]["non_field_errors"][0].startswith("Paul already booked: Follow-up for Omar Ali with Paul")
    assert Appointment.objects.count() == 1


def test_a_procedure_past_a_hard_limit_needs_the_reason_the_form_asks_for(api, physician):
    walter = factories.near_esi_limit(drugs=TRIAMCINOLONE)
    refused = api.post(LIST, esi_booking(walter, physician), format="json")
    assert refused.status_code == 400
    assert "give the reason to book anyway" in refused.json()["errors"]["limit_reason"][0]
    booked = api.post(LIST, esi_booking(walter, physician, limit_reason=REASON), format="json")
    assert booked.status_code == 201, booked.json()
    limit = booked.json()["limit"]
    assert limit["would_pass"] is True
    assert limit["override_reason"] == REASON
    assert limit["clears_on"] is not None


def test_an_archived_patient_is_not_booked(api, physician, patient):
    patient_archive(patient=patient, reason="Moved away")
    response = api.post(LIST, booking(patient, physician), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["patient"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


@pytest.mark.parametrize(
    "case",
    ["clash", "hard limit without a reason", "archived patient", "outside hours", "bad levels", "no procedure"],
)
def test_the_api_refuses_a_booking_exactly_where_the_booking_page_does(client, api, frontdesk, physician, case):
    walter = factories.near_esi_limit(drugs=TRIAMCINOLONE)
    data = esi_booking(walter, physician, limit_reason=REASON)
    if case == "clash":
        book(factories.patient(first_name="Omar"), physician, at(DAY, 9))
    elif case == "hard limit without a reason":
        data["limit_reason"] = ""
    elif case == "archived patient":
        patient_archive(patient=walter, reason="Moved away")
    elif case == "outside hours":
        data["starts_at"] = f"{DAY.isoformat()}T19:00"
    elif case == "bad levels":
        data["planned_levels"] = "L45"
    else:
        data["procedure_type"] = None
    client.force_login(frontdesk)
    client.post(reverse("scheduling:new"), page_form(data))
    assert not Appointment.objects.filter(patient=walter).exists()
    assert api.post(LIST, data, format="json").status_code == 400
    assert not Appointment.objects.filter(patient=walter).exists()
    # What the page then books, the API books too.
    data |= {"limit_reason": REASON, "confirm_hours": True}
    if case in {"clash", "archived patient", "bad levels", "no procedure"}:
        return
    assert api.post(LIST, data, format="json").status_code == 201


def test_outside_working_hours_is_booked_once_confirmed(api, physician, patient):
    late = booking(patient, physician, "18:30")
    refused = api.post(LIST, late, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["confirm_hours"][0].startswith("Outside Paul's working hours")
    assert api.post(LIST, late | {"confirm_hours": True}, format="json").status_code == 201


def test_the_same_form_token_books_once(api, physician, patient):
    data = booking(patient, physician, form_token="6f1f6a53-4c55-4bb2-9a55-3f6c7b0f5e11")
    first = api.post(LIST, data, format="json")
    again = api.post(LIST, data, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"minutes": 4}, "minutes"),
        ({"minutes": 481}, "minutes"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": "9999-12-31T23:59"}, "starts_at"),
        ({"visit_type": "surgery"}, "visit_type"),
        ({"physician": 2**40}, "physician"),
        ({"physician": "paul"}, "physician"),
        ({"reason": "a\x00b"}, "reason"),
        ({"reason": "Ana\u202egnaM"}, "reason"),
        ({"planned_side": "up"}, "planned_side"),
        ({"form_token": "not-a-uuid"}, "form_token"),
    ],
)
def test_bad_input_is_refused_with_the_field_name(api, physician, patient, changes, field):
    response = api.post(LIST, booking(patient, physician) | changes, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Appointment.objects.exists()


def test_a_body_that_is_not_an_object_is_refused(api):
    assert api.post(LIST, [1, 2], format="json").status_code == 400
    assert api.post(LIST, "{", content_type="application/json").status_code == 400


def test_a_read_carries_the_version_as_its_etag(api, physician, patient):
    visit = book(patient, physician, at(DAY, 9))
    response = api.get(detail(visit))
    assert response.status_code == 200
    assert response["ETag"] == f'"{visit.version}"'
    assert response.json()["next_statuses"] == ["confirmed", "checked_in", "cancelled", "no_show"]
    assert api.get(reverse("api:appointment-detail", args=[visit.pk + 100])).status_code == 404


@pytest.mark.parametrize("segment", ["null", "1.5", "99999999999999999999", "-1"])
def test_an_id_that_is_no_number_of_a_visit_is_the_apis_own_not_found(api, segment):
    response = api.get(f"{LIST}{segment}/")
    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_a_move_changes_the_slot_and_the_version(api, physician, patient):
    visit = book(patient, physician, at(DAY, 9))
    response = api.post(
        detail(visit, "move"),
        {"physician": physician.pk, "starts_at": f"{DAY}T11:00", "minutes": 30},
        format="json",
        headers={"If-Match": f'"{visit.version}"'},
    )
    assert response.status_code == 200, response.json()
    visit.refresh_from_db()
    assert (visit.local_start, visit.minutes) == (at(DAY, 11), 30)
    assert response["ETag"] == f'"{visit.version}"' == '"2"'
    assert visit.history.first().history_change_reason == "Rescheduled"


@pytest.mark.parametrize("how", ["If-Match", "version"])
def test_a_move_based_on_an_old_version_is_refused_as_a_conflict(api, physician, patient, how):
    visit = book(patient, physician, at(DAY, 9))
    api.post(detail(visit, "status"), {"status": "confirmed"}, format="json")
    move = {"physician": physician.pk, "starts_at": f"{DAY}T11:00"}
    if how == "If-Match":
        response = api.post(detail(visit, "move"), move, format="json", headers={"If-Match": '"1"'})
    else:
        response = api.post(detail(visit, "move"), move | {"version": 1}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "conflict"
    assert body["version"] == 2
    assert "Changed by Fiona" in body["detail"]
    visit.refresh_from_db()
    assert visit.local_start == at(DAY, 9)


def test_if_match_and_version_must_agree(api, physician, patient):
    visit = book(patient, physician, at(DAY, 9))
    move = {"physician": physician.pk, "starts_at": f"{DAY}T11:00", "version": 1}
    response = api.post(detail(visit, "move"), move, format="json", headers={"If-Match": '"2"'})
    assert response.status_code == 400
    assert "version" in response.json()["errors"]
    garbled = api.post(detail(visit, "move"), move, format="json", headers={"If-Match": "yesterday"})
    assert "If-Match" in garbled.json()["errors"]


def test_a_move_into_a_taken_slot_is_refused_naming_it(api, physician, patient):
    visit = book(patient, physician, at(DAY, 9))
    book(factories.patient(first_name="Omar", last_name="Ali"), physician, at(DAY, 11))
    response = api.post(detail(visit, "move"), {"physician": physician.pk, "starts_at": f"{DAY}T11:10"}, format="json")
    assert response.status_code == 400
    assert "Omar Ali" in response.json()["detail"]


def test_the_visit_moves_along_its_day_and_a_wrong_step_names_the_possible_ones(api, physician, patient):
    visit = book(patient, physician, at(DAY, 9))
    checked_in = api.post(detail(visit, "status"), {"status": "checked_in"}, format="json")
    assert checked_in.status_code == 200
    assert checked_in.json()["checked_in_at"] is not None
    wrong = api.post(detail(visit, "status"), {"status": "no_show"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["detail"] == "A checked in visit cannot become no-show (possible: cancelled, in room)."
    assert api.post(detail(visit, "status"), {"status": "cancelled"}, format="json").status_code == 400
    visit.refresh_from_db()
    assert visit.status == Status.CHECKED_IN


def test_cancelling_needs_a_reason_and_offers_the_slot_to_the_waitlist(api, frontdesk, physician, patient):
    visit = book(patient, physician, at(DAY, 9))
    omar = factories.patient(first_name="Omar", last_name="Ali")
    waitlist_entry_add(
        patient=omar, visit_type=VisitType.FOLLOW_UP, earliest_on=timezone.localdate(), created_by=frontdesk
    )
    assert api.post(detail(visit, "cancel"), {"reason": "  "}, format="json").status_code == 400
    response = api.post(detail(visit, "cancel"), {"reason": "Unwell", "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["appointment"]["status"] == "cancelled"
    assert body["appointment"]["cancel_reason"] == "Unwell"
    assert [offer["patient"]["name"] for offer in body["waitlist_offers"]] == ["Omar Ali"]
    again = api.post(detail(visit, "cancel"), {"reason": "Unwell", "version": 1}, format="json")
    assert again.status_code == 409


def test_the_list_is_paged_in_start_order(api, physician, patient):
    for hour in (11, 9, 10):
        book(factories.patient(first_name=f"P{hour}"), physician, at(DAY, hour))
    body = api.get(LIST, {"page_size": 2}).json()
    assert body["count"] == 3
    assert [row["patient"]["name"] for row in body["results"]] == ["P9 Lopez", "P10 Lopez"]
    assert body["next"] is not None
    assert api.get(LIST, {"page": 9}).status_code == 404


def test_the_list_filters_by_day_range_physician_room_patient_and_status(api, make_user, physician, patient):
    from clinic.roles import Role

    hana = make_user("hana", Role.PHYSICIAN)
    suite = room()
    mine = book(patient, physician, at(DAY, 9), where=suite)
    hers = book(factories.patient(first_name="Omar"), hana, at(DAY, 9))
    later = book(factories.patient(first_name="Ida"), physician, at(DAY + datetime.timedelta(days=7), 9))
    api.post(detail(hers, "status"), {"status": "confirmed"}, format="json")

    def ids(**query) -> list[int]:
        response = api.get(LIST, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(day=DAY.isoformat()) == [mine.pk, hers.pk]
    assert ids(date_from=(DAY + datetime.timedelta(days=1)).isoformat()) == [later.pk]
    assert ids(date_to=DAY.isoformat()) == [mine.pk, hers.pk]
    assert ids(physician=hana.pk) == [hers.pk]
    assert ids(room=suite.pk) == [mine.pk]
    assert ids(patient=patient.pk) == [mine.pk]
    assert ids(status="confirmed") == [hers.pk]
    assert ids(physician=physician.pk, date_from=DAY.isoformat(), date_to=DAY.isoformat()) == [mine.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "gone"}, "status"),
        ({"day": "someday"}, "day"),
        ({"date_from": "0001-01-01"}, "date_from"),
        ({"date_to": "9999-12-31"}, "date_to"),
        ({"physician": "1.5"}, "physician"),
        ({"patient": "99999999999999999999"}, "patient"),
    ],
)
def test_a_bad_filter_is_refused_with_its_name(api, query, field):
    response = api.get(LIST, query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def _visits(physician, count: int) -> None:
    for n in range(count):
        slot = at(DAY, 8) + datetime.timedelta(minutes=20 * n)
        visit = book(factories.patient(first_name=f"P{n}"), physician, slot, where=room(f"Room {n % 3}"))
        if n % 2:
            book(
                factories.patient(first_name=f"Q{n}"),
                physician,
                slot + datetime.timedelta(days=7),
                visit_type="procedure",
                procedure="esi-transforaminal",
                levels="L4-L5",
            )
        assert visit.pk


@pytest.mark.parametrize("size", [3, 12])
def test_a_page_of_visits_costs_the_same_queries_however_many_there_are(
    api, physician, size, django_assert_num_queries
):
    _visits(physician, size)
    # The session, the user with their roles' permissions; the count; the page, every related row joined.
    with django_assert_num_queries(4):
        response = api.get(LIST)
    assert response.json()["count"] == size + size // 2
