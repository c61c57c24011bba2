"""The chart keeps its prior-authorization panel's HTML (`clinic.panels`), and never shows a kept copy older than the
patient's authorizations, the procedure types they cover, the units they have used or the payers' names."""

import datetime

import pytest
from django.utils import timezone

from authorizations.models import Authorization
from patients.models import Payer
from procedures.models import ProcedureType
from procedures.services import procedure_void
from tests import factories
from tests.authorizations.helpers import approved

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PANEL = "authorizations/_chart_panel.html"


def chart(client, patient) -> tuple[str, bool]:
    """The panel's HTML, and whether it was served from kept HTML."""
    response = client.get(patient.get_absolute_url())
    assert response.status_code == 200
    panel = next(panel for panel in response.context["panels"] if panel.template == PANEL)
    return str(panel.html), panel.context is None


@pytest.fixture
def patient():
    return factories.patient(
        first_name="Beatriz", last_name="Soto", payer=factories.payer("BCBS of Florida", "bcbs-fl")
    )


@pytest.fixture
def authorization(patient, physician):
    return approved(
        patient, physician, valid_from=TODAY - datetime.timedelta(days=60), valid_to=TODAY + datetime.timedelta(30)
    )


def rfa(patient, physician):
    return factories.procedure(
        patient, on=TODAY - datetime.timedelta(days=5), type_code="rfa-facet", sites=(("L4-L5", "right"),), drugs=()
    )


def test_an_opened_chart_is_served_the_kept_panel(client, physician, authorization, patient):
    client.force_login(physician)
    first, first_kept = chart(client, patient)
    again, again_kept = chart(client, patient)
    assert (first_kept, again_kept) == (False, True)
    assert again == first
    assert "0 of 3 used" in again


def test_a_new_request_shows_at_once(client, physician, patient):
    client.force_login(physician)
    assert "None on file." in chart(client, patient)[0]
    approved(patient, physician, valid_from=TODAY, valid_to=TODAY + datetime.timedelta(30), number="BCB-9001")
    page, kept = chart(client, patient)
    assert "BCB-9001" in page
    assert not kept


def test_a_unit_used_and_given_back_shows_at_once(client, physician, authorization, patient):
    client.force_login(physician)
    chart(client, patient)
    procedure = rfa(patient, physician)
    assert "1 of 3 used" in chart(client, patient)[0]
    procedure_void(procedure=procedure, by=physician, reason="Entered on the wrong patient")
    assert "0 of 3 used" in chart(client, patient)[0]


def test_covered_types_and_payer_names_changed_around_the_services_show_too(client, physician, authorization, patient):
    """Database triggers renew the stamps: a change in plain SQL (a data fix, the admin) is seen like a service's."""
    client.force_login(physician)
    chart(client, patient)
    authorization.procedure_types.add(ProcedureType.objects.get(code="mbb"))
    assert ProcedureType.objects.get(code="mbb").name in chart(client, patient)[0]
    Authorization.objects.filter(pk=authorization.pk).update(number="BCB-7777")
    assert "BCB-7777" in chart(client, patient)[0]
    Payer.objects.filter(key="bcbs-fl").update(name="Florida Blue")
    assert "Florida Blue" in chart(client, patient)[0]
