"""Requesting and deciding authorizations, and counting the units the logged procedures use. Each write is one
transaction; the procedure hooks run inside the logging or correcting transaction (registered in apps.py)."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from authorizations import rules
from authorizations.models import Authorization, AuthorizationRequirement, AuthorizationUse
from clinic import validators
from clinic.concurrency import take_version
from patients.models import Patient, Payer
from procedures.models import Procedure, ProcedureType
from procedures.spine import region_of
from scheduling.models import Appointment

TEXT_FIELDS = ("number", "documents", "note")


def _regions(levels: Iterable[str]) -> set[str]:
    return {str(region_of(level)) for level in levels}


def covering(patient: Patient, procedure_type: ProcedureType, levels: Iterable[str]) -> QuerySet[Authorization]:
    """The patient's authorizations from their payer for this procedure type, in the procedure's region or any."""
    regions = _regions(levels)
    return (
        Authorization.objects.filter(patient=patient, payer=patient.payer_id, procedure_types=procedure_type)
        .filter(Q(region="") | Q(region__in=regions))
        .with_units_used()
    )


@transaction.atomic
def authorization_request(
    *,
    patient: Patient,
    payer: Payer,
    procedure_types: Iterable[ProcedureType],
    region: str,
    units_approved: int,
    requested_on: datetime.date,
    documents: str = "",
    note: str = "",
    by: User,
) -> Authorization:
    authorization = Authorization(
        patient=patient,
        payer=payer,
        region=region,
        units_approved=units_approved,
        requested_on=requested_on,
        documents=documents,
        note=note,
        created_by=by,
    )
    validators.check_record(authorization, text=TEXT_FIELDS)
    authorization.save()
    authorization.procedure_types.set(procedure_types)
    return authorization


@transaction.atomic
def authorization_decide(
    *,
    authorization: Authorization,
    status: str,
    number: str = "",
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    units_approved: int | None = None,
    decided_on: datetime.date,
    opened_version: int | None = None,
) -> Authorization:
    """Record the payer's answer. An approval needs its number and dates; procedures it covers that were logged
    before it was recorded start using its units now."""
    take_version(authorization, opened_version)
    authorization.status = status
    authorization.number = number.strip()
    authorization.valid_from, authorization.valid_to = valid_from, valid_to
    if units_approved is not None:
        authorization.units_approved = units_approved
    authorization.decided_on = decided_on
    if status == Authorization.Status.APPROVED:
        missing = {
            name: "An approval needs this."
            for name, value in (("number", authorization.number), ("valid_from", valid_from), ("valid_to", valid_to))
            if not value
        }
        if missing:
            raise ValidationError(missing)
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": "The end comes before the start."})
    validators.check_record(authorization, text=TEXT_FIELDS)
    authorization.save()
    if status == Authorization.Status.APPROVED and valid_from and valid_to:
        # The patient's procedures of the covered types, in its dates, that no authorization counts yet.
        uncounted = (
            Procedure.objects.valid()
            .for_patient(authorization.patient)
            .filter(procedure_type__in=authorization.procedure_types.all())
            .since(valid_from)
            .exclude(pk__in=AuthorizationUse.objects.filter(released_at__isnull=True).values("procedure"))
            .with_details()
            .order_by("performed_at")
        )
        for procedure in uncounted:
            authorization_use(procedure)
    return authorization


def authorization_use(procedure: Procedure) -> AuthorizationUse | None:
    """Count the procedure against the approved authorization in force that day with a unit left, the one ending
    first. Registered as an after-log hook: it runs in the logging transaction. The candidates are locked first
    (two procedures logged at once must not both take the last unit), then their units counted."""
    if procedure.is_voided:
        return None
    day = timezone.localdate(procedure.performed_at)
    candidates = Authorization.objects.filter(
        pk__in=covering(procedure.patient, procedure.procedure_type, procedure.levels)
        .filter(status=Authorization.Status.APPROVED, valid_from__lte=day, valid_to__gte=day)
        .values("pk")
    ).order_by("valid_to", "pk")
    for authorization in candidates.select_for_update():
        used = authorization.uses.filter(released_at__isnull=True).count()
        if used < authorization.units_approved:
            return AuthorizationUse.objects.create(
                authorization=authorization, procedure=procedure, used_at=timezone.now()
            )
    return None


def authorization_procedure_changed(procedure: Procedure, performed_before: datetime.datetime) -> None:
    """A voided procedure gives its unit back; a corrected one that its authorization no longer covers (another day,
    type or region) gives it back and is counted against what covers it now. Registered as an after-change hook: it
    runs in the correcting or voiding transaction."""
    day = timezone.localdate(procedure.performed_at)
    for use in AuthorizationUse.objects.filter(procedure=procedure, released_at__isnull=True).select_for_update():
        still_covered = (
            not procedure.is_voided
            and covering(procedure.patient, procedure.procedure_type, procedure.levels)
            .filter(pk=use.authorization_id, valid_from__lte=day, valid_to__gte=day)
            .exists()
        )
        if still_covered:
            return
        use.released_at = timezone.now()
        use.release_reason = "Procedure voided" if procedure.is_voided else "Procedure corrected"
        use.save(update_fields=["released_at", "release_reason"])
    if not procedure.is_voided:
        authorization_use(procedure)


def booking_advice(visit: Appointment) -> list[str]:
    """What the front desk is told before booking a planned procedure (a scheduling booking advisor)."""
    patient, procedure_type = visit.patient, visit.procedure_type
    if procedure_type is None or patient.payer_id is None:
        return []
    payer = patient.payer
    assert payer is not None
    requirement = AuthorizationRequirement.objects.filter(payer=payer, family=procedure_type.family).first()
    on = visit.local_start.date()
    held = []
    for authorization in covering(patient, procedure_type, visit.levels).order_by("valid_to", "pk"):
        booked = _booked_before(authorization, visit) if authorization.valid_from else 0
        held.append(
            rules.Held(
                number=authorization.number,
                status=authorization.status,
                requested_on=authorization.requested_on,
                decided_on=authorization.decided_on,
                valid_from=authorization.valid_from,
                valid_to=authorization.valid_to,
                units_approved=authorization.units_approved,
                units_used=authorization.units_used,  # type: ignore[attr-defined]
                units_booked=booked,
            )
        )
    return rules.booking_warnings(
        payer=payer.name,
        family=procedure_type.get_family_display(),
        required=requirement is not None and requirement.required,
        on=on,
        held=held,
    )


def _booked_before(authorization: Authorization, visit: Appointment) -> int:
    """Visits already booked, not yet logged, of a covered type, in the authorization's dates before this one."""
    assert authorization.valid_from is not None
    start = timezone.make_aware(
        datetime.datetime.combine(max(authorization.valid_from, timezone.localdate()), datetime.time.min)
    )
    return (
        Appointment.objects.holding_slot()
        .filter(
            patient=visit.patient,
            procedure__isnull=True,
            procedure_type__in=authorization.procedure_types.all(),
            starts_at__gte=start,
            starts_at__lt=visit.starts_at,
        )
        .exclude(pk=visit.pk)
        .count()
    )
