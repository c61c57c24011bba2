"""The dashboard's tables and charts as plain values, and how their numbers are written.

A table's rows are the text the page shows; the CSV export writes the very same rows, so the download
and the page cannot disagree. Charts carry the raw numbers behind the rows, for Chart.js.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from procedures.models import Family

Cell = str | int
NO_VALUE = "—"
NO_PROCEDURES = "No procedures match these filters."


@dataclass(frozen=True)
class Dataset:
    label: str
    data: list[float | int | None]


@dataclass(frozen=True)
class Chart:
    """A bar chart. `percent` labels the value axis in %, from 0 to 100 unless `full_scale` is off (small rates)."""

    labels: list[str]
    datasets: list[Dataset]
    stacked: bool = False
    horizontal: bool = False
    percent: bool = False
    full_scale: bool = True
    value_label: str = ""

    @property
    def height(self) -> int:
        """Pixels for the canvas: a horizontal chart grows with its bars, so labels never overlap."""
        if not self.horizontal:
            return 280
        legend = 30 if len(self.datasets) > 1 else 0
        return max(140, 50 + legend + 22 * len(self.labels) * max(1, len(self.datasets)))

    def as_json(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "datasets": [{"label": d.label, "data": d.data} for d in self.datasets],
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "percent": self.percent,
            "fullScale": self.full_scale,
            "valueLabel": self.value_label,
        }


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    totals: list[list[Cell]] = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""
    empty: str = NO_PROCEDURES
    wide: bool = False
    # Leading columns that name the row (left-aligned); the rest are numbers (right-aligned).
    label_columns: int = 1

    @property
    def csv_rows(self) -> list[list[Cell]]:
        header: list[Cell] = [*self.columns]
        return [header, *self.rows, *self.totals]

    @property
    def chart_data_id(self) -> str:
        return f"{self.slug}-chart-data"


def percent(part: int, whole: int) -> int:
    """Whole percent, halves rounded up (2/3 → 67, 1/8 → 13)."""
    return (200 * part + whole) // (2 * whole)


def rate(part: int, whole: int) -> str:
    """ "67% (4/6)": the denominator stays visible, so a rate over a handful of procedures reads as one."""
    if not whole:
        return NO_VALUE
    return f"{percent(part, whole)}% ({part}/{whole})"


def rate_value(part: int, whole: int) -> float | None:
    """The rate for a chart, one decimal; None (a gap) when nothing was counted."""
    return round(100 * part / whole, 1) if whole else None


def number(value: Decimal | float | int | None, places: int = 1) -> str:
    if value is None:
        return NO_VALUE
    exponent = Decimal(1).scaleb(-places)
    return str(Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP))


def mean(total: int | None, count: int, places: int = 1) -> str:
    return number(Decimal(total or 0) / count, places) if count else NO_VALUE


def mean_value(total: int | None, count: int) -> float | None:
    return round((total or 0) / count, 2) if count else None


def family_label(code: str) -> str:
    return str(Family(code).label) if code in Family.values else code


FAMILY_ORDER = {code: position for position, code in enumerate(Family.values)}


def by_family(rows: Sequence[dict[str, Any]], key: str = "procedure_type__family") -> list[dict[str, Any]]:
    """Aggregated rows in the catalog's family order (ESI first), not alphabetically by code."""
    return sorted(rows, key=lambda row: FAMILY_ORDER.get(row[key], len(FAMILY_ORDER)))


def person(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or username or "—"


def months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of every month from start's month to end's month."""
    found, month = [], start.replace(day=1)
    while month <= end:
        found.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return found


def summed(rows: Sequence[dict[str, Any]], *keys: str) -> dict[str, int]:
    """Column totals over already-aggregated groups (a handful of rows, never the records)."""
    return {key: sum(row[key] or 0 for row in rows) for key in keys}
