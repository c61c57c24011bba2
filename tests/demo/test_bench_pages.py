"""Every page the benchmark times answers as it should for the login that opens it, on a small seeded clinic."""

import datetime
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from clinic import reference
from demo.bench import runner
from demo.bench.pages import ADMINISTRATOR, FRONT_DESK, PHYSICIAN, find_subjects, pages
from procedures.models import Procedure
from scheduling.models import Appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(scale):
    return {name: User.objects.get(username=name) for name in (PHYSICIAN, FRONT_DESK, ADMINISTRATOR)}


def test_every_benchmarked_page_answers_for_its_role(users):
    bookings = Appointment.objects.count()
    page_list = pages(find_subjects())
    assert {page.role for page in page_list} == {"", PHYSICIAN, FRONT_DESK, ADMINISTRATOR}
    for page in page_list:
        found = runner.in_process(page, users)
        assert found.status == page.expect, page.name
        assert found.queries > 0 or not page.role, page.name
        assert (found.sql_ms > 0) == (found.queries > 0), page.name
    # Each booking page was sent once, then timed a few times (the first of those counted), and each booking
    # cancelled at once; cleaning up removes them, so the schedule is as seeded.
    assert runner.remove_bench_bookings() == (1 + runner.SQL_SAMPLES) * sum(page.books for page in page_list)
    assert Appointment.objects.count() == bookings


def test_the_subjects_are_the_heaviest_chart_the_busiest_recent_day_and_a_free_slot(scale):
    subjects = find_subjects()
    counts = Counter(Procedure.objects.filter(patient__archived_at__isnull=True).values_list("patient_id", flat=True))
    assert subjects.heavy_procedures == counts[subjects.heavy.pk] == max(counts.values())
    assert subjects.busy_visits > 0
    starts = timezone.make_aware(subjects.booking_start)
    taken = Appointment.objects.holding_slot().overlapping(starts, starts + datetime.timedelta(minutes=15))
    assert not taken.filter(Q(physician=subjects.booking_physician) | Q(room=subjects.booking_room)).exists()


def test_a_page_is_counted_after_a_first_request_so_the_reference_data_a_process_keeps_is_not_counted(
    users, monkeypatch
):
    booking = next(page for page in pages(find_subjects()) if page.name.startswith("booking POST"))
    monkeypatch.setattr(reference, "_copies", {})  # a new process: nothing kept yet
    first = runner.in_process(booking, users)
    assert first.status == booking.expect
    assert first.queries == runner.in_process(booking, users).queries  # as when everything is kept
    runner.remove_bench_bookings()
