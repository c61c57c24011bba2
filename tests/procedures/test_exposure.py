"""The steroid-exposure / frequency-limit engine, tested without Django.

Dates in the hand-computed examples are chosen so the arithmetic can be checked with a calendar.
"""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.exposure import (
    Dose,
    Injection,
    Region,
    Rule,
    RuleKind,
    RuleResult,
    RuleSet,
    Severity,
    Status,
    evaluate,
    month_shift,
    select_rules,
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


def injection(on: str, family: str = "esi", **fields: Any) -> Injection:
    fields.setdefault("id", next(_ids))
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


# month_shift


def test_month_shift_moves_by_calendar_months_across_years() -> None:
    assert month_shift(day("2025-03-15"), 1) == day("2025-04-15")
    assert month_shift(day("2025-03-15"), -14) == day("2024-01-15")
    assert month_shift(day("2025-11-15"), 3) == day("2026-02-15")
    assert month_shift(day("2025-03-15"), 0) == day("2025-03-15")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2024-02-29", -12, "2023-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-03-31", -1, "2024-02-29"),
        ("2025-08-31", -6, "2025-02-28"),
        ("2025-05-31", -1, "2025-04-30"),
    ],
)
def test_month_shift_clamps_the_day_to_the_end_of_a_shorter_month(start: str, months: int, expected: str) -> None:
    assert month_shift(day(start), months) == day(expected)


# Rolling windows


def test_an_injection_365_days_ago_still_counts() -> None:
    result = one(TPI_12M, [injection("2025-01-10", "tpi")], "2026-01-10")
    assert result.value == D(1)
    assert len(result.counted) == 1


def test_an_injection_366_days_ago_no_longer_counts() -> None:
    result = one(TPI_12M, [injection("2025-01-09", "tpi")], "2026-01-10")
    assert (result.value, result.counted, result.status) == (D(0), (), Status.WITHIN)


def test_across_a_leap_day_the_12_month_window_reaches_back_366_days() -> None:
    history = [injection("2023-02-28", "tpi"), injection("2023-03-01", "tpi")]
    result = one(TPI_12M, history, "2024-03-01")
    assert [i.on for i in result.counted] == [day("2023-03-01")]
    assert (day("2024-03-01") - day("2023-03-01")).days == 366


def test_a_window_ending_on_29_february_starts_on_28_february() -> None:
    history = [injection("2023-02-27", "tpi"), injection("2023-02-28", "tpi")]
    result = one(TPI_12M, history, "2024-02-29")
    assert [i.on for i in result.counted] == [day("2023-02-28")]


def test_a_six_month_window_ending_on_31_august_starts_on_28_february() -> None:
    history = [lumbar_esi("2025-02-27"), lumbar_esi("2025-02-28")]
    result = one(ESI_6M, history, "2025-08-31", LS)
    assert [i.on for i in result.counted] == [day("2025-02-28")]


def test_an_injection_on_the_evaluation_date_counts() -> None:
    assert one(ESI_12M, [lumbar_esi("2026-01-10")], "2026-01-10", LS).value == 1


def test_injections_after_the_evaluation_date_are_ignored() -> None:
    history = [lumbar_esi("2026-01-01"), lumbar_esi("2026-02-01")]
    assert one(ESI_12M, history, "2026-01-15", LS).value == 1
    with_proposal = one(ESI_12M, history, "2026-03-01", LS, proposed=lumbar_proposal("2026-01-20"))
    assert with_proposal.value == 2
    assert [i.on for i in with_proposal.counted] == [day("2026-01-01"), day("2026-01-20")]


def test_with_a_proposal_the_evaluation_date_is_the_proposal_date_not_as_of() -> None:
    history = [lumbar_esi("2025-01-05")]
    result = one(ESI_12M, history, "2030-01-01", LS, proposed=lumbar_proposal("2025-06-01"))
    assert (result.value, result.next_allowed) == (D(2), day("2025-06-01"))


# Limits and sessions


@pytest.mark.parametrize(("sessions", "status"), [(2, Status.WITHIN), (3, Status.AT_LIMIT), (4, Status.OVER)])
def test_status_is_within_below_the_limit_at_limit_on_it_and_over_past_it(sessions: int, status: Status) -> None:
    history = [lumbar_esi(f"2025-0{month}-01") for month in range(1, sessions + 1)]
    result = one(ESI_6M, history, "2025-06-01", LS)
    assert (result.value, result.limit, result.status) == (D(sessions), D(3), status)


def test_two_injections_on_the_same_day_in_the_same_region_are_one_session() -> None:
    history = [
        lumbar_esi("2025-05-01", label="TFESI L4-L5 left"),
        lumbar_esi("2025-05-01", approach="caudal", label="caudal ESI"),
    ]
    result = one(ESI_12M, history, "2025-06-01", LS)
    assert result.value == D(1)
    assert len(result.counted) == 2


def test_the_same_day_in_two_regions_is_one_session_in_each_region() -> None:
    history = [lumbar_esi("2025-05-01"), cervical_esi("2025-05-01")]
    results = evaluate(history, [ESI_12M], as_of=day("2025-06-01"))
    assert [(r.region, r.value) for r in results] == [(CT, D(1)), (LS, D(1))]


def test_an_injection_touching_both_regions_counts_once_in_each() -> None:
    history = [lumbar_esi("2025-05-01", regions=frozenset({CT, LS}))]
    results = evaluate(history, [ESI_12M], as_of=day("2025-06-01"))
    assert [(r.region, r.value) for r in results] == [(CT, D(1)), (LS, D(1))]


def test_the_two_regions_are_counted_separately() -> None:
    history = [lumbar_esi("2025-02-01"), lumbar_esi("2025-03-01"), lumbar_esi("2025-04-01")]
    history.append(cervical_esi("2025-04-15"))
    results = evaluate(history, [ESI_6M], as_of=day("2025-05-01"))
    assert [(r.region, r.value, r.status) for r in results] == [
        (CT, D(1), Status.WITHIN),
        (LS, D(3), Status.AT_LIMIT),
    ]


def test_a_rule_that_is_not_per_region_counts_one_session_per_date() -> None:
    history = [lumbar_esi("2025-05-01"), cervical_esi("2025-05-01"), lumbar_esi("2025-05-20")]
    assert one(BCBS_ESI, history, "2025-06-01").value == 2


def test_an_injection_without_a_region_never_counts_toward_a_per_region_rule() -> None:
    history = [injection("2025-05-01", "esi"), lumbar_esi("2025-05-10")]
    result = one(ESI_12M, history, "2025-06-01", LS)
    assert (result.value, [i.on for i in result.counted]) == (D(1), [day("2025-05-10")])
    assert evaluate([injection("2025-05-01", "esi")], [ESI_12M], as_of=day("2025-06-01")) == []


def test_a_proposal_on_the_day_of_a_session_in_the_same_region_adds_no_session_and_is_allowed() -> None:
    history = [lumbar_esi("2025-03-01"), lumbar_esi("2025-04-01"), lumbar_esi("2025-05-01")]
    result = one(ESI_6M, history, "2025-05-01", LS, proposed=lumbar_proposal("2025-05-01"))
    assert (result.value, result.status, result.next_allowed) == (D(3), Status.AT_LIMIT, day("2025-05-01"))
    assert len(result.counted) == 4
    assert result.counted[-1].id is None


def test_a_proposal_on_the_day_of_a_session_in_the_other_region_adds_a_session_there() -> None:
    history = [cervical_esi("2025-05-01")]
    results = evaluate(history, [ESI_12M], as_of=day("2025-05-01"), proposed=lumbar_proposal("2025-05-01"))
    assert [(r.region, r.value) for r in results] == [(CT, D(1)), (LS, D(1))]


def test_a_proposal_editing_a_saved_injection_replaces_it_instead_of_counting_twice() -> None:
    saved = lumbar_esi("2025-05-01", id=41)
    edited = lumbar_esi("2025-05-03", id=41)
    result = one(ESI_12M, [lumbar_esi("2025-01-01"), saved], "2025-05-03", LS, proposed=edited)
    assert result.value == 2
    assert result.counted[-1] is edited


# Voided injections


def test_a_voided_injection_never_counts() -> None:
    voided = lumbar_esi("2025-05-01", voided=True, doses=(methylprednisolone("80"),))
    results = evaluate([voided], [ESI_12M, MPE_12M, TPI_12M, ESI_SPACING], as_of=day("2025-06-01"))
    assert [(r.rule.code, r.value, r.counted) for r in results] == [
        ("mpe-12m", D(0), ()),
        ("tpi-12m", D(0), ()),
    ]


def test_a_voided_injection_is_not_an_earlier_session_for_spacing() -> None:
    history = [lumbar_esi("2025-05-01", voided=True)]
    assert evaluate(history, [ESI_SPACING], as_of=day("2025-05-05"), proposed=lumbar_proposal("2025-05-05")) == []


def test_a_voided_proposal_counts_for_nothing_and_blocks_nothing() -> None:
    voided = lumbar_proposal("2025-05-01", voided=True, levels=3, doses=(methylprednisolone("300"),))
    results = evaluate([], [ESI_12M, MPE_12M, TF_LEVELS], as_of=day("2025-05-01"), proposed=voided)
    assert [(r.rule.code, r.value, r.involves_proposal) for r in results] == [("mpe-12m", D(0), False)]


# Which results appear


def test_a_per_region_rule_with_nothing_in_the_window_produces_no_result() -> None:
    assert evaluate([lumbar_esi("2024-01-01")], [ESI_12M], as_of=day("2025-06-01")) == []


def test_a_sessions_rule_that_is_not_per_region_reports_zero_of_the_limit_when_nothing_matches() -> None:
    result = one(TPI_12M, [lumbar_esi("2025-05-01")], "2025-06-01")
    assert (result.value, result.limit, result.status, result.counted) == (D(0), D(3), Status.WITHIN, ())
    assert result.next_allowed == day("2025-06-01")
    assert result.explain() == "0 of 3 trigger point sessions in 12 months; within the limit"


def test_an_mpe_rule_reports_zero_when_there_is_no_steroid() -> None:
    result = one(MPE_12M, [injection("2025-05-01", "tpi", doses=(lidocaine("20"),))], "2025-06-01")
    assert (result.value, result.counted, result.status) == (D(0), (), Status.WITHIN)


def test_a_matching_proposal_produces_a_result_for_each_of_its_regions_even_without_history() -> None:
    both = lumbar_proposal("2025-05-01", regions=frozenset({LS, CT}))
    results = evaluate([], [ESI_12M], as_of=day("2025-05-01"), proposed=both)
    assert [(r.region, r.value, r.involves_proposal) for r in results] == [(CT, D(1), True), (LS, D(1), True)]


def test_per_session_rules_produce_nothing_without_a_proposal() -> None:
    history = [lumbar_esi("2025-05-01", levels=3, doses=(methylprednisolone("80"),))]
    assert evaluate(history, [TF_LEVELS, ESI_DOSE, IL_LEVELS], as_of=day("2025-05-01")) == []


def test_rules_that_match_neither_proposal_nor_history_produce_nothing_except_zero_counts() -> None:
    results = evaluate(
        [],
        [ESI_12M, ESI_SPACING, TF_LEVELS, ESI_DOSE, TPI_12M, MPE_12M],
        as_of=day("2025-05-01"),
        proposed=proposal("2025-05-01", "joint", doses=(triamcinolone("40"),)),
    )
    assert [(r.rule.code, r.value) for r in results] == [("tpi-12m", D(0)), ("mpe-12m", D(40))]


def test_results_follow_rule_order_then_cervicothoracic_before_lumbosacral() -> None:
    history = [lumbar_esi("2025-05-01"), cervical_esi("2025-05-02"), injection("2025-05-03", "tpi")]
    results = evaluate(history, [TPI_12M, ESI_12M, ESI_6M], as_of=day("2025-06-01"))
    assert [(r.rule.code, r.region) for r in results] == [
        ("tpi-12m", None),
        ("lcd-esi-12m", CT),
        ("lcd-esi-12m", LS),
        ("clinic-esi-6m", CT),
        ("clinic-esi-6m", LS),
    ]


def test_a_region_the_proposal_does_not_touch_reports_history_and_never_blocks_it() -> None:
    history = [lumbar_esi(f"2025-0{month}-01") for month in range(1, 6)]
    results = evaluate(history, [ESI_12M], as_of=day("2025-06-01"), proposed=cervical_esi("2025-06-01", id=None))
    lumbar, cervical = only(results, ESI_12M, LS), only(results, ESI_12M, CT)
    assert (lumbar.value, lumbar.status, lumbar.involves_proposal, lumbar.blocking) == (
        D(5),
        Status.OVER,
        False,
        False,
    )
    assert (cervical.value, cervical.status, cervical.blocking) == (D(1), Status.WITHIN, False)
    history_only = one(ESI_12M, history, "2025-06-01", LS)
    assert (history_only.involves_proposal, history_only.blocking) == (None, True)


# MPE arithmetic and caps


@pytest.mark.parametrize(
    ("dose", "mpe"),
    [
        (methylprednisolone("80"), "80"),
        (triamcinolone("40"), "40"),
        (dexamethasone("10"), "53.30"),
        (betamethasone("6"), "31.98"),
        (hydrocortisone("100"), "20"),
        (Dose("prednisolone", D("25"), D("0.8")), "20"),
        (lidocaine("100"), "0"),
    ],
)
def test_each_drug_converts_to_methylprednisolone_equivalent_mg(dose: Dose, mpe: str) -> None:
    assert dose.mpe == D(mpe)
    assert one(MPE_12M, [injection("2025-05-01", "joint", doses=(dose,))], "2025-05-01").value == D(mpe)


def test_the_dexamethasone_total_keeps_its_two_decimals() -> None:
    assert str(dexamethasone("10").mpe) == "53.30"


def test_an_injection_sums_the_mpe_of_all_its_doses() -> None:
    mixed = lumbar_esi("2025-05-01", doses=(dexamethasone("10"), lidocaine("20"), triamcinolone("40")))
    assert mixed.mpe == D("93.30")
    assert Injection(id=None, on=day("2025-05-01"), family="esi").mpe == 0


def test_the_annual_cap_counts_steroid_from_every_kind_of_injection() -> None:
    history = [
        lumbar_esi("2025-01-15", doses=(methylprednisolone("80"),)),
        injection("2025-03-01", "joint", doses=(triamcinolone("40"),)),
        injection("2025-04-01", "tpi", doses=(triamcinolone("40"),)),
        injection("2025-04-15", "tpi", doses=(lidocaine("20"),)),
        injection("2025-05-01", "si_joint", doses=(methylprednisolone("40"),)),
    ]
    result = one(MPE_12M, history, "2025-06-01")
    assert (result.value, result.status) == (D(200), Status.AT_LIMIT)
    assert [i.family for i in result.counted] == ["esi", "joint", "tpi", "si_joint"]


def test_one_milligram_over_the_annual_cap_is_over() -> None:
    history = [lumbar_esi("2025-01-15", doses=(methylprednisolone("120"),))]
    history.append(injection("2025-03-01", "joint", doses=(methylprednisolone("81"),)))
    result = one(MPE_12M, history, "2025-06-01")
    assert (result.value, result.status, result.blocking) == (D(201), Status.OVER, True)


def test_the_three_year_cap_counts_what_the_annual_cap_has_forgotten() -> None:
    history = [
        lumbar_esi("2023-06-01", doses=(methylprednisolone("120"),)),
        lumbar_esi("2024-03-01", doses=(methylprednisolone("120"),)),
        lumbar_esi("2025-02-01", doses=(methylprednisolone("80"),)),
        lumbar_esi("2025-11-01", doses=(methylprednisolone("80"),)),
        lumbar_esi("2022-12-01", doses=(methylprednisolone("80"),)),
    ]
    results = evaluate(history, [MPE_12M, MPE_36M_BONE], as_of=day("2026-01-15"))
    annual, three_years = only(results, MPE_12M), only(results, MPE_36M_BONE)
    assert (annual.value, annual.status) == (D(160), Status.WITHIN)
    assert (three_years.value, three_years.status) == (D(400), Status.AT_LIMIT)
    # 2023-06-01 leaves the 36-month window on 2026-06-02
    assert three_years.next_allowed == day("2026-06-02")


def test_the_bone_density_cap_applies_only_to_patients_with_bone_density_risk() -> None:
    on = day("2025-06-01")
    assert MPE_36M_BONE not in select_rules([CLINIC], payer=None, bone_density_risk=False, on=on)
    assert MPE_36M_BONE in select_rules([CLINIC], payer=None, bone_density_risk=True, on=on)
    assert MPE_12M in select_rules([CLINIC], payer=None, bone_density_risk=False, on=on)


# Rule sets, payers and effective dates


def test_the_medicare_set_applies_to_a_medicare_patient_but_not_to_a_bcbs_one() -> None:
    on = day("2025-06-01")
    medicare = select_rules([CLINIC, MEDICARE, BCBS], payer="medicare", bone_density_risk=False, on=on)
    bcbs = select_rules([CLINIC, MEDICARE, BCBS], payer="bcbs_fl", bone_density_risk=False, on=on)
    assert (ESI_12M in medicare, BCBS_ESI in medicare) == (True, False)
    assert (ESI_12M in bcbs, BCBS_ESI in bcbs) == (False, True)


def test_an_always_set_applies_to_every_patient_even_without_a_payer() -> None:
    on = day("2025-06-01")
    for payer in ("medicare", "bcbs_fl", "self_pay", None):
        rules = select_rules([MEDICARE, CLINIC], payer=payer, bone_density_risk=False, on=on)
        assert {ESI_6M, MPE_12M} <= set(rules)
    assert select_rules([MEDICARE, BCBS], payer=None, bone_density_risk=True, on=on) == []


def test_select_rules_keeps_set_order_and_the_first_rule_with_a_code() -> None:
    stricter = Rule(code="lcd-esi-12m", name="ESI, stricter copy", kind=RuleKind.SESSIONS, limit=D(2))
    rule_sets = [MEDICARE, RuleSet("Copy", frozenset({"medicare"}), rules=(stricter, ESI_DOSE)), CLINIC]
    rules = select_rules(rule_sets, payer="medicare", bone_density_risk=True, on=day("2025-06-01"))
    assert [r.code for r in rules] == [
        "lcd-esi-12m",
        "si-diagnostic-12m",
        "tpi-12m",
        "esi-dose",
        "clinic-esi-6m",
        "esi-spacing",
        "esi-tf-levels",
        "esi-il-levels",
        "mpe-12m",
        "mpe-36m-bone",
    ]
    assert rules[0] is ESI_12M


def test_a_rule_is_in_effect_from_its_first_day_through_its_last_day() -> None:
    rule = Rule(
        code="x",
        name="x",
        kind=RuleKind.SESSIONS,
        limit=D(1),
        effective_from=day("2026-01-01"),
        effective_to=day("2026-12-31"),
    )
    assert [rule.in_effect(day(d)) for d in ("2025-12-31", "2026-01-01", "2026-12-31", "2027-01-01")] == [
        False,
        True,
        True,
        False,
    ]
    assert ESI_12M.in_effect(day("1990-01-01"))
    assert ESI_12M.in_effect(day("2090-01-01"))


def test_select_rules_leaves_out_rules_not_in_effect_on_the_date() -> None:
    old = Rule(code="old", name="old", kind=RuleKind.SESSIONS, limit=D(5), effective_to=day("2025-12-31"))
    new = Rule(code="new", name="new", kind=RuleKind.SESSIONS, limit=D(4), effective_from=day("2026-01-01"))
    rule_set = RuleSet("Changing", frozenset({"medicare"}), rules=(old, new))
    for on, codes in (("2025-12-31", ["old"]), ("2026-01-01", ["new"])):
        rules = select_rules([rule_set], payer="medicare", bone_density_risk=False, on=day(on))
        assert [r.code for r in rules] == codes


# next_allowed for sessions


def test_a_full_six_month_window_opens_the_day_after_the_oldest_session_leaves() -> None:
    history = [lumbar_esi("2025-09-15"), lumbar_esi("2025-11-20"), lumbar_esi("2026-01-25")]
    result = one(ESI_6M, history, "2026-02-01", LS)
    # the window at 2026-03-15 still starts 2025-09-15; at 2026-03-16 it starts 2025-09-16
    assert (result.status, result.next_allowed) == (Status.AT_LIMIT, day("2026-03-16"))
    assert result.explain() == (
        "3 of 3 ESI sessions (lumbar/sacral) in 6 months; at the limit, room for another on 2026-03-16"
    )


def test_when_two_over_the_limit_three_sessions_must_leave_before_another_fits() -> None:
    dates = ["2025-08-20", "2025-09-10", "2025-10-05", "2025-12-01", "2026-01-10"]
    result = one(ESI_6M, [lumbar_esi(d) for d in dates], "2026-02-10", LS)
    assert (result.value, result.status) == (D(5), Status.OVER)
    assert result.next_allowed == day("2026-04-06")


def test_within_the_limit_another_session_is_allowed_on_the_evaluation_date() -> None:
    result = one(ESI_12M, [lumbar_esi("2025-05-01")], "2025-06-01", LS)
    assert (result.status, result.next_allowed) == (Status.WITHIN, day("2025-06-01"))


def test_next_allowed_waits_until_a_session_has_really_left_a_clamped_window() -> None:
    one_month = Rule(code="m1", name="one a month", kind=RuleKind.SESSIONS, limit=D(1), window_months=1)
    history = [injection("2023-04-30", "tpi")]
    # on 2023-05-31 the window starts 2023-04-30 (clamped), so the session still counts
    assert one(one_month, history, "2023-05-31").value == 1
    assert one(one_month, history, "2023-05-10").next_allowed == day("2023-06-01")
    one_a_year = dataclasses.replace(TPI_12M, limit=D(1))
    # 2024-02-29 still reaches back to 2023-02-28
    twelve = one(one_a_year, [injection("2023-02-28", "tpi")], "2023-06-01")
    assert twelve.next_allowed == day("2024-03-01")


def test_a_limit_of_zero_sessions_never_allows_another() -> None:
    never = Rule(code="none", name="none", kind=RuleKind.SESSIONS, limit=D(0), window_months=12)
    result = one(never, [], "2025-06-01", proposed=proposal("2025-06-01", "tpi"))
    assert (result.status, result.next_allowed) == (Status.OVER, None)
    assert result.explain() == "1 of 0 sessions in 12 months; over the limit, and no later date brings it within"


# next_allowed for steroid totals


def test_a_full_annual_steroid_total_opens_the_day_after_the_oldest_dose_leaves() -> None:
    history = [
        lumbar_esi("2025-03-01", doses=(methylprednisolone("80"),)),
        lumbar_esi("2025-06-01", doses=(methylprednisolone("80"),)),
        injection("2025-09-01", "joint", doses=(triamcinolone("40"),)),
    ]
    result = one(MPE_12M, history, "2025-10-01")
    assert (result.value, result.status, result.next_allowed) == (D(200), Status.AT_LIMIT, day("2026-03-02"))


def test_a_proposed_dose_waits_until_enough_steroid_has_left_the_window() -> None:
    history = [
        lumbar_esi("2025-03-01", doses=(methylprednisolone("40"),)),
        lumbar_esi("2025-06-01", doses=(methylprednisolone("120"),)),
        injection("2025-09-01", "joint", doses=(triamcinolone("40"),)),
    ]
    proposed = lumbar_proposal("2025-10-01", doses=(dexamethasone("10"),))
    result = one(MPE_12M, history, "2025-10-01", proposed=proposed)
    assert (result.value, result.status) == (D("253.30"), Status.OVER)
    # 2026-03-02 leaves 160 + 53.30 > 200; 2026-06-02 leaves 40 + 53.30
    assert result.next_allowed == day("2026-06-02")
    assert result.explain() == (
        "253.3 of 200 mg methylprednisolone-equivalent steroid in 12 months; within limits again on 2026-06-02"
    )


def test_a_proposed_dose_that_fits_is_allowed_now() -> None:
    history = [lumbar_esi("2025-03-01", doses=(methylprednisolone("120"),))]
    proposed = lumbar_proposal("2025-10-01", doses=(triamcinolone("80"),))
    result = one(MPE_12M, history, "2025-10-01", proposed=proposed)
    assert (result.value, result.status, result.next_allowed) == (D(200), Status.AT_LIMIT, day("2025-10-01"))
    assert result.counted[-1] is proposed
    assert result.involves_proposal is True


def test_a_proposed_dose_above_the_cap_never_fits() -> None:
    proposed = lumbar_proposal("2025-10-01", doses=(methylprednisolone("240"),))
    result = one(MPE_12M, [], "2025-10-01", proposed=proposed)
    assert (result.status, result.next_allowed, result.blocking) == (Status.OVER, None, True)


def test_a_proposal_without_steroid_neither_counts_toward_nor_is_blocked_by_a_steroid_cap() -> None:
    history = [lumbar_esi("2025-03-01", doses=(methylprednisolone("210"),))]
    proposed = proposal("2025-10-01", "tpi", doses=(lidocaine("20"),))
    result = one(MPE_12M, history, "2025-10-01", proposed=proposed)
    assert (result.value, result.status, result.involves_proposal, result.blocking) == (
        D(210),
        Status.OVER,
        False,
        False,
    )
    assert [i.on for i in result.counted] == [day("2025-03-01")]
    assert result.next_allowed == day("2026-03-02")


# Spacing


def test_an_esi_13_days_after_the_last_is_too_soon() -> None:
    result = one(ESI_SPACING, [lumbar_esi("2025-05-01")], "2025-05-14", proposed=lumbar_proposal("2025-05-14"))
    assert (result.value, result.status, result.next_allowed, result.blocking) == (
        D(13),
        Status.OVER,
        day("2025-05-15"),
        True,
    )
    assert result.explain() == (
        "13 days between ESI sessions on 2025-05-01 and 2025-05-14 (at least 14 required); "
        "within limits again on 2025-05-15"
    )


def test_an_esi_14_days_after_the_last_is_allowed() -> None:
    result = one(ESI_SPACING, [lumbar_esi("2025-05-01")], "2025-05-15", proposed=lumbar_proposal("2025-05-15"))
    assert (result.value, result.status, result.next_allowed) == (D(14), Status.WITHIN, day("2025-05-15"))


def test_spacing_compares_with_the_latest_earlier_session_only() -> None:
    history = [lumbar_esi("2025-01-01"), lumbar_esi("2025-04-01"), injection("2025-04-20", "tpi")]
    result = one(ESI_SPACING, history, "2025-04-25", proposed=lumbar_proposal("2025-04-25"))
    assert [i.on for i in result.counted] == [day("2025-04-01"), day("2025-04-25")]
    assert (result.value, result.status) == (D(24), Status.WITHIN)


def test_spacing_without_an_earlier_session_produces_no_result() -> None:
    assert evaluate([], [ESI_SPACING], as_of=day("2025-05-01"), proposed=lumbar_proposal("2025-05-01")) == []
    assert evaluate([lumbar_esi("2025-04-01")], [ESI_SPACING], as_of=day("2025-05-01")) == []


def test_a_proposal_joining_a_session_already_on_that_day_is_spaced_from_the_session_before() -> None:
    history = [lumbar_esi("2025-04-01"), cervical_esi("2025-05-01")]
    result = one(ESI_SPACING, history, "2025-05-01", proposed=lumbar_proposal("2025-05-01"))
    assert (result.value, result.status, result.next_allowed) == (D(30), Status.WITHIN, day("2025-05-01"))


def test_history_alone_compares_the_latest_two_sessions_and_dates_the_next_one() -> None:
    history = [lumbar_esi("2025-04-01"), lumbar_esi("2025-04-11")]
    result = one(ESI_SPACING, history, "2025-04-20")
    assert (result.value, result.status, result.next_allowed) == (D(10), Status.OVER, day("2025-04-25"))
    later = one(ESI_SPACING, history, "2025-06-01")
    assert later.next_allowed == day("2025-06-01")


def test_spacing_per_region_keeps_the_regions_apart() -> None:
    per_region = Rule(
        code="s", name="s", kind=RuleKind.SPACING, limit=D(14), families=frozenset({"esi"}), per_region=True
    )
    history = [cervical_esi("2025-05-01"), lumbar_esi("2025-04-01")]
    results = evaluate(history, [per_region], as_of=day("2025-05-05"), proposed=lumbar_proposal("2025-05-05"))
    assert [(r.region, r.value, r.status) for r in results] == [(LS, D(34), Status.WITHIN)]


# Levels and dose per session


@pytest.mark.parametrize(("levels", "status"), [(1, Status.WITHIN), (2, Status.AT_LIMIT), (3, Status.OVER)])
def test_a_transforaminal_esi_may_cover_two_levels(levels: int, status: Status) -> None:
    result = one(TF_LEVELS, [], "2025-05-01", proposed=lumbar_proposal("2025-05-01", levels=levels, bilateral=True))
    assert (result.value, result.status, result.next_allowed) == (D(levels), status, None)


@pytest.mark.parametrize(
    ("levels", "bilateral", "status"),
    [(1, False, Status.AT_LIMIT), (1, True, Status.OVER), (2, False, Status.OVER)],
)
def test_an_interlaminar_esi_is_one_level_and_one_side(levels: int, bilateral: bool, status: Status) -> None:
    proposed = lumbar_proposal("2025-05-01", approach="interlaminar", levels=levels, bilateral=bilateral)
    results = evaluate([], [TF_LEVELS, IL_LEVELS], as_of=day("2025-05-01"), proposed=proposed)
    assert [(r.rule.code, r.status) for r in results] == [("esi-il-levels", status)]


def test_a_bilateral_interlaminar_esi_explains_why_it_is_over() -> None:
    proposed = lumbar_proposal("2025-05-01", approach="interlaminar", bilateral=True)
    result = one(IL_LEVELS, [], "2025-05-01", proposed=proposed)
    assert result.explain() == "1 level, bilateral, in this ESI session (limit 1, unilateral only); over the limit"


def test_the_dose_per_esi_is_advisory() -> None:
    proposed = lumbar_proposal("2025-05-01", doses=(dexamethasone("10"),))
    result = one(
        ESI_DOSE,
        [lumbar_esi("2025-05-01", doses=(methylprednisolone("80"),))],
        "2025-05-01",
        proposed=proposed,
    )
    assert (result.value, result.status, result.blocking) == (D("53.30"), Status.OVER, False)
    assert result.explain() == (
        "53.3 mg methylprednisolone-equivalent in this ESI session (limit 40 mg); over the limit"
    )
    at_limit = one(ESI_DOSE, [], "2025-05-01", proposed=lumbar_proposal("2025-05-01", doses=(triamcinolone("40"),)))
    assert at_limit.status is Status.AT_LIMIT


# Intent


def test_diagnostic_and_therapeutic_si_joint_sessions_are_counted_apart() -> None:
    history = [
        injection("2025-01-10", "si_joint", intent="diagnostic"),
        injection("2025-02-10", "si_joint", intent="diagnostic"),
        injection("2025-03-10", "si_joint"),
        injection("2025-04-10", "si_joint"),
        injection("2025-05-10", "si_joint"),
    ]
    results = evaluate(history, [SI_DIAGNOSTIC, SI_THERAPEUTIC], as_of=day("2025-06-01"))
    assert [(r.value, r.status) for r in results] == [(D(2), Status.AT_LIMIT), (D(3), Status.WITHIN)]
    proposed = proposal("2025-06-01", "si_joint", intent="diagnostic")
    results = evaluate(history, [SI_DIAGNOSTIC, SI_THERAPEUTIC], as_of=day("2025-06-01"), proposed=proposed)
    diagnostic, therapeutic = results
    assert (diagnostic.value, diagnostic.status, diagnostic.blocking) == (D(3), Status.OVER, True)
    assert diagnostic.next_allowed == day("2026-01-11")
    assert (therapeutic.value, therapeutic.involves_proposal) == (D(3), False)
    assert diagnostic.explain().startswith("3 of 2 diagnostic SI joint sessions in 12 months")


# The scenario from the issue


def test_a_fourth_lumbar_esi_is_over_the_clinic_default_and_at_the_medicare_limit() -> None:
    history = [
        lumbar_esi("2025-09-15", doses=(dexamethasone("10"),), label="TFESI L5-S1 right"),
        lumbar_esi("2025-11-20", doses=(dexamethasone("10"),), label="TFESI L4-L5 right"),
        lumbar_esi("2026-01-25", doses=(dexamethasone("10"),), label="TFESI L4-L5, L5-S1 right"),
        injection("2025-10-10", "tpi", doses=(lidocaine("20"),)),
    ]
    proposed = lumbar_proposal(
        "2026-03-02",
        levels=2,
        bilateral=True,
        doses=(dexamethasone("10"),),
        label="TFESI L4-L5, L5-S1 bilateral",
    )
    rules = select_rules([CLINIC, MEDICARE], payer="medicare", bone_density_risk=False, on=proposed.on)
    results = evaluate(history, rules, as_of=day("2026-02-20"), proposed=proposed)

    six_months, twelve_months = only(results, ESI_6M, LS), only(results, ESI_12M, LS)
    assert (six_months.value, six_months.status, six_months.blocking) == (D(4), Status.OVER, True)
    assert six_months.next_allowed == day("2026-03-16")
    assert six_months.explain() == (
        "4 of 3 ESI sessions (lumbar/sacral) in 6 months; within limits again on 2026-03-16"
    )
    assert (twelve_months.value, twelve_months.status, twelve_months.blocking) == (
        D(4),
        Status.AT_LIMIT,
        False,
    )
    assert twelve_months.next_allowed == proposed.on
    assert [i.on for i in twelve_months.counted] == [
        day("2025-09-15"),
        day("2025-11-20"),
        day("2026-01-25"),
        day("2026-03-02"),
    ]

    assert only(results, TF_LEVELS).status is Status.AT_LIMIT
    assert only(results, ESI_SPACING).value == 36
    assert (only(results, MPE_12M).value, only(results, MPE_12M).status) == (D("213.20"), Status.OVER)
    assert only(results, MPE_12M).next_allowed == day("2026-09-16")
    assert (only(results, ESI_DOSE).status, only(results, ESI_DOSE).blocking) == (Status.OVER, False)
    assert results_for(results, IL_LEVELS) == []
    si_joint = only(results, SI_DIAGNOSTIC)
    assert (si_joint.value, si_joint.involves_proposal) == (D(0), False)
    assert [r.rule.code for r in results if r.blocking] == ["clinic-esi-6m", "mpe-12m"]


# Properties

DRUGS = [methylprednisolone, triamcinolone, dexamethasone, betamethasone, hydrocortisone, lidocaine]
ALL_RULES = [
    ESI_12M,
    ESI_6M,
    ESI_SPACING,
    TF_LEVELS,
    IL_LEVELS,
    ESI_DOSE,
    MPE_12M,
    MPE_36M_BONE,
    SI_DIAGNOSTIC,
    SI_THERAPEUTIC,
    TPI_12M,
    BCBS_ESI,
    Rule(
        code="mpe-region",
        name="MPE per region",
        kind=RuleKind.MPE_TOTAL,
        limit=D(120),
        window_months=3,
        per_region=True,
    ),
]
dates = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def injections(draw: st.DrawFn, voided: bool = False) -> Injection:
    family = draw(st.sampled_from(["esi", "tpi", "si_joint", "joint"]))
    doses = draw(
        st.lists(st.builds(lambda drug, mg: drug(str(mg)), st.sampled_from(DRUGS), st.integers(0, 80)), max_size=2)
    )
    return Injection(
        id=None,
        on=draw(dates),
        family=family,
        intent=draw(st.sampled_from(["diagnostic", "therapeutic"])),
        approach=draw(st.sampled_from(["transforaminal", "interlaminar", "caudal", ""])),
        regions=draw(st.frozensets(st.sampled_from(list(Region)))),
        levels=draw(st.integers(0, 3)),
        bilateral=draw(st.booleans()),
        doses=tuple(doses),
        voided=voided,
    )


def numbered(items: list[Injection], first: int = 1) -> list[Injection]:
    return [dataclasses.replace(item, id=n) for n, item in enumerate(items, first)]


histories = st.lists(injections(), max_size=12).map(numbered)
proposals = st.none() | injections()
fast = settings(max_examples=100, deadline=None)


def by_key(results: list[RuleResult]) -> dict[tuple[str, Region | None], RuleResult]:
    return {(r.rule.code, r.region): r for r in results}


@fast
@given(histories, injections(), dates, proposals)
def test_adding_an_injection_never_lowers_a_session_count_or_steroid_total(
    history: list[Injection], extra: Injection, as_of: date, proposed: Injection | None
) -> None:
    before = by_key(evaluate(history, ALL_RULES, as_of=as_of, proposed=proposed))
    after = by_key(evaluate([*history, dataclasses.replace(extra, id=999)], ALL_RULES, as_of=as_of, proposed=proposed))
    for key, result in before.items():
        if result.rule.kind in (RuleKind.SESSIONS, RuleKind.MPE_TOTAL):
            assert after[key].value >= result.value


@fast
@given(histories, dates, proposals, st.randoms(use_true_random=False))
def test_the_order_of_the_history_does_not_change_the_result(
    history: list[Injection], as_of: date, proposed: Injection | None, random: Any
) -> None:
    shuffled = list(history)
    random.shuffle(shuffled)
    assert evaluate(shuffled, ALL_RULES, as_of=as_of, proposed=proposed) == evaluate(
        history, ALL_RULES, as_of=as_of, proposed=proposed
    )


@fast
@given(histories, st.lists(injections(voided=True), min_size=1, max_size=4), dates, proposals)
def test_voided_injections_never_change_the_result(
    history: list[Injection], voided: list[Injection], as_of: date, proposed: Injection | None
) -> None:
    with_voided = history + numbered(voided, first=100)
    assert evaluate(with_voided, ALL_RULES, as_of=as_of, proposed=proposed) == evaluate(
        history, ALL_RULES, as_of=as_of, proposed=proposed
    )


@fast
@given(histories, dates)
def test_next_allowed_is_the_first_date_with_room_for_one_more_session(history: list[Injection], as_of: date) -> None:
    rules = [r for r in ALL_RULES if r.kind is RuleKind.SESSIONS]
    # later evaluations would see injections dated after as_of, which next_allowed rightly ignores
    past = [i for i in history if i.on <= as_of]
    for result in evaluate(history, rules, as_of=as_of):
        assert result.next_allowed is not None
        assert result.next_allowed >= as_of

        def sessions_on(on: date, result: RuleResult = result) -> Decimal:
            later = evaluate(past, [result.rule], as_of=on)
            return next((r.value for r in later if r.region == result.region), D(0))

        assert sessions_on(result.next_allowed) + 1 <= result.limit
        if result.next_allowed > as_of:
            assert sessions_on(result.next_allowed - timedelta(days=1)) + 1 > result.limit
