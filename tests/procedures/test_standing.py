"""The kept standing limits never disagree with a fresh evaluation of the engine: after logging in any order
(late entries included), corrections, voids, rule edits, a new payer, and days passing."""

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from patients.services import patient_update
from procedures import limits, services, standing
from procedures.models import LimitRule, Procedure, StandingLimit
from tests import factories
from tests.clock import on_clinic_day
from tests.procedures.test_admin import rule_form_data

# Every test travels to DAY and the days after it: the suite's own "today" never reaches them.
pytestmark = [pytest.mark.django_db, pytest.mark.fixed_days]

DAY = datetime.date(2026, 11, 30)
PLANS = [
    ("esi-transforaminal", (("L5-S1", "left"),), (("Dexamethasone sodium phosphate", "10"),)),
    ("esi-transforaminal", (("L4-L5", "bilateral"),), (("Triamcinolone acetonide", "40"),)),
    ("esi-interlaminar", (("C6-C7", "midline"),), (("Triamcinolone acetonide", "80"),)),
    ("tpi", (("trigger_points", "left"),), (("Triamcinolone acetonide", "40"),)),
    ("si-injection", (("sacroiliac_joint", "right"),), (("Methylprednisolone acetate", "80"),)),
]


def stored(on: datetime.date) -> set[tuple[int, str, str, str, Decimal, datetime.date | None]]:
    return {
        (r.patient_id, r.rule.code, r.region, r.status, r.value.normalize(), r.next_allowed)
        for r in standing.flagged_rows(on).select_related("rule")
    }


def fresh(on: datetime.date) -> set[tuple[int, str, str, str, Decimal, datetime.date | None]]:
    return {
        (
            e.patient.pk,
            r.rule.code,
            r.region.value if r.region else "",
            r.status.value,
            r.value.normalize(),
            r.next_allowed,
        )
        for e in limits.all_flags(on)
        for r in e.flagged
    }


def log_randomly(rng: random.Random, patients, physician, count: int) -> list[Procedure]:
    """Procedures over the last two years, logged in random order: most of them are late entries."""
    logged = []
    for _ in range(count):
        code, sites, drugs = rng.choice(PLANS)
        on = DAY - datetime.timedelta(days=rng.randrange(0, 720))
        logged.append(
            factories.procedure(
                rng.choice(patients),
                on=on,
                type_code=code,
                sites=sites,
                drugs=drugs,
                physician=physician,
                override_reason="Reviewed",
            )
        )
    return logged


def correct(rng: random.Random, procedure: Procedure) -> None:
    """A correction from the paper record: the doses doubled and the date moved up to three months earlier."""
    services.procedure_update(
        procedure=procedure,
        sites=[services.SiteInput(s.place, s.side) for s in procedure.sites.all()],
        medications=[services.MedicationInput(m.drug, m.dose_mg * 2) for m in procedure.medications.all()],
        performed_at=procedure.performed_at - datetime.timedelta(days=rng.randrange(1, 90)),
        override_reason="Corrected from the paper record",
    )


@pytest.fixture
def clinic(physician):
    with on_clinic_day(DAY):
        rng = random.Random(20261130)
        medicare = factories.payer()
        patients = [factories.patient(first_name=f"P{n}", payer=medicare if n % 2 else None) for n in range(12)]
        logged = log_randomly(rng, patients, physician, 90)
        yield rng, patients, logged


def test_after_logging_in_any_order_the_kept_standing_equals_a_fresh_evaluation(clinic):
    with on_clinic_day(DAY):
        assert stored(DAY)
        assert stored(DAY) == fresh(DAY)


def test_voids_and_corrections_keep_it_equal(clinic, physician):
    rng, _patients, logged = clinic
    with on_clinic_day(DAY):
        for procedure in rng.sample(logged, 15):
            services.procedure_void(procedure=procedure, by=physician, reason="Entered in error")
        for procedure in rng.sample([p for p in logged if not p.is_voided], 10):
            procedure.refresh_from_db()
            correct(rng, procedure)
        assert stored(DAY) == fresh(DAY)


def test_a_rule_edit_in_the_admin_recomputes_everyone(clinic, client, administrator):
    with on_clinic_day(DAY):
        rule = LimitRule.objects.get(code="clinic-esi-6m")
        before = stored(DAY)
        client.force_login(administrator)
        url = reverse("admin:procedures_limitrule_change", args=[rule.pk])
        response = client.post(url, rule_form_data(rule, limit="1"))
        assert response.status_code == 302
        assert stored(DAY) != before
        assert stored(DAY) == fresh(DAY)


def test_a_new_payer_brings_the_payers_rules(clinic):
    _rng, patients, _logged = clinic
    with on_clinic_day(DAY):
        for patient in patients[:6]:
            patient_update(patient=patient, payer=None if patient.payer else factories.payer())
        assert stored(DAY) == fresh(DAY)


@pytest.mark.parametrize("days", [1, 17, 45, 200, 400])
def test_as_days_pass_the_pages_read_what_a_fresh_evaluation_says(clinic, days):
    later = DAY + datetime.timedelta(days=days)
    with on_clinic_day(later):
        assert stored(later) == fresh(later)


def test_the_daily_command_brings_the_due_rows_up_to_date_and_is_safe_twice(clinic):
    later = DAY + datetime.timedelta(days=60)
    with on_clinic_day(later):
        call_command("refresh_standing_limits", stdout=io.StringIO())
        call_command("refresh_standing_limits", stdout=io.StringIO())
        assert not StandingLimit.objects.filter(refresh_on__lte=later).exists()
        assert stored(later) == fresh(later)


def test_the_check_command_agrees_and_names_a_patient_whose_kept_rows_were_lost(clinic):
    with on_clinic_day(DAY):
        out = io.StringIO()
        call_command("refresh_standing_limits", "--check", stdout=out)
        assert "agree with a fresh evaluation" in out.getvalue()
        lost = StandingLimit.objects.order_by("patient_id").first()
        assert lost is not None
        StandingLimit.objects.filter(patient_id=lost.patient_id).delete()
        out = io.StringIO()
        with pytest.raises(CommandError, match="1 patients' kept standing limits differ"):
            call_command("refresh_standing_limits", "--check", stdout=out)
        assert f"patient {lost.patient_id}: kept []" in out.getvalue()


def test_the_flags_page_lists_the_same_patients_as_a_fresh_evaluation(clinic, client, nurse):
    with on_clinic_day(DAY):
        client.force_login(nurse)
        listed = {patient.pk for patient, _rows in client.get(reverse("procedures:flags")).context["flagged"]}
        assert listed == {e.patient.pk for e in limits.all_flags(timezone.localdate())}


def test_an_archived_patient_leaves_the_flags_page(clinic, client, nurse):
    from patients.services import patient_archive

    _rng, patients, _logged = clinic
    with on_clinic_day(DAY):
        flagged = {r[0] for r in stored(DAY)}
        archived = next(p for p in patients if p.pk in flagged)
        patient_archive(patient=archived, reason="Moved away")
        client.force_login(nurse)
        listed = {patient.pk for patient, _rows in client.get(reverse("procedures:flags")).context["flagged"]}
        assert archived.pk not in listed


def test_the_flags_page_shows_a_page_of_patients_at_a_time(clinic, client, nurse, monkeypatch):
    monkeypatch.setattr("procedures.views.PAGE_SIZE", 2)
    with on_clinic_day(DAY):
        client.force_login(nurse)
        first = client.get(reverse("procedures:flags"))
        assert len(first.context["flagged"]) == 2
        assert "Page 1 of" in first.content.decode()
        second = client.get(reverse("procedures:flags"), {"page": 2}).context["flagged"]
        assert {p.pk for p, _ in second}.isdisjoint({p.pk for p, _ in first.context["flagged"]})
