"""One cell of a procedure log read as what it holds, or a problem said in plain words.

Each reader takes the cell as the file gave it (`reading.Cell`) and returns the value, or raises `Unreadable`
with the sentence the preview shows after "row N: ". The words are the clinic's: "'L45' is not a level".
"""

import datetime
import re
from decimal import Decimal

from django import forms

from imports.reading import Cell
from patients.models import Patient
from patients.search import fold
from procedures.forms import DoseField
from procedures.models import Side
from procedures.spine import LEVEL_ORDER, NAMED_SITES

# A date-only row is recorded at the start of a clinic day: the log says which day, not when in it.
DEFAULT_TIME = datetime.time(8, 0)


class Unreadable(ValueError):
    """A cell that does not hold what its column should; the message is the preview's sentence."""


def text(cell: Cell) -> str:
    """The cell as text, as a spreadsheet shows it: whole numbers without ".0" (an MRN typed as a number)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def quoted(cell: Cell) -> str:
    shown = text(cell)
    return f"'{shown[:40]}…'" if len(shown) > 40 else f"'{shown}'"


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")


def date(cell: Cell, what: str = "date") -> datetime.date:
    """2025-03-14, 03/14/2025 (month first, as the clinic's calendar writes it) or a workbook's date."""
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    shown = text(cell)
    if not shown:
        raise Unreadable(f"no {what}")
    day_part = shown.replace("T", " ").split(" ")[0]
    found = _ISO.match(day_part)
    parts = (found[1], found[2], found[3]) if found else None
    if parts is None and (us := _US.match(day_part)):
        parts = (us[3], us[1], us[2])
    try:
        if parts is None:
            raise ValueError
        return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise Unreadable(f"{quoted(cell)} is not a {what} (write it as 2025-03-14 or 03/14/2025)") from None


def time_of_day(cell: Cell) -> datetime.time | None:
    """09:30, 9:30 AM, 14:05:00 or a workbook's time; None for an empty cell."""
    if isinstance(cell, datetime.datetime):
        return cell.time()
    if isinstance(cell, datetime.time):
        return cell
    shown = text(cell)
    if not shown:
        return None
    found = _TIME.match(shown)
    try:
        if found is None:
            raise ValueError
        hour, minute = int(found[1]), int(found[2])
        if found[4]:
            if not 1 <= hour <= 12:
                raise ValueError
            hour = hour % 12 + (12 if found[4].casefold() == "pm" else 0)
        return datetime.time(hour, minute, int(found[3] or 0))
    except ValueError:
        raise Unreadable(f"{quoted(cell)} is not a time of day (write it as 09:30 or 9:30 AM)") from None


def moment(day_cell: Cell, time_cell: Cell) -> tuple[datetime.date, datetime.time]:
    """The day and time of a procedure: the date cell may carry the time itself ("2025-03-14 09:30")."""
    day = date(day_cell)
    at = time_of_day(time_cell)
    if at is None and isinstance(day_cell, datetime.datetime) and day_cell.time() != datetime.time(0):
        at = day_cell.time()
    if at is None and isinstance(day_cell, str) and len(pieces := day_cell.replace("T", " ").split(None, 1)) == 2:
        at = time_of_day(pieces[1])
    return day, at or DEFAULT_TIME


_LEVEL = re.compile(r"^([CTLS])(\d{1,2})(?:\s*[-/–]\s*([CTLS])?(\d{1,2}))?$")
# A named site by its key or label, the label without its note ("Trigger points"), or one of its names
# ("Coccyx" of "Ganglion impar / coccyx").
_SITE_NAMES = {"si joint": "sacroiliac_joint", "si": "sacroiliac_joint", "sij": "sacroiliac_joint"}
for _key, _label in NAMED_SITES:
    _plain = re.sub(r"\s*\(.*\)", "", _label)
    for _name in (_key.replace("_", " "), _label, _plain, *_plain.split("/")):
        _SITE_NAMES[fold(_name)] = _key


def places(cell: Cell) -> list[str]:
    """Levels and named sites, separated by commas, semicolons or "+": "L4-L5, L5-S1", "L4-5", "knee"."""
    shown = text(cell)
    if not shown:
        raise Unreadable("no level or site")
    found: list[str] = []
    for token in (t.strip() for t in re.split(r"[,;+&]| and ", shown)):
        if not token:
            continue
        place = _level(token) or _SITE_NAMES.get(fold(token))
        if place is None:
            raise Unreadable(f"'{token[:40]}' is not a level")
        if place in found:
            raise Unreadable(f"{place} is named twice")
        found.append(place)
    return found


def _level(token: str) -> str | None:
    parts = _LEVEL.match(token.upper().replace(" ", ""))
    if parts is None:
        return None
    upper = f"{parts[1]}{int(parts[2])}"
    level = upper if parts[4] is None else f"{upper}-{parts[3] or parts[1]}{int(parts[4])}"
    return level if level in LEVEL_ORDER else None


_SIDES: dict[str, str] = {"l": Side.LEFT, "r": Side.RIGHT, "b": Side.BILATERAL, "bilat": Side.BILATERAL}
_SIDES |= {"m": Side.MIDLINE} | {fold(label): value for value, label in Side.choices} | {v: v for v in Side.values}


def side(cell: Cell) -> str:
    shown = text(cell)
    if not shown:
        raise Unreadable("no side (left, right, bilateral or midline)")
    found = _SIDES.get(fold(shown))
    if found is None:
        raise Unreadable(f"{quoted(cell)} is not a side (left, right, bilateral or midline)")
    return str(found)


_DOSE = DoseField(required=False, max_digits=7, decimal_places=2)


def dose(cell: Cell) -> Decimal | None:
    """A dose in mg read as the procedure form reads one ("7,5", "10 mg"); None for an empty cell."""
    if cell is None or text(cell) == "":
        return None
    try:
        value: Decimal | None = _DOSE.clean(text(cell))
    except forms.ValidationError as error:
        raise Unreadable(f"dose {quoted(cell)}: {' '.join(error.messages)}") from None
    if value is not None and value <= 0:
        raise Unreadable(f"dose {quoted(cell)}: the dose must be more than 0 mg")
    return value


_SEXES = {fold(label): value for value, label in Patient.Sex.choices} | {v.casefold(): v for v in Patient.Sex.values}
_SEXES |= {"other": Patient.Sex.OTHER, "intersex": Patient.Sex.OTHER}


def sex(cell: Cell) -> str:
    """F, M, X or U; an empty cell is U (unknown), which the registry allows."""
    shown = text(cell)
    if not shown:
        return str(Patient.Sex.UNKNOWN)
    found = _SEXES.get(fold(shown))
    if found is None:
        raise Unreadable(f"{quoted(cell)} is not a sex (F, M, X or U)")
    return str(found)
