"""Exposure engine: a back-dated entry, a correction or a booking is judged at every later session it reaches.

The limits are about sessions on their own dates, so an entry dated before sessions already recorded must not
slip under a limit that it pushes one of them over.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from procedures.exposure import Status, evaluate
from tests.procedures.exposure_helpers import (
    ESI_6M,
    ESI_12M,
    ESI_SPACING,
    LS,
    MPE_12M,
    D,
    day,
    dexamethasone,
    lidocaine,
    lumbar_esi,
    lumbar_proposal,
    methylprednisolone,
    one,
)

TODAY = day("2026-11-30")


def days_ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def test_a_late_entry_that_makes_a_later_session_the_fourth_in_six_months_is_over_and_names_it() -> None:
    history = [lumbar_esi(days_ago(n), doses=(dexamethasone("4"),)) for n in (20, 10, 1)]
    late = lumbar_proposal(days_ago(25), doses=(dexamethasone("4"),))
    result = one(ESI_6M, history, days_ago(25), LS, proposed=late)
    assert (result.value, result.status, result.blocking) == (D(4), Status.OVER, True)
    assert result.judged_on == day(days_ago(1))
    assert result.explain().startswith(
        f"makes the ESI session (lumbar/sacral) on {days_ago(1)} the 4th of 3 in 6 months; within limits again on"
    )


def test_a_late_entry_checked_only_at_its_own_date_would_have_been_one_of_three() -> None:
    history = [lumbar_esi(days_ago(n)) for n in (20, 10, 1)]
    # The same entry dated after every recorded session is the 4th on its own date: same answer, no "makes".
    result = one(ESI_6M, history, TODAY.isoformat(), LS, proposed=lumbar_proposal(TODAY.isoformat()))
    assert (result.value, result.status, result.judged_on) == (D(4), Status.OVER, None)


def test_a_late_medicare_entry_at_the_limit_on_its_date_is_over_at_the_later_sessions() -> None:
    history = [lumbar_esi(days_ago(n)) for n in (30, 100, 200, 300)]
    late = lumbar_proposal(days_ago(60))
    results = evaluate(history, [ESI_12M, ESI_6M], as_of=day(days_ago(60)), proposed=late)
    lcd = next(r for r in results if r.rule is ESI_12M)
    clinic = next(r for r in results if r.rule is ESI_6M)
    assert (lcd.value, lcd.status, lcd.judged_on, lcd.blocking) == (D(5), Status.OVER, day(days_ago(30)), True)
    assert lcd.explain().startswith(f"makes the ESI session (lumbar/sacral) on {days_ago(30)} the 5th of 4 in 12")
    assert (clinic.value, clinic.status, clinic.blocking) == (D(4), Status.OVER, True)


def test_a_later_session_outside_the_entrys_window_reach_is_not_affected() -> None:
    # 2026-01-10 is more than 6 months after 2025-06-01, so its window no longer sees the entry.
    history = [lumbar_esi(d) for d in ("2025-10-01", "2025-11-01", "2026-01-10")]
    result = one(ESI_6M, history, "2025-06-01", LS, proposed=lumbar_proposal("2025-06-01"))
    assert (result.value, result.status, result.judged_on) == (D(1), Status.WITHIN, None)


def test_the_worst_later_session_is_the_one_reported() -> None:
    history = [lumbar_esi(d) for d in ("2026-03-01", "2026-04-01", "2026-05-01", "2026-05-20")]
    result = one(ESI_6M, history, "2026-02-01", LS, proposed=lumbar_proposal("2026-02-01"))
    # 2026-05-01 sees four sessions with the entry; 2026-05-20 sees five.
    assert (result.value, result.judged_on) == (D(5), day("2026-05-20"))


def test_a_late_steroid_dose_that_pushes_a_later_annual_total_over_the_cap_is_over() -> None:
    history = [
        lumbar_esi("2026-06-01", doses=(methylprednisolone("120"),)),
        lumbar_esi("2026-09-01", doses=(methylprednisolone("80"),)),
    ]
    late = lumbar_proposal("2026-03-01", doses=(methylprednisolone("40"),))
    result = one(MPE_12M, history, "2026-03-01", proposed=late)
    assert (result.value, result.status, result.judged_on, result.blocking) == (
        D(240),
        Status.OVER,
        day("2026-09-01"),
        True,
    )
    assert result.explain().startswith(
        "brings the steroid total on 2026-09-01 to 240 of 200 mg methylprednisolone-equivalent steroid in 12 months"
    )


def test_a_late_entry_without_steroid_cannot_push_a_later_total_over() -> None:
    history = [lumbar_esi("2026-06-01", doses=(methylprednisolone("200"),))]
    late = lumbar_proposal("2026-03-01", doses=(lidocaine("20"),))
    result = one(MPE_12M, history, "2026-03-01", proposed=late)
    assert (result.status, result.blocking, result.judged_on) == (Status.WITHIN, False, None)


def test_a_correction_moving_a_record_earlier_is_judged_at_the_sessions_after_its_new_date() -> None:
    history = [lumbar_esi(d) for d in ("2026-05-01", "2026-06-01", "2026-07-01")]
    moved = lumbar_esi("2026-08-01", id=77)
    corrected = replace(lumbar_proposal("2026-04-01"), id=77)
    result = one(ESI_6M, [*history, moved], "2026-04-01", LS, proposed=corrected)
    assert (result.value, result.judged_on, result.blocking) == (D(4), day("2026-07-01"), True)


def test_the_first_date_within_for_a_late_entry_is_after_the_session_it_would_push_over() -> None:
    history = [lumbar_esi(d) for d in ("2026-05-01", "2026-06-01", "2026-07-01")]
    result = one(ESI_6M, history, "2026-04-01", LS, proposed=lumbar_proposal("2026-04-01"))
    # Anywhere up to 2026-07-01 the proposal makes 4 in some window; after it, 2026-05-01 must have left.
    assert result.next_allowed == day("2026-11-02")


def test_spacing_looks_at_the_next_session_as_well_as_the_previous() -> None:
    history = [lumbar_esi("2026-05-01"), lumbar_esi("2026-06-01")]
    result = one(ESI_SPACING, history, "2026-05-25", proposed=lumbar_proposal("2026-05-25"))
    assert (result.value, result.status) == (D(7), Status.OVER)
    assert [i.on for i in result.counted] == [day("2026-05-25"), day("2026-06-01")]
    assert result.next_allowed == day("2026-06-15")


# Booked sessions: provisional, counted, marked


def test_booked_sessions_count_toward_a_booking_and_are_marked_booked() -> None:
    history = [lumbar_esi("2026-09-01"), lumbar_esi("2026-10-01"), lumbar_esi("2026-12-02", id=-5, booked=True)]
    booking = lumbar_proposal("2026-12-08", booked=True)
    result = one(ESI_6M, history, "2026-12-08", LS, proposed=booking)
    assert (result.value, result.status, result.blocking) == (D(4), Status.OVER, True)
    assert result.explain().startswith("4 of 3 ESI sessions (lumbar/sacral, 1 booked) in 6 months")


def test_a_booking_before_another_booking_is_judged_at_the_later_booked_visit() -> None:
    history = [lumbar_esi("2026-09-01"), lumbar_esi("2026-10-01"), lumbar_esi("2026-12-08", id=-6, booked=True)]
    result = one(ESI_6M, history, "2026-12-02", LS, proposed=lumbar_proposal("2026-12-02", booked=True))
    assert (result.value, result.judged_on, result.blocking) == (D(4), day("2026-12-08"), True)
    assert result.explain().startswith("makes the booked ESI session (lumbar/sacral) on 2026-12-08 the 4th of 3")
