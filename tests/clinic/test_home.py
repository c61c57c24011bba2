"""The home page: the same few queries and rows for a small practice or a large one."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import home
from tests import factories
from tests.work import instances_built

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def practice(size: int, start: int = 0) -> None:
    """`size` patients, each with an ESI a month ago (one follow-up call now due) and a visit today."""
    physician = factories.physician_user()
    for n in range(start, start + size):
        patient = factories.patient(first_name=f"P{n}")
        factories.procedure(patient, on=TODAY - datetime.timedelta(days=30), physician=physician)


@pytest.mark.parametrize(("role", "queries"), [("physician", 9), ("nurse", 9), ("frontdesk", 8), ("administrator", 9)])
def test_each_roles_home_runs_the_same_queries_and_builds_the_same_rows_for_10_or_30_patients(
    client, request, django_assert_max_num_queries, role, queries
):
    client.force_login(request.getfixturevalue(role))
    practice(10)  # enough to fill the recently registered list
    with django_assert_max_num_queries(queries) as few, instances_built() as small:
        assert client.get(reverse("home")).status_code == 200
    practice(20, start=10)
    with django_assert_max_num_queries(len(few.captured_queries)), instances_built() as large:
        client.get(reverse("home"))
    assert large.by_model == small.by_model


def test_the_calls_due_badge_counts_up_to_its_limit(client, nurse, monkeypatch):
    practice(3)
    client.force_login(nurse)
    assert ">3</span>" in client.get(reverse("home")).content.decode()
    monkeypatch.setattr(home, "CALLS_COUNTED", 2)
    html = client.get(reverse("home")).content.decode()
    assert "Follow-up calls due" in html
    assert ">2+</span>" in html
