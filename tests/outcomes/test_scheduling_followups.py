"""Logging a procedure schedules its follow-ups at the intervals set for its family."""

import datetime

import pytest
from django.utils import timezone

from outcomes.models import FollowUp, FollowUpInterval, next_working_day
from outcomes.scoring import disability_score
from tests import factories

pytestmark = pytest.mark.django_db

DAY = timezone.localdate() - datetime.timedelta(days=1)


def schedule_of(procedure):
    """(label, days after the procedure before moving off a weekend) for each follow-up."""
    return [(f.label, f.due_on - DAY) for f in FollowUp.objects.filter(procedure=procedure).order_by("due_on", "label")]


def after(days: int) -> datetime.timedelta:
    return next_working_day(DAY + datetime.timedelta(days=days)) - DAY


def test_an_esi_is_followed_up_at_2_weeks_6_weeks_and_3_months():
    procedure = factories.procedure(factories.patient(), on=DAY)
    assert schedule_of(procedure) == [
        ("2 weeks", after(14)),
        ("6 weeks", after(42)),
        ("3 months", after(91)),
    ]


def test_an_rfa_adds_6_and_12_months():
    procedure = factories.procedure(
        factories.patient(), on=DAY, type_code="rfa-facet", sites=(("L4-L5", "bilateral"),), drugs=()
    )
    assert [label for label, _ in schedule_of(procedure)] == ["2 weeks", "6 weeks", "3 months", "6 months", "12 months"]


def test_a_diagnostic_block_is_followed_up_over_the_anaesthetic_window():
    procedure = factories.procedure(
        factories.patient(), on=DAY, type_code="mbb", sites=(("L4-L5", "bilateral"),), drugs=(("Bupivacaine", "5"),)
    )
    # Logged at 10:00, so the six-hour window ends the same day (a weekend day moves to Monday).
    assert schedule_of(procedure) == [("Anaesthetic window", after(0))]


def test_intervals_are_data_an_administrator_can_change():
    FollowUpInterval.objects.filter(family="esi", label="6 weeks").update(active=False)
    procedure = factories.procedure(factories.patient(), on=DAY)
    assert [label for label, _ in schedule_of(procedure)] == ["2 weeks", "3 months"]


def test_a_failed_log_schedules_nothing():
    patient = factories.patient(payer=factories.payer())
    for n in (150, 100, 40):
        factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=n))
    count = FollowUp.objects.count()
    with pytest.raises(Exception, match="hard limit"):
        factories.procedure(patient, on=DAY)
    assert FollowUp.objects.count() == count


@pytest.mark.parametrize(
    ("answers", "score"),
    [
        ([0] * 10, 0),
        ([5] * 10, 100),
        ([2, 3, 1, 4, 2, 3, 2, 0, 1, 2], 40),
        ([3, 3, 3, 3, 3, 3, 3, 3, 3, None], 60),
        ([1, 1, 1, 1, 1, 1, 1, 1, None, None], 20),
        ([1, 2, 1, 2, 1, 2, 1, 2, 1, None], 29),
        ([1, 1, 1, 1, 1, 1, 1, None, None, None], None),
    ],
)
def test_odi_and_ndi_are_percentages_of_the_points_possible_over_the_sections_answered(answers, score):
    assert disability_score(answers) == score


@pytest.mark.parametrize("answers", [[6] + [0] * 9, [-1] + [0] * 9, [0] * 9])
def test_a_malformed_questionnaire_is_refused(answers):
    with pytest.raises(ValueError):  # noqa: PT011 - the message is checked where users see it
        disability_score(answers)


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (datetime.date(2026, 11, 20), datetime.date(2026, 11, 20)),  # Friday
        (datetime.date(2026, 11, 21), datetime.date(2026, 11, 23)),  # Saturday → Monday
        (datetime.date(2026, 11, 22), datetime.date(2026, 11, 23)),  # Sunday → Monday
    ],
)
def test_a_follow_up_falling_on_a_weekend_is_due_the_monday_after(day, due):
    assert next_working_day(day) == due


def test_a_follow_up_is_recorded_once_whoever_tries_second(nurse, physician):
    from django.core.exceptions import ValidationError

    from outcomes.services import followup_mark_not_reached, followup_record

    follow_up = FollowUp.objects.filter(procedure=factories.procedure(factories.patient(), on=DAY)).first()
    assert follow_up is not None
    followup_record(follow_up=follow_up, recorded_by=nurse, nrs=3, relief_pct=60, method="phone")
    with pytest.raises(ValidationError, match="Already closed by Nora"):
        followup_record(follow_up=follow_up, recorded_by=physician, nrs=5, relief_pct=20, method="phone")
    with pytest.raises(ValidationError, match="Already closed"):
        followup_mark_not_reached(follow_up=follow_up, recorded_by=physician)
    follow_up.refresh_from_db()
    assert (follow_up.nrs, follow_up.recorded_by) == (3, nurse)
