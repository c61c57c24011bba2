"""Every write to a patient record goes through these functions.

Each runs in one transaction, so a failed save changes nothing; django-simple-history writes the
audit row in the same transaction (the request middleware stamps who made the change).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic import validators
from patients import extensions
from patients.models import Patient

GENERATED_MRN_DIGITS = 7
DUPLICATE_MRN = "A patient with this MRN already exists."
NAME_FIELDS = ("first_name", "last_name")
TEXT_FIELDS = (
    "mrn",
    "phone",
    "email",
    "address",
    "member_id",
    "primary_care_physician",
    "anticoagulant_detail",
    "other_allergies",
)


def _check(patient: Patient) -> None:
    """The typed text and the birth date within bounds (`clinic.validators`), before anything is written."""
    validators.check_record(
        patient, text=TEXT_FIELDS, names=NAME_FIELDS, rules={"date_of_birth": validators.validate_birth_date}
    )


def next_mrn() -> str:
    """The next generated MRN: a 7-digit number one above the highest generated so far."""
    # Fixed width, so the highest string is the highest number: read backwards along the MRN's unique index
    # from the highest possible one, the first that is all digits is it (a regex alone read every MRN).
    lowest, top = str(10 ** (GENERATED_MRN_DIGITS - 1)), "9" * GENERATED_MRN_DIGITS
    generated = Patient.objects.filter(mrn__gte=lowest, mrn__lte=top, mrn__regex=rf"^[1-9][0-9]{{{len(top) - 1}}}$")
    highest = generated.order_by("-mrn").values_list("mrn", flat=True).first()
    return str(int(highest) + 1) if highest else str(10 ** (GENERATED_MRN_DIGITS - 1) + 1)


def _save_checking_mrn(patient: Patient) -> None:
    """Save, turning a lost race on the MRN's unique constraint into a field error."""
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError as error:
        if Patient.objects.filter(mrn=patient.mrn).exclude(pk=patient.pk).exists():
            raise ValidationError({"mrn": DUPLICATE_MRN}) from error
        raise


@transaction.atomic
def patient_register(**fields: Any) -> Patient:
    patient = Patient(**fields)
    _check(patient)
    generate_mrn = not patient.mrn
    # Two desks registering at once can draw the same generated MRN; the loser draws again.
    for attempt in range(5 if generate_mrn else 1):
        if generate_mrn:
            patient.mrn = next_mrn()
        patient.refresh_search_key()
        try:
            _save_checking_mrn(patient)
            return patient
        except ValidationError:
            if attempt == 4 or not generate_mrn:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def patient_update(*, patient: Patient, **fields: Any) -> Patient:
    changed = frozenset(name for name, value in fields.items() if getattr(patient, name) != value)
    for name, value in fields.items():
        setattr(patient, name, value)
    _check(patient)
    patient.refresh_search_key()
    _save_checking_mrn(patient)
    for hook in extensions.after_update:
        hook(patient, changed)
    return patient


@transaction.atomic
def patient_archive(*, patient: Patient, reason: str) -> Patient:
    """Take a patient out of the active registry; nothing is deleted and it can be undone."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the patient is archived."})
    validators.check_record(Patient(archive_reason=reason), names=["archive_reason"], keys={"archive_reason": "reason"})
    patient.archived_at = timezone.now()
    patient.archive_reason = reason
    patient._change_reason = f"Archived: {reason}"  # type: ignore[attr-defined]
    patient.save(update_fields=["archived_at", "archive_reason"])
    return patient


@transaction.atomic
def patient_restore(*, patient: Patient) -> Patient:
    patient.archived_at = None
    patient.archive_reason = ""
    patient._change_reason = "Restored from archive"  # type: ignore[attr-defined]
    patient.save(update_fields=["archived_at", "archive_reason"])
    return patient
