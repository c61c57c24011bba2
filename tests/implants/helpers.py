"""Pathways built through the services, at the step a test needs."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from implants import services
from implants.models import Pathway
from patients.models import Patient

DAY = datetime.timedelta(days=1)


def scs_trial(patient: Patient, by: User, *, reliefs: tuple[int, ...] = (60, 70, 65), days: int = 7) -> Pathway:
    """A cleared stimulator patient whose trial began `len(reliefs)` days ago, with that diary kept."""
    today = timezone.localdate()
    pathway = services.pathway_open(patient=patient, device="scs", by=by, on=today - 30 * DAY)
    services.pathway_evaluation(pathway=pathway, psych_on=today - 20 * DAY, cleared=True)
    start = today - len(reliefs) * DAY
    services.pathway_trial(pathway=pathway, start=start, end=start + (days - 1) * DAY)
    for offset, relief in enumerate(reliefs):
        services.diary_add(pathway=pathway, day=start + offset * DAY, nrs=4, relief_pct=relief, by=by)
    pathway.refresh_from_db()
    return pathway


def implanted_pump(patient: Patient, by: User, *, implanted_days_ago: int = 100) -> Pathway:
    """A pump implanted after a successful one-day trial, with no refill yet."""
    today = timezone.localdate()
    pathway = services.pathway_open(patient=patient, device="pump", by=by, on=today - 200 * DAY)
    services.pathway_evaluation(pathway=pathway, psych_on=today - 190 * DAY, cleared=True)
    trial = today - 150 * DAY
    services.pathway_trial(pathway=pathway, start=trial, end=trial)
    services.diary_add(pathway=pathway, day=trial, nrs=3, relief_pct=70, by=by)
    services.pathway_decide(pathway=pathway, decision="proceed", on=trial + DAY, by=by)
    services.implant_record(
        pathway=pathway,
        by=by,
        implanted_on=today - implanted_days_ago * DAY,
        manufacturer="Medtronic",
        model="SynchroMed II",
        serial="NGP1",
        location="Right lower abdomen",
        reservoir_ml=Decimal("40"),
    )
    pathway.refresh_from_db()
    return pathway


def refill(pathway: Pathway, by: User, *, on: datetime.date, due: datetime.date) -> None:
    services.refill_add(
        pathway=pathway,
        on=on,
        drug="Morphine",
        concentration_mg_ml=Decimal("25"),
        volume_ml=Decimal("40"),
        daily_dose_mg=Decimal("11"),
        next_due_on=due,
        by=by,
    )
