"""Exposure engine: the fourth-lumbar-ESI scenario from the issue, end to end."""

from __future__ import annotations

from procedures.exposure import (
    Status,
    evaluate,
    select_rules,
)
from tests.procedures.exposure_helpers import (
    CLINIC,
    ESI_6M,
    ESI_12M,
    ESI_DOSE,
    ESI_SPACING,
    IL_LEVELS,
    LS,
    MEDICARE,
    MPE_12M,
    SI_DIAGNOSTIC,
    TF_LEVELS,
    D,
    day,
    dexamethasone,
    injection,
    lidocaine,
    lumbar_esi,
    lumbar_proposal,
    only,
    results_for,
)

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
