"""Exposure engine: session counting (same-day/region merging, voided, future, which results appear, intent)."""

from __future__ import annotations

import pytest

from procedures.exposure import (
    Status,
    evaluate,
)
from tests.procedures.exposure_helpers import (
    BCBS_ESI,
    CT,
    ESI_6M,
    ESI_12M,
    ESI_DOSE,
    ESI_SPACING,
    IL_LEVELS,
    LS,
    MPE_12M,
    SI_DIAGNOSTIC,
    SI_THERAPEUTIC,
    TF_LEVELS,
    TPI_12M,
    D,
    cervical_esi,
    day,
    injection,
    lidocaine,
    lumbar_esi,
    lumbar_proposal,
    methylprednisolone,
    one,
    only,
    proposal,
    triamcinolone,
)

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
