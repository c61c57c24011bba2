"""Demo pathways: a stimulator patient three days into a week's trial (psych clearance on file, diary kept so far)
and a pump patient implanted a year ago whose refill is due today, so the chart and the refill worklist show both."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User

from implants import services
from implants.models import Device, Pathway
from patients.models import Patient
from procedures.models import Procedure

DAY = datetime.timedelta(days=1)
TRIAL_DIARY = [(6, 60, "Walked to the mailbox and back"), (4, 70, "Slept through the night"), (5, 65, "")]


def seed_pathways(today: datetime.date, physician: User, nurse: User) -> int:
    """Idempotent: nothing if any pathway exists. Returns how many were written."""
    if Pathway.objects.exists():
        return 0
    demo = Patient.objects.filter(mrn__startswith="DEMO", archived_at__isnull=True).order_by("mrn")
    # The stimulator candidate: a patient whose chart already has an SCS procedure, else one after back surgery.
    scs = (
        Procedure.objects.valid()
        .filter(patient__in=demo, procedure_type__family="scs")
        .values_list("patient", flat=True)
        .first()
    )
    candidate = demo.get(pk=scs) if scs else demo.filter(procedures__diagnoses__contains="M96.1").first() or demo[0]
    pump_patient = demo.exclude(pk=candidate.pk).order_by("-mrn").first()
    assert pump_patient is not None

    trial = services.pathway_open(patient=candidate, device=Device.SCS, by=nurse, on=today - 30 * DAY)
    services.pathway_evaluation(
        pathway=trial, psych_on=today - 21 * DAY, cleared=True, evaluated_by="Dr. Lena Ortiz, PsyD"
    )
    services.pathway_trial(
        pathway=trial, start=today - 3 * DAY, end=today + 3 * DAY, note="Two percutaneous leads, tips at T8"
    )
    for offset, (nrs, relief, note) in enumerate(TRIAL_DIARY):
        day = today - (3 - offset) * DAY
        services.diary_add(pathway=trial, day=day, nrs=nrs, relief_pct=relief, note=note, by=nurse)

    pump = services.pathway_open(patient=pump_patient, device=Device.PUMP, by=nurse, on=today - 420 * DAY)
    services.pathway_evaluation(pathway=pump, psych_on=today - 410 * DAY, cleared=True, evaluated_by="Dr. Lena Ortiz")
    start = today - 400 * DAY
    services.pathway_trial(pathway=pump, start=start, end=start, note="Morphine 0.3 mg intrathecal bolus")
    services.diary_add(pathway=pump, day=start, nrs=3, relief_pct=70, note="Relief for 20 hours", by=nurse)
    services.pathway_decide(pathway=pump, decision="proceed", on=start + DAY, by=physician)
    implanted = today - 365 * DAY
    services.implant_record(
        pathway=pump,
        by=physician,
        implanted_on=implanted,
        manufacturer="Medtronic",
        model="SynchroMed II 8637-40",
        serial="NGP402711H",
        location="Right lower abdomen",
        lead_tip_level="T10",
        reservoir_ml=Decimal("40"),
    )
    # Refills every 88 days at 11 mg/day of 25 mg/mL (40 mL lasts 90 days) since the implant; the last falls due today.
    for cycles in range(4, 0, -1):
        refilled = today - 88 * cycles * DAY
        services.refill_add(
            pathway=pump,
            on=refilled,
            drug="Morphine",
            concentration_mg_ml=Decimal("25"),
            volume_ml=Decimal("40"),
            daily_dose_mg=Decimal("11"),
            next_due_on=refilled + 88 * DAY,
            by=nurse,
        )
    return 2
