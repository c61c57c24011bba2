"""The resource types this server answers for: where each one's rows come from, who may read them, and the
search parameters each supports. The views, the bulk export and the CapabilityStatement all read this one table.

A type has one `Source` (a table and the builder that turns its rows into resources) or, for Observation, one per
measure. A source names the columns its search parameters compare (`paths`), so one parameter reads the same for
a procedure's pain score and a follow-up call's.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet
from fhir.resources.R4B.resource import Resource

from clinic.access import Kind
from clinic.roles import Role
from fhir_r4 import build, codes, params
from fhir_r4.observations import MEASURES, Measure, observation
from outcomes.models import FollowUp
from patients.models import Patient
from patients.search import fold
from procedures.exposure import Region
from procedures.models import Procedure, ProcedureMedication, ProcedureSite, ProcedureType
from scheduling.models import Appointment


@dataclass(frozen=True)
class Source:
    """A table behind a resource type. Ids are `prefix` + the row's key."""

    rows: Callable[[], QuerySet[Any]]
    build: Callable[[Any], Resource]
    # Logical column → the ORM path on this table: "patient", "date", "procedure", "practitioner", ...
    paths: dict[str, str]
    order: tuple[str, ...] = ("pk",)
    prefix: str = ""
    measure: Measure | None = None
    # What reading one of its rows records in the access log (None: not a patient's record).
    access: str | None = None

    def key(self, resource_id: str) -> int | None:
        """The row key a resource id names in this source, or None when it is not one of this source's ids."""
        if not resource_id.startswith(self.prefix):
            return None
        return params.number_id(resource_id[len(self.prefix) :])

    def patient_of(self, row: Any) -> int | None:
        path = self.paths.get("patient")
        if path is None:
            return None
        value = row
        for step in path.split("__"):
            value = getattr(value, step)
        return int(value)


Where = Callable[[Source, str, Sequence[str]], Q]


@dataclass(frozen=True)
class Param:
    name: str
    # FHIR's search parameter type: reference, date, token or string.
    type: str
    documentation: str
    where: Where


@dataclass(frozen=True)
class ResourceType:
    name: str
    permission: str
    sources: tuple[Source, ...]
    params: dict[str, Param] = field(default_factory=dict)

    def read(self, resource_id: str) -> tuple[Source, Any] | None:
        """The source and row a resource id names, or None if no row has it."""
        for source in self.sources:
            key = source.key(resource_id)
            if key is not None:
                row = source.rows().filter(pk=key).first()
                return (source, row) if row is not None else None
        return None


def _plain(modifier: str, name: str) -> None:
    if modifier:
        raise params.SearchError(f"{name}: the ':{modifier}' modifier is not supported.")


def _reference(name: str, target: str, path_key: str, documentation: str) -> Param:
    def where(source: Source, modifier: str, values: Sequence[str]) -> Q:
        _plain(modifier, name)
        return params.references(name, values, target, source.paths[path_key])

    return Param(name, "reference", documentation, where)


def _date(name: str, documentation: str, *, day_field: bool = False) -> Param:
    def where(source: Source, modifier: str, values: Sequence[str]) -> Q:
        _plain(modifier, name)
        return params.dates(name, values, source.paths["date"], day_field=day_field)

    return Param(name, "date", documentation, where)


def _ids(source: Source, modifier: str, values: Sequence[str]) -> Q:
    _plain(modifier, "_id")

    def read(value: str) -> Q:
        key = source.key(params.resource_id("_id", value))
        return params.NOTHING if key is None else Q(pk=key)

    return params.any_of("_id", values, read)


ID = Param("_id", "token", "The resource's id.", _ids)


def _identifier(source: Source, modifier: str, values: Sequence[str]) -> Q:
    _plain(modifier, "identifier")

    def read(value: str) -> Q:
        system, code = params.token("identifier", value)
        return Q(mrn=code) if system in (None, codes.MRN) else params.NOTHING

    return params.any_of("identifier", values, read)


def _patient_name(source: Source, modifier: str, values: Sequence[str]) -> Q:
    named = params.strings("name", modifier, values, ("first_name", "last_name"))
    if modifier == "exact":
        return named
    # A name that starts or holds the value has its folded form in the search key, whose trigram index (PostgreSQL)
    # finds the few candidates at once; the names then decide. Without it, every patient's names are read.
    return named & params.any_of("name", values, lambda value: Q(search_key__contains=fold(value)))


def _practitioner_name(source: Source, modifier: str, values: Sequence[str]) -> Q:
    return params.strings("name", modifier, values, ("first_name", "last_name", "username"))


def _in_region(region: Region) -> Exists:
    letters = "CT" if region == Region.CERVICOTHORACIC else "LS"
    return Exists(ProcedureSite.objects.filter(procedure=OuterRef("pk"), level__regex=f"^[{letters}]"))


def _procedure_code(source: Source, modifier: str, values: Sequence[str]) -> Q:
    """A Pinpoint procedure type, or a CPT code: the types whose catalog lists it, done in the code's region."""
    _plain(modifier, "code")
    catalog = list(ProcedureType.objects.values_list("pk", "code", "cpt_codes"))

    def read(value: str) -> Q:
        system, code = params.token("code", value)
        found = params.NOTHING
        for pk, type_code, cpt in catalog:
            if system in (None, codes.PROCEDURE_TYPE) and code == type_code:
                found |= Q(procedure_type_id=pk)
            if system not in (None, codes.CPT):
                continue
            for region, listed in build.cpt_groups(cpt):
                if code in listed:
                    found |= Q(procedure_type_id=pk) & (Q(_in_region(region)) if region else Q())
        return found

    return params.any_of("code", values, read)


def _procedure_status(source: Source, modifier: str, values: Sequence[str]) -> Q:
    _plain(modifier, "status")
    states = {"completed": Q(voided_at__isnull=True), "entered-in-error": Q(voided_at__isnull=False)}

    def read(value: str) -> Q:
        _, code = params.token("status", value)
        return states.get(code, params.NOTHING)

    return params.any_of("status", values, read)


def _appointment_status(source: Source, modifier: str, values: Sequence[str]) -> Q:
    _plain(modifier, "status")

    def read(value: str) -> Q:
        _, code = params.token("status", value)
        return Q(status__in=[ours for ours, theirs in build.APPOINTMENT_STATUS.items() if theirs == code])

    return params.any_of("status", values, read)


def _observation_code(source: Source, modifier: str, values: Sequence[str]) -> Q:
    _plain(modifier, "code")
    assert source.measure is not None
    measure_system, measure_code, _ = source.measure.code

    def read(value: str) -> Q:
        system, code = params.token("code", value)
        return params.EVERYTHING if code == measure_code and system in (None, measure_system) else params.NOTHING

    return params.any_of("code", values, read)


def _physicians() -> QuerySet[User]:
    """Physicians, and anyone who performed a procedure or holds visits, so that every reference resolves even
    after a role is taken away."""
    return User.objects.filter(
        # Integration accounts hold the role for its permissions only (`clinic.roles.staff_with`).
        (Q(groups__name=Role.PHYSICIAN.value) & ~Q(password__startswith=UNUSABLE_PASSWORD_PREFIX))
        | Exists(Procedure.objects.filter(performed_by=OuterRef("pk")))
        | Exists(Appointment.objects.filter(physician=OuterRef("pk")))
    ).distinct()


PATIENT = "patient"
_PATIENT_DOC = "The patient (Patient/12 or 12)."


def _patient_params(path_key: str = PATIENT) -> dict[str, Param]:
    return {
        "patient": _reference("patient", "Patient", path_key, _PATIENT_DOC),
        "subject": _reference("subject", "Patient", path_key, _PATIENT_DOC),
    }


def _measure_source(measure: Measure) -> Source:
    if measure.follow_up:
        return Source(
            rows=lambda: FollowUp.objects.select_related("procedure").filter(
                **{f"{measure.field}__isnull": False, "recorded_at__isnull": False}
            ),
            build=lambda row: observation(measure, row),
            paths={"patient": "procedure__patient_id", "date": "recorded_at", "procedure": "procedure_id"},
            prefix=f"{measure.slug}-",
            measure=measure,
            access=Kind.FOLLOW_UP,
        )
    return Source(
        rows=lambda: Procedure.objects.filter(**{f"{measure.field}__isnull": False}),
        build=lambda row: observation(measure, row),
        paths={"patient": "patient_id", "date": "performed_at", "procedure": "pk"},
        prefix=f"{measure.slug}-",
        measure=measure,
        access=Kind.PROCEDURE,
    )


TYPES: dict[str, ResourceType] = {
    kind.name: kind
    for kind in (
        ResourceType(
            "Patient",
            "patients.view_patient",
            (
                Source(
                    rows=lambda: Patient.objects.all(),
                    build=build.patient,
                    paths={"patient": "pk", "date": "date_of_birth"},
                    access=Kind.CHART,
                ),
            ),
            {
                "_id": ID,
                "identifier": Param("identifier", "token", "The MRN (system|value or value).", _identifier),
                "name": Param("name", "string", "A first or last name, from its start.", _patient_name),
                "birthdate": _date("birthdate", "The date of birth.", day_field=True),
            },
        ),
        ResourceType(
            "Practitioner",
            "scheduling.view_appointment",
            (Source(rows=_physicians, build=build.practitioner, paths={}),),
            {
                "_id": ID,
                "name": Param("name", "string", "A first or last name or username.", _practitioner_name),
            },
        ),
        ResourceType(
            "Procedure",
            "procedures.view_procedure",
            (
                Source(
                    rows=lambda: Procedure.objects.select_related("procedure_type", "performed_by").prefetch_related(
                        "sites"
                    ),
                    build=build.procedure,
                    paths={"patient": "patient_id", "date": "performed_at", "practitioner": "performed_by_id"},
                    order=("performed_at", "pk"),
                    access=Kind.PROCEDURE,
                ),
            ),
            {
                "_id": ID,
                **_patient_params(),
                "date": _date("date", "When it was performed."),
                "code": Param("code", "token", "A CPT code or a Pinpoint procedure type.", _procedure_code),
                "performer": _reference("performer", "Practitioner", "practitioner", "The performing physician."),
                "status": Param("status", "token", "completed or entered-in-error.", _procedure_status),
            },
        ),
        ResourceType(
            "MedicationAdministration",
            "procedures.view_procedure",
            (
                Source(
                    rows=lambda: ProcedureMedication.objects.select_related("drug", "procedure__procedure_type"),
                    build=build.medication_administration,
                    paths={"patient": "procedure__patient_id", "procedure": "procedure_id"},
                    access=Kind.PROCEDURE,
                ),
            ),
            {"_id": ID, **_patient_params()},
        ),
        ResourceType(
            "Observation",
            "procedures.view_procedure",
            tuple(_measure_source(measure) for measure in MEASURES),
            {
                "_id": ID,
                **_patient_params(),
                "code": Param("code", "token", "LOINC 72514-3 or a Pinpoint outcome code.", _observation_code),
                "date": _date("date", "When it was measured."),
                "part-of": _reference("part-of", "Procedure", "procedure", "The procedure it follows."),
            },
        ),
        ResourceType(
            "Appointment",
            "scheduling.view_appointment",
            (
                Source(
                    rows=lambda: Appointment.objects.select_related("physician", "procedure_type"),
                    build=build.appointment,
                    paths={"patient": "patient_id", "date": "starts_at", "practitioner": "physician_id"},
                    order=("starts_at", "pk"),
                ),
            ),
            {
                "_id": ID,
                **_patient_params(),
                "date": _date("date", "When it starts."),
                "practitioner": _reference("practitioner", "Practitioner", "practitioner", "The physician."),
                "status": Param("status", "token", "booked, checked-in, arrived, fulfilled, ...", _appointment_status),
            },
        ),
    )
}
