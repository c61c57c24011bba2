"""The chart lists a patient's nearest visits, the ten next and the ten last; their visits page lists all."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from scheduling.panels import SHOWN
from tests import factories
from tests.permissions import FORBIDDEN, LOGIN, OK, ROLES, check, login_as
from tests.scheduling.helpers import at, book, weekday_hours
from tests.work import instances_built

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def clinic(physician):
    weekday_hours(physician)
    return physician


@pytest.fixture
def patient():
    return factories.patient(first_name="Ana", last_name="Reyes")


def visits(patient, physician, count: int, *, start: int = 0, ahead: bool) -> None:
    """`count` visits a day apart, from tomorrow on or from yesterday back."""
    for n in range(start + 1, start + count + 1):
        book(patient, physician, at(TODAY + datetime.timedelta(days=n if ahead else -n), 9))


def appointments_panel(client, patient) -> dict[str, Any]:
    [found] = [p.context for p in client.get(patient.get_absolute_url()).context["panels"] if "groups" in p.context]
    return dict(found)


def test_the_chart_lists_the_ten_next_and_ten_last_visits_and_links_to_all(client, nurse, clinic, patient):
    visits(patient, clinic, SHOWN + 2, ahead=True)
    visits(patient, clinic, SHOWN + 3, ahead=False)
    client.force_login(nurse)
    panel = appointments_panel(client, patient)
    (_, upcoming), (_, past) = panel["groups"]
    assert [v.local_start.date() for v in upcoming] == [TODAY + datetime.timedelta(days=n) for n in range(1, SHOWN + 1)]
    assert [v.local_start.date() for v in past] == [TODAY - datetime.timedelta(days=n) for n in range(1, SHOWN + 1)]
    html = client.get(patient.get_absolute_url()).content.decode()
    assert f'href="{reverse("scheduling:patient_visits", args=[patient.pk])}">All visits</a>' in html


def test_a_few_visits_need_no_link(client, nurse, clinic, patient):
    visits(patient, clinic, 2, ahead=True)
    client.force_login(nurse)
    assert not appointments_panel(client, patient)["more"]
    assert "All visits" not in client.get(patient.get_absolute_url()).content.decode()


def test_the_chart_builds_the_same_visits_however_many_the_patient_has(client, nurse, clinic, patient):
    visits(patient, clinic, SHOWN + 1, ahead=True)  # already more than the chart shows
    visits(patient, clinic, SHOWN + 1, ahead=False)
    client.force_login(nurse)
    with instances_built() as few:
        client.get(patient.get_absolute_url())
    visits(patient, clinic, 15, start=SHOWN + 1, ahead=True)
    visits(patient, clinic, 15, start=SHOWN + 1, ahead=False)
    with instances_built() as many:
        client.get(patient.get_absolute_url())
    assert many.by_model == few.by_model


def test_the_visits_page_lists_every_visit_latest_first(client, frontdesk, clinic, patient):
    visits(patient, clinic, 3, ahead=True)
    visits(patient, clinic, 2, ahead=False)
    client.force_login(frontdesk)
    page = client.get(reverse("scheduling:patient_visits", args=[patient.pk])).context["page"]
    assert [v.local_start.date() for v in page] == [TODAY + datetime.timedelta(days=n) for n in (3, 2, 1, -1, -2)]


def test_the_visits_page_runs_the_same_queries_for_a_few_visits_or_many(
    client, frontdesk, clinic, patient, django_assert_max_num_queries
):
    visits(patient, clinic, 2, ahead=True)
    client.force_login(frontdesk)
    url = reverse("scheduling:patient_visits", args=[patient.pk])
    with django_assert_max_num_queries(9) as few:
        client.get(url)
    visits(patient, clinic, 30, start=2, ahead=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_the_visits_page_answers_every_role_as_the_schedule_does(client, request, patient, role_index):
    login_as(client, request, ROLES[role_index])
    page = client.get(reverse("scheduling:patient_visits", args=[patient.pk]))
    check(page, [LOGIN, FORBIDDEN, OK, OK, OK, OK][role_index])
