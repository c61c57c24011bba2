"""Where the pure exposure engine meets the database.

Loads the rule sets and patients' histories in a fixed number of queries, hands plain values to
`procedures.exposure`, and shapes the results for the chart, the procedure form and the flags page.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils import timezone

from patients.models import Patient
from procedures import exposure, extensions, injections
from procedures.models import Drug, Procedure, ProcedureType, RuleSet

# Windowed rules are what a patient "is at or over"; per-session rules only judge a proposal.
STANDING_KINDS = frozenset({exposure.RuleKind.SESSIONS, exposure.RuleKind.MPE_TOTAL})


def load_rule_sets() -> list[exposure.RuleSet]:
    """Every active rule set with its payers and rules: three queries."""
    rule_sets = RuleSet.objects.filter(active=True).prefetch_related("payers", "rules")
    return [
        exposure.RuleSet(
            name=rule_set.name,
            payers=frozenset(payer.key for payer in rule_set.payers.all()),
            always=rule_set.always,
            rules=tuple(rule.as_engine_rule() for rule in rule_set.rules.all()),
        )
        for rule_set in rule_sets
    ]


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


def check_proposal(patient: Patient, proposal: exposure.Injection, *, with_booked: bool = False) -> ProposalCheck:
    """Run every applicable rule against the patient's history plus the proposal (six queries).

    The whole history from the look-back on is loaded, later records included: a back-dated entry must not
    push a later session over. `with_booked` also counts the patient's booked procedures (the booking
    check), as provisional sessions.
    """
    rule_sets = load_rule_sets()
    since = lookback_start(rule_sets, proposal.on)
    history = [p.as_injection() for p in Procedure.objects.valid().for_patient(patient).since(since).with_details()]
    if with_booked:
        history += extensions.booked_sessions(patient, since)
    rules = rules_for(patient, rule_sets, proposal.on)
    return ProposalCheck(exposure.evaluate(history, rules, as_of=proposal.on, proposed=proposal))


# Each step moves to the latest date some rule needs; rules rarely chain more than twice.
_MAX_STEPS = 12


def first_date_within(
    patient: Patient, proposal: exposure.Injection, *, with_booked: bool = False
) -> datetime.date | None:
    """The first date on or after the proposal's on which it passes no hard limit; None if none ever does."""
    on = proposal.on
    for _step in range(_MAX_STEPS):
        blocking = check_proposal(patient, replace(proposal, on=on), with_booked=with_booked).blocking
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
