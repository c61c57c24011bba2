"""Exposure engine: hypothesis properties over random histories and proposals."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.exposure import (
    Injection,
    Region,
    Rule,
    RuleKind,
    RuleResult,
    evaluate,
)
from tests.procedures.exposure_helpers import (
    BCBS_ESI,
    ESI_6M,
    ESI_12M,
    ESI_DOSE,
    ESI_SPACING,
    IL_LEVELS,
    MPE_12M,
    MPE_36M_BONE,
    SI_DIAGNOSTIC,
    SI_THERAPEUTIC,
    TF_LEVELS,
    TPI_12M,
    D,
    betamethasone,
    dexamethasone,
    hydrocortisone,
    lidocaine,
    methylprednisolone,
    triamcinolone,
)

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

# The engine is given every date it reads: the suite's own "today" never reaches it.
pytestmark = pytest.mark.fixed_days


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
        levels=draw(st.frozensets(st.sampled_from(["L3-L4", "L4-L5", "L5-S1"]))),
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
