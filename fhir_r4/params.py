"""FHIR search parameter values, read into database conditions: dates with their prefixes and precision, tokens
(`system|code`), references (`Patient/12` or `12`) and strings.

Each reader takes the values of one parameter as the query string repeats it (repetitions are ANDed, commas
within one are ORed, as FHIR's search says) and returns a `Q`, or raises `SearchError` with a message that names
the parameter, which the view answers with a 400 OperationOutcome. Nothing is read leniently: a value the server
cannot honour is refused rather than ignored, so a client never takes an unfiltered list for a filtered one.
"""

import datetime
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q
from django.utils import timezone

# FHIR's id: 1 to 64 letters, digits, '-' and '.'.
ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
NOTHING = Q(pk__in=[])
# Every row: an empty Q() would vanish when ORed with another condition.
EVERYTHING = Q(pk__isnull=False)
_DATE = re.compile(
    r"(?P<prefix>eq|ne|lt|gt|le|ge|sa|eb|ap)?"
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?"
)
_SUPPORTED_PREFIXES = ("eq", "ne", "lt", "gt", "le", "ge")


class SearchError(Exception):
    """A search the server cannot answer as asked: an unknown parameter, a malformed value, an unsupported
    modifier or prefix. Its message says which parameter and why."""


@dataclass(frozen=True)
class Span:
    """The stretch of time a FHIR date value means at its precision: [start, end)."""

    start: datetime.datetime
    end: datetime.datetime


def split(name: str, value: str) -> list[str]:
    """The comma-separated alternatives of one value (an escaped `\\,` stays a comma); none may be empty."""
    if "\x00" in value:
        raise SearchError(f"{name}: a value cannot contain a NUL character.")
    parts = [part.replace("\\,", ",") for part in re.split(r"(?<!\\),", value)]
    if not value or any(not part.strip() for part in parts):
        raise SearchError(f"{name}: give a value (an empty value, or an empty one between commas, means nothing).")
    return [part.strip() for part in parts]


def any_of(name: str, values: Iterable[str], read: Callable[[str], Q]) -> Q:
    """Every repetition must hold (AND); within one, any of its comma-separated alternatives (OR)."""
    condition = Q()
    for value in values:
        alternatives = [read(part) for part in split(name, value)]
        condition &= reduce(operator.or_, alternatives)
    return condition


def resource_id(name: str, value: str) -> str:
    if not ID.fullmatch(value):
        raise SearchError(f"{name}: '{value[:40]}' is not a resource id (1 to 64 letters, digits, '-' or '.').")
    return value


def number_id(value: str) -> int | None:
    """A database key from a FHIR id, or None when the id cannot be one of ours (no row has it)."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def reference(name: str, value: str, resource_type: str) -> int | None:
    """The key a reference names: `Patient/12`, or just `12` for the parameter's own type. None: no such row."""
    kind, _, key = value.rpartition("/")
    if kind and kind.rsplit("/", 1)[-1] != resource_type:
        raise SearchError(f"{name}: a reference to a {resource_type} is expected, e.g. {resource_type}/12.")
    return number_id(resource_id(name, key))


def references(name: str, values: Iterable[str], resource_type: str, path: str) -> Q:
    def read(value: str) -> Q:
        key = reference(name, value, resource_type)
        return NOTHING if key is None else Q(**{path: key})

    return any_of(name, values, read)


def token(name: str, value: str) -> tuple[str | None, str]:
    """`system|code` as (system, code); `code` alone as (None, code): any system; `|code` as ("", code)."""
    if "|" not in value:
        return None, value
    system, _, code = value.partition("|")
    if not code:
        raise SearchError(f"{name}: give a code after the '|' (e.g. {name}=http://loinc.org|72514-3).")
    return system, code


def span(name: str, value: str) -> tuple[str, Span]:
    """A FHIR date value as its prefix and the span of time it means in the clinic's time zone."""
    found = _DATE.fullmatch(value)
    if not found:
        raise SearchError(
            f"{name}: '{value[:40]}' is not a FHIR date (e.g. 2025-03-04, 2025-03, ge2025-01-01 or "
            "2025-03-04T10:00:00Z)."
        )
    prefix = found["prefix"] or "eq"
    if prefix not in _SUPPORTED_PREFIXES:
        raise SearchError(
            f"{name}: the '{prefix}' prefix is not supported; use one of {', '.join(_SUPPORTED_PREFIXES)}."
        )
    parts = {key: int(found[key]) if found[key] else None for key in ("year", "month", "day", "hour", "minute")}
    second = int(found["second"]) if found["second"] else None
    try:
        start, end = _bounds(parts, second, found["zone"])
        # The database compares in UTC: a moment at the calendar's very edge must exist there too.
        start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise SearchError(f"{name}: '{value[:40]}' is not a date on the calendar.") from None
    return prefix, Span(start, end)


def _bounds(
    parts: dict[str, int | None], second: int | None, zone: str | None
) -> tuple[datetime.datetime, datetime.datetime]:
    year, month, day, hour, minute = (parts[key] for key in ("year", "month", "day", "hour", "minute"))
    assert year is not None
    if month is None:
        return _local(datetime.date(year, 1, 1)), _local(datetime.date(year + 1, 1, 1))
    if day is None:
        first = datetime.date(year, month, 1)
        return _local(first), _local((first + datetime.timedelta(days=32)).replace(day=1))
    if hour is None or minute is None:
        on = datetime.date(year, month, day)
        return _local(on), _local(on + datetime.timedelta(days=1))
    moment = datetime.datetime(year, month, day, hour, minute, second or 0)
    if zone is None:
        start = timezone.make_aware(moment)
    else:
        start = datetime.datetime.fromisoformat(f"{moment.isoformat()}{'+00:00' if zone == 'Z' else zone}")
    return start, start + datetime.timedelta(seconds=1 if second is not None else 60)


def _local(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def dates(name: str, values: Iterable[str], path: str, *, day_field: bool = False) -> Q:
    """A date parameter over a datetime column (or a date column with `day_field`): each value's span compared as
    its prefix says. A date column is compared by the clinic-calendar days the span covers."""

    def read(value: str) -> Q:
        prefix, found = span(name, value)
        start: datetime.date | datetime.datetime = found.start
        end: datetime.date | datetime.datetime = found.end
        if day_field:
            start = timezone.localdate(found.start)
            # A span ending at midnight ends with the day before; one ending within a day includes that day.
            end_moment = timezone.localtime(found.end)
            end = end_moment.date() + datetime.timedelta(days=0 if end_moment.time() == datetime.time.min else 1)
        within = Q(**{f"{path}__gte": start, f"{path}__lt": end})
        return {
            "eq": within,
            "ne": ~within,
            "lt": Q(**{f"{path}__lt": start}),
            "le": Q(**{f"{path}__lt": end}),
            "gt": Q(**{f"{path}__gte": end}),
            "ge": Q(**{f"{path}__gte": start}),
        }[prefix]

    return any_of(name, values, read)


def strings(name: str, modifier: str, values: Iterable[str], paths: Iterable[str]) -> Q:
    """A string parameter over some text columns: starts with (FHIR's default), `:exact` or `:contains`, any column,
    ignoring case."""
    lookup = {"": "istartswith", "contains": "icontains", "exact": "exact"}.get(modifier)
    if lookup is None:
        raise SearchError(f"{name}: the ':{modifier}' modifier is not supported; use :exact or :contains.")
    columns = list(paths)

    def read(value: str) -> Q:
        return reduce(operator.or_, (Q(**{f"{column}__{lookup}": value}) for column in columns))

    return any_of(name, values, read)
