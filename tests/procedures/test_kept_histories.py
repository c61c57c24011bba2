"""A patient's recorded history, as the limit checks read it, is kept in each process under the patient's chart
stamp and the catalog's: a second check of an unchanged patient reads one stamp row, and the kept copy never
disagrees with a fresh read after logging (late entries included), corrections, voids, a catalog edit or a write
in plain SQL."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection

from patients import chart_stamp
from procedures import limits, services
from procedures.models import Drug, Procedure
from tests import factories
from tests.clock import on_clinic_day
from tests.procedures.test_standing import PLANS, correct

pytestmark = [pytest.mark.django_db, pytest.mark.fixed_days]

DAY = datetime.date(2026, 11, 30)
SINCE = DAY - datetime.timedelta(days=3 * 366)


def fresh(patient_id: int, since: datetime.date = SINCE):
    return limits.histories([patient_id], since).get(patient_id, [])


def log(rng: random.Random, patient, physician) -> Procedure:
    code, sites, drugs = rng.choice(PLANS)
    on = DAY - datetime.timedelta(days=rng.randrange(0, 900))  # most are late entries
    return factories.procedure(
        patient, on=on, type_code=code, sites=sites, drugs=drugs, physician=physician, override_reason="Reviewed"
    )


def test_a_second_read_of_an_unchanged_patient_is_one_query(physician, django_assert_num_queries):
    with on_clinic_day(DAY):
        patient = factories.patient()
        factories.procedure(patient, on=DAY - datetime.timedelta(days=30), physician=physician)
        first = limits.recorded_history(patient.pk, SINCE)
        with django_assert_num_queries(1):
            again = limits.recorded_history(patient.pk, SINCE)
        assert again == first == fresh(patient.pk)
        assert len(again) == 1


def test_the_kept_history_equals_a_fresh_read_through_logs_voids_and_corrections(physician):
    rng = random.Random(20261205)
    with on_clinic_day(DAY):
        patients = [factories.patient(first_name=f"P{n}") for n in range(3)]
        for step in range(60):
            patient = rng.choice(patients)
            records = list(Procedure.objects.filter(patient=patient, voided_at__isnull=True))
            action = rng.random()
            if action < 0.6 or not records:
                log(rng, patient, physician)
            elif action < 0.8:
                services.procedure_void(procedure=rng.choice(records), by=physician, reason="Entered in error")
            else:
                correct(rng, rng.choice(records))
            for each in patients:
                assert limits.recorded_history(each.pk, SINCE) == fresh(each.pk), (step, each.pk)


def test_a_catalog_edit_or_a_write_in_plain_sql_is_read_by_the_next_check(physician):
    with on_clinic_day(DAY):
        patient = factories.patient()
        procedure = factories.procedure(
            patient,
            on=DAY - datetime.timedelta(days=30),
            physician=physician,
            drugs=(("Triamcinolone acetonide", "40"),),
        )
        [before] = limits.recorded_history(patient.pk, SINCE)
        Drug.objects.filter(name="Triamcinolone acetonide").update(mpe_factor=Decimal("2.5"))
        [after_drug] = limits.recorded_history(patient.pk, SINCE)
        assert after_drug.mpe == Decimal("100") != before.mpe
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE procedures_proceduremedication SET dose_mg = 80 WHERE procedure_id = %s", [procedure.pk]
            )
        [doubled] = limits.recorded_history(patient.pk, SINCE)
        assert doubled.mpe == Decimal("200")


def test_the_process_keeps_a_bounded_number_of_copies(physician, monkeypatch):
    monkeypatch.setattr(chart_stamp, "KEPT_ENTRIES", 2)
    monkeypatch.setattr(chart_stamp, "_kept", type(chart_stamp._kept)())
    with on_clinic_day(DAY):
        patients = [factories.patient(first_name=f"P{n}") for n in range(3)]
        for patient in patients:
            limits.recorded_history(patient.pk, SINCE)
        assert [patient_id for patient_id, _name in chart_stamp._kept] == [patients[1].pk, patients[2].pk]
