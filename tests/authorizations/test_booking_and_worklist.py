"""Before booking, the front desk is told when the payer's authorization is missing, expires first or runs out;
the authorizations worklist lists what to chase; requesting and recording the answer through the pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from authorizations.models import Authorization
from authorizations.services import authorization_request
from procedures.models import ProcedureType
from tests import factories
from tests.authorizations.helpers import approved
from tests.permissions import FORBIDDEN, LOGIN, OK, check, each_cell, login_as
from tests.scheduling.helpers import at, book, next_weekday, room, weekday_hours

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = next_weekday() + datetime.timedelta(days=14)


@pytest.fixture
def bcbs_patient():
    return factories.patient(
        first_name="Beatriz", last_name="Soto", payer=factories.payer("BCBS of Florida", "bcbs-fl")
    )


def rfa_form(patient, physician, day, **changes):
    return {
        "patient": patient.pk,
        "visit_type": "procedure",
        "physician": physician.pk,
        "room": room().pk,
        "starts_at": f"{day}T09:00",
        "procedure_type": ProcedureType.objects.get(code="rfa-facet").pk,
        "planned_levels": "L4-L5",
        "planned_side": "right",
        "confirm_hours": "on",
        **changes,
    }


def live_check(client, patient, physician, day=DAY) -> str:
    return str(client.post(reverse("scheduling:check"), rfa_form(patient, physician, day)).content.decode())


def test_one_unit_left_that_expires_before_the_visit_is_said_before_booking(client, frontdesk, physician, bcbs_patient):
    weekday_hours(physician)
    valid_to = DAY - datetime.timedelta(days=3)
    approved(bcbs_patient, physician, units=3, valid_from=TODAY - datetime.timedelta(days=90), valid_to=valid_to)
    for days, side in ((40, "right"), (20, "left")):
        factories.procedure(
            bcbs_patient,
            on=TODAY - datetime.timedelta(days=days),
            type_code="rfa-facet",
            sites=(("L4-L5", side),),
            drugs=(),
            physician=physician,
        )
    client.force_login(frontdesk)

    html = live_check(client, bcbs_patient, physician)

    assert "Prior authorization:" in html
    assert (
        f"Blue Cross Blue Shield of Florida authorization BCB-4471 expires on {valid_to:%Y-%m-%d}, "
        f"before this visit on {DAY:%Y-%m-%d} (1 of 3 units left)"
    ) in html


def test_no_authorization_on_file_for_a_payer_that_requires_one(client, frontdesk, physician, bcbs_patient):
    weekday_hours(physician)
    client.force_login(frontdesk)

    html = live_check(client, bcbs_patient, physician)

    assert (
        "Blue Cross Blue Shield of Florida requires prior authorization for Radiofrequency ablation (facet); "
        "none is on file"
    ) in html


def test_a_payer_that_requires_none_is_booked_without_a_word(client, frontdesk, physician):
    weekday_hours(physician)
    medicare = factories.patient(first_name="Mel", payer=factories.payer())
    client.force_login(frontdesk)

    assert "Prior authorization" not in live_check(client, medicare, physician)


def test_visits_booked_before_count_against_the_units(client, frontdesk, physician, bcbs_patient):
    weekday_hours(physician)
    approved(bcbs_patient, physician, units=1, valid_from=TODAY, valid_to=DAY + datetime.timedelta(days=30))
    book(
        bcbs_patient,
        physician,
        at(DAY - datetime.timedelta(days=7), 9),
        30,
        visit_type="procedure",
        procedure="rfa-facet",
        levels="L4-L5",
        side="left",
    )
    client.force_login(frontdesk)

    html = live_check(client, bcbs_patient, physician)

    assert f"will be used up by {DAY:%Y-%m-%d}: 0 of 1 units used and 1 booked before this visit." in html


def test_the_worklist_lists_expiring_with_visits_after_waiting_requests_and_denials(
    client, frontdesk, physician, bcbs_patient, django_assert_max_num_queries
):
    expiring = approved(
        bcbs_patient,
        physician,
        valid_from=TODAY - datetime.timedelta(days=60),
        valid_to=TODAY + datetime.timedelta(days=10),
    )
    book(
        bcbs_patient,
        physician,
        at(TODAY + datetime.timedelta(days=20), 9),
        30,
        visit_type="procedure",
        procedure="rfa-facet",
        levels="L4-L5",
        side="left",
    )
    quiet = factories.patient(first_name="Quinn", payer=bcbs_patient.payer)
    approved(
        quiet, physician, valid_from=TODAY - datetime.timedelta(days=60), valid_to=TODAY + datetime.timedelta(days=10)
    )
    waiting = authorization_request(
        patient=quiet,
        payer=factories.payer("BCBS of Florida", "bcbs-fl"),
        procedure_types=ProcedureType.objects.filter(code="rfa-facet"),
        region="",
        units_approved=1,
        requested_on=TODAY - datetime.timedelta(days=9),
        by=frontdesk,
    )
    client.force_login(frontdesk)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("authorizations:worklist"))

    sections = {key: [a.pk for a in rows] for key, _title, rows in response.context["sections"]}
    assert sections == {"expiring": [expiring.pk], "waiting": [waiting.pk], "denied": []}


def test_the_front_desk_requests_then_records_the_approval(client, frontdesk, bcbs_patient):
    client.force_login(frontdesk)
    response = client.post(
        reverse("authorizations:new", args=[bcbs_patient.pk]),
        {
            "procedure_types": [ProcedureType.objects.get(code="rfa-facet").pk],
            "region": "lumbosacral",
            "units_approved": "2",
            "requested_on": TODAY.isoformat(),
            "documents": "MBB results 2026-11-02",
        },
        follow=True,
    )
    authorization = Authorization.objects.get()
    assert authorization.status == "requested"

    refused = client.post(
        reverse("authorizations:detail", args=[authorization.pk]),
        {"version": authorization.version, "status": "approved", "decided_on": TODAY.isoformat()},
    )
    assert "An approval needs this." in refused.content.decode()
    client.post(
        reverse("authorizations:detail", args=[authorization.pk]),
        {
            "version": authorization.version,
            "status": "approved",
            "number": "FB-99",
            "valid_from": TODAY.isoformat(),
            "valid_to": (TODAY + datetime.timedelta(days=90)).isoformat(),
            "units_approved": "2",
            "decided_on": TODAY.isoformat(),
        },
    )
    authorization.refresh_from_db()
    assert (authorization.status, authorization.number, authorization.units_approved) == ("approved", "FB-99", 2)
    assert response.status_code == 200


MATRIX = {
    "authorizations:worklist": [LOGIN, FORBIDDEN, OK, OK, OK, OK],
    "authorizations:new": [LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN],
    "authorizations:detail": [LOGIN, FORBIDDEN, OK, OK, OK, OK],
}


@each_cell(MATRIX)
def test_every_authorization_page_answers_every_role_as_the_matrix_says(
    client, request, physician, bcbs_patient, page, role, expected
):
    authorization = approved(bcbs_patient, physician, valid_from=TODAY, valid_to=TODAY + datetime.timedelta(days=30))
    login_as(client, request, role)
    args = {"authorizations:worklist": [], "authorizations:new": [bcbs_patient.pk]}.get(page, [authorization.pk])

    check(client.get(reverse(page, args=args)), expected)
