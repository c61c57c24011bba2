"""The kept best response per procedure always equals what its recorded 2–6 week follow-ups say."""

import datetime
import random

import pytest
from django.db.models import Max, Min
from django.utils import timezone

from outcomes.models import FollowUp, FollowUpStatus, ProcedureResponse
from outcomes.services import followup_mark_not_reached, followup_record, procedure_response_rebuild_all
from tests import factories

pytestmark = pytest.mark.django_db


def kept() -> set[tuple[int, int | None, int | None]]:
    return set(ProcedureResponse.objects.values_list("procedure_id", "best_relief", "best_nrs"))


def fresh() -> set[tuple[int, int | None, int | None]]:
    """Straight from the follow-ups, as the dashboard once read them."""
    return set(
        FollowUp.objects.filter(status=FollowUpStatus.DONE, days_after__range=(14, 42))
        .order_by()
        .values("procedure_id")
        .annotate(relief=Max("relief_pct"), low=Min("nrs"))
        .values_list("procedure_id", "relief", "low")
    )


@pytest.fixture
def recorded(nurse, physician):
    rng = random.Random(7)
    for n in range(8):
        patient = factories.patient(first_name=f"R{n}")
        factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=rng.randrange(60, 200)))
    for follow_up in FollowUp.objects.order_by("pk"):
        choice = rng.random()
        if choice < 0.6:
            followup_record(
                follow_up=follow_up,
                recorded_by=nurse,
                nrs=rng.choice([None, *range(11)]),
                relief_pct=rng.choice([None, 0, 20, 30, 50, 80, 100]),
            )
        elif choice < 0.8:
            followup_mark_not_reached(follow_up=follow_up, recorded_by=nurse)


def test_recording_follow_ups_keeps_each_procedures_best_response(recorded):
    assert kept()
    assert kept() == fresh()


def test_a_three_month_call_alone_gives_no_response(nurse):
    procedure = factories.procedure(factories.patient(), on=timezone.localdate() - datetime.timedelta(days=100))
    late = procedure.follow_ups.get(days_after__gt=42)
    followup_record(follow_up=late, recorded_by=nurse, nrs=2, relief_pct=80)
    assert not ProcedureResponse.objects.filter(procedure=procedure).exists()


def test_the_bulk_rebuild_gives_the_same_rows(recorded):
    before = kept()
    ProcedureResponse.objects.all().delete()
    assert procedure_response_rebuild_all() == len(before)
    assert kept() == before == fresh()
