"""Demo authorizations: BCBS and eviCore patients of the demo clinic with one expiring before a booked visit, one
used up, one waiting for an answer and one denied, so the chart, the booking check and the worklist show each."""

import datetime
import itertools

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from authorizations.models import Authorization
from authorizations.services import authorization_decide, authorization_request
from outcomes.models import next_working_day
from patients.models import Patient
from procedures.models import Procedure, ProcedureType
from scheduling.models import VisitType
from scheduling.services import Slot, appointment_book

MANAGED = ("bcbs-fl", "evicore")


def seed_authorizations(today: datetime.date, desk: User) -> int:
    """Idempotent: nothing if any authorization exists. Returns how many were written."""
    if Authorization.objects.exists():
        return 0
    patients = list(Patient.objects.filter(payer__key__in=MANAGED, mrn__startswith="DEMO").order_by("mrn")[:4])
    written = 0
    for index, patient in enumerate(patients):
        latest = Procedure.objects.valid().for_patient(patient).order_by("-performed_at").first()
        procedure_type = latest.procedure_type if latest else ProcedureType.objects.get(code="esi-transforaminal")
        requested = today - datetime.timedelta(days=[75, 60, 12, 20][index])
        authorization = authorization_request(
            patient=patient,
            payer=patient.payer,  # type: ignore[arg-type]
            procedure_types=[procedure_type],
            region="",
            units_approved=[3, 1, 2, 2][index],
            requested_on=requested,
            documents="Clinic note; imaging report",
            by=desk,
        )
        written += 1
        if index == 2:
            continue  # still waiting for the payer's answer
        if index == 3:
            authorization_decide(
                authorization=authorization, status="denied", decided_on=today - datetime.timedelta(days=7)
            )
            continue
        authorization_decide(
            authorization=authorization,
            status="approved",
            number=f"{patient.payer.key.upper()[:3]}-{70000 + patient.pk}",  # type: ignore[union-attr]
            valid_from=requested - datetime.timedelta(days=300),
            # The first expires in ten days, before a visit booked after; the second runs on, its one unit used.
            valid_to=today + datetime.timedelta(days=10 if index == 0 else 120),
            decided_on=requested + datetime.timedelta(days=5),
        )
        if index == 0 and latest is not None:
            _book_after_expiry(patient, latest, today + datetime.timedelta(days=17), desk)
    return written


def _book_after_expiry(patient: Patient, latest: Procedure, day: datetime.date, desk: User) -> None:
    """The repeat procedure booked for a weekday after the authorization ends: the worklist's first section. Past a
    limit it is booked with the physician's reason, as the front desk would."""
    day = next_working_day(day)
    for hour, reason in itertools.product((16, 15, 14, 13), ("", "Repeat planned at the last visit; physician agreed")):
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
        try:
            appointment_book(
                patient=patient,
                slot=Slot(latest.performed_by, None, starts, starts + datetime.timedelta(minutes=30)),
                visit_type=VisitType.PROCEDURE,
                booked_by=desk,
                procedure_type=latest.procedure_type,
                planned_levels=", ".join(latest.levels),
                planned_side=latest.sites.all()[0].side if latest.sites.all() else "",
                limit_reason=reason,
            )
        except ValidationError:
            continue
        return
