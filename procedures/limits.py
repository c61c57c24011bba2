"""Where the pure exposure engine meets the database.

Loads the rule sets and patients' histories in a fixed number of queries, hands plain values to
`procedures.exposure`, and shapes the results for the chart, the procedure form and the flags page.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property

from django.utils import timezone

from clinic import reference
from patients import chart_stamp
from patients.models import Patient
from procedures import exposure, extensions, injections
from procedures.models import (
    CATALOG_STAMP,
    Drug,
    LimitRule,
    Procedure,
    ProcedureMedication,
    ProcedureSite,
    ProcedureType,
    RuleSet,
)

# Windowed rules are what a patient "is at or over"; per-session rules only judge a proposal.
# The stamp its tables' triggers renew (procedures migration 0009).
LIMIT_RULES = "limit rules"
STANDING_KINDS = frozenset({exposure.RuleKind.SESSIONS, exposure.RuleKind.MPE_TOTAL})


def load_rule_sets() -> tuple[exposure.RuleSet, ...]:
    """Every active rule set that has rules, with its payers, in the sets' order.

    This runs on every chart and every keystroke of the live check: the sets are kept in the process between
    requests, and read again only after any write to their tables (`clinic.reference`), so usually one query.
    """
    return reference.kept(LIMIT_RULES, _read_rule_sets)


def _read_rule_sets() -> tuple[exposure.RuleSet, ...]:
    """Two queries. Read from the rules with their set rather than prefetched from the sets: a set without rules
    changes nothing the engine says."""
    sets: dict[int, RuleSet] = {}
    rules: dict[int, list[exposure.Rule]] = defaultdict(list)
    # LimitRule's ordering is its set's (position, name), then the code: the sets come in their own order.
    for rule in LimitRule.objects.filter(rule_set__active=True).select_related("rule_set"):
        sets.setdefault(rule.rule_set_id, rule.rule_set)
        rules[rule.rule_set_id].append(rule.as_engine_rule())
    payers: dict[int, set[str]] = defaultdict(set)
    for rule_set_id, key in RuleSet.payers.through.objects.filter(ruleset_id__in=sets).values_list(
        "ruleset_id", "payer__key"
    ):
        payers[rule_set_id].add(key)
    return tuple(
        exposure.RuleSet(
            name=rule_set.name,
            payers=frozenset(payers[pk]),
            always=rule_set.always,
            rules=tuple(rules[pk]),
        )
        for pk, rule_set in sets.items()
    )


def lookback_start(rule_sets: Sequence[exposure.RuleSet], on: datetime.date) -> datetime.date:
    """The earliest date any rule can look back to from `on`."""
    months = max((rule.window_months for rs in rule_sets for rule in rs.rules), default=0)
    return exposure.month_shift(on, -months)


def rules_for(patient: Patient, rule_sets: Sequence[exposure.RuleSet], on: datetime.date) -> list[exposure.Rule]:
    return exposure.select_rules(
        rule_sets,
        payer=patient.payer.key if patient.payer else None,
        bone_density_risk=patient.bone_density_risk,
        on=on,
    )


def proposed_injection(
    *,
    procedure_type: ProcedureType,
    performed_on: datetime.date,
    intent: str,
    approach: str,
    sites: Iterable[tuple[str, str]],
    doses: Iterable[tuple[Drug, Decimal]],
    procedure_id: int | None = None,
    booked: bool = False,
) -> exposure.Injection:
    """A procedure being entered or booked, as the engine sees it: the one builder of every proposal.

    `sites` are (level or named site, side) pairs; a blank intent or approach means the type's usual one.
    """
    intent, approach = procedure_type.usual(intent=intent, approach=approach)
    return injections.build(
        id=procedure_id,
        on=performed_on,
        family=procedure_type.family,
        intent=intent,
        approach=approach,
        sites=sites,
        doses=[exposure.Dose(drug.name, mg, drug.mpe_factor or Decimal(0)) for drug, mg in doses],
        booked=booked,
        label=procedure_type.name,
    )


@dataclass(frozen=True)
class Exposure:
    """A patient's standing against every rule that applies to them on one date."""

    patient: Patient
    on: datetime.date
    results: list[exposure.RuleResult]

    @property
    def flagged(self) -> list[exposure.RuleResult]:
        """Standing rules at or over their limit."""
        return [r for r in self.results if r.rule.kind in STANDING_KINDS and r.status is not exposure.Status.WITHIN]

    @property
    def standing(self) -> list[exposure.RuleResult]:
        """Standing results with something counted; "0 of 3 trigger point sessions" only adds noise."""
        return [r for r in self.results if r.rule.kind in STANDING_KINDS and r.value > 0]

    def by_region(self) -> list[tuple[str, list[exposure.RuleResult]]]:
        """Standing results grouped for the chart: each spinal region, then whole-patient rules."""
        groups: list[tuple[str, list[exposure.RuleResult]]] = []
        for region, title in (
            (exposure.Region.LUMBOSACRAL, "Lumbar / sacral"),
            (exposure.Region.CERVICOTHORACIC, "Cervical / thoracic"),
            (None, "All injections"),
        ):
            results = [r for r in self.standing if r.region == region]
            if results:
                groups.append((title, results))
        return groups


@dataclass(frozen=True)
class ProposalCheck:
    """What the engine says about a procedure before it is saved."""

    results: list[exposure.RuleResult]

    @property
    def relevant(self) -> list[exposure.RuleResult]:
        return [r for r in self.results if r.involves_proposal]

    @property
    def blocking(self) -> list[exposure.RuleResult]:
        return [r for r in self.relevant if r.blocking]

    @property
    def warnings(self) -> list[exposure.RuleResult]:
        """Not blocking, but worth a look: advisory rules over, and anything at its limit."""
        return [r for r in self.relevant if not r.blocking and r.status is not exposure.Status.WITHIN]

    @property
    def clear(self) -> list[exposure.RuleResult]:
        return [r for r in self.relevant if r.status is exposure.Status.WITHIN]


def patient_exposure(
    patient: Patient, procedures: Iterable[Procedure], rule_sets: Sequence[exposure.RuleSet], on: datetime.date
) -> Exposure:
    """Evaluate already-loaded procedures (load them with `Procedure.objects.with_details()`)."""
    history = [p.as_injection() for p in procedures]
    return Exposure(patient, on, exposure.evaluate(history, rules_for(patient, rule_sets, on), as_of=on))


# Each step to the first date within limits moves to the latest date some rule needs; rules rarely chain more
# than twice.
_MAX_STEPS = 12


def check_proposal(patient: Patient, proposal: exposure.Injection, *, with_booked: bool = False) -> ProposalCheck:
    """Run every applicable rule against the patient's history plus the proposal (six queries).

    The whole history from the look-back on is loaded, later records included: a back-dated entry must not
    push a later session over. `with_booked` also counts the patient's booked procedures (the booking
    check), as provisional sessions.
    """
    checker = LimitChecker(patient)
    return checker.check(proposal, checker.booked() if with_booked else ())


class LimitChecker:
    """One patient's limit checks within one request: the rule sets and the recorded history are read once, for
    every check that follows (a booking's check, the steps to its first date within limits, the re-check of the
    patient's other booked visits), where each used to read them again.

    The booked sessions are passed to each check by the caller, because a booking changes them between checks;
    the recorded history does not change while a booking holds the patient's row lock.
    """

    def __init__(self, patient: Patient) -> None:
        self.patient = patient
        self._since: datetime.date | None = None
        self._recorded: list[exposure.Injection] = []

    @cached_property
    def rule_sets(self) -> tuple[exposure.RuleSet, ...]:
        return load_rule_sets()

    def recorded(self, since: datetime.date) -> list[exposure.Injection]:
        """The valid records from `since` on: read once, from the look-back of today or of any earlier date asked
        for, so that the checks of every date from today on (bookings) share the one read."""
        if self._since is None or since < self._since:
            start = min(since, lookback_start(self.rule_sets, timezone.localdate()))
            self._recorded = recorded_history(self.patient.pk, start)
            self._since = start
        return [injection for injection in self._recorded if injection.on >= since]

    def booked(self) -> list[exposure.Injection]:
        """The patient's booked procedures, from the apps that book them (one query)."""
        return extensions.booked_sessions(self.patient, datetime.date.min)

    def check(self, proposal: exposure.Injection, booked: Sequence[exposure.Injection] = ()) -> ProposalCheck:
        """Every applicable rule against the history from the look-back on, the `booked` sessions in it counted
        as provisional ones, plus the proposal."""
        since = lookback_start(self.rule_sets, proposal.on)
        history = self.recorded(since) + [injection for injection in booked if injection.on >= since]
        rules = rules_for(self.patient, self.rule_sets, proposal.on)
        return ProposalCheck(exposure.evaluate(history, rules, as_of=proposal.on, proposed=proposal))

    def first_date_within(
        self, proposal: exposure.Injection, booked: Sequence[exposure.Injection] = ()
    ) -> datetime.date | None:
        """The first date on or after the proposal's on which it passes no hard limit; None if none ever does."""
        on = proposal.on
        for _step in range(_MAX_STEPS):
            blocking = self.check(replace(proposal, on=on), booked).blocking
            if not blocking:
                return on
            dates = [r.next_allowed for r in blocking]
            if None in dates:
                return None
            later = max(d for d in dates if d is not None)
            if later <= on:
                return None
            on = later
        return None


def recorded_history(patient_id: int, since: datetime.date) -> list[exposure.Injection]:
    """The patient's valid records from `since` on, as kept under the patient's chart stamp and the catalog's
    stamp (a type's usual intent and approach, and a drug's equivalence, shape the history): one query when
    nothing of the patient's changed (`patients.chart_stamp.kept`). The records are frozen; the list is the
    caller's own."""
    found = chart_stamp.kept(
        patient_id,
        f"recorded history from {since}",
        lambda: histories([patient_id], since).get(patient_id, []),
        (CATALOG_STAMP,),
    )
    return list(found or [])


def histories(patient_ids: Sequence[int], since: datetime.date) -> dict[int, list[exposure.Injection]]:
    """The valid records from `since` of these patients, as the engine judges them: three queries of plain values,
    no model instances. Without labels: no sentence of a check or a standing limit names the records it counted."""
    records = Procedure.objects.valid().since(since).filter(patient_id__in=patient_ids)
    sites: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for procedure_id, level, named_site, side in (
        ProcedureSite.objects.filter(procedure__in=records)
        .order_by("position", "pk")
        .values_list("procedure_id", "level", "named_site", "side")
    ):
        sites[procedure_id].append((level or named_site, side))
    doses: dict[int, list[exposure.Dose]] = defaultdict(list)
    for procedure_id, drug, mg, factor in (
        ProcedureMedication.objects.filter(procedure__in=records)
        .order_by("pk")
        .values_list("procedure_id", "drug__name", "dose_mg", "drug__mpe_factor")
    ):
        doses[procedure_id].append(exposure.Dose(drug, mg, factor or Decimal(0)))
    found: dict[int, list[exposure.Injection]] = defaultdict(list)
    # The type's columns come joined: reading the whole catalog as models cost a query and a millisecond.
    rows = records.order_by().values_list(
        "pk",
        "patient_id",
        "performed_at",
        "procedure_type__family",
        "intent",
        "approach",
        "procedure_type__default_intent",
        "procedure_type__approach",
    )
    for pk, patient_id, performed_at, family, intent, approach, default_intent, default_approach in rows:
        intent, approach = ProcedureType.usual_of(
            intent=intent, approach=approach, default_intent=default_intent, default_approach=default_approach
        )
        found[patient_id].append(
            injections.build(
                id=pk,
                on=timezone.localdate(performed_at),
                family=family,
                intent=intent,
                approach=approach,
                sites=sites[pk],
                doses=doses[pk],
            )
        )
    return found


def first_date_within(
    patient: Patient, proposal: exposure.Injection, *, with_booked: bool = False
) -> datetime.date | None:
    """The first date on or after the proposal's on which it passes no hard limit; None if none ever does."""
    checker = LimitChecker(patient)
    return checker.first_date_within(proposal, checker.booked() if with_booked else ())


def all_flags(on: datetime.date | None = None) -> list[Exposure]:
    """Every patient at or over a standing limit, in a fixed number of queries whatever the history size."""
    on = on or timezone.localdate()
    rule_sets = load_rule_sets()
    procedures = (
        Procedure.objects.valid()
        .filter(patient__archived_at__isnull=True)
        .since(lookback_start(rule_sets, on))
        .select_related("patient__payer")
        .with_details()
        .order_by("patient_id", "performed_at")
    )
    by_patient: dict[int, list[Procedure]] = defaultdict(list)
    for procedure in procedures:
        by_patient[procedure.patient_id].append(procedure)
    flagged = []
    for patient_procedures in by_patient.values():
        result = patient_exposure(patient_procedures[0].patient, patient_procedures, rule_sets, on)
        if result.flagged:
            flagged.append(result)
    return sorted(flagged, key=lambda e: (e.patient.last_name, e.patient.first_name))
