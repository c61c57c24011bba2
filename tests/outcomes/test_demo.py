"""The demo clinic's follow-ups: most calls made, some not reached, some still to make."""

import datetime

import pytest
from django.utils import timezone

from outcomes.models import FollowUp, FollowUpStatus
from tests.conftest import seed_demo

pytestmark = pytest.mark.django_db


def test_most_past_follow_ups_are_recorded_some_not_reached_and_some_overdue(demo):
    today = timezone.localdate()
    done = FollowUp.objects.filter(status=FollowUpStatus.DONE)
    assert done.count() > 300
    assert FollowUp.objects.filter(status=FollowUpStatus.NOT_REACHED).count() >= 10
    assert FollowUp.objects.open().filter(due_on__lt=today).exists()
    assert FollowUp.objects.open().filter(due_on__gt=today).exists()
    assert not done.filter(due_on__gt=today).exists()
    # Each call is dated when it was made, so the pain trajectory spreads over the months.
    assert done.filter(recorded_at__lt=timezone.now() - datetime.timedelta(days=60)).count() > 100
    assert not done.filter(recorded_at__gt=timezone.now()).exists()


def test_recorded_follow_ups_have_pain_and_relief_and_disability_scores_where_they_apply(demo):
    done = FollowUp.objects.filter(status=FollowUpStatus.DONE)
    assert not done.filter(nrs__isnull=True).exists()
    assert not done.filter(relief_pct__isnull=True).exists()
    assert done.filter(odi_score__isnull=False).exists()
    assert done.filter(ndi_score__isnull=False).exists()


def test_a_second_run_records_nothing_more(demo):
    before = FollowUp.history.count()
    assert "Demo follow-ups: already in place." in seed_demo()
    assert FollowUp.history.count() == before
