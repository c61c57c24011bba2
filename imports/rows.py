"""Every row of an uploaded log checked, before anything is written: what it will import, or what is wrong.

The catalog, the physicians and the file's patients are read once (a few queries for the whole file), so a
5,000-row file is checked in about a second. The checks are the procedure form's, said per row ("row 14: 'L45'
is not a level"); `procedures.services.procedure_log` checks again when the row is imported, as it does for
every record, so a rule the preview did not foresee still refuses the import rather than letting a row in.

A row's identity (`token`) is a UUID made from what it says (patient, moment, procedure, sites, drug, dose,
physician), not from where it sits in the file: the same procedure in a re-saved or re-sorted file has the same
identity, stored as the record's one-time form token, so importing it again finds it and adds nothing.
"""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinic import validators
from clinic.staff import physicians, staff_name
from imports import cells
from imports.reading import Cell, Table
from patients.models import Patient
from patients.search import fold
from procedures.models import Drug, Procedure, ProcedureType
from procedures.services import SiteInput
from procedures.spine import NAMED_SITE_LABELS

# Fixed forever: changing it would give every imported row a new identity, and re-imports would duplicate.
IDENTITY = uuid.UUID("6f0e2a4c-3b1d-5e8f-9a7c-2d4b6e8f0a1c")
CHUNK = 500
MRN_LENGTH = Patient._meta.get_field("mrn").max_length or 20
NAME_LENGTH = Patient._meta.get_field("first_name").max_length or 100
T = TypeVar("T")


@dataclass(frozen=True)
class NewPatient:
    """Someone the log names who is not in Pinpoint yet: registered by the import (generated MRN if none)."""

    mrn: str
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    sex: str

    @property
    def token(self) -> uuid.UUID:
        return uuid.uuid5(IDENTITY, f"patient|{fold(self.first_name)}|{fold(self.last_name)}|{self.date_of_birth}")


@dataclass(frozen=True)
class Row:
    """A row ready to import."""

    number: int
    patient_id: int | None  # None: `new_patient`, registered by the import
    new_patient: NewPatient | None
    patient_key: str
    patient_name: str
    performed_at: datetime.datetime
    procedure_type: ProcedureType
    sites: tuple[SiteInput, ...]
    drug: Drug | None
    dose_mg: Decimal | None
    physician: User
    token: uuid.UUID

    @property
    def where(self) -> str:
        """The sites as the procedure's pages name them: "L4-L5 bilateral, Knee left"."""
        return ", ".join(f"{NAMED_SITE_LABELS.get(s.place, s.place)} {s.side}" for s in self.sites)


@dataclass
class Checked:
    total: int
    ready: list[Row] = field(default_factory=list)
    already: list[int] = field(default_factory=list)  # row numbers of procedures imported before
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def new_patients(self) -> int:
        return len({row.patient_key for row in self.ready if row.patient_id is None})

    @property
    def rows_with_problems(self) -> int:
        return len({number for number, _ in self.problems})

    @property
    def importable(self) -> bool:
        return not self.problems and bool(self.ready)

    def sentences(self) -> list[str]:
        return [f"row {number}: {problem}" for number, problem in self.problems]


class _Refused(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems


class Lookups:
    """The clinic's catalog, physicians and the file's patients, read once for the whole file."""

    def __init__(self, values: Sequence[dict[str, Cell]], default_physician: User | None) -> None:
        self.default_physician = default_physician
        self.types: dict[str, ProcedureType] = {}
        for procedure_type in ProcedureType.objects.all():
            self.types[fold(procedure_type.code)] = self.types[fold(procedure_type.name)] = procedure_type
        # Contrast agents are a record's own field, not a medication line.
        self.drugs = list(Drug.objects.exclude(drug_class=Drug.DrugClass.CONTRAST))
        self.physicians = list(physicians(include_inactive=True))
        mrns = {cells.text(v.get("mrn")) for v in values} - {""}
        births = {born for v in values if (born := _birth_date(v.get("date_of_birth"))) is not None}
        self.by_mrn: dict[str, Patient] = {}
        self.by_birth: dict[datetime.date, list[Patient]] = defaultdict(list)
        # As written, and in capitals: a spreadsheet's "e100001" is the registry's "E100001" (read off the MRN's
        # unique index either way, where a case-insensitive match would read the whole registry).
        for chunk in _chunks(sorted(mrns)):
            self.by_mrn |= {p.mrn.casefold(): p for p in Patient.objects.filter(mrn__in=chunk)}
            upper = [m.upper() for m in chunk if m.upper() != m]
            self.by_mrn |= {p.mrn.casefold(): p for p in Patient.objects.filter(mrn__in=upper)}
        for day_chunk in _chunks(sorted(births)):
            for patient in Patient.objects.filter(date_of_birth__in=day_chunk):
                self.by_birth[patient.date_of_birth].append(patient)

    def procedure_type(self, cell: Cell) -> ProcedureType:
        shown = cells.text(cell)
        if not shown:
            raise cells.Unreadable("no procedure")
        found = self.types.get(fold(shown))
        if found is None:
            raise cells.Unreadable(f"{cells.quoted(cell)} is not a procedure type here (use its code or name)")
        return found

    def drug(self, cell: Cell) -> Drug | None:
        """A drug by its catalog name, or by the words it starts with when only one drug does ("Dexamethasone")."""
        shown = fold(cells.text(cell))
        if not shown:
            return None
        exact = [d for d in self.drugs if fold(d.name) == shown]
        starting = [d for d in self.drugs if fold(d.name).startswith(f"{shown} ")]
        found = exact or starting
        if len(found) == 1:
            return found[0]
        if found:
            names = ", ".join(d.name for d in found)
            raise cells.Unreadable(f"drug {cells.quoted(cell)} could be any of {names}: give the full name")
        raise cells.Unreadable(f"drug {cells.quoted(cell)} is not in the drug catalog")

    def physician(self, cell: Cell) -> User:
        shown = cells.text(cell)
        if not shown:
            if self.default_physician is None:
                raise cells.Unreadable("no physician")
            return self.default_physician
        words = fold(shown).removeprefix("dr ").removesuffix(" md").strip()
        found = [
            user
            for user in self.physicians
            if words
            in {
                fold(user.username),
                fold(staff_name(user)),
                fold(f"{user.last_name} {user.first_name}"),
                fold(user.last_name),
            }
        ]
        if len(found) == 1:
            return found[0]
        if found:
            raise cells.Unreadable(f"physician {cells.quoted(cell)} could be {' or '.join(map(staff_name, found))}")
        raise cells.Unreadable(f"physician {cells.quoted(cell)} is not a physician here")


def check(table: Table, mapping: dict[str, str], default_physician: User | None) -> Checked:
    """Every row read through `mapping` (field key -> header), each problem with its row number."""
    columns = {key: table.headers.index(header) for key, header in mapping.items() if header in table.headers}
    values = [
        (number, {key: row[index] if index < len(row) else None for key, index in columns.items()})
        for number, row in table.rows
    ]
    lookups = Lookups([v for _, v in values], default_physician)
    checked = Checked(total=len(values))
    seen: dict[uuid.UUID, int] = {}
    patients = _PatientBook(lookups)
    for number, row in values:
        try:
            ready = _row(number, row, lookups, patients)
        except _Refused as refused:
            checked.problems += [(number, problem) for problem in refused.problems]
            continue
        if ready.token in seen:
            checked.problems.append((number, f"the same procedure as row {seen[ready.token]}: remove one of them"))
            continue
        seen[ready.token] = number
        checked.ready.append(ready)
    done = _imported_tokens(seen)
    checked.already = sorted(row.number for row in checked.ready if row.token in done)
    checked.ready = [row for row in checked.ready if row.token not in done]
    return checked


def _row(number: int, row: dict[str, Cell], lookups: Lookups, patients: "_PatientBook") -> Row:
    problems: list[str] = []

    def read(reader: Callable[[], T]) -> T | None:
        try:
            return reader()
        except cells.Unreadable as problem:
            problems.append(str(problem))
            return None

    when = read(lambda: cells.moment(row.get("date"), row.get("time")))
    who = read(lambda: patients.find(row))
    procedure_type = read(lambda: lookups.procedure_type(row.get("procedure")))
    places = read(lambda: cells.places(row.get("levels")))
    side = read(lambda: cells.side(row.get("side")))
    drug = read(lambda: lookups.drug(row.get("drug")))
    dose = read(lambda: cells.dose(row.get("dose")))
    physician = read(lambda: lookups.physician(row.get("physician")))
    if drug is not None and dose is None and not any(p.startswith("dose") for p in problems):
        problems.append(f"no dose for {drug.name}")
    if dose is not None and drug is None and not any(p.startswith("drug") for p in problems):
        problems.append("a dose but no drug")
    if drug is not None and dose is not None and drug.max_dose_mg is not None and dose > drug.max_dose_mg:
        problems.append(
            f"{dose.normalize():f} mg of {drug.name} is above its plausible ceiling "
            f"({drug.max_dose_mg.normalize():f} mg per procedure)"
        )
    levels = [place for place in places or [] if SiteInput(place, "").is_level]
    if procedure_type is not None and places is not None and procedure_type.spinal_level_required and not levels:
        problems.append(f"{procedure_type.name} needs at least one spinal level")
    performed_at = None
    if when is not None:
        performed_at = timezone.make_aware(datetime.datetime.combine(*when))
        born = who.born if who is not None else None
        try:
            validators.validate_performed_at(performed_at, born)
        except ValidationError as error:
            problems.append(" ".join(error.messages).removesuffix("."))
    if who is not None and who.archived:
        problems.append(f"{who.name} is archived: restore the patient before importing their procedures")
    if problems or who is None or performed_at is None or procedure_type is None:
        raise _Refused(problems)
    if places is None or side is None or physician is None:
        raise _Refused(problems)
    sites = tuple(SiteInput(place, side) for place in places)
    return Row(
        number=number,
        patient_id=who.patient_id,
        new_patient=who.new,
        patient_key=who.key,
        patient_name=who.name,
        performed_at=performed_at,
        procedure_type=procedure_type,
        sites=sites,
        drug=drug,
        dose_mg=dose,
        physician=physician,
        token=_identity(who.key, performed_at, procedure_type, sites, drug, dose, physician),
    )


def _identity(
    patient_key: str,
    performed_at: datetime.datetime,
    procedure_type: ProcedureType,
    sites: Iterable[SiteInput],
    drug: Drug | None,
    dose: Decimal | None,
    physician: User,
) -> uuid.UUID:
    """What the row says, normalised: the same procedure read from any file gives the same UUID."""
    parts = [
        patient_key,
        performed_at.astimezone(datetime.UTC).isoformat(),
        procedure_type.code,
        ";".join(sorted(f"{s.place}:{s.side}" for s in sites)),
        drug.name if drug else "",
        f"{dose.normalize():f}" if dose is not None else "",
        physician.username,
    ]
    return uuid.uuid5(IDENTITY, "|".join(parts))


@dataclass(frozen=True)
class _Who:
    key: str
    name: str
    born: datetime.date | None
    patient_id: int | None
    new: NewPatient | None
    archived: bool = False


class _PatientBook:
    """Who each row is about: a patient by MRN, else by name and birth date; or someone to register.

    A row's patient key is what the row says (its MRN, else its name and birth date), not how the patient was
    found: a patient the first import registered is found by name on the second, and the rows keep their identity.

    Rows about one new person must agree on who that is: the first row naming an MRN sets the name and birth
    date the later ones are compared with.
    """

    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.new: dict[str, NewPatient] = {}

    def find(self, row: dict[str, Cell]) -> _Who:
        mrn = cells.text(row.get("mrn"))
        first, last = cells.text(row.get("first_name")), cells.text(row.get("last_name"))
        born = cells.date(row["date_of_birth"], "birth date") if cells.text(row.get("date_of_birth")) else None
        if mrn:
            return self._by_mrn(mrn, first, last, born, row)
        if not (first and last and born):
            raise cells.Unreadable("no MRN, and no first name, last name and birth date to find the patient by")
        matches = [
            p
            for p in self.lookups.by_birth.get(born, [])
            if (fold(p.first_name), fold(p.last_name)) == (fold(first), fold(last))
        ]
        if len(matches) > 1:
            raise cells.Unreadable(f"{len(matches)} patients are named {first} {last}, born {born}: give the MRN")
        if matches:
            return self._known(matches[0], _name_key(first, last, born))
        return self._register("", first, last, born, row)

    def _by_mrn(self, mrn: str, first: str, last: str, born: datetime.date | None, row: dict[str, Cell]) -> _Who:
        patient = self.lookups.by_mrn.get(mrn.casefold())
        if patient is not None:
            if born is not None and born != patient.date_of_birth:
                raise cells.Unreadable(
                    f"MRN {mrn} is {patient.full_name}, born {patient.date_of_birth}, not born {born}"
                )
            if last and fold(last) != fold(patient.last_name):
                raise cells.Unreadable(f"MRN {mrn} is {patient.full_name}, not {first} {last}".rstrip())
            return self._known(patient, f"mrn:{mrn.casefold()}")
        if not (first and last and born):
            raise cells.Unreadable(
                f"no patient with MRN {mrn} (map the first name, last name and birth date columns to register "
                "patients not yet in Pinpoint)"
            )
        same = [
            p
            for p in self.lookups.by_birth.get(born, [])
            if (fold(p.first_name), fold(p.last_name)) == (fold(first), fold(last))
        ]
        if same:
            raise cells.Unreadable(
                f"no patient with MRN {mrn}, but {first} {last}, born {born}, is registered under MRN "
                f"{same[0].mrn}: check the MRN"
            )
        return self._register(mrn, first, last, born, row)

    def _known(self, patient: Patient, key: str) -> _Who:
        return _Who(
            key=key,
            name=f"{patient.full_name} (MRN {patient.mrn})",
            born=patient.date_of_birth,
            patient_id=patient.pk,
            new=None,
            archived=patient.is_archived,
        )

    def _register(self, mrn: str, first: str, last: str, born: datetime.date, row: dict[str, Cell]) -> _Who:
        problems = []
        if len(mrn) > MRN_LENGTH:
            problems.append(f"MRN '{mrn[:40]}' is longer than {MRN_LENGTH} characters")
        for label, name in (("first name", first), ("last name", last)):
            try:
                validators.validate_name(name)
                if len(name) > NAME_LENGTH:
                    raise ValidationError(f"longer than {NAME_LENGTH} characters")
            except ValidationError as error:
                problems.append(f"{label}: {' '.join(error.messages)}")
        try:
            validators.validate_birth_date(born)
        except ValidationError as error:
            problems.append(f"birth date: {' '.join(error.messages)}")
        if problems:
            raise cells.Unreadable("; ".join(problems))
        person = NewPatient(mrn, first, last, born, cells.sex(row.get("sex")))
        key = f"mrn:{mrn.casefold()}" if mrn else _name_key(first, last, born)
        earlier = self.new.setdefault(key, person)
        if (fold(earlier.first_name), fold(earlier.last_name), earlier.date_of_birth) != (
            fold(first),
            fold(last),
            born,
        ):
            raise cells.Unreadable(
                f"MRN {mrn} is {earlier.first_name} {earlier.last_name}, born {earlier.date_of_birth}, on an "
                f"earlier row, and {first} {last}, born {born}, here"
            )
        shown = f"{earlier.first_name} {earlier.last_name}" + (f" (MRN {mrn})" if mrn else "")
        return _Who(key=key, name=shown, born=born, patient_id=None, new=earlier)


def _name_key(first: str, last: str, born: datetime.date) -> str:
    return f"name:{fold(first)}|{fold(last)}|{born}"


def _birth_date(cell: Cell) -> datetime.date | None:
    try:
        return cells.date(cell) if cells.text(cell) else None
    except cells.Unreadable:
        return None


def _chunks(items: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _imported_tokens(tokens: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for chunk in _chunks(list(tokens)):
        found |= {t for t in Procedure.objects.filter(form_token__in=chunk).values_list("form_token", flat=True) if t}
    return found
