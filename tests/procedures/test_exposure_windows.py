"""Exposure engine: calendar-month arithmetic and rolling-window edges (365/366 days, leap years)."""

from __future__ import annotations

import pytest

from procedures.exposure import (
    Status,
    month_shift,
)
from tests.procedures.exposure_helpers import (
    ESI_6M,
    ESI_12M,
    LS,
    TPI_12M,
    D,
    day,
    injection,
    lumbar_esi,
    lumbar_proposal,
    one,
)

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
