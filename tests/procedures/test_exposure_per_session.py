"""Exposure engine: spacing between sessions and per-session levels and dose."""

from __future__ import annotations

import pytest

from procedures.exposure import (
    Rule,
    RuleKind,
    Status,
    evaluate,
)
from tests.procedures.exposure_helpers import (
    ESI_DOSE,
    ESI_SPACING,
    IL_LEVELS,
    LS,
    TF_LEVELS,
    D,
    cervical_esi,
    day,
    dexamethasone,
    injection,
    lumbar_esi,
    lumbar_proposal,
    methylprednisolone,
    one,
    triamcinolone,
)

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
        [lumbar_esi("2025-04-01", doses=(methylprednisolone("80"),))],
        "2025-05-01",
        proposed=proposed,
    )
    assert (result.value, result.status, result.blocking) == (D("53.30"), Status.OVER, False)
    assert result.explain() == (
        "53.3 mg methylprednisolone-equivalent in this ESI session (limit 40 mg); over the limit"
    )
    at_limit = one(ESI_DOSE, [], "2025-05-01", proposed=lumbar_proposal("2025-05-01", doses=(triamcinolone("40"),)))
    assert at_limit.status is Status.AT_LIMIT
