"""Shared builders for the steroid-exposure / frequency-limit engine tests (no Django).

Dates in the hand-computed examples are chosen so the arithmetic can be checked with a calendar.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from procedures.exposure import (
    Dose,
    Injection,
    Region,
    Rule,
    RuleKind,
    RuleResult,
    RuleSet,
    Severity,
    evaluate,
)

CT = Region.CERVICOTHORACIC
LS = Region.LUMBOSACRAL
D = Decimal


def day(iso: str) -> date:
    return date.fromisoformat(iso)


def methylprednisolone(mg: str) -> Dose:
    return Dose("methylprednisolone", D(mg), D("1.0"))


def triamcinolone(mg: str) -> Dose:
    return Dose("triamcinolone", D(mg), D("1.0"))


def dexamethasone(mg: str) -> Dose:
    return Dose("dexamethasone", D(mg), D("5.33"))


def betamethasone(mg: str) -> Dose:
    return Dose("betamethasone", D(mg), D("5.33"))


def hydrocortisone(mg: str) -> Dose:
    return Dose("hydrocortisone", D(mg), D("0.2"))


def lidocaine(mg: str) -> Dose:
    return Dose("lidocaine", D(mg), D("0"))


_ids = itertools.count(1)


# Levels for tests that only care how many there are: "levels=2" means the first two of these.
LUMBAR_LEVELS = ("L3-L4", "L4-L5", "L5-S1", "L2-L3", "L1-L2")


def injection(on: str, family: str = "esi", **fields: Any) -> Injection:
    fields.setdefault("id", next(_ids))
    if isinstance(fields.get("levels"), int):
        fields["levels"] = frozenset(LUMBAR_LEVELS[: fields["levels"]])
    return Injection(on=day(on), family=family, **fields)


def lumbar_esi(on: str, **fields: Any) -> Injection:
    fields.setdefault("regions", frozenset({LS}))
    fields.setdefault("approach", "transforaminal")
    fields.setdefault("levels", 1)
    return injection(on, "esi", **fields)


def cervical_esi(on: str, **fields: Any) -> Injection:
    return lumbar_esi(on, regions=frozenset({CT}), **fields)


def proposal(on: str, family: str = "esi", **fields: Any) -> Injection:
    return injection(on, family, id=None, **fields)


def lumbar_proposal(on: str, **fields: Any) -> Injection:
    fields.setdefault("regions", frozenset({LS}))
    fields.setdefault("approach", "transforaminal")
    fields.setdefault("levels", 1)
    return proposal(on, "esi", **fields)


ESI_12M = Rule(
    code="lcd-esi-12m",
    name="ESI sessions per region, 12 months",
    kind=RuleKind.SESSIONS,
    limit=D(4),
    window_months=12,
    families=frozenset({"esi"}),
    per_region=True,
    source="Medicare LCD L39242",
)
ESI_6M = Rule(
    code="clinic-esi-6m",
    name="ESI sessions per region, 6 months",
    kind=RuleKind.SESSIONS,
    limit=D(3),
    window_months=6,
    families=frozenset({"esi"}),
    per_region=True,
    source="Patient-education guidance; eviCore CMM-200",
)
ESI_SPACING = Rule(
    code="esi-spacing",
    name="Days between ESI sessions",
    kind=RuleKind.SPACING,
    limit=D(14),
    families=frozenset({"esi"}),
    source="eviCore CMM-200",
)
TF_LEVELS = Rule(
    code="esi-tf-levels",
    name="Transforaminal ESI levels per session",
    kind=RuleKind.LEVELS_PER_SESSION,
    limit=D(2),
    families=frozenset({"esi"}),
    approaches=frozenset({"transforaminal"}),
)
IL_LEVELS = Rule(
    code="esi-il-levels",
    name="Interlaminar / caudal ESI levels per session",
    kind=RuleKind.LEVELS_PER_SESSION,
    limit=D(1),
    families=frozenset({"esi"}),
    approaches=frozenset({"interlaminar", "caudal"}),
    unilateral_only=True,
)
ESI_DOSE = Rule(
    code="esi-dose",
    name="Steroid per ESI",
    kind=RuleKind.DOSE_PER_SESSION,
    limit=D(40),
    families=frozenset({"esi"}),
    severity=Severity.ADVISORY,
)
MPE_12M = Rule(
    code="mpe-12m",
    name="Steroid, all injections, 12 months",
    kind=RuleKind.MPE_TOTAL,
    limit=D(200),
    window_months=12,
)
MPE_36M_BONE = Rule(
    code="mpe-36m-bone",
    name="Steroid, all injections, 3 years, bone-density risk",
    kind=RuleKind.MPE_TOTAL,
    limit=D(400),
    window_months=36,
    requires_bone_density_risk=True,
)
SI_DIAGNOSTIC = Rule(
    code="si-diagnostic-12m",
    name="Diagnostic SI joint sessions, 12 months",
    kind=RuleKind.SESSIONS,
    limit=D(2),
    window_months=12,
    families=frozenset({"si_joint"}),
    intent="diagnostic",
)
SI_THERAPEUTIC = Rule(
    code="si-therapeutic-12m",
    name="Therapeutic SI joint sessions, 12 months",
    kind=RuleKind.SESSIONS,
    limit=D(4),
    window_months=12,
    families=frozenset({"si_joint"}),
    intent="therapeutic",
)
TPI_12M = Rule(
    code="tpi-12m",
    name="Trigger point sessions, 12 months",
    kind=RuleKind.SESSIONS,
    limit=D(3),
    window_months=12,
    families=frozenset({"tpi"}),
)

CLINIC = RuleSet(
    name="Clinic defaults",
    payers=frozenset(),
    always=True,
    rules=(ESI_6M, ESI_SPACING, TF_LEVELS, IL_LEVELS, ESI_DOSE, MPE_12M, MPE_36M_BONE),
)
MEDICARE = RuleSet(name="Medicare", payers=frozenset({"medicare"}), rules=(ESI_12M, SI_DIAGNOSTIC, TPI_12M))
BCBS_ESI = Rule(
    code="bcbs-esi-12m",
    name="ESI sessions, 12 months",
    kind=RuleKind.SESSIONS,
    limit=D(6),
    window_months=12,
    families=frozenset({"esi"}),
)
BCBS = RuleSet(name="BCBS Florida", payers=frozenset({"bcbs_fl"}), rules=(BCBS_ESI,))


def results_for(results: list[RuleResult], rule: Rule) -> list[RuleResult]:
    return [r for r in results if r.rule.code == rule.code]


def only(results: list[RuleResult], rule: Rule, region: Region | None = None) -> RuleResult:
    (found,) = [r for r in results_for(results, rule) if r.region == region]
    return found


def one(rule: Rule, history: list[Injection], as_of: str, region: Region | None = None, **kw: Any) -> RuleResult:
    return only(evaluate(history, [rule], as_of=day(as_of), **kw), rule, region)
