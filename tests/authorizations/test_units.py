"""Each logged procedure an authorization covers uses one of its units; voiding gives the unit back; the chart says
"2 of 3 used, expires …"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from authorizations.models import Authorization, AuthorizationUse
from procedures.services import procedure_void
from tests import factories
from tests.authorizations.helpers import approved

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def bcbs_patient():
    return factories.patient(
        first_name="Beatriz", last_name="Soto", payer=factories.payer("BCBS of Florida", "bcbs-fl")
    )


def rfa(patient, physician, days_ago: int, levels=(("L4-L5", "right"),)):
    return factories.procedure(
        patient,
        on=TODAY - datetime.timedelta(days=days_ago),
        type_code="rfa-facet",
        sites=levels,
        drugs=(),
        physician=physician,
    )


def used(authorization: Authorization) -> int:
    return int(Authorization.objects.with_units_used().get(pk=authorization.pk).units_used)  # type: ignore[attr-defined]


def test_a_covered_procedure_uses_a_unit_and_voiding_it_gives_the_unit_back(bcbs_patient, physician):
    authorization = approved(
        bcbs_patient, physician, valid_from=TODAY - datetime.timedelta(days=60), valid_to=TODAY + datetime.timedelta(30)
    )
    first = rfa(bcbs_patient, physician, 20)
    rfa(bcbs_patient, physician, 10, levels=(("L4-L5", "left"),))
    assert used(authorization) == 2

    procedure_void(procedure=first, by=physician, reason="Entered on the wrong patient")

    assert used(authorization) == 1
    released = AuthorizationUse.objects.get(procedure=first)
    assert released.released_at is not None
    assert released.release_reason == "Procedure voided"


@pytest.mark.parametrize(
    ("days_ago", "levels", "type_code", "why"),
    [
        (70, (("L4-L5", "right"),), "rfa-facet", "before the authorization starts"),
        (5, (("C5-C6", "right"),), "rfa-facet", "another region"),
        (5, (("L4-L5", "right"),), "mbb", "a procedure type it does not cover"),
    ],
)
def test_a_procedure_it_does_not_cover_uses_no_unit(bcbs_patient, physician, days_ago, levels, type_code, why):
    authorization = approved(
        bcbs_patient, physician, valid_from=TODAY - datetime.timedelta(days=60), valid_to=TODAY + datetime.timedelta(30)
    )

    factories.procedure(
        bcbs_patient,
        on=TODAY - datetime.timedelta(days=days_ago),
        type_code=type_code,
        sites=levels,
        drugs=(),
        physician=physician,
    )

    assert used(authorization) == 0, why


def test_units_are_not_used_past_those_approved(bcbs_patient, physician):
    authorization = approved(
        bcbs_patient,
        physician,
        units=1,
        valid_from=TODAY - datetime.timedelta(days=60),
        valid_to=TODAY + datetime.timedelta(30),
    )
    rfa(bcbs_patient, physician, 20)
    rfa(bcbs_patient, physician, 10, levels=(("L4-L5", "left"),))

    assert used(authorization) == 1


def test_an_approval_recorded_after_the_procedure_counts_it(bcbs_patient, physician):
    rfa(bcbs_patient, physician, 5)

    authorization = approved(
        bcbs_patient, physician, valid_from=TODAY - datetime.timedelta(days=30), valid_to=TODAY + datetime.timedelta(60)
    )

    assert used(authorization) == 1


def test_the_chart_shows_units_used_and_when_it_expires(client, bcbs_patient, physician, frontdesk):
    valid_to = TODAY + datetime.timedelta(days=45)
    approved(bcbs_patient, physician, valid_from=TODAY - datetime.timedelta(days=60), valid_to=valid_to)
    rfa(bcbs_patient, physician, 20)
    rfa(bcbs_patient, physician, 10, levels=(("L4-L5", "left"),))
    client.force_login(frontdesk)

    page = client.get(reverse("patients:chart", args=[bcbs_patient.pk])).content.decode()

    assert f"2 of 3 used, expires {valid_to:%Y-%m-%d}" in page
