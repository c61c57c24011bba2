"""A patient's pain over time for the chart and the responses page: NRS before and after each procedure and at
each recorded follow-up call, with the procedures marked. `trajectory_of` draws it from procedures loaded by
`outcomes.outcome_rules.procedures_of` and costs no query of its own."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from outcomes.outcome_rules import call_time, procedures_of, recorded_follow_ups
from patients.models import Patient
from procedures.models import Procedure


@dataclass(frozen=True)
class PainPoint:
    at: datetime.datetime
    day: datetime.date  # `at` in clinic time: what the table and the chart's tooltip show
    nrs: int
    what: str


@dataclass(frozen=True)
class Marker:
    at: datetime.datetime
    day: datetime.date
    label: str


@dataclass(frozen=True)
class Trajectory:
    points: tuple[PainPoint, ...]
    markers: tuple[Marker, ...]

    def as_data(self) -> dict[str, Any]:
        """For `json_script`: times as epoch milliseconds for the chart, days as clinic-time ISO dates."""

        def when(at: datetime.datetime, day: datetime.date) -> dict[str, Any]:
            return {"t": round(at.timestamp() * 1000), "day": day.isoformat()}

        return {
            "points": [when(p.at, p.day) | {"nrs": p.nrs, "what": p.what} for p in self.points],
            "markers": [when(m.at, m.day) | {"label": m.label} for m in self.markers],
        }


def short_label(procedure: Procedure) -> str:
    """ "Transforaminal ESI L5-S1": the type and its levels (or named sites), without sides."""
    places = ", ".join(dict.fromkeys(site.place_label for site in procedure.sites.all()))
    return f"{procedure.procedure_type.name} {places}".strip()


def trajectory_of(procedures: list[Procedure]) -> Trajectory:
    """Pain over time (NRS before and after each procedure, at each recorded follow-up), and the procedures."""
    zone = timezone.get_current_timezone()
    points: list[PainPoint] = []
    markers: list[Marker] = []
    for procedure in procedures:
        label = short_label(procedure)
        on = procedure.performed_at.astimezone(zone).date()
        markers.append(Marker(procedure.performed_at, on, label))
        if procedure.nrs_pre is not None:
            points.append(PainPoint(procedure.performed_at, on, procedure.nrs_pre, f"Before {label}"))
        if procedure.nrs_post is not None:
            points.append(PainPoint(procedure.performed_at, on, procedure.nrs_post, f"After {label}"))
        for f in recorded_follow_ups(procedure):
            if f.nrs is not None:
                at = call_time(f)
                points.append(PainPoint(at, at.astimezone(zone).date(), f.nrs, f"{f.label} after {label}"))
    points.sort(key=lambda p: p.at)  # stable: "before" stays ahead of "after" at the same time
    return Trajectory(tuple(points), tuple(markers))


def trajectory(patient: Patient) -> Trajectory:
    return trajectory_of(procedures_of(patient))
