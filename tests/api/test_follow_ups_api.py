"""The follow-ups API: the calls in the worklist's order, and a call recorded with the recording page's fields and
rules (NRS, relief, PGIC, the ODI or NDI the levels call for), or closed as not reached."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from clinic.models import AccessLog
from outcomes.models import FollowUp, FollowUpStatus
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LIST = reverse("api:followup-list")
CERVICAL: dict[str, Any] = {
    "type_code": "esi-interlaminar",
    "sites": (("C5-C6", "midline"),),
    "drugs": (("Triamcinolone acetonide", "40"),),
}
KNEE: dict[str, Any] = {
    "type_code": "joint-major",
    "sites": (("knee", "right"),),
    "drugs": (("Triamcinolone acetonide", "40"),),
}
CALL = {"nrs": 3, "relief_pct": 60, "pgic": 2, "method": "phone"}
ODI = [2, 1, 3, 2, None, 1, 2, 0, 1, 2]  # nine sections answered: 14 of 45 points, 31


def follow_up(days_ago: int = 14, patient=None, **fields) -> FollowUp:
    """The 2-week call after an ESI done `days_ago` days ago (a lumbar transforaminal one unless told)."""
    procedure = factories.procedure(
        patient or factories.patient(), on=TODAY - datetime.timedelta(days=days_ago), **fields
    )
    return FollowUp.objects.get(procedure=procedure, label="2 weeks")


def detail(item: FollowUp, what: str = "detail") -> str:
    return reverse(f"api:followup-{what}", args=[item.pk])


@pytest.fixture
def api(nurse) -> APIClient:
    client = APIClient()
    client.force_login(nurse)
    return client


def test_a_nurse_records_a_call_with_the_odi_and_the_history_names_her(api, nurse):
    item = follow_up(nrs_pre=7)
    response = api.post(detail(item, "record"), CALL | {"odi_answers": ODI}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["nrs"], body["relief_pct"], body["pgic"]) == ("done", 3, 60, 2)
    assert body["odi_answers"] == ODI
    assert body["odi_score"] == 31
    assert body["ndi_answers"] is None
    assert body["recorded_by"]["id"] == nurse.pk
    assert response["ETag"] == f'"{body["version"]}"'
    item.refresh_from_db()
    assert item.status == FollowUpStatus.DONE
    assert item.history.first().history_user == nurse


def test_the_read_says_which_questionnaires_the_levels_call_for(api):
    assert api.get(detail(follow_up())).json()["questionnaires"] == ["odi"]
    assert api.get(detail(follow_up(**CERVICAL))).json()["questionnaires"] == ["ndi"]
    assert api.get(detail(follow_up(**KNEE))).json()["questionnaires"] == []


def test_a_cervical_call_takes_the_ndi_and_refuses_the_odi(api):
    item = follow_up(**CERVICAL)
    refused = api.post(detail(item, "record"), CALL | {"odi_answers": ODI}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["odi_answers"] == ["The ODI is not asked after this procedure (C5-C6)."]
    recorded = api.post(detail(item, "record"), CALL | {"ndi_answers": ODI}, format="json")
    assert recorded.status_code == 200
    assert recorded.json()["ndi_score"] == 31


def test_too_few_sections_answered_are_kept_unscored(api):
    item = follow_up()
    seven = [1] * 7 + [None] * 3
    response = api.post(detail(item, "record"), CALL | {"odi_answers": seven}, format="json")
    assert response.status_code == 200
    assert response.json()["odi_score"] is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nrs": 11}, "nrs", "Ensure this value is less than or equal to 10."),
        ({"nrs": None}, "nrs", "This field may not be null."),
        ({"relief_pct": -1}, "relief_pct", "Ensure this value is greater than or equal to 0."),
        ({"relief_days": 3651}, "relief_days", "Ensure this value is less than or equal to 3650."),
        ({"pgic": 8}, "pgic", '"8" is not a valid choice.'),
        ({"method": "fax"}, "method", '"fax" is not a valid choice.'),
        ({"note": "a\x00b"}, "note", "Null characters are not allowed."),
        ({"new_complications": "Ana\u202egnaM"}, "new_complications", "Remove the invisible text-direction"),
        ({"odi_answers": [1] * 9}, "odi_answers", "Ensure this field has at least 10 elements."),
        ({"odi_answers": [1, 1, 6, 1, 1, 1, 1, 1, 1, 1]}, "odi_answers", "Section 3: Ensure this value is less"),
        ({"odi_answers": "all fine"}, "odi_answers", 'Expected a list of items but got type "str".'),
    ],
)
def test_bad_input_is_refused_with_the_field_name_and_nothing_is_saved(api, changes, field, message):
    item = follow_up()
    response = api.post(detail(item, "record"), CALL | changes, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][field][0].startswith(message)
    item.refresh_from_db()
    assert item.status == FollowUpStatus.DUE


def test_a_recording_based_on_an_old_version_is_refused_as_a_conflict(api, physician):
    item = follow_up()
    opened = item.version
    assert api.post(detail(item, "record"), CALL, format="json", headers={"If-Match": f'"{opened}"'}).status_code == 200
    again = api.post(detail(item, "record"), CALL | {"nrs": 5}, format="json", headers={"If-Match": f'"{opened}"'})
    assert again.status_code == 409
    assert again.json()["version"] == opened + 1
    item.refresh_from_db()
    assert item.nrs == 3


def test_a_stale_recording_after_questionnaire_answers_is_a_conflict_not_a_server_error(api):
    item = follow_up()
    opened = f'"{item.version}"'
    assert api.post(detail(item, "record"), CALL | {"odi_answers": ODI}, format="json").status_code == 200
    again = api.post(detail(item, "record"), CALL, format="json", headers={"If-Match": opened})
    assert again.status_code == 409
    assert "ODI answers: — → [2, 1, 3, 2, None, 1, 2, 0, 1, 2]" in again.json()["errors"]["non_field_errors"]


def test_a_closed_call_is_not_recorded_again(api):
    item = follow_up()
    assert api.post(detail(item, "record"), CALL, format="json").status_code == 200
    again = api.post(detail(item, "record"), CALL | {"nrs": 5}, format="json")
    assert again.status_code == 400
    assert again.json()["detail"] == "Already closed by Nora: it was not recorded again."


def test_not_reached_closes_the_call_with_the_note(api):
    item = follow_up()
    response = api.post(detail(item, "not-reached"), {"note": "Voicemail twice"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["note"]) == ("not_reached", "Voicemail twice")
    assert api.post(detail(item, "not-reached"), {}, format="json").status_code == 400


def test_not_reached_based_on_an_old_version_is_refused(api):
    item = follow_up()
    assert api.post(detail(item, "not-reached"), {"version": item.version + 1}, format="json").status_code == 409
    item.refresh_from_db()
    assert item.status == FollowUpStatus.DUE


def test_reading_or_recording_a_call_is_in_the_access_log(api, nurse):
    item = follow_up()
    api.get(detail(item))
    api.post(detail(item, "record"), CALL, format="json")
    api.get(LIST)
    logged = AccessLog.objects.filter(user=nurse, kind=AccessLog.Kind.FOLLOW_UP)
    assert [(entry.patient_id, entry.object_id) for entry in logged] == [(item.procedure.patient_id, item.pk)] * 2


def test_the_list_is_in_the_worklists_order_due_first(api):
    late = follow_up(days_ago=30)
    today = follow_up(days_ago=14)
    soon = follow_up(days_ago=10)
    body = api.get(LIST, {"status": "due"}).json()
    order = [row["id"] for row in body["results"]]
    assert order.index(late.pk) < order.index(today.pk) < order.index(soon.pk)


def test_the_list_filters_by_status_due_dates_patient_and_procedure(api):
    walter = factories.patient(first_name="Walter")
    done = follow_up(days_ago=30, patient=walter)
    api.post(detail(done, "record"), CALL, format="json")
    due = follow_up(days_ago=14)

    def ids(**query) -> set[int]:
        response = api.get(LIST, query)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(status="done") == {done.pk}
    assert ids(patient=walter.pk) == {item.pk for item in FollowUp.objects.filter(procedure__patient=walter)}
    assert ids(procedure=due.procedure_id) == {item.pk for item in FollowUp.objects.filter(procedure=due.procedure)}
    assert ids(due_from=due.due_on.isoformat(), due_to=due.due_on.isoformat()) == {due.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [({"status": "late"}, "status"), ({"due_from": "1800-01-01"}, "due_from"), ({"patient": "x"}, "patient")],
)
def test_a_bad_filter_is_refused_with_its_name(api, query, field):
    response = api.get(LIST, query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("size", [2, 8])
def test_a_page_of_calls_costs_the_same_queries_however_many_there_are(api, size, django_assert_num_queries):
    for n in range(size):
        follow_up(days_ago=14 + n, **(CERVICAL if n % 2 else {}))
    # The session, the user with their roles' permissions; the count; the page with its procedure, patient, type
    # and recorder joined; the procedures' sites.
    with django_assert_num_queries(5):
        response = api.get(LIST)
    assert response.json()["count"] == FollowUp.objects.count() >= size
