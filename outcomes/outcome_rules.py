"""The outcome-rules engine (`outcomes.rules`, pure) fed from the database: a patient's documented responses,
the active rules, their verdicts, and the procedure-form advice built from them.

How a procedure becomes a `rules.Response`:
- Only procedures that count (not voided); only follow-ups that were recorded (status done).
- ``immediate_relief_pct`` is the procedure's ``relief_post_pct``.
- Each recorded follow-up with a relief percentage is a `rules.Point`: ``days_after`` is the number of days from
  the date of service to the day of the call (``recorded_at``, clinic time), not the interval's nominal offset,
  because "still ongoing at the call" means ongoing on that day; ``lasted_days`` is ``relief_days`` (empty =
  ongoing). The engine derives best relief and sustained days from these, per rule threshold.

Queries: `responses_of` costs one (the procedures joined to their recorded calls) and builds no model instances,
so the rules read a patient's whole history cheaply; `procedures_of` costs three (procedures with their type,
sites, recorded follow-ups) and is what pages display (the responses and `outcomes.trajectory`), limited to the
most recent with `last`. `engine_rules` costs one; the procedure-form advisor runs one, or two when a rule
concerns the proposed family.
"""

import datetime
from collections.abc import Collection, Iterable
from itertools import groupby

from django.db.models import FilteredRelation, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from clinic import reference
from outcomes import rules
from outcomes.models import FollowUp, FollowUpStatus, OutcomeRule
from patients import chart_stamp
from patients.models import Patient
from procedures.exposure import Injection
from procedures.models import CATALOG_STAMP, Procedure
from procedures.recent import loaded_recent_procedures

# The stamp its table's triggers renew (outcomes migration 0010).
OUTCOME_RULES = "outcome rules"


def _recorded_calls() -> Prefetch[str]:
    """A procedure's recorded follow-ups in call order, as `recorded_follow_ups`."""
    recorded = FollowUp.objects.filter(status=FollowUpStatus.DONE).order_by("recorded_at", "pk")
    return Prefetch("follow_ups", queryset=recorded, to_attr="recorded_follow_ups")


def procedures_of(patient: Patient, *, last: int | None = None) -> list[Procedure]:
    """The patient's procedures that count, oldest first, with sites and recorded follow-ups prefetched; only the
    `last` most recent when given."""
    counting = (
        Procedure.objects.valid()
        .for_patient(patient)
        .select_related("procedure_type")
        .prefetch_related("sites", _recorded_calls())
    )
    if last is None:
        return list(counting.order_by("performed_at", "pk"))
    return list(reversed(counting.order_by("-performed_at", "-pk")[:last]))


def latest_procedures_of(patient: Patient, last: int) -> list[Procedure]:
    """`procedures_of(patient, last=last)`, taken from the chart's load of the recent records when there is one
    that holds as many that count (the latest `last` are then all among them); else loaded."""
    loaded = loaded_recent_procedures(patient) or []
    counting = [procedure for procedure in loaded if not procedure.is_voided][:last]
    if len(counting) < last:
        return procedures_of(patient, last=last)
    prefetch_related_objects(counting, _recorded_calls())
    return counting[::-1]


def responses_of(patient: Patient, *, families: Collection[str] | None = None) -> list[rules.Response]:
    """Every procedure of the patient that counts (of these families, if given) as the engine reads it, oldest
    first: one query of plain values, a row for each recorded call (or one for a procedure with none), whatever
    the length of the history. It runs with every live limit check, where a query of its own for the calls
    cost as much again."""
    counting = Procedure.objects.valid().for_patient(patient)
    if families is not None:
        counting = counting.filter(procedure_type__family__in=families)
    # The clinic's zone is looked up once: `timezone.localdate` per value did it for every call and procedure.
    zone = timezone.get_current_timezone()
    rows = (
        counting.annotate(call=FilteredRelation("follow_ups", condition=Q(follow_ups__status=FollowUpStatus.DONE)))
        .order_by("performed_at", "pk", "call__recorded_at", "call__pk")
        .values_list(
            "pk",
            "performed_at",
            "procedure_type__family",
            "intent",
            "procedure_type__name",
            "relief_post_pct",
            "call__pk",
            "call__recorded_at",
            "call__due_on",
            "call__relief_pct",
            "call__relief_days",
        )
    )
    responses: list[rules.Response] = []
    for (pk, performed_at, family, intent, label, relief), calls in groupby(rows, key=lambda row: row[:6]):
        recorded = [
            (_call_time(recorded_at, due_on).astimezone(zone).date(), relief_pct, relief_days)
            for *_procedure, call_pk, recorded_at, due_on, relief_pct, relief_days in calls
            if call_pk is not None
        ]
        responses.append(_response(pk, performed_at.astimezone(zone).date(), family, intent, label, relief, recorded))
    return responses


def recorded_follow_ups(procedure: Procedure) -> list[FollowUp]:
    """The follow-ups `procedures_of` prefetched (recorded ones, in call order)."""
    found: list[FollowUp] = getattr(procedure, "recorded_follow_ups", [])
    return found


def _call_time(recorded_at: datetime.datetime | None, due_on: datetime.date) -> datetime.datetime:
    if recorded_at is not None:
        return recorded_at
    return timezone.make_aware(datetime.datetime.combine(due_on, datetime.time(12, 0)))


def call_time(follow_up: FollowUp) -> datetime.datetime:
    return _call_time(follow_up.recorded_at, follow_up.due_on)


def _response(
    procedure_id: int,
    performed_on: datetime.date,
    family: str,
    intent: str,
    label: str,
    immediate_relief_pct: int | None,
    calls: Iterable[tuple[datetime.date, int | None, int | None]],
) -> rules.Response:
    """`calls` are the recorded follow-ups in call order: (day of the call, relief %, relief lasted days)."""
    return rules.Response(
        procedure_id=procedure_id,
        on=performed_on,
        family=family,
        intent=intent,
        label=label,
        immediate_relief_pct=immediate_relief_pct,
        points=tuple(
            rules.Point(max(0, (day - performed_on).days), relief_pct, relief_days)
            for day, relief_pct, relief_days in calls
            if relief_pct is not None
        ),
    )


def response_of(procedure: Procedure) -> rules.Response:
    """One procedure loaded by `procedures_of` as the engine reads it (`responses_of` reads many without loading)."""
    return _response(
        procedure.pk,
        procedure.performed_on,
        procedure.procedure_type.family,
        procedure.intent,
        procedure.procedure_type.name,
        procedure.relief_post_pct,
        [(timezone.localdate(call_time(f)), f.relief_pct, f.relief_days) for f in recorded_follow_ups(procedure)],
    )


def engine_rules() -> tuple[rules.OutcomeRule, ...]:
    """The active outcome rules as the engine takes them, kept in the process until their table is written
    (`clinic.reference`): usually one query, of their stamp."""
    return reference.kept(OUTCOME_RULES, _read_engine_rules)


def _read_engine_rules() -> tuple[rules.OutcomeRule, ...]:
    return tuple(
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
            renew_after_months=row.renew_after_months,
        )
        for row in OutcomeRule.objects.filter(active=True).order_by("target_family", "code")
    )


def verdicts(patient: Patient, *, on: datetime.date | None = None) -> list[rules.Verdict]:
    """Every active rule judged on the patient's documented responses (as of `on`; default everything)."""
    return rules.evaluate(responses_of(patient), engine_rules(), on=on)


def advise(patient: Patient, proposal: Injection) -> list[str]:
    """Procedure-form advisor: warn (never block) when the documented responses do not support the proposal."""
    concerned = [rule for rule in engine_rules() if rule.target_family == proposal.family]
    if not concerned:
        return []
    # Only the families the concerned rules read: their evidence, and the proposal's own (done before?).
    families = {rule.evidence_family for rule in concerned} | {proposal.family}
    # Kept under the patient's chart stamp and the catalog's (the types' families and names): the live check asks
    # on every keystroke of one patient's entry.
    responses = chart_stamp.kept(
        patient.pk,
        f"responses of {','.join(sorted(families))}",
        lambda: tuple(responses_of(patient, families=families)),
        (CATALOG_STAMP,),
    )
    found = rules.advise(
        list(responses or ()),
        concerned,
        family=proposal.family,
        intent=proposal.intent,
        on=proposal.on,
        procedure_id=proposal.id,
    )
    return [verdict.warning for verdict in found]
