"""Every write to a patient record goes through these functions.

Each runs in one transaction, so a failed save changes nothing; django-simple-history writes the
audit row in the same transaction (the request middleware stamps who made the change).
"""

import datetime
import uuid
from decimal import Decimal
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from clinic import validators
from clinic.concurrency import create_once, take_version
from patients import extensions
from patients.models import Patient, Payer

GENERATED_MRN_DIGITS = 7
DUPLICATE_MRN = "A patient with this MRN already exists."
POSSIBLE_DUPLICATE = (
    "A patient with this name and date of birth is already registered. "
    "Open the existing chart, or confirm this is a different person."
)
# The first key of the PostgreSQL advisory locks that queue registrations by birth date (the second is the date).
REGISTRATION_LOCK = 7301


class PossibleDuplicate(ValidationError):
    """The registry already has someone of this name and birth date: `matches`."""

    def __init__(self, matches: list[Patient]) -> None:
        super().__init__(POSSIBLE_DUPLICATE, code="possible_duplicate")
        self.matches = matches


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
    if problems := patient.questionnaire_channel_problems():
        raise ValidationError(problems)


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


class _Details(TypedDict, total=False):
    """A patient's record besides their name, birth date and sex; each has the model's default, and a blank MRN
    is generated."""

    mrn: str
    phone: str
    email: str
    address: str
    payer: Payer | None
    member_id: str
    weight_kg: Decimal | None
    primary_care_physician: str
    anticoagulant: bool
    anticoagulant_detail: str
    diabetes: bool
    contrast_allergy: bool
    other_allergies: str
    pregnant: bool
    bone_density_risk: bool
    questionnaire_channel: str
    questionnaire_consent: bool


class PatientFields(_Details):
    """What `patient_register` records, by the model's names: the registration form's fields."""

    first_name: str
    last_name: str
    date_of_birth: datetime.date
    sex: str


class PatientChanges(_Details, total=False):
    """What a correction (`patient_update`) may change: any of the registration form's fields."""

    first_name: str
    last_name: str
    date_of_birth: datetime.date
    sex: str


def patient_register(
    *, allow_duplicate: bool = False, form_token: uuid.UUID | None = None, **fields: Unpack[PatientFields]
) -> Patient:
    """Register a patient, refusing someone already registered under this name and birth date unless
    `allow_duplicate` (the user confirmed a different person). The same registration form (`form_token`)
    registers once."""
    return create_once(Patient, form_token, lambda: _register(allow_duplicate, form_token, fields))


@transaction.atomic
def _register(allow_duplicate: bool, form_token: uuid.UUID | None, fields: PatientFields) -> Patient:
    patient = Patient(form_token=form_token, **fields)
    _check(patient)
    _queue_registrations_born(patient.date_of_birth)
    if not allow_duplicate:
        matches = Patient.objects.same_person_as(
            first_name=patient.first_name, last_name=patient.last_name, date_of_birth=patient.date_of_birth
        )
        if matches:
            raise PossibleDuplicate(matches)
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


def _queue_registrations_born(born: datetime.date) -> None:
    """Queue registrations of people born on one day until the first commits, so the duplicate check of the
    second sees the first: a transaction-scoped advisory lock on PostgreSQL. SQLite's IMMEDIATE transactions
    (settings) queue every writer already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [REGISTRATION_LOCK, born.toordinal()])


@transaction.atomic
def patient_update(*, patient: Patient, opened_version: int | None = None, **fields: Unpack[PatientChanges]) -> Patient:
    """Save a correction; refused (`StaleEdit`) if the record changed since the form showed `opened_version`."""
    take_version(patient, opened_version)
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
    take_version(patient, None)
    patient.archived_at = timezone.now()
    patient.archive_reason = reason
    patient._change_reason = f"Archived: {reason}"  # type: ignore[attr-defined]
    patient.save(update_fields=["archived_at", "archive_reason", "version"])
    return patient


@transaction.atomic
def patient_restore(*, patient: Patient) -> Patient:
    take_version(patient, None)
    patient.archived_at = None
    patient.archive_reason = ""
    patient._change_reason = "Restored from archive"  # type: ignore[attr-defined]
    patient.save(update_fields=["archived_at", "archive_reason", "version"])
    return patient
