"""Pinpoint's records as FHIR R4 resources, one builder per type, each returning a validated `fhir.resources`
model (R4B's models: R4 with its technical corrections; only elements that R4 4.0.1 has too are used).

A builder reads the row and the relations its type's source selects or prefetches (`fhir_r4.types`), never the
database itself, so a page of resources costs a fixed number of queries. References name their targets by the
type and id this server answers for (`Patient/12`), so every one of them can be read back.
"""

import re
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.medicationadministration import MedicationAdministration as FhirMedicationAdministration
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner as FhirPractitioner
from fhir.resources.R4B.procedure import Procedure as FhirProcedure
from fhir.resources.R4B.resource import Resource

from clinic.staff import staff_name
from fhir_r4 import codes
from patients.models import Patient
from procedures import spine
from procedures.exposure import Region
from procedures.models import Procedure, ProcedureMedication, ProcedureSite
from scheduling.models import Appointment, Status, VisitType

_GENDER: dict[str, str] = {Patient.Sex.FEMALE: "female", Patient.Sex.MALE: "male", Patient.Sex.OTHER: "other"}
APPOINTMENT_STATUS: dict[str, str] = {
    Status.SCHEDULED: "booked",
    Status.CONFIRMED: "booked",
    Status.CHECKED_IN: "checked-in",
    Status.IN_ROOM: "arrived",
    Status.COMPLETED: "fulfilled",
    Status.CANCELLED: "cancelled",
    Status.NO_SHOW: "noshow",
}
_APPOINTMENT_TYPE: dict[str, tuple[str, str]] = {
    VisitType.FOLLOW_UP: ("FOLLOWUP", "A follow up visit from a previous appointment")
}
# The catalog's words for a type's CPT codes, e.g. "64479, +64480 (C/T); 64483, +64484 (L/S)",
# "62320/62321 (C/T), 62322/62323 (L/S)" or "62367–62369": codes (a '+' marks an add-on, billed per extra level),
# ranges, and the region marks that close the codes before them.
_CPT_WORDS = re.compile(r"(?P<add_on>\+?)\b(?P<code>\d{5})\b(?:\s*[–-]\s*(?P<last>\d{5})\b)?|\((?P<mark>C/T|L/S)\)")
_ICD10 = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")
_REGION_MARKS = {"C/T": Region.CERVICOTHORACIC, "L/S": Region.LUMBOSACRAL}


def ref(resource_type: str, key: object, display: str = "") -> dict[str, str]:
    reference = {"reference": f"{resource_type}/{key}"}
    return reference | ({"display": display} if display else {})


def coding(system: str, code: str, display: str = "") -> dict[str, str]:
    return {"system": system, "code": code} | ({"display": display} if display else {})


def cpt_groups(catalog: str) -> list[tuple[Region | None, list[str]]]:
    """The catalog's CPT codes for a type by the region they are for, None for codes of any region; add-on codes
    left out, ranges spelled out."""
    groups: list[tuple[Region | None, list[str]]] = []
    pending: list[str] = []
    for found in _CPT_WORDS.finditer(catalog):
        if found["mark"]:
            groups.append((_REGION_MARKS[found["mark"]], pending))
            pending = []
        elif not found["add_on"]:
            first = int(found["code"])
            last = int(found["last"]) if found["last"] and 0 < int(found["last"]) - first < 10 else first
            pending += [str(code) for code in range(first, last + 1)]
    if pending:
        groups.append((None, pending))
    return groups


def cpt_codes(catalog: str, regions: frozenset[Region] = frozenset()) -> list[str]:
    """The codes for a procedure in these regions (all of the type's, for a procedure without levels)."""
    return [
        code
        for region, found in cpt_groups(catalog)
        if region is None or not regions or region in regions
        for code in found
    ]


def patient(row: Patient) -> FhirPatient:
    telecom = [{"system": "phone", "value": row.phone}] if row.phone else []
    if row.email:
        telecom.append({"system": "email", "value": row.email})
    return FhirPatient.model_validate(
        {
            "id": str(row.pk),
            "meta": {"versionId": str(row.version)},
            "identifier": [
                {
                    "use": "usual",
                    "type": {"coding": [coding(codes.IDENTIFIER_TYPE, "MR", "Medical record number")]},
                    "system": codes.MRN,
                    "value": row.mrn,
                }
            ],
            "active": not row.is_archived,
            "name": [{"use": "official", "family": row.last_name, "given": [row.first_name]}],
            "telecom": telecom or None,
            "gender": _GENDER.get(row.sex, "unknown"),
            "birthDate": row.date_of_birth,
            "address": [{"text": row.address}] if row.address.strip() else None,
        }
    )


def practitioner(row: User) -> FhirPractitioner:
    name: dict[str, Any] = {"use": "official", "text": staff_name(row)}
    if row.last_name:
        name["family"] = row.last_name
    if row.first_name:
        name["given"] = [row.first_name]
    return FhirPractitioner.model_validate({"id": str(row.pk), "active": row.is_active, "name": [name]})


def _body_site(site: ProcedureSite) -> dict[str, Any]:
    laterality: dict[str, Any] = {"text": site.get_side_display()}
    if site.side in codes.LATERALITY:
        laterality["coding"] = [coding(codes.SNOMED, *codes.LATERALITY[site.side])]
    return {
        "extension": [{"url": codes.LATERALITY_EXTENSION, "valueCodeableConcept": laterality}],
        "coding": [coding(codes.BODY_SITE, site.place, site.place_label)],
        "text": f"{site.place_label} {site.get_side_display().lower()}",
    }


def diagnoses(text: str) -> list[dict[str, Any]]:
    """The record's diagnoses, each coded in ICD-10-CM when it reads as a code; anything else is kept as text."""
    found: list[dict[str, Any]] = []
    for part in (part.strip() for part in text.split(",")):
        if _ICD10.fullmatch(part.upper()):
            found.append({"coding": [coding(codes.ICD10CM, part.upper())], "text": part})
        elif part:
            found.append({"text": part})
    return found


def procedure(row: Procedure) -> FhirProcedure:
    """Reads the procedure's type, physician and prefetched sites."""
    kind = row.procedure_type
    code = [coding(codes.PROCEDURE_TYPE, kind.code, kind.name)]
    code += [coding(codes.CPT, cpt) for cpt in cpt_codes(kind.cpt_codes, spine.regions_of(row.levels))]
    return FhirProcedure.model_validate(
        {
            "id": str(row.pk),
            "meta": {"versionId": str(row.version)},
            "status": "entered-in-error" if row.is_voided else "completed",
            "statusReason": {"text": row.void_reason} if row.is_voided else None,
            "code": {"coding": code, "text": kind.name},
            "subject": ref("Patient", row.patient_id),
            "performedDateTime": row.performed_at,
            "performer": [{"actor": ref("Practitioner", row.performed_by_id, staff_name(row.performed_by))}],
            "reasonCode": diagnoses(row.diagnoses) or None,
            "bodySite": [_body_site(site) for site in row.sites.all()] or None,
        }
    )


def _route(row: Procedure) -> dict[str, Any]:
    route = codes.ROUTE_BY_APPROACH.get(row.approach or row.procedure_type.approach) or codes.ROUTE_BY_FAMILY.get(
        row.procedure_type.family, "Other"
    )
    if isinstance(route, str):
        return {"text": route}
    return {"coding": [coding(codes.SNOMED, *route)], "text": route[1]}


def medication_administration(row: ProcedureMedication) -> FhirMedicationAdministration:
    """Reads the medication's drug and its procedure with the procedure's type."""
    parent = row.procedure
    dosage: dict[str, Any] = {
        "route": _route(parent),
        "dose": {"value": row.dose_mg, "unit": "mg", "system": codes.UCUM, "code": "mg"},
    }
    if row.volume_ml is not None:
        dosage["text"] = f"{decimal_text(row.dose_mg)} mg in {decimal_text(row.volume_ml)} mL"
    return FhirMedicationAdministration.model_validate(
        {
            "id": str(row.pk),
            "status": "entered-in-error" if parent.is_voided else "completed",
            "medicationCodeableConcept": {
                "coding": [coding(codes.DRUG, str(row.drug_id), row.drug.name)],
                "text": row.drug.name,
            },
            "subject": ref("Patient", parent.patient_id),
            "partOf": [ref("Procedure", parent.pk)],
            "effectiveDateTime": parent.performed_at,
            "performer": [{"actor": ref("Practitioner", parent.performed_by_id)}],
            "dosage": dosage,
        }
    )


def appointment(row: Appointment) -> FhirAppointment:
    """Reads the appointment's physician and planned procedure type."""
    visit_type = _APPOINTMENT_TYPE.get(row.visit_type)
    status = APPOINTMENT_STATUS[row.status]
    return FhirAppointment.model_validate(
        {
            "id": str(row.pk),
            "meta": {"versionId": str(row.version)},
            "status": status,
            "cancelationReason": {"text": row.cancel_reason} if status == "cancelled" and row.cancel_reason else None,
            "serviceType": [{"text": row.get_visit_type_display()}],
            "appointmentType": {"coding": [coding(codes.APPOINTMENT_TYPE, *visit_type)]} if visit_type else None,
            "reasonCode": [{"text": row.reason}] if row.reason else None,
            "description": row.planned_summary or None,
            "start": row.starts_at,
            "end": row.ends_at,
            "minutesDuration": row.minutes,
            "created": row.booked_at,
            "participant": [
                {"actor": ref("Patient", row.patient_id), "required": "required", "status": "accepted"},
                {
                    "actor": ref("Practitioner", row.physician_id, staff_name(row.physician)),
                    "required": "required",
                    "status": "accepted",
                },
            ],
        }
    )


def as_json(resource: Resource, *, pretty: bool = False) -> str:
    """FHIR's JSON for a resource (the model's own serialiser: FHIR's names, no empty elements)."""
    return resource.model_dump_json(indent=2 if pretty else None)


def decimal_text(value: Decimal) -> str:
    return f"{value.normalize():f}"
