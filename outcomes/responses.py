"""The outcome-rules engine (`outcomes.rules`) fed from the database, and the pain trajectory for the chart.

How a procedure becomes a `rules.Response`:
- Only procedures that count (not voided); only follow-ups that were recorded (status done).
- ``immediate_relief_pct`` is the procedure's ``relief_post_pct``.
- Each recorded follow-up with a relief percentage is a `rules.Point`: ``days_after`` is the number of days from
  the date of service to the day of the call (``recorded_at``, clinic time), not the interval's nominal offset,
  because "still ongoing at the call" means ongoing on that day; ``lasted_days`` is ``relief_days`` (empty =
  ongoing). The engine derives best relief and sustained days from these, per rule threshold.

Queries: `procedures_of` costs three (procedures with their type, sites, recorded follow-ups) whatever the
history length, `engine_rules` one; the procedure-form advisor runs one, or four when a rule concerns the
proposed family.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from outcomes import rules
from outcomes.models import FollowUp, FollowUpStatus, OutcomeRule
from patients.models import Patient
from procedures.exposure import Injection
from procedures.models import Procedure


def procedures_of(patient: Patient) -> list[Procedure]:
    """The patient's procedures that count, oldest first, with sites and recorded follow-ups prefetched."""
    recorded = FollowUp.objects.filter(status=FollowUpStatus.DONE).order_by("recorded_at", "pk")
    return list(
        Procedure.objects.valid()
        .for_patient(patient)
        .select_related("procedure_type")
        .prefetch_related("sites", Prefetch("follow_ups", queryset=recorded, to_attr="recorded_follow_ups"))
        .order_by("performed_at", "pk")
    )


def recorded_follow_ups(procedure: Procedure) -> list[FollowUp]:
    """The follow-ups `procedures_of` prefetched (recorded ones, in call order)."""
    found: list[FollowUp] = getattr(procedure, "recorded_follow_ups", [])
    return found


def call_time(follow_up: FollowUp) -> datetime.datetime:
    if follow_up.recorded_at is not None:
        return follow_up.recorded_at
    return timezone.make_aware(datetime.datetime.combine(follow_up.due_on, datetime.time(12, 0)))


def response_of(procedure: Procedure) -> rules.Response:
    performed_on = procedure.performed_on
    return rules.Response(
        procedure_id=procedure.pk,
        on=performed_on,
        family=procedure.procedure_type.family,
        intent=procedure.intent,
        label=procedure.procedure_type.name,
        immediate_relief_pct=procedure.relief_post_pct,
        points=tuple(
            rules.Point(max(0, (timezone.localdate(call_time(f)) - performed_on).days), f.relief_pct, f.relief_days)
            for f in recorded_follow_ups(procedure)
            if f.relief_pct is not None
        ),
    )


def engine_rules() -> list[rules.OutcomeRule]:
    """The active outcome rules as the engine takes them; one query."""
    return [
        rules.OutcomeRule(
            code=row.code,
            name=row.name,
            kind=rules.Kind(row.kind),
            target_family=row.target_family,
            evidence_family=row.evidence_family,
            evidence_intent=row.evidence_intent,
            min_relief_pct=row.min_relief_pct,
            min_days=row.min_days,
            min_count=row.min_count,
            min_gap_days=row.min_gap_days,
            source=row.source,
        )
        for row in OutcomeRule.objects.filter(active=True).order_by("target_family", "code")
    ]


def verdicts(patient: Patient, *, on: datetime.date | None = None) -> list[rules.Verdict]:
    """Every active rule judged on the patient's documented responses (as of `on`; default everything)."""
    return rules.evaluate([response_of(p) for p in procedures_of(patient)], engine_rules(), on=on)


def advise(patient: Patient, proposal: Injection) -> list[str]:
    """Procedure-form advisor: warn (never block) when the documented responses do not support the proposal."""
    concerned = [rule for rule in engine_rules() if rule.target_family == proposal.family]
    if not concerned:
        return []
    found = rules.advise(
        [response_of(p) for p in procedures_of(patient)],
        concerned,
        family=proposal.family,
        intent=proposal.intent,
        on=proposal.on,
        procedure_id=proposal.id,
    )
    return [verdict.warning for verdict in found]


@dataclass(frozen=True)
class PainPoint:
    at: datetime.datetime
    nrs: int
    what: str


@dataclass(frozen=True)
class Marker:
    at: datetime.datetime
    label: str


@dataclass(frozen=True)
class Trajectory:
    points: tuple[PainPoint, ...]
    markers: tuple[Marker, ...]

    def as_data(self) -> dict[str, Any]:
        """For `json_script`: times as epoch milliseconds for the chart, days as clinic-time ISO dates."""

        def when(at: datetime.datetime) -> dict[str, Any]:
            return {"t": round(at.timestamp() * 1000), "day": timezone.localdate(at).isoformat()}

        return {
            "points": [when(p.at) | {"nrs": p.nrs, "what": p.what} for p in self.points],
            "markers": [when(m.at) | {"label": m.label} for m in self.markers],
        }


def short_label(procedure: Procedure) -> str:
    """ "Transforaminal ESI L5-S1": the type and its levels (or named sites), without sides."""
    places = ", ".join(dict.fromkeys(site.place_label for site in procedure.sites.all()))
    return f"{procedure.procedure_type.name} {places}".strip()


def trajectory_of(procedures: list[Procedure]) -> Trajectory:
    """Pain over time (NRS before and after each procedure, at each recorded follow-up), and the procedures."""
    points: list[PainPoint] = []
    for procedure in procedures:
        label = short_label(procedure)
        if procedure.nrs_pre is not None:
            points.append(PainPoint(procedure.performed_at, procedure.nrs_pre, f"Before {label}"))
        if procedure.nrs_post is not None:
            points.append(PainPoint(procedure.performed_at, procedure.nrs_post, f"After {label}"))
        points.extend(
            PainPoint(call_time(f), f.nrs, f"{f.label} after {label}")
            for f in recorded_follow_ups(procedure)
            if f.nrs is not None
        )
    points.sort(key=lambda p: p.at)  # stable: "before" stays ahead of "after" at the same time
    return Trajectory(tuple(points), tuple(Marker(p.performed_at, short_label(p)) for p in procedures))


def trajectory(patient: Patient) -> Trajectory:
    return trajectory_of(procedures_of(patient))
