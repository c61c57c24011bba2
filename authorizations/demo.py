"""Demo authorizations: BCBS and eviCore patients of the demo clinic with one ending before their booked procedure,
one used up, one waiting for an answer and one denied, so the chart, the booking check and the worklist show each."""

import datetime

from django.contrib.auth.models import User

from authorizations.models import Authorization
from authorizations.services import authorization_decide, authorization_request
from patients.models import Patient
from procedures.models import Procedure, ProcedureType
from scheduling.models import Appointment, VisitType

MANAGED = ("bcbs-fl", "evicore")


def seed_authorizations(today: datetime.date, desk: User) -> int:
    """Idempotent: nothing if any authorization exists. Returns how many were written."""
    if Authorization.objects.exists():
        return 0
    managed = Patient.objects.filter(payer__key__in=MANAGED, mrn__startswith="DEMO")
    # The first is a patient with a procedure booked in the coming weeks: their authorization ends a few days before it.
    soon = (
        Appointment.objects.holding_slot()
        .filter(
            patient__in=managed,
            visit_type=VisitType.PROCEDURE,
            procedure__isnull=True,
            procedure_type__isnull=False,
            starts_at__date__gte=today + datetime.timedelta(days=5),
            starts_at__date__lte=today + datetime.timedelta(days=30),
        )
        .select_related("patient__payer", "procedure_type")
        .order_by("starts_at")
        .first()
    )
    others = list((managed.exclude(pk=soon.patient_id) if soon else managed).order_by("mrn")[:3])
    written = 0
    if soon is not None:
        ends = soon.local_start.date() - datetime.timedelta(days=3)
        _approved(soon.patient, soon.procedure_type, 3, today - datetime.timedelta(days=75), ends, desk)  # type: ignore[arg-type]
        written += 1
    for index, patient in enumerate(others):
        latest = Procedure.objects.valid().for_patient(patient).order_by("-performed_at").first()
        procedure_type = latest.procedure_type if latest else ProcedureType.objects.get(code="esi-transforaminal")
        if index == 0:
            # One unit, used by the procedure it was approved for.
            _approved(
                patient, procedure_type, 1, today - datetime.timedelta(days=60), today + datetime.timedelta(120), desk
            )
        else:
            authorization = _request(
                patient, procedure_type, 2, today - datetime.timedelta(days=[12, 20][index - 1]), desk
            )
            if index == 2:
                authorization_decide(
                    authorization=authorization, status="denied", decided_on=today - datetime.timedelta(days=7)
                )
        written += 1
    return written


def _request(
    patient: Patient, procedure_type: ProcedureType, units: int, requested: datetime.date, desk: User
) -> Authorization:
    return authorization_request(
        patient=patient,
        payer=patient.payer,  # type: ignore[arg-type]
        procedure_types=[procedure_type],
        region="",
        units_approved=units,
        requested_on=requested,
        documents="Clinic note; imaging report",
        by=desk,
    )


def _approved(
    patient: Patient,
    procedure_type: ProcedureType,
    units: int,
    requested: datetime.date,
    ends: datetime.date,
    desk: User,
) -> Authorization:
    """Approved from well before the patient's procedures, so those it covers count against it."""
    authorization = _request(patient, procedure_type, units, requested, desk)
    return authorization_decide(
        authorization=authorization,
        status="approved",
        number=f"{patient.payer.key.upper()[:3]}-{70000 + patient.pk}",  # type: ignore[union-attr]
        valid_from=requested - datetime.timedelta(days=300),
        valid_to=ends,
        decided_on=requested + datetime.timedelta(days=5),
    )
