"""A search of one resource type: the query string read into conditions per source, counted, and one page of rows
read in the type's order.

The cost is fixed by the page, not by the clinic: one count per source the search can match (Observation has a
source per measure; a `code` that rules one out costs it nothing) and one query per source the page reaches, plus
the relations its builder reads. `_count` (0 to 200, 50 by default) and `_page` page through it.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import QueryDict

from fhir_r4.params import SearchError
from fhir_r4.types import ResourceType, Source

DEFAULT_COUNT = 50
MAX_COUNT = 200
# Far past any clinic's last page, and short of an offset a database cannot take.
MAX_PAGE = 10_000_000
FORMATS = {"json", "application/json", "application/fhir+json"}
# Read by every search besides its type's own parameters.
CONTROL = ("_count", "_page", "_format", "_pretty")


@dataclass(frozen=True)
class Results:
    total: int
    page: int
    count: int
    rows: list[tuple[Source, Any]]

    @property
    def has_next(self) -> bool:
        return 0 < self.page * self.count < self.total


def _number(query: QueryDict, name: str, default: int, low: int, high: int) -> int:
    values = query.getlist(name)
    if not values:
        return default
    if len(values) > 1:
        raise SearchError(f"{name}: give it once.")
    value = values[0].strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 9 or not low <= int(value) <= high:
        raise SearchError(f"{name}: give a whole number from {low} to {high}.")
    return int(value)


def check_format(query: QueryDict) -> None:
    """`_format` and `_pretty`, which every interaction takes: JSON is all this server writes."""
    for value in query.getlist("_format"):
        if value.split(";")[0].strip() not in FORMATS:
            raise SearchError("_format: this server speaks JSON only (json or application/fhir+json).")
    for value in query.getlist("_pretty"):
        if value not in ("true", "false"):
            raise SearchError("_pretty: true or false.")


def _control(query: QueryDict) -> tuple[int, int]:
    check_format(query)
    return _number(query, "_count", DEFAULT_COUNT, 0, MAX_COUNT), _number(query, "_page", 1, 1, MAX_PAGE)


def conditions(kind: ResourceType, query: QueryDict) -> list[Q]:
    """Each source's condition for the search's parameters; a parameter the type does not have is refused."""
    found = [Q() for _ in kind.sources]
    for key, values in query.lists():
        name, _, modifier = key.partition(":")
        if name in CONTROL and not modifier:
            continue
        param = kind.params.get(name)
        if param is None:
            supported = ", ".join([*kind.params, *CONTROL])
            raise SearchError(f"{name}: not a search parameter of {kind.name}. It supports {supported}.")
        for index, source in enumerate(kind.sources):
            found[index] &= param.where(source, modifier, values)
    return found


def run(kind: ResourceType, query: QueryDict) -> Results:
    count, page = _control(query)
    where = conditions(kind, query)
    matching = [source.rows().filter(condition) for source, condition in zip(kind.sources, where, strict=True)]
    sizes = [rows.count() for rows in matching]
    start, end = (page - 1) * count, page * count
    found: list[tuple[Source, Any]] = []
    offset = 0
    for source, rows, size in zip(kind.sources, matching, sizes, strict=True):
        low, high = max(start - offset, 0), min(end - offset, size)
        if low < high:
            found += [(source, row) for row in rows.order_by(*source.order)[low:high]]
        offset += size
    return Results(total=sum(sizes), page=page, count=count, rows=found)
