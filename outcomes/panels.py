"""The chart's outcomes panel: pain trajectory, the response to each procedure, and what the rules allow."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from clinic.links import url_for_each
from outcomes import rules
from outcomes.outcome_rules import (
    call_time,
    engine_rules,
    latest_procedures_of,
    recorded_follow_ups,
    response_of,
    responses_of,
)
from outcomes.scoring import RESPONDER_PCT
from outcomes.trajectory import trajectory_of
from patients.models import Patient
from procedures.models import Intent, Procedure

# Procedures whose response the chart lists and whose pain it draws; all are on the patient's responses page.
CHART_RESPONSES = 10


@dataclass(frozen=True)
class FollowUpCell:
    label: str
    day: datetime.date
    nrs: int | None
    relief_pct: int | None
    lasted_days: int | None


@dataclass(frozen=True)
class ResponseRow:
    procedure: Procedure
    url: str
    on: datetime.date
    label: str
    baseline_nrs: int | None
    best_relief_pct: int | None
    lasted: str
    follow_ups: tuple[FollowUpCell, ...]
    responder: bool | None


def _lasted(duration: rules.Duration | None) -> str:
    """How long relief ≥ the responder threshold lasted, in words for the table."""
    if duration is None:
        return "not documented"
    if duration.days == 0:
        # Relief at a same-day call (a diagnostic block's anaesthetic window), or none reaching the threshold.
        return "same day" if duration.ongoing else "—"
    days = f"{duration.days} day{'' if duration.days == 1 else 's'}"
    return f"≥ {days}, ongoing" if duration.ongoing else days


def is_responder(response: rules.Response) -> bool | None:
    """≥ 50% relief at a follow-up; for a diagnostic block, relief right after it counts too (its anaesthetic
    window is the response). A therapeutic procedure's immediate relief is the local anaesthetic's, so it is
    not known (None) until a follow-up records relief."""
    followed_up = max((p.relief_pct for p in response.points), default=None)
    relief = response.best_relief_pct if response.intent == Intent.DIAGNOSTIC else followed_up
    return None if relief is None else relief >= RESPONDER_PCT


def response_row(procedure: Procedure, response: rules.Response, url: str) -> ResponseRow:
    zone = timezone.get_current_timezone()
    return ResponseRow(
        procedure=procedure,
        url=url,
        on=response.on,
        label=f"{procedure.procedure_type.name} {procedure.site_summary}".strip(),
        baseline_nrs=procedure.nrs_pre,
        best_relief_pct=response.best_relief_pct,
        lasted=_lasted(response.relief_duration(RESPONDER_PCT)),
        follow_ups=tuple(
            FollowUpCell(f.label, call_time(f).astimezone(zone).date(), f.nrs, f.relief_pct, f.relief_days)
            for f in recorded_follow_ups(procedure)
        ),
        responder=is_responder(response),
    )


def shown_verdicts(all_verdicts: list[rules.Verdict], families: set[str]) -> list[rules.Verdict]:
    """Only rules about families in the patient's history: as the procedure judged or as its evidence."""
    return [v for v in all_verdicts if families & {v.rule.target_family, v.rule.evidence_family}]


def responses_context(procedures: list[Procedure], *, recent: int | None = None) -> dict[str, Any]:
    """The pain trajectory and a response row per procedure (loaded by `procedures_of`), newest row first.

    `recent` is how many procedures these are when they are not all the patient's.
    """
    path = trajectory_of(procedures)
    detail = url_for_each("procedures:detail")
    return {
        "trajectory": path,
        "data": path.as_data(),
        "rows": [response_row(p, response_of(p), detail(p.pk)) for p in reversed(procedures)],
        "responder_pct": RESPONDER_PCT,
        "recent": recent,
    }


def chart_panel_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    """The outcomes panel: candidacy lines from the whole history, the trajectory and responses of the most recent
    procedures; five queries, and a fixed number of rows loaded, whatever the history's length."""
    responses = responses_of(patient)
    recent = latest_procedures_of(patient, CHART_RESPONSES)
    families = {r.family for r in responses}
    judged = rules.evaluate(responses, engine_rules(), on=timezone.localdate())
    return {
        "patient": patient,
        **responses_context(recent, recent=len(recent) if len(responses) > len(recent) else None),
        "response_count": len(responses),
        "verdicts": shown_verdicts(judged, families) if families else [],
    }
