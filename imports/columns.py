"""The fields an imported row can fill, and a first guess of which of the file's columns holds each.

The guess reads header names as clinics write them ("Date of service", "DOB", "Provider", "Levels"); the
administrator checks it on the mapping page before anything is read as a procedure.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    help: str
    # Header words that name this field, most specific first; a header is matched after folding (`fold`).
    names: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field(
        "date",
        "Date",
        "The day it was done: 2025-03-14 or 03/14/2025 (month first); may hold the time too.",
        ("date of service", "procedure date", "service date", "dos", "date performed", "performed", "date"),
    ),
    Field(
        "time",
        "Time",
        "Optional: 09:30 or 9:30 AM. Without a time a procedure is recorded at 08:00.",
        ("time of service", "procedure time", "start time", "time"),
    ),
    Field(
        "mrn",
        "MRN",
        "The patient's medical record number.",
        ("mrn", "medical record number", "medical record", "record number", "chart number", "patient id"),
    ),
    Field(
        "first_name",
        "First name",
        "Needed with last name and birth date when there is no MRN, or to register a patient not yet in Pinpoint.",
        ("first name", "given name", "firstname", "first"),
    ),
    Field("last_name", "Last name", "", ("last name", "family name", "surname", "lastname", "last")),
    Field("date_of_birth", "Date of birth", "", ("date of birth", "birth date", "birthdate", "dob", "born")),
    Field("sex", "Sex", "Optional, for patients registered by the import: F, M, X or U.", ("sex", "gender")),
    Field(
        "procedure",
        "Procedure",
        "The procedure type's code (esi-transforaminal) or name (Transforaminal ESI).",
        ("procedure type", "procedure code", "procedure name", "procedure", "cpt description", "type"),
    ),
    Field(
        "levels",
        "Levels or sites",
        "Spinal levels or named sites, separated by commas: L4-L5, L5-S1 (L4-5 too).",
        ("levels", "level", "spinal level", "sites", "site", "location"),
    ),
    Field("side", "Side", "Left, right, bilateral or midline (L, R, B, M).", ("laterality", "side")),
    Field(
        "drug",
        "Drug",
        "A drug of the catalog by name (Dexamethasone, Triamcinolone acetonide).",
        ("steroid", "medication", "drug", "injectate"),
    ),
    Field(
        "dose",
        "Dose (mg)",
        "The drug's dose in mg: 10, 7.5 or 40 mg.",
        ("dose mg", "dose in mg", "steroid dose", "dose", "mg"),
    ),
    Field(
        "physician",
        "Physician",
        "The performing physician's username or name (Paul Ibarra, Dr Ibarra).",
        ("performing physician", "physician", "provider", "doctor", "surgeon", "performed by"),
    ),
)
FIELD_KEYS = tuple(field.key for field in FIELDS)
BY_KEY = {field.key: field for field in FIELDS}


def fold(header: str) -> str:
    """A header as words: lower case, punctuation and underscores as spaces ("Date_of_Birth" → "date of birth")."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", header.casefold()).split())


def guess(headers: Sequence[str]) -> dict[str, str]:
    """Field key -> the header that most likely holds it; each header is given to one field at most.

    An exact name beats a header that only contains one ("Steroid dose" is the dose, not the drug), and a
    field's earlier names beat its later ones.
    """
    folded = {header: fold(header) for header in headers if header}
    candidates: list[tuple[int, int, int, str, str]] = []
    for order, field in enumerate(FIELDS):
        for rank, name in enumerate(field.names):
            for header, words in folded.items():
                if words == name:
                    candidates.append((0, rank, order, field.key, header))
                elif re.search(rf"\b{re.escape(name)}\b", words):
                    candidates.append((1, rank, order, field.key, header))
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for _exact, _rank, _order, key, header in sorted(candidates):
        if key not in mapping and header not in taken:
            mapping[key] = header
            taken.add(header)
    return mapping
