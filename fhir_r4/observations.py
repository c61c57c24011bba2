"""Observations: the scores a procedure record and its follow-up calls hold, one FHIR Observation per score.

Pinpoint keeps no observation table: a procedure row holds the pain before and after and the relief after it, and
a recorded follow-up call holds the pain, the relief, the ODI, the NDI and the PGIC. Each of those columns is a
`Measure`, and an Observation's id names its measure and its row (`procedure-nrs-before-12`, `follow-up-odi-40`),
so a read finds its row by key and a search counts and pages each measure's rows with the database's indexes.

Every Observation is `partOf` the procedure it follows (R4's Observation.partOf takes a Procedure): the
procedure's own scores were taken in it, and a follow-up's are the outcome of it. A voided procedure's
observations are `entered-in-error`, like the procedure.
"""

from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.observation import Observation as FhirObservation

from fhir_r4 import codes
from fhir_r4.build import coding, ref
from outcomes.models import PGIC, FollowUp
from procedures.models import Procedure


@dataclass(frozen=True)
class Measure:
    slug: str
    field: str
    follow_up: bool
    # (system, code, display)
    code: tuple[str, str, str]
    text: str
    # "score" (an integer), "percent" or "pgic" (the 1–7 answer, coded)
    value: str


_NRS = (codes.LOINC, *codes.NRS_LOINC)
_RELIEF = (codes.OUTCOME, "relief-percent", "Pain relief since the procedure (%)")
MEASURES = (
    Measure("procedure-nrs-before", "nrs_pre", False, _NRS, "Pain before the procedure (NRS 0-10)", "score"),
    Measure("procedure-nrs-after", "nrs_post", False, _NRS, "Pain after the procedure (NRS 0-10)", "score"),
    Measure("procedure-relief-after", "relief_post_pct", False, _RELIEF, "Relief after the procedure (%)", "percent"),
    Measure("follow-up-nrs", "nrs", True, _NRS, "Pain at follow-up (NRS 0-10)", "score"),
    Measure("follow-up-relief", "relief_pct", True, _RELIEF, "Relief since the procedure at follow-up (%)", "percent"),
    Measure(
        "follow-up-odi",
        "odi_score",
        True,
        (codes.OUTCOME, "odi", "Oswestry Disability Index (0-100)"),
        "Oswestry Disability Index at follow-up",
        "percent",
    ),
    Measure(
        "follow-up-ndi",
        "ndi_score",
        True,
        (codes.OUTCOME, "ndi", "Neck Disability Index (0-100)"),
        "Neck Disability Index at follow-up",
        "percent",
    ),
    Measure(
        "follow-up-pgic",
        "pgic",
        True,
        (codes.OUTCOME, "pgic", "Patient Global Impression of Change"),
        "Patient Global Impression of Change at follow-up",
        "pgic",
    ),
)


def _value(measure: Measure, value: int) -> dict[str, Any]:
    if measure.value == "percent":
        return {"valueQuantity": {"value": value, "unit": "%", "system": codes.UCUM, "code": "%"}}
    if measure.value == "pgic":
        label = str(PGIC(value).label)
        return {"valueCodeableConcept": {"coding": [coding(codes.PGIC, str(value), label)], "text": label}}
    return {"valueInteger": value}


def observation(measure: Measure, row: Procedure | FollowUp) -> FhirObservation:
    """Reads a procedure row, or a follow-up row with its procedure selected."""
    procedure = row.procedure if isinstance(row, FollowUp) else row
    effective = row.recorded_at if isinstance(row, FollowUp) else procedure.performed_at
    system, code, display = measure.code
    return FhirObservation.model_validate(
        dict(
            id=f"{measure.slug}-{row.pk}",
            status="entered-in-error" if procedure.is_voided else "final",
            category=[{"coding": [coding(codes.OBSERVATION_CATEGORY, "survey", "Survey")]}],
            code={"coding": [coding(system, code, display)], "text": measure.text},
            subject=ref("Patient", procedure.patient_id),
            partOf=[ref("Procedure", procedure.pk)],
            effectiveDateTime=effective,
            **_value(measure, getattr(row, measure.field)),
        )
    )
