"""Keeping `StandingLimit` rows equal to a fresh evaluation of the engine, cheaply.

Time alone only ever lowers a windowed count or total (injections leave windows), so a patient who is not
flagged today stays unflagged until a record of theirs changes; a flagged one changes on the rows'
`refresh_on`. Hence the rows are rewritten:
- for one patient, inside the transaction that logs, corrects or voids one of their records;
- for everyone, when rules, drugs' MPE factors or a patient's payer or risk change (`refresh_all`);
- for the patients whose `refresh_on` has come: by `manage.py refresh_standing_limits` daily, and by
  `flagged_rows` before any page reads them, so a missed night never shows a stale flag.

Histories are read as plain values (no model instances) in a fixed number of queries per chunk (`limits.histories`).
"""

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from patients.models import Patient
from procedures import exposure, limits
from procedures.models import (
    LimitRule,
    Procedure,
    StandingLimit,
    StandingLimitsComputed,
)

CHUNK = 2000
# One kept or evaluated standing result: (rule code, region, status).
Standing = tuple[str, str, str]


def evaluate(patient_ids: Sequence[int], on: datetime.date) -> dict[int, list[exposure.RuleResult]]:
    """A fresh evaluation of these patients' standing limits that are at or over, by patient."""
    rule_sets = limits.load_rule_sets()
    histories = limits.histories(patient_ids, limits.lookback_start(rule_sets, on))
    flagged: dict[int, list[exposure.RuleResult]] = {}
    for patient_id, payer, risk in Patient.objects.filter(pk__in=histories.keys()).values_list(
        "pk", "payer__key", "bone_density_risk"
    ):
        rules = exposure.select_rules(rule_sets, payer=payer, bone_density_risk=risk, on=on)
        results = [
            r
            for r in exposure.evaluate(histories[patient_id], rules, as_of=on)
            if r.rule.kind in limits.STANDING_KINDS and r.status is not exposure.Status.WITHIN
        ]
        if results:
            flagged[patient_id] = results
    return flagged


@transaction.atomic
def refresh(patient_ids: Iterable[int], on: datetime.date | None = None) -> None:
    """Rewrite the rows of these patients from a fresh evaluation."""
    on = on or timezone.localdate()
    ids = sorted(set(patient_ids))
    rule_ids = dict(LimitRule.objects.values_list("code", "pk"))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        StandingLimit.objects.filter(patient_id__in=chunk).delete()
        StandingLimit.objects.bulk_create(
            _row(patient_id, result, rule_ids[result.rule.code], on)
            for patient_id, results in evaluate(chunk, on).items()
            for result in results
        )


def _row(patient_id: int, result: exposure.RuleResult, rule_id: int, on: datetime.date) -> StandingLimit:
    return StandingLimit(
        patient_id=patient_id,
        rule_id=rule_id,
        region=result.region.value if result.region is not None else "",
        status=result.status.value,
        value=result.value,
        limit=result.limit,
        where=result.where,
        next_allowed=result.next_allowed,
        refresh_on=result.changes_on or on + datetime.timedelta(days=1),
        computed_on=on,
    )


def patient_refresh(patient: Patient) -> None:
    refresh([patient.pk])


# A patient's payer and bone-density risk choose the rules that apply to them.
RULE_CHOOSING_FIELDS = frozenset({"payer", "bone_density_risk"})


def refresh_after_patient_update(patient: Patient, changed: frozenset[str]) -> None:
    """Registered with patients' `after_update`."""
    if changed & RULE_CHOOSING_FIELDS:
        patient_refresh(patient)


@transaction.atomic
def refresh_all(on: datetime.date | None = None) -> None:
    """Every patient with a record inside the longest window; everyone else cannot be at a limit."""
    on = on or timezone.localdate()
    since = limits.lookback_start(limits.load_rule_sets(), on)
    StandingLimit.objects.all().delete()
    ids = Procedure.objects.valid().since(since).order_by().values_list("patient_id", flat=True).distinct()
    refresh(list(ids), on)
    StandingLimitsComputed.objects.all().delete()
    StandingLimitsComputed.objects.create(computed_at=timezone.now())


def disagreements(on: datetime.date | None = None) -> dict[int, tuple[set[Standing], set[Standing]]]:
    """Patients whose kept rows differ from a fresh evaluation of every patient who could be at a limit, as
    (kept, fresh) sets of (rule code, region, status); empty when they agree. Reads, writes nothing (the rows
    due are brought up to date first, as the pages do)."""
    on = on or timezone.localdate()
    refresh_due(on)
    since = limits.lookback_start(limits.load_rule_sets(), on)
    ids = sorted(set(Procedure.objects.valid().since(since).order_by().values_list("patient_id", flat=True)))
    fresh: dict[int, set[Standing]] = {}
    for start in range(0, len(ids), CHUNK):
        for patient_id, results in evaluate(ids[start : start + CHUNK], on).items():
            fresh[patient_id] = {
                (r.rule.code, r.region.value if r.region is not None else "", r.status.value) for r in results
            }
    kept: dict[int, set[Standing]] = {}
    for patient_id, code, region, status in StandingLimit.objects.values_list(
        "patient_id", "rule__code", "region", "status"
    ):
        kept.setdefault(patient_id, set()).add((code, region, status))
    return {
        patient_id: (kept.get(patient_id, set()), fresh.get(patient_id, set()))
        for patient_id in kept.keys() | fresh.keys()
        if kept.get(patient_id, set()) != fresh.get(patient_id, set())
    }


def refresh_due(on: datetime.date | None = None) -> int:
    """Rewrite the patients whose standing time has changed; returns how many."""
    on = on or timezone.localdate()
    due = list(StandingLimit.objects.filter(refresh_on__lte=on).values_list("patient_id", flat=True).distinct())
    if due:
        refresh(due, on)
    return len(due)


def flagged_rows(on: datetime.date | None = None) -> QuerySet[StandingLimit]:
    """Today's rows of patients who are not archived, brought up to date first."""
    if not StandingLimitsComputed.objects.exists():
        refresh_all(on)  # a database from before the rows were kept
    refresh_due(on)
    return StandingLimit.objects.filter(patient__archived_at__isnull=True)
