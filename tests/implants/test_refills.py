"""Pump refills: each sets the next due date, which must come before the reservoir runs dry; voiding one brings the
previous date back; the worklist lists missed and due refills, most urgent first, in a fixed number of queries."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from implants import services
from implants.models import Pathway, Refill
from tests import factories
from tests.implants.helpers import DAY, implanted_pump, refill, scs_trial
from tests.permissions import FORBIDDEN, LOGIN, OK, check, each_cell, login_as
from tests.scheduling.helpers import at, book

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def pump(nurse):
    return implanted_pump(factories.patient(first_name="Björn", last_name="Kowalski"), nurse)


def test_a_refill_sets_the_next_due_date_and_a_void_brings_the_previous_back(pump, nurse):
    refill(pump, nurse, on=TODAY - 90 * DAY, due=TODAY - 2 * DAY)
    refill(pump, nurse, on=TODAY - 2 * DAY, due=TODAY + 86 * DAY)
    pump.refresh_from_db()
    assert pump.next_refill_due == TODAY + 86 * DAY

    services.refill_void(entry=pump.refills.get(on=TODAY - 2 * DAY), reason="Recorded on the wrong pump", by=nurse)
    pump.refresh_from_db()
    assert pump.next_refill_due == TODAY - 2 * DAY
    assert Refill.objects.filter(pathway=pump).count() == 2


def test_the_next_refill_must_come_before_the_reservoir_runs_dry(client, pump, nurse):
    client.force_login(nurse)
    form = {
        "on": TODAY,
        "drug": "Morphine",
        "concentration_mg_ml": "25",
        "volume_ml": "40",
        "daily_dose_mg": "11",
        "next_due_on": TODAY + 91 * DAY,
    }
    response = client.post(reverse("implants:step", args=[pump.pk, "refill"]), form)
    assert response.status_code == 400
    dry = TODAY + 90 * DAY
    assert f"At 11 mg/day, 40 mL of 25 mg/mL runs dry on {dry:%a %Y-%m-%d}: the next refill must be due by then." in (
        response.content.decode()
    )
    assert not Refill.objects.exists()

    client.post(reverse("implants:step", args=[pump.pk, "refill"]), form | {"next_due_on": dry})
    pump.refresh_from_db()
    assert pump.next_refill_due == dry


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("volume_ml", "0", "Ensure this value is greater than or equal to 0.1."),
        ("daily_dose_mg", "-1", "Ensure this value is greater than or equal to 0.0001."),
        ("concentration_mg_ml", "abc", "Enter a number."),
        ("next_due_on", "", "This field is required."),
    ],
)
def test_bad_refill_numbers_are_refused_beside_the_field(client, pump, nurse, field, value, message):
    client.force_login(nurse)
    form = {
        "on": TODAY,
        "drug": "Baclofen",
        "concentration_mg_ml": "2",
        "volume_ml": "20",
        "daily_dose_mg": "0.4",
        "next_due_on": TODAY + 60 * DAY,
    }
    response = client.post(reverse("implants:step", args=[pump.pk, "refill"]), form | {field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Refill.objects.exists()


def test_refills_follow_a_pump_s_implant(nurse):
    stimulator = scs_trial(factories.patient(), nurse)
    with pytest.raises(ValidationError, match="Refills follow an intrathecal pump"):
        refill(stimulator, nurse, on=TODAY, due=TODAY + 30 * DAY)


def _due_pumps(count: int, nurse, first: int = 0) -> None:
    for index in range(first, first + count):
        patient = factories.patient(first_name=f"Pat{index}", last_name=f"Pump{index}", mrn=f"P{index:04d}")
        pump = implanted_pump(patient, nurse)
        refill(pump, nurse, on=TODAY - 70 * DAY, due=TODAY + (index % 20 - 6) * DAY)


def test_the_worklist_lists_missed_refills_first_then_those_due_soon(client, pump, nurse, frontdesk, physician):
    refill(pump, nurse, on=TODAY - 88 * DAY, due=TODAY - DAY)
    on_time = implanted_pump(factories.patient(first_name="Ana", last_name="Ruiz"), nurse)
    refill(on_time, nurse, on=TODAY - 30 * DAY, due=TODAY + 5 * DAY)
    later = implanted_pump(factories.patient(first_name="Lee", last_name="Far"), nurse)
    refill(later, nurse, on=TODAY - 10 * DAY, due=TODAY + 60 * DAY)
    visit = TODAY + 10 * DAY
    while visit.weekday() >= 5:
        visit += DAY
    book(on_time.patient, physician, at(visit, 9))

    client.force_login(frontdesk)
    page = client.get(reverse("implants:refills")).content.decode()
    missed, soon = page.split('id="soon-heading"')
    assert "Kowalski, Björn" in missed
    assert "1 day overdue" in missed
    assert "Ruiz, Ana" in soon
    assert "after the due date" in soon
    assert "Far, Lee" not in page
    assert "not booked" in missed


def test_the_worklist_reads_a_fixed_number_of_queries_whatever_the_number_of_pumps(
    client, nurse, django_assert_num_queries
):
    client.force_login(nurse)
    _due_pumps(3, nurse)
    with django_assert_num_queries(3) as small:
        client.get(reverse("implants:refills"))
    _due_pumps(15, nurse, first=3)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("implants:refills"))
    assert response.content.decode().count("/implants/") >= 15


def test_a_closed_pump_leaves_the_worklist(client, pump, nurse):
    refill(pump, nurse, on=TODAY - 88 * DAY, due=TODAY)
    services.pathway_close(pathway=pump, on=TODAY, reason="Explanted: infection")
    client.force_login(nurse)
    assert "Kowalski" not in client.get(reverse("implants:refills")).content.decode()


def test_the_pathway_page_reads_a_fixed_number_of_queries(client, pump, nurse, django_assert_max_num_queries):
    for cycle in range(6):
        on = TODAY - (95 - cycle * 10) * DAY
        refill(pump, nurse, on=on, due=on + 20 * DAY)
    client.force_login(nurse)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("implants:pathway", args=[pump.pk]))
    assert response.status_code == 200


MATRIX = {
    "implants:refills": [LOGIN, FORBIDDEN, OK, OK, OK, OK],
    "implants:pathway": [LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "implants:start": [LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN],
}
POST_MATRIX = {
    "start": [LOGIN, FORBIDDEN, FORBIDDEN, 302, 302, FORBIDDEN],
    "diary": [LOGIN, FORBIDDEN, FORBIDDEN, 302, 302, FORBIDDEN],
    "refill": [LOGIN, FORBIDDEN, FORBIDDEN, 302, 302, FORBIDDEN],
    "decision": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 302, FORBIDDEN],
    "implant": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 302, FORBIDDEN],
}


@each_cell(MATRIX)
def test_every_pathway_page_answers_every_role_as_the_matrix_says(client, request, nurse, page, role, expected):
    pump = implanted_pump(factories.patient(), nurse)
    login_as(client, request, role)
    if page == "implants:refills":
        url = reverse(page)
    elif page == "implants:pathway":
        url = reverse(page, args=[pump.pk])
    else:
        url = reverse(page, args=[pump.patient_id]) + "?device=scs"
    check(client.get(url), expected)


@each_cell(POST_MATRIX, key="action")
def test_every_pathway_action_answers_every_role_as_the_matrix_says(client, request, nurse, action, role, expected):
    stimulator = scs_trial(factories.patient(first_name="Sam", last_name="Stim"), nurse, reliefs=(60, 70, 65))
    pump = implanted_pump(factories.patient(first_name="Pia", last_name="Pump"), nurse)
    posts = {
        "start": (reverse("implants:start", args=[pump.patient_id]), {"device": "scs"}),
        "diary": (
            reverse("implants:step", args=[stimulator.pk, "diary"]),
            {"day": TODAY, "nrs": 3, "relief_pct": 60},
        ),
        "refill": (
            reverse("implants:step", args=[pump.pk, "refill"]),
            {
                "on": TODAY,
                "drug": "Morphine",
                "concentration_mg_ml": "25",
                "volume_ml": "40",
                "daily_dose_mg": "11",
                "next_due_on": TODAY + 80 * DAY,
            },
        ),
        "decision": (
            reverse("implants:step", args=[stimulator.pk, "decision"]),
            {"decision": "proceed", "decided_on": TODAY},
        ),
        "implant": (
            reverse("implants:step", args=[pump.pk, "implant"]),
            {
                "implanted_on": TODAY - 100 * DAY,
                "manufacturer": "Medtronic",
                "model": "SynchroMed II",
                "serial": "NGP2",
                "location": "Right lower abdomen",
                "reservoir_ml": "40",
            },
        ),
    }
    url, data = posts[action]
    login_as(client, request, role)
    check(client.post(url, data), expected)
    if expected == 302:
        assert Pathway.objects.filter(device="scs").count() == (2 if action == "start" else 1)


def test_an_administrator_reads_the_pathway_but_sees_no_forms(client, pump, administrator):
    client.force_login(administrator)
    page = client.get(reverse("implants:pathway", args=[pump.pk])).content.decode()
    assert "SynchroMed II" in page
    assert "Save the" not in page
    assert "Add the day" not in page
