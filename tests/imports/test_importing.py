"""Importing writes every row through the procedures' own services, all of them or none, and only once."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from imports import progress, samples, services
from imports.models import ProcedureLogImport
from outcomes.models import FollowUp, FollowUpStatus
from patients.models import Patient
from procedures import services as procedure_services
from procedures import standing
from procedures.models import Procedure
from tests import factories
from tests.imports.helpers import SAMPLE_END, csv_of, row, uploaded

pytestmark = pytest.mark.django_db

SAMPLES = Path(samples.__file__).parent / "samples"
Status = ProcedureLogImport.Status


def imported(content: bytes, by, name: str = "log.csv") -> ProcedureLogImport:
    run = uploaded(content, by, name)
    assert services.import_start(run=run, by=by)
    run.refresh_from_db()
    return run


def flagged_mrns() -> set[str]:
    ids = standing.flagged_rows().values("patient_id")
    return set(Patient.objects.filter(pk__in=ids).values_list("mrn", flat=True))


@pytest.mark.parametrize("name", ["procedure-log-sample.csv", "procedure-log-sample.xlsx"])
def test_the_sample_imports_and_puts_its_stories_at_and_over_their_limits(administrator, doctors, sample_day, name):
    run = imported((SAMPLES / name).read_bytes(), administrator, name)
    assert (run.status, run.imported, run.new_patients, run.already) == (Status.IMPORTED, 50, 27, 0)
    assert run.overridden == Procedure.objects.exclude(overridden_rules="").count() > 0
    # Walsh: four lumbar ESIs in six months; Ortega: three; Brennan: 240 mg of triamcinolone in a year.
    assert flagged_mrns() == {"E100001", "E100002", "E100003"}


def test_a_row_past_a_hard_limit_is_logged_with_a_reason_saying_it_was_imported(administrator, doctors):
    today = timezone.localdate()
    rows = [row(Date=(today - datetime.timedelta(days=d)).isoformat()) for d in (150, 100, 50, 10)]
    run = imported(csv_of(rows), administrator, "old-log.csv")
    latest = Procedure.objects.order_by("-performed_at").first()
    assert latest is not None
    assert "clinic-esi-6m" in latest.overridden_rules
    assert latest.override_reason == (
        f"Imported from old-log.csv, row 5: performed before Pinpoint, imported by Ada on {today:%Y-%m-%d}."
    )
    assert latest.note == "Imported from old-log.csv, row 5."
    assert run.overridden == Procedure.objects.exclude(overridden_rules="").count() >= 1


def test_imported_records_name_who_imported_them_and_get_their_follow_ups(administrator, doctors):
    imported(csv_of([row()]), administrator)
    procedure = Procedure.objects.get()
    assert (procedure.recorded_by, procedure.performed_by) == (administrator, doctors["physician"])
    assert procedure.history.get().history_user == administrator
    assert Patient.objects.get(mrn="E500001").history.get().history_user == administrator
    assert FollowUp.objects.filter(procedure=procedure).exists()


def test_a_row_refused_midway_leaves_nothing_behind(administrator, doctors, monkeypatch):
    real = procedure_services.procedure_log
    calls = []

    def refuse_the_third(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise ValidationError({"override_reason": "Refused for the test."})
        return real(**kwargs)

    monkeypatch.setattr(services, "procedure_log", refuse_the_third)
    today = timezone.localdate()
    rows = [row(MRN=f"E{n}", Date=(today - datetime.timedelta(days=n)).isoformat()) for n in (50, 40, 30, 20)]
    run = imported(csv_of(rows), administrator)
    assert run.status == Status.FAILED
    assert run.failure == "row 4: Refused for the test. Nothing was imported."
    assert (Procedure.objects.count(), Patient.objects.count(), FollowUp.objects.count()) == (0, 0, 0)


def test_nothing_is_imported_while_any_row_has_a_problem(administrator, doctors):
    run = uploaded(csv_of([row(), row(Levels="L45")]), administrator)
    with pytest.raises(services.RowRefused, match=r"row 3: 'L45' is not a level\. Nothing was imported\."):
        services.import_procedures(run, administrator, report=lambda done: None)
    assert Procedure.objects.count() == 0


def test_an_unexpected_error_fails_the_import_and_says_so(administrator, doctors, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "procedure_log", broken)
    run = imported(csv_of([row()]), administrator)
    assert (run.status, run.failure) == (Status.FAILED, services.UNEXPECTED)
    assert Patient.objects.count() == 0


def test_importing_the_same_file_again_adds_nothing(administrator, doctors):
    content = csv_of([row(), row(MRN="E2", **{"First name": "Ana"})])
    imported(content, administrator)
    again = uploaded(content, administrator)
    found = services.import_check(again)
    assert (len(found.ready), found.already, found.importable) == (0, [2, 3], False)
    services.import_procedures(again, administrator, report=lambda done: None)
    assert (Procedure.objects.count(), Patient.objects.count()) == (2, 2)


def test_the_same_rows_in_a_re_saved_file_are_already_imported(administrator, doctors):
    """Another order, other spellings of the same things, and a row added: only the new row is new."""
    factories.patient(mrn="E500001")
    imported(csv_of([row(), row(MRN="", **{"First name": "Bo", "Last name": "Li"})]), administrator)
    resaved = [
        row(MRN="", **{"First name": "BO", "Last name": "li"}),
        row(Physician="Dr Ibarra", Drug="Dexamethasone sodium phosphate", Dose="10.0", Side="L"),
        row(Levels="L5-S1"),
    ]
    found = services.import_check(uploaded(csv_of(resaved), administrator, "resaved.csv"))
    assert (found.already, [r.number for r in found.ready]) == ([2, 3], [4])


def test_an_xlsx_and_a_csv_of_the_same_rows_are_the_same_procedures(administrator, doctors, sample_day):
    imported((SAMPLES / "procedure-log-sample.csv").read_bytes(), administrator)
    found = services.import_check(
        uploaded((SAMPLES / "procedure-log-sample.xlsx").read_bytes(), administrator, "s.xlsx")
    )
    assert (len(found.ready), len(found.already)) == (0, 50)


def test_an_import_under_way_is_not_started_twice(administrator, doctors):
    run = uploaded(csv_of([row()]), administrator)
    ProcedureLogImport.objects.filter(pk=run.pk).update(status=Status.IMPORTING, started_at=timezone.now())
    run.refresh_from_db()
    progress.write(run.pk, 0, 1, "importing")
    assert services.import_start(run=run, by=administrator) is False
    assert Procedure.objects.count() == 0


def test_progress_is_reported_as_rows_are_imported(administrator, doctors):
    today = timezone.localdate()
    run = uploaded(
        csv_of([row(Date=(today - datetime.timedelta(days=d)).isoformat()) for d in (300, 30)]), administrator
    )
    seen: list[int] = []
    services.import_procedures(run, administrator, report=seen.append)
    assert seen == [1, 2]


def test_the_generator_writes_5000_rows_without_a_problem(administrator, doctors, sample_day):
    log = samples.procedure_log(5000, end=SAMPLE_END)
    assert len(log) == 5000
    found = services.import_check(uploaded(samples.as_csv(log), administrator))
    assert (found.sentences(), len(found.ready)) == ([], 5000)


def test_the_imported_history_s_overdue_calls_are_closed_as_not_reached_saying_why(administrator, doctors):
    run = imported(csv_of([row(Date=(timezone.localdate() - datetime.timedelta(days=100)).isoformat())]), administrator)
    calls = FollowUp.objects.filter(procedure__in=Procedure.objects.all())
    overdue = calls.filter(due_on__lt=timezone.localdate())
    assert overdue.exists()
    assert set(overdue.values_list("status", flat=True)) == {FollowUpStatus.NOT_REACHED}
    assert run.closed_calls == overdue.count()
    assert set(overdue.values_list("note", flat=True)) == {
        "Closed by the import of log.csv: due before the procedure was imported; the old log has no result."
    }
    assert set(calls.filter(due_on__gte=timezone.localdate()).values_list("status", flat=True)) <= {FollowUpStatus.DUE}


def test_the_overdue_calls_stay_open_when_the_administrator_says_so(administrator, doctors):
    run = uploaded(csv_of([row(Date=(timezone.localdate() - datetime.timedelta(days=100)).isoformat())]), administrator)
    services.import_start(run=run, by=administrator, close_overdue_calls=False)
    run.refresh_from_db()
    assert run.closed_calls == 0
    assert not FollowUp.objects.exclude(status=FollowUpStatus.DUE).exists()


def test_an_import_whose_progress_stopped_moving_may_be_started_again(administrator, doctors, monkeypatch):
    """Its process died with it (a restart), and its transaction rolled back: nothing of it was written."""
    run = uploaded(csv_of([row()]), administrator)
    ProcedureLogImport.objects.filter(pk=run.pk).update(status=Status.IMPORTING, started_at=timezone.now())
    run.refresh_from_db()
    progress.write(run.pk, 0, 1, "importing")
    monkeypatch.setattr(progress, "STALE", -1.0)
    assert services.import_start(run=run, by=administrator) is True
    run.refresh_from_db()
    assert (run.status, Procedure.objects.count()) == (Status.IMPORTED, 1)
