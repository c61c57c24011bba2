"""Every write to a procedure record: log, correct, void. Each is one audited transaction.

The limit check runs inside the same transaction as the save, with the patient's row locked, so two
procedures saved at once for one patient cannot both slip under the same limit.
"""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict, Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clinic import validators
from clinic.concurrency import create_once, take_version
from patients.models import Patient
from procedures import exposure, extensions, limits, standing
from procedures.models import Drug, Procedure, ProcedureMedication, ProcedureSite, ProcedureType
from procedures.spine import LEVEL_ORDER

OVERRIDE_NEEDED = "This procedure passes a hard limit. Give the clinical reason to go ahead, or change the plan."
TEXT_FIELDS = ("no_contrast_reason", "complication_note", "diagnoses", "note", "override_reason")
# What an archived patient is turned away from (`Patient.require_active`), here and on the entry page.
LOGGING = "logging a procedure"


class ProcedureDetails(TypedDict, total=False):
    """What a record says besides who, when, which procedure and its parts; each has the model's default, and the
    intent and approach the procedure type's usual ones (`ProcedureType.usual`)."""

    intent: str
    approach: str
    guidance: str
    fluoro_time_s: Decimal | None
    air_kerma_mgy: Decimal | None
    dap_gycm2: Decimal | None
    contrast_agent: Drug | None
    contrast_volume_ml: Decimal | None
    no_contrast_reason: str
    sedation: str
    consent_obtained: bool
    time_out_done: bool
    nrs_pre: int | None
    nrs_post: int | None
    relief_post_pct: int | None
    complications: str
    complication_note: str
    diagnoses: str
    note: str


class ProcedureFields(ProcedureDetails):
    """What `procedure_log` records besides its patient, type, sites and drugs, by the model's names."""

    performed_at: datetime.datetime
    performed_by: User


class RecordFields(ProcedureFields):
    """The entry form's fields, all of them: what the form hands to logging and to a correction."""

    procedure_type: ProcedureType


class ProcedureChanges(ProcedureDetails, total=False):
    """What a correction (`procedure_update`) may change: any of the entry form's fields."""

    performed_at: datetime.datetime
    performed_by: User
    procedure_type: ProcedureType


@dataclass(frozen=True)
class SiteInput:
    place: str  # a spinal level ("L4-L5") or a named site key ("knee")
    side: str

    @property
    def is_level(self) -> bool:
        return self.place in LEVEL_ORDER


@dataclass(frozen=True)
class MedicationInput:
    drug: Drug
    dose_mg: Decimal
    volume_ml: Decimal | None = None


def _proposal(
    procedure: Procedure, sites: Sequence[SiteInput], medications: Sequence[MedicationInput]
) -> exposure.Injection:
    return limits.proposed_injection(
        procedure_type=procedure.procedure_type,
        performed_on=timezone.localdate(procedure.performed_at),
        intent=procedure.intent,
        approach=procedure.approach,
        sites=[(s.place, s.side) for s in sites],
        doses=[(m.drug, m.dose_mg) for m in medications],
        procedure_id=procedure.pk,
    )


def _check_limits(
    procedure: Procedure,
    sites: Sequence[SiteInput],
    medications: Sequence[MedicationInput],
    override_reason: str,
) -> None:
    """Record which hard limits this save overrides, or refuse it when no reason is given."""
    # Serialises saves for one patient (PostgreSQL row lock; SQLite already serialises writers).
    Patient.objects.select_for_update().filter(pk=procedure.patient_id).first()
    check = limits.check_proposal(procedure.patient, _proposal(procedure, sites, medications))
    blocking = check.blocking
    reason = override_reason.strip()
    if blocking and not reason:
        passed = "; ".join(f"{r.rule.name}: {r.explain()}" for r in blocking)
        raise ValidationError({"override_reason": f"{OVERRIDE_NEEDED} ({passed})"})
    procedure.overridden_rules = ",".join(sorted({r.rule.code for r in blocking}))
    procedure.override_reason = reason if blocking else ""


def _check(procedure: Procedure, override_reason: str) -> None:
    """The date within bounds and the typed text plain (`clinic.validators`), before the limits are read: a date
    in the year 1 would take the engine's windows out of the calendar."""
    procedure.override_reason = override_reason
    born = procedure.patient.date_of_birth
    validators.check_record(
        procedure,
        text=TEXT_FIELDS,
        rules={"performed_at": lambda performed_at: validators.validate_performed_at(performed_at, born)},
    )


def _write_parts(procedure: Procedure, sites: Sequence[SiteInput], medications: Sequence[MedicationInput]) -> None:
    # One save per part, not bulk_create: each row must write its audit-history row too.
    for position, site in enumerate(sites):
        ProcedureSite.objects.create(
            procedure=procedure,
            position=position,
            level=site.place if site.is_level else "",
            named_site="" if site.is_level else site.place,
            side=site.side,
        )
    for medication in medications:
        ProcedureMedication.objects.create(
            procedure=procedure, drug=medication.drug, dose_mg=medication.dose_mg, volume_ml=medication.volume_ml
        )


def procedure_log(
    *,
    patient: Patient,
    procedure_type: ProcedureType,
    recorded_by: User,
    sites: Sequence[SiteInput],
    medications: Sequence[MedicationInput],
    override_reason: str = "",
    form_token: uuid.UUID | None = None,
    **fields: Unpack[ProcedureFields],
) -> Procedure:
    """Log a procedure; the same entry form (`form_token`) logs it once, a second post answering with the first."""
    return create_once(
        Procedure,
        form_token,
        lambda: _log(
            Procedure(
                patient=patient, procedure_type=procedure_type, recorded_by=recorded_by, form_token=form_token, **fields
            ),
            sites,
            medications,
            override_reason,
        ),
    )


@transaction.atomic
def _log(
    procedure: Procedure, sites: Sequence[SiteInput], medications: Sequence[MedicationInput], override_reason: str
) -> Procedure:
    patient, procedure_type = procedure.patient, procedure.procedure_type
    patient.require_active(LOGGING)
    procedure.intent, procedure.approach = procedure_type.usual(intent=procedure.intent, approach=procedure.approach)
    _check(procedure, override_reason)
    _check_limits(procedure, sites, medications, override_reason)
    procedure.save()
    _write_parts(procedure, sites, medications)
    standing.patient_refresh(patient)
    for hook in extensions.after_log:
        hook(procedure)
    extensions.changed(procedure, procedure.performed_at)
    return procedure


def _parts_of(procedure: Procedure) -> tuple[list[SiteInput], list[tuple[int, Decimal, Decimal | None]]]:
    sites = [SiteInput(s.place, s.side) for s in procedure.sites.order_by("position", "pk")]
    meds = [(m.drug_id, m.dose_mg, m.volume_ml) for m in procedure.medications.order_by("pk")]
    return sites, meds


@transaction.atomic
def procedure_update(
    *,
    procedure: Procedure,
    sites: Sequence[SiteInput],
    medications: Sequence[MedicationInput],
    override_reason: str = "",
    opened_version: int | None = None,
    **fields: Unpack[ProcedureChanges],
) -> Procedure:
    """Correct a record. Every field's old value stays in the history; so do replaced sites and drugs.

    Refused (`StaleEdit`) if the record changed since the correction form showed `opened_version`.
    """
    if procedure.is_voided:
        raise ValidationError("A voided procedure cannot be changed.")
    take_version(procedure, opened_version)
    # From the database: a form bound to this instance has already set the new values on it.
    performed_before = Procedure.objects.values_list("performed_at", flat=True).get(pk=procedure.pk)
    for name, value in fields.items():
        setattr(procedure, name, value)
    procedure.intent, procedure.approach = procedure.procedure_type.usual(
        intent=procedure.intent, approach=procedure.approach
    )
    _check(procedure, override_reason)
    _check_limits(procedure, sites, medications, override_reason)
    procedure.save()
    old_sites, old_meds = _parts_of(procedure)
    new_meds = [(m.drug.pk, m.dose_mg, m.volume_ml) for m in medications]
    if old_sites != list(sites) or old_meds != new_meds:
        # Deleted part rows keep their audit rows, so the history still shows what was there before.
        for part in [*procedure.sites.all(), *procedure.medications.all()]:
            part.delete()
        _write_parts(procedure, sites, medications)
    standing.patient_refresh(procedure.patient)
    extensions.changed(procedure, performed_before)
    return procedure


@transaction.atomic
def procedure_void(*, procedure: Procedure, by: User, reason: str) -> Procedure:
    """Mark a record entered in error. It stays, struck through, and no longer counts toward any limit."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this record is void."})
    if procedure.is_voided:
        raise ValidationError("This procedure is already void.")
    validators.check_record(Procedure(void_reason=reason), names=["void_reason"], keys={"void_reason": "reason"})
    take_version(procedure, None)
    procedure.voided_at = timezone.now()
    procedure.voided_by = by
    procedure.void_reason = reason
    procedure._change_reason = f"Voided: {reason}"  # type: ignore[attr-defined]
    procedure.save(update_fields=["voided_at", "voided_by", "void_reason", "version"])
    standing.patient_refresh(procedure.patient)
    extensions.changed(procedure, procedure.performed_at)
    return procedure
