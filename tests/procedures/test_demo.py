"""The demo clinic's procedure history: a realistic year that shows every limit state, made once."""

import datetime
from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone

from procedures import limits
from procedures.exposure import Status
from procedures.models import Procedure, ProcedureMedication, ProcedureSite
from tests.conftest import seed_demo

pytestmark = pytest.mark.django_db


def audit_rows() -> tuple[int, int, int]:
    return Procedure.history.count(), ProcedureSite.history.count(), ProcedureMedication.history.count()


def test_the_demo_clinic_has_a_year_of_procedures_all_in_the_past(demo):
    procedures = Procedure.objects.all()
    assert 150 <= procedures.count() <= 250
    assert f"Demo procedures: {procedures.count()} added." in demo
    assert not procedures.filter(performed_at__gte=timezone.now()).exists()
    # Only the bone-density story reaches back further than a year, and never past three.
    now = timezone.now()
    older = procedures.filter(performed_at__lt=now - datetime.timedelta(days=366))
    assert older.values("patient").distinct().count() == 1
    assert not procedures.filter(performed_at__lt=now - datetime.timedelta(days=3 * 365)).exists()
    assert all(p.performed_by == p.recorded_by for p in procedures)


def test_the_history_is_spread_over_every_demo_physician_each_patient_keeping_theirs(demo):
    """So the dashboard's "by physician" compares three physicians, each with a fair share."""
    performers = Procedure.objects.values_list("performed_by__username", flat=True)
    shares = Counter(performers)
    assert set(shares) == {"physician", "drchen", "drokafor"}
    assert min(shares.values()) >= len(performers) // 5
    by_patient = Procedure.objects.values("patient").annotate(physicians=Count("performed_by", distinct=True))
    assert {row["physicians"] for row in by_patient} == {1}


def test_seeding_the_demo_again_adds_nothing(demo):
    before = (Procedure.objects.count(), *audit_rows())

    output = seed_demo()

    assert (Procedure.objects.count(), *audit_rows()) == before
    assert "Demo procedures: already in place." in output


def test_the_flags_page_shows_patients_at_and_over_their_limits_including_the_steroid_cap(demo):
    flagged = limits.all_flags()

    results = [result for exposure in flagged for result in exposure.flagged]
    assert len(flagged) >= 3
    assert any(r.status is Status.AT_LIMIT for r in results)
    assert any(r.status is Status.OVER for r in results)
    assert any(r.status is Status.OVER and r.rule.code == "steroid-200-12m" for r in results)


def test_every_procedure_past_a_hard_limit_carries_the_physicians_reason(demo):
    overridden = Procedure.objects.exclude(overridden_rules="")
    assert overridden.exists()
    assert all(p.override_reason.strip() for p in overridden)


def test_a_few_records_entered_in_error_are_voided_with_a_reason(demo):
    voided = Procedure.objects.filter(voided_at__isnull=False)
    assert 3 <= voided.count() <= 5
    assert all(p.void_reason.startswith(("Entered in error", "Duplicate entry")) for p in voided)
