"""The chart keeps its stimulator and pump panel's HTML like its other panels, and never shows a copy older than the
patient's pathways: every write to a pathway, its diary, its implant or its refills shows on the next look."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from implants import services
from tests import factories
from tests.clock import clinic_time
from tests.implants.helpers import DAY, implanted_pump, refill, scs_trial

pytestmark = pytest.mark.django_db

PANEL = "implants/_chart_panel.html"
TODAY = timezone.localdate()


def look(client, patient) -> tuple[bool, str]:
    """Whether the panel came from kept HTML, and the page."""
    response = client.get(patient.get_absolute_url())
    [panel] = [p for p in response.context["panels"] if p.template == PANEL]
    return panel.context is None, response.content.decode()


def test_the_panel_is_kept_until_the_diary_changes(client, nurse):
    patient = factories.patient(first_name="James", last_name="Patel")
    pathway = scs_trial(patient, nurse, reliefs=(60, 70))
    client.force_login(nurse)
    assert look(client, patient)[0] is False
    kept, page = look(client, patient)
    assert kept is True
    assert "Trial diary: 2 of 3 days recorded." in page

    services.diary_add(pathway=pathway, day=TODAY, nrs=3, relief_pct=80, by=nurse)
    kept, page = look(client, patient)
    assert kept is False
    assert "70% mean relief, 3 days" in page
    assert "Trial diary" not in page


def test_an_implant_and_a_refill_show_on_the_next_look(client, nurse):
    patient = factories.patient(first_name="Björn", last_name="Kowalski")
    pump = implanted_pump(patient, nurse)
    client.force_login(nurse)
    look(client, patient)
    assert "No refill recorded" in look(client, patient)[1]

    refill(pump, nurse, on=TODAY - 10 * DAY, due=TODAY + 60 * DAY)
    kept, page = look(client, patient)
    assert kept is False
    assert f"next refill {TODAY + 60 * DAY:%a %Y-%m-%d}" in page

    services.implant_record(pathway=pump, by=nurse, serial="")
    assert "Implant serial numbers not recorded." in look(client, patient)[1]


def test_a_new_pathway_shows_on_the_next_look(client, nurse):
    patient = factories.patient()
    client.force_login(nurse)
    look(client, patient)
    assert "No stimulator or pump pathway." in look(client, patient)[1]
    client.post(reverse("implants:start", args=[patient.pk]), {"device": "pump"})
    kept, page = look(client, patient)
    assert kept is False
    assert "Psych clearance not documented." in page


def test_after_midnight_the_diary_asks_for_one_more_day(client, nurse):
    patient = factories.patient()
    scs_trial(patient, nurse, reliefs=(60, 70))
    with time_machine.travel(clinic_time(TODAY, 23, 50), tick=False):
        client.force_login(nurse)
        look(client, patient)
        kept, page = look(client, patient)
        assert kept is True
        assert "2 of 3 days" in page
    with time_machine.travel(clinic_time(TODAY + DAY, 0, 10), tick=False):
        client.force_login(nurse)
        assert "2 of 4 days" in look(client, patient)[1]
