"""No silent path past a limit when logging: late entries, corrections and sessions split over two records,
through the service and through the pages."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from procedures import services
from procedures.models import Drug, Procedure, ProcedureType
from procedures.services import MedicationInput, SiteInput
from tests import factories
from tests.clock import on_clinic_day

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DEXAMETHASONE_4 = (("Dexamethasone sodium phosphate", "4"),)


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def at_ten(day: datetime.date) -> str:
    return f"{day}T10:00"


@pytest.fixture
def three_recent(physician):
    """Lumbar TFESIs 20, 10 and 1 days ago: the clinic's 3 in 6 months is reached."""
    patient = factories.patient(payer=factories.payer("Aetna", "aetna"))
    for n in (20, 10, 1):
        factories.procedure(patient, on=days_ago(n), drugs=DEXAMETHASONE_4, physician=physician)
    return patient


# Case 1: a late entry is checked at every later session it reaches


def test_a_late_entry_that_makes_a_later_session_the_fourth_needs_an_override_naming_it(physician, three_recent):
    with pytest.raises(ValidationError) as refused:
        factories.procedure(three_recent, on=days_ago(25), drugs=DEXAMETHASONE_4, physician=physician)
    message = " ".join(refused.value.message_dict["override_reason"])
    assert f"makes the ESI session (lumbar/sacral) on {days_ago(1)} the 4th of 3 in 6 months" in message
    assert Procedure.objects.filter(patient=three_recent).count() == 3


def test_a_late_entry_with_a_reason_records_the_rule_it_overrode(physician, three_recent):
    late = factories.procedure(
        three_recent, on=days_ago(25), drugs=DEXAMETHASONE_4, physician=physician, override_reason="From paper log"
    )
    assert (late.overridden_rules, late.override_reason) == ("clinic-esi-6m", "From paper log")


def test_a_late_medicare_entry_at_the_limit_on_its_own_date_is_stopped_by_the_sessions_after_it(physician):
    patient = factories.patient(payer=factories.payer())
    for n in (30, 100, 200, 300):
        factories.procedure(patient, on=days_ago(n), physician=physician, override_reason="Series approved")
    with pytest.raises(ValidationError) as refused:
        factories.procedure(patient, on=days_ago(60), physician=physician)
    message = " ".join(refused.value.message_dict["override_reason"])
    assert f"makes the ESI session (lumbar/sacral) on {days_ago(30)} the 5th of 4 in 12 months" in message


def test_the_live_check_names_the_later_session_a_late_entry_pushes_over(client, physician, three_recent):
    client.force_login(physician)
    entry = factories.esi_entry(three_recent, physician, performed_at=at_ten(days_ago(25)))
    html = client.post(reverse("procedures:check"), entry).content.decode()
    assert "Passes a hard limit." in html
    assert f"makes the ESI session (lumbar/sacral) on {days_ago(1)} the 4th of 3 in 6 months" in html


def test_saving_the_late_entry_on_the_page_without_a_reason_saves_nothing(client, physician, three_recent):
    client.force_login(physician)
    entry = factories.esi_entry(three_recent, physician, performed_at=at_ten(days_ago(25)))
    url = f"{reverse('procedures:new')}?patient={three_recent.pk}"
    html = client.post(url, entry).content.decode()
    assert "This procedure passes a hard limit" in html
    assert Procedure.objects.filter(patient=three_recent).count() == 3


def test_a_correction_that_moves_a_record_earlier_is_checked_at_the_sessions_after_it(physician):
    patient = factories.patient(payer=factories.payer("Aetna", "aetna"))
    for n in (100, 70, 40):
        factories.procedure(patient, on=days_ago(n), physician=physician)
    moved = factories.procedure(patient, on=days_ago(2), physician=physician, override_reason="Approved")
    with pytest.raises(ValidationError, match="the 4th of 3"):
        correct(moved, performed_at=aware(days_ago(130)))


def test_a_correction_that_adds_a_dose_is_checked_at_the_later_steroid_totals(physician):
    patient = factories.patient(payer=factories.payer("Aetna", "aetna"))
    first = factories.procedure(patient, on=days_ago(200), drugs=(("Methylprednisolone acetate", "40"),))
    factories.procedure(
        patient, on=days_ago(60), sites=(("L5-S1", "left"),), drugs=(("Triamcinolone acetonide", "80"),)
    )
    factories.procedure(
        patient, on=days_ago(10), sites=(("C5-C6", "left"),), drugs=(("Triamcinolone acetonide", "80"),)
    )
    with pytest.raises(ValidationError, match=f"brings the steroid total on {days_ago(10)} to 240 of 200"):
        correct(first, medications=[MedicationInput(Drug.objects.get(name="Methylprednisolone acetate"), Decimal(80))])


def aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def correct(procedure: Procedure, **changes):
    sites = changes.pop("sites", [SiteInput(s.place, s.side) for s in procedure.sites.all()])
    medications = changes.pop(
        "medications", [MedicationInput(m.drug, m.dose_mg, m.volume_ml) for m in procedure.medications.all()]
    )
    return services.procedure_update(procedure=procedure, sites=sites, medications=medications, **changes)


# Case 2: one date and region is one session for levels and dose


@on_clinic_day(TODAY, hour=18)  # after ten: the entry at ten is not in the future
def test_a_second_record_the_same_day_is_judged_with_the_first_for_levels_and_dose(client, physician):
    patient = factories.patient(payer=factories.payer())
    factories.procedure(
        patient,
        on=TODAY,
        sites=(("L3-L4", "left"), ("L4-L5", "left")),
        drugs=(("Dexamethasone sodium phosphate", "6"),),
        physician=physician,
    )
    client.force_login(physician)
    entry = factories.esi_entry(
        patient,
        physician,
        performed_at=at_ten(TODAY),
        **factories.one_site("L5-S1", "left"),
        **{"med-0-dose_mg": "6"},
    )
    check = client.post(reverse("procedures:check"), entry).context["check"]
    levels = next(r for r in check.relevant if r.rule.code == "lcd-esi-levels-tf")
    dose = next(r for r in check.relevant if r.rule.code == "steroid-esi-dose")
    assert (levels.value, levels.status) == (3, "over")
    assert (dose.value.quantize(Decimal("0.01")), dose.status) == (Decimal("63.96"), "over")


# Case 4: one builder, so the save sees what the live check saw


def test_a_correction_saved_with_the_usual_approach_stores_and_checks_the_types_approach(client, physician):
    patient = factories.patient(payer=factories.payer())
    procedure = factories.procedure(patient, on=days_ago(3), physician=physician)
    client.force_login(physician)
    entry = factories.esi_entry(
        patient,
        physician,
        performed_at=at_ten(days_ago(3)),
        approach="",
        **{"site-2-place": "L3-L4", "site-2-side": "bilateral"},
    )
    live = client.post(reverse("procedures:check"), entry | {"procedure": procedure.pk}).context["check"]
    assert "lcd-esi-levels-tf" in [r.rule.code for r in live.warnings]
    client.post(reverse("procedures:edit", args=[procedure.pk]), entry)
    procedure.refresh_from_db()
    assert procedure.approach == ProcedureType.objects.get(code="esi-transforaminal").approach == "transforaminal"
    assert procedure.as_injection().approach == "transforaminal"
    assert len(procedure.levels) == 3


# Case 6: an ESI in both regions


def test_an_esi_spanning_both_regions_warns_that_a_session_treats_one_region(client, physician):
    patient = factories.patient()
    client.force_login(physician)
    entry = factories.esi_entry(
        patient, physician, **{"site-0-place": "T12-L1", "site-0-side": "left", "site-1-place": "L1-L2"}
    )
    html = client.post(reverse("procedures:check"), entry | {"site-1-side": "left"}).content.decode()
    assert "Spinal regions per ESI session" in html
    assert "2 spinal regions (cervical/thoracic and lumbar/sacral) in this ESI session (limit 1)" in html
