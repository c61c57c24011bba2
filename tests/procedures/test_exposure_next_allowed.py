"""Exposure engine: the next date another session or dose is allowed."""

from __future__ import annotations

import dataclasses

from procedures.exposure import (
    Rule,
    RuleKind,
    Status,
)
from tests.procedures.exposure_helpers import (
    ESI_6M,
    ESI_12M,
    LS,
    MPE_12M,
    TPI_12M,
    D,
    day,
    dexamethasone,
    injection,
    lidocaine,
    lumbar_esi,
    lumbar_proposal,
    methylprednisolone,
    one,
    proposal,
    triamcinolone,
)

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
