"""The pages below link to the papers: the procedure's page to its note, each column of the day grid to its sheet."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.page_links import page_links
from tests import factories
from tests.scheduling.helpers import room

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure():
    return factories.procedure(factories.patient(), on=timezone.localdate() - datetime.timedelta(days=1))


@pytest.mark.parametrize("role", ["nurse", "physician", "administrator"])
def test_the_procedure_page_links_to_its_note(client, request, procedure, role):
    client.force_login(request.getfixturevalue(role))
    page = client.get(procedure.get_absolute_url()).content.decode()
    assert f'href="{reverse("paper:procedure_note", args=[procedure.pk])}"' in page
    assert "Procedure note (PDF)" in page


@pytest.mark.parametrize("by", ["physician", "room"])
def test_each_column_of_the_day_grid_links_to_its_day_sheet(client, frontdesk, by):
    doctor = factories.physician_user()
    suite = room()
    client.force_login(frontdesk)
    today = timezone.localdate()
    page = client.get(reverse("scheduling:day"), {"date": today.isoformat(), "by": by}).content.decode()
    pk = doctor.pk if by == "physician" else suite.pk
    assert f'href="{reverse("paper:day_sheet")}?day={today.isoformat()}&amp;{by}={pk}"' in page
    assert "Print day sheet" in page


def test_a_role_that_cannot_open_the_sheet_sees_no_link(client, norole):
    # The day view itself answers 403 to a user without a role; the link's own check is the registry's.
    assert page_links(norole, "scheduling:day column", day=timezone.localdate(), param="room", pk=1) == []


def test_the_procedure_page_shows_the_codes_the_record_bills(client, physician):
    procedure = factories.procedure(
        factories.patient(),
        on=timezone.localdate() - datetime.timedelta(days=1),
        sites=(("L4-L5", "bilateral"), ("L5-S1", "bilateral")),
    )
    client.force_login(physician)
    assert "64483-50, 64484-50" in client.get(procedure.get_absolute_url()).content.decode()
