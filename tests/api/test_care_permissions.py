"""Every care endpoint of the API answers every role as the pages do: the schedule's, the follow-up calls' and the
dashboard's permissions from the role matrix, checked on the server before anything is read or written."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api import care_urls
from outcomes.models import FollowUp
from scheduling.models import Appointment
from tests import factories
from tests.permissions import FORBIDDEN, each_cell, login_as
from tests.scheduling.helpers import at, book, next_weekday, weekday_hours

pytestmark = pytest.mark.django_db

DAY = next_weekday()
# Signed out: the API's authentication answers (401 where a token scheme is offered, else 403), never a redirect.
SIGNED_OUT = "signed out"
OK, CREATED = 200, 201

MATRIX = {
    # anonymous, no role, front desk, nurse, physician, administrator
    "GET appointment-list": [SIGNED_OUT, FORBIDDEN, OK, OK, OK, OK],
    "GET appointment-detail": [SIGNED_OUT, FORBIDDEN, OK, OK, OK, OK],
    "POST appointment-list": [SIGNED_OUT, FORBIDDEN, CREATED, CREATED, CREATED, FORBIDDEN],
    "POST appointment-move": [SIGNED_OUT, FORBIDDEN, OK, OK, OK, FORBIDDEN],
    "POST appointment-status": [SIGNED_OUT, FORBIDDEN, OK, OK, OK, FORBIDDEN],
    "POST appointment-cancel": [SIGNED_OUT, FORBIDDEN, OK, OK, OK, FORBIDDEN],
    "GET followup-list": [SIGNED_OUT, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "GET followup-detail": [SIGNED_OUT, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "POST followup-record": [SIGNED_OUT, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN],
    "POST followup-not-reached": [SIGNED_OUT, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN],
    "GET outcome-tables": [SIGNED_OUT, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK],
    "GET outcome-table": [SIGNED_OUT, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK],
}


@pytest.fixture
def records(physician) -> dict[str, Any]:
    """A visit booked for Tuesday, a follow-up call due today, and what each write posts."""
    weekday_hours(physician)
    visit = book(factories.patient(), physician, at(DAY, 9))
    procedure = factories.procedure(
        factories.patient(first_name="Walter"), on=timezone.localdate() - datetime.timedelta(days=14)
    )
    call = FollowUp.objects.get(procedure=procedure, label="2 weeks")
    newcomer = factories.patient(first_name="Omar", last_name="Ali")
    bodies = {
        "appointment-list": {
            "patient": newcomer.pk,
            "visit_type": "follow_up",
            "physician": physician.pk,
            "starts_at": f"{DAY}T11:00",
        },
        "appointment-move": {"physician": physician.pk, "starts_at": f"{DAY}T14:00"},
        "appointment-status": {"status": "confirmed"},
        "appointment-cancel": {"reason": "Unwell"},
        "followup-record": {"nrs": 3, "relief_pct": 60},
        "followup-not-reached": {"note": "Voicemail"},
    }
    return {"appointment": visit, "followup": call, "bodies": bodies}


def _url(name: str, records: dict[str, Any]) -> str:
    if name.endswith("-list") or name == "outcome-tables":
        return reverse(f"api:{name}")
    if name == "outcome-table":
        return reverse("api:outcome-table", args=["complications"])
    return reverse(f"api:{name}", args=[records[name.split("-")[0]].pk])


@each_cell(MATRIX, key="endpoint")
def test_every_care_endpoint_answers_every_role_as_the_matrix_says(request, records, endpoint, role, expected):
    method, name = endpoint.split()
    client = APIClient()
    login_as(client, request, role)
    visit, call = records["appointment"], records["followup"]
    before = (visit.version, call.version, Appointment.objects.count())
    if method == "GET":
        response = client.get(_url(name, records))
    else:
        response = client.post(_url(name, records), records["bodies"][name], format="json")
    if expected == SIGNED_OUT:
        assert response.status_code in (401, 403)
        assert response.json()["type"] in ("not_authenticated", "forbidden")
    else:
        assert response.status_code == expected, response.json()
    if expected in (SIGNED_OUT, FORBIDDEN):
        assert response.json()["detail"]
        visit.refresh_from_db()
        call.refresh_from_db()
        assert (visit.version, call.version, Appointment.objects.count()) == before


def test_every_care_route_is_in_the_matrix():
    names = {getattr(pattern, "name", None) for pattern in care_urls.urlpatterns}
    assert names == {endpoint.split()[1] for endpoint in MATRIX}


def test_a_head_request_answers_as_its_get(physician, records):
    api = APIClient()
    api.force_login(physician)
    for name in ("appointment-list", "followup-list", "outcome-tables", "outcome-table"):
        assert api.head(_url(name, records)).status_code == 200, name


def test_a_refusal_names_the_roles_that_may(frontdesk, records):
    api = APIClient()
    api.force_login(frontdesk)
    response = api.get(_url("outcome-tables", records))
    assert response.json()["detail"] == "This needs the Physician or Administrator role."
