"""Outcome-rules engine (outcomes.rules): pure, no database. Thresholds from the shipped rules (domain.md §4)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes.rules import Duration, Kind, OutcomeRule, Point, Response, Verdict, advise, evaluate, qualifies

REPEAT_ESI = OutcomeRule("repeat-esi", "Repeat ESI", Kind.REPEAT, "esi", "esi", "", 50, 90, 1, 0, "LCD ESI")
RFA_CANDIDACY = OutcomeRule(
    "rfa-candidacy", "RFA candidacy", Kind.CANDIDACY, "rfa", "mbb", "diagnostic", 80, 0, 2, 14, "LCD L38803"
)
REPEAT_RFA = OutcomeRule("repeat-rfa", "Repeat RFA", Kind.REPEAT, "rfa", "rfa", "", 50, 182, 1, 0, "LCD L38803")
SI_DIAGNOSTIC = OutcomeRule(
    "si-diagnostic", "SI positive", Kind.DIAGNOSTIC, "si_joint", "si_joint", "diagnostic", 75, 0, 1, 0, "L39462"
)
REPEAT_TPI = OutcomeRule("repeat-tpi", "Repeat TPI", Kind.REPEAT, "tpi", "tpi", "", 50, 42, 1, 0, "L34211")
SCS_IMPLANT = OutcomeRule("scs-implant", "SCS", Kind.CANDIDACY, "scs", "scs", "diagnostic", 50, 0, 1, 0, "MP-328")
ALL = [REPEAT_ESI, RFA_CANDIDACY, REPEAT_RFA, SI_DIAGNOSTIC, REPEAT_TPI, SCS_IMPLANT]

_ids = itertools.count(1)


def day(iso: str) -> date:
    return date.fromisoformat(iso)


def response(family: str, on: str, *points: Point, intent: str = "therapeutic", now: int | None = None) -> Response:
    return Response(next(_ids), day(on), family, intent, family.upper(), now, tuple(points))


def mbb(on: str, relief: int | None, intent: str = "diagnostic") -> Response:
    return response("mbb", on, intent=intent, now=relief)


def esi(on: str, *points: Point, now: int | None = None) -> Response:
    return response("esi", on, *points, now=now)


def only(rule: OutcomeRule, history: list[Response], **kwargs: object) -> Verdict:
    [verdict] = evaluate(history, [rule], **kwargs)  # type: ignore[arg-type]
    return verdict


# Best relief and sustained days


def test_best_relief_is_the_largest_of_the_immediate_relief_and_every_follow_up() -> None:
    assert esi("2026-01-05", Point(14, 60), Point(42, 75, None), Point(91, 40, 70), now=70).best_relief_pct == 75
    assert esi("2026-01-05", now=90).best_relief_pct == 90
    assert esi("2026-01-05").best_relief_pct is None


def test_relief_that_ended_lasted_its_recorded_days_and_ongoing_relief_lasts_until_the_call() -> None:
    ended = esi("2026-01-05", Point(14, 70), Point(91, 60, 75))
    assert ended.relief_duration(50) == Duration(75, False)
    ongoing = esi("2026-01-05", Point(14, 70), Point(42, 65), Point(91, 60))
    assert ongoing.relief_duration(50) == Duration(91, True)


def test_sustained_days_depend_on_the_threshold() -> None:
    response = esi("2026-01-05", Point(14, 85), Point(42, 60), Point(91, 55))
    assert response.sustained_days(50) == 91
    assert response.sustained_days(80) == 14
    assert response.sustained_days(90) == 0


def test_a_follow_up_below_the_threshold_sustains_nothing_even_with_long_recorded_days() -> None:
    assert esi("2026-01-05", Point(91, 40, 80)).sustained_days(50) == 0


def test_without_a_follow_up_recording_relief_the_duration_is_unknown() -> None:
    assert esi("2026-01-05", now=90).relief_duration(50) is None


# Repeat ESI: ≥ 50% sustained ≥ 90 days


def test_a_first_esi_is_not_judged_by_the_repeat_rule() -> None:
    verdict = only(REPEAT_ESI, [mbb("2026-01-05", 90)])
    assert (verdict.eligible, verdict.answer) == (None, "not applicable")
    assert verdict.because == "first procedure of its kind: no earlier ESI is documented"


@pytest.mark.parametrize(("lasted", "eligible"), [(89, False), (90, True)])
def test_a_repeat_esi_needs_relief_sustained_90_days(lasted: int, eligible: bool) -> None:
    verdict = only(REPEAT_ESI, [esi("2026-01-05", Point(14, 70), Point(91, 60, lasted))])
    assert verdict.eligible is eligible


@pytest.mark.parametrize(("relief", "eligible"), [(49, False), (50, True)])
def test_a_repeat_esi_needs_50_percent_relief(relief: int, eligible: bool) -> None:
    assert only(REPEAT_ESI, [esi("2026-01-05", Point(91, relief))]).eligible is eligible


def test_relief_still_ongoing_at_the_three_month_call_makes_a_repeat_eligible() -> None:
    verdict = only(REPEAT_ESI, [esi("2026-01-05", Point(14, 70), Point(95, 60))])
    assert verdict.eligible is True
    assert verdict.because == (
        "the ESI on 2026-01-05 gave 70%, ≥ 50% for 95 days so far (still ongoing at the last call) "
        "(at least 90 days required)"
    )
    assert verdict.sentence.startswith("Repeat ESI: eligible, because the ESI on 2026-01-05")


def test_relief_ongoing_but_too_recent_is_not_yet_enough() -> None:
    verdict = only(REPEAT_ESI, [esi("2026-01-05", Point(14, 70), Point(60, 60))])
    assert (verdict.eligible, verdict.answer) == (False, "not yet")
    assert "60 days so far" in verdict.because


def test_relief_that_faded_after_two_weeks_is_not_a_documented_response() -> None:
    verdict = only(REPEAT_ESI, [esi("2026-01-05", Point(14, 70), Point(91, 30, 20))])
    assert verdict.eligible is False
    assert verdict.because == (
        "the ESI on 2026-01-05 gave 70%, ≥ 50% for 14 days so far (still ongoing at the last call) "
        "(at least 90 days required)"
    )


def test_no_follow_up_means_no_documented_response() -> None:
    verdict = only(REPEAT_ESI, [esi("2026-01-05")])
    assert (verdict.eligible, verdict.because) == (False, "no documented response to the ESI on 2026-01-05")


def test_relief_right_after_the_injection_alone_says_nothing_about_three_months() -> None:
    verdict = only(REPEAT_ESI, [esi("2026-01-05", now=80)])
    assert verdict.eligible is False
    assert verdict.because.startswith("no documented response to the ESI on 2026-01-05: 80% relief right after it")


def test_too_little_relief_is_named() -> None:
    verdict = only(REPEAT_ESI, [esi("2026-01-05", Point(14, 30), Point(91, 20))])
    assert verdict.because == "the ESI on 2026-01-05 gave 30% at best, below 50%"


@pytest.mark.parametrize(
    ("earlier", "latest", "eligible"),
    [(Point(91, 80), Point(91, 20), False), (Point(91, 20), Point(91, 80), True)],
)
def test_the_most_recent_esi_decides(earlier: Point, latest: Point, eligible: bool) -> None:
    history = [esi("2025-12-01", latest), esi("2025-03-01", earlier)]
    verdict = only(REPEAT_ESI, history)
    assert verdict.eligible is eligible
    assert verdict.evidence == (history[0],)


@pytest.mark.parametrize(("rule", "days"), [(REPEAT_TPI, 42), (REPEAT_RFA, 182)])
def test_repeat_tpi_and_rfa_have_their_own_durations(rule: OutcomeRule, days: int) -> None:
    def one(lasted: int) -> Response:
        return response(rule.target_family, "2025-01-06", Point(days + 10, 60, lasted))

    assert only(rule, [one(days - 1)]).eligible is False
    assert only(rule, [one(days)]).eligible is True


# RFA candidacy: two diagnostic MBBs, each ≥ 80%, ≥ 14 days apart


def test_two_positive_blocks_two_weeks_apart_make_an_rfa_candidate() -> None:
    verdict = only(RFA_CANDIDACY, [mbb("2026-05-20", 90), mbb("2026-05-02", 85)])
    assert verdict.sentence == (
        "RFA candidate: yes, because two diagnostic MBBs on 2026-05-02 (85%) and 2026-05-20 (90%) gave ≥ 80% relief, "
        "18 days apart"
    )
    assert [r.on for r in verdict.evidence] == [day("2026-05-02"), day("2026-05-20")]


@pytest.mark.parametrize(("relief", "eligible"), [(79, False), (80, True)])
def test_each_block_needs_80_percent(relief: int, eligible: bool) -> None:
    assert only(RFA_CANDIDACY, [mbb("2026-05-02", 90), mbb("2026-05-20", relief)]).eligible is eligible


@pytest.mark.parametrize(("gap", "eligible"), [(13, False), (14, True)])
def test_the_blocks_must_be_14_days_apart(gap: int, eligible: bool) -> None:
    second = (day("2026-05-02") + timedelta(days=gap)).isoformat()
    verdict = only(RFA_CANDIDACY, [mbb("2026-05-02", 85), mbb(second, 90)])
    assert verdict.eligible is eligible
    if not eligible:
        assert verdict.because == (
            "the qualifying MBBs on 2026-05-02 (85%) and 2026-05-15 (90%) are only 13 days apart (at least 14 required)"
        )


def test_one_block_is_not_enough_and_the_failing_one_is_named() -> None:
    assert only(RFA_CANDIDACY, [mbb("2026-05-02", 85)]).because == "only one qualifying MBB (2026-05-02, 85%)"
    verdict = only(RFA_CANDIDACY, [mbb("2026-05-02", 85), mbb("2026-05-20", 60)])
    assert verdict.sentence == (
        "RFA candidate: no, because only one qualifying MBB (2026-05-02, 85%); the one on 2026-05-20 gave 60%"
    )


def test_no_block_at_all() -> None:
    verdict = only(RFA_CANDIDACY, [esi("2026-05-02", Point(91, 90))])
    assert verdict.sentence == "RFA candidate: no, because no medial branch block is documented"


def test_a_block_without_documented_relief_does_not_count() -> None:
    verdict = only(RFA_CANDIDACY, [mbb("2026-05-02", None), mbb("2026-05-20", 50)])
    assert verdict.because == (
        "no qualifying MBB (≥ 80% relief): the MBB on 2026-05-02 has no documented relief; "
        "the MBB on 2026-05-20 gave 50%"
    )


def test_relief_over_the_anaesthetic_window_follow_up_counts_for_a_block() -> None:
    blocks = [response("mbb", "2026-05-02", Point(0, 85), intent="diagnostic"), mbb("2026-05-20", 90)]
    assert only(RFA_CANDIDACY, blocks).eligible is True


def test_a_therapeutic_medial_branch_block_is_not_diagnostic_evidence() -> None:
    assert only(RFA_CANDIDACY, [mbb("2026-05-02", 90), mbb("2026-05-20", 90, "therapeutic")]).eligible is False


def test_a_block_too_close_is_skipped_when_a_later_one_is_far_enough() -> None:
    verdict = only(RFA_CANDIDACY, [mbb("2026-05-02", 85), mbb("2026-05-07", 95), mbb("2026-05-22", 90)])
    assert verdict.eligible is True
    assert "on 2026-05-02 (85%) and 2026-05-22 (90%)" in verdict.because


def test_blocks_after_the_evaluation_date_and_the_record_being_edited_do_not_count() -> None:
    first, second = mbb("2026-05-02", 85), mbb("2026-05-20", 90)
    assert only(RFA_CANDIDACY, [first, second], on=day("2026-05-19")).eligible is False
    assert only(RFA_CANDIDACY, [first, second], exclude_id=second.procedure_id).eligible is False
    assert only(RFA_CANDIDACY, [first, second], on=day("2026-05-20")).eligible is True


def test_an_scs_trial_with_half_relief_makes_an_implant_candidate() -> None:
    trial = response("scs", "2026-03-02", Point(7, 50), intent="diagnostic")
    assert only(SCS_IMPLANT, [trial]).sentence == (
        "SCS implant candidate: yes, because the SCS trial on 2026-03-02 (50%) gave ≥ 50% relief"
    )
    assert only(SCS_IMPLANT, []).because == "no spinal cord stimulator trial is documented"


# SI diagnostic block: positive at ≥ 75%


@pytest.mark.parametrize(("relief", "eligible"), [(74, False), (75, True)])
def test_an_si_block_is_positive_at_75_percent(relief: int, eligible: bool) -> None:
    block = response("si_joint", "2026-02-02", intent="diagnostic", now=relief)
    assert only(SI_DIAGNOSTIC, [block]).eligible is eligible


def test_every_si_block_is_named_and_the_latest_decides() -> None:
    blocks = [
        response("si_joint", "2026-01-05", intent="diagnostic", now=60),
        response("si_joint", "2026-02-02", intent="diagnostic", now=80),
        response("si_joint", "2026-02-20", now=90),  # a therapeutic injection is not a diagnostic block
    ]
    verdict = only(SI_DIAGNOSTIC, blocks)
    assert verdict.sentence == (
        "SI block positive: yes, because the SI block on 2026-02-02 gave 80% (positive at ≥ 75%); "
        "earlier: 2026-01-05 60% negative"
    )
    assert len(verdict.evidence) == 2


def test_no_si_block_is_not_known() -> None:
    verdict = only(SI_DIAGNOSTIC, [])
    assert (verdict.eligible, verdict.answer) == (None, "not known")
    assert verdict.because == "no diagnostic SI joint block is documented"


# Advice for the procedure form


def advice(history: list[Response], family: str, on: str, intent: str = "therapeutic", **kw: int) -> list[str]:
    return [v.warning for v in advise(history, ALL, family=family, intent=intent, on=day(on), **kw)]


def test_an_rfa_without_qualifying_blocks_is_warned_with_the_source() -> None:
    assert advice([mbb("2026-05-02", 85)], "rfa", "2026-06-01") == [
        "RFA without qualifying medial branch blocks: only one qualifying MBB (2026-05-02, 85%). (LCD L38803)"
    ]
    assert advice([mbb("2026-05-02", 85), mbb("2026-05-20", 90)], "rfa", "2026-06-01") == []


def test_a_repeat_esi_without_a_documented_response_is_warned_and_a_first_one_is_not() -> None:
    assert advice([], "esi", "2026-06-01") == []
    assert advice([esi("2026-05-01")], "esi", "2026-06-01") == [
        "Repeat ESI without a documented response: no documented response to the ESI on 2026-05-01. (LCD ESI)"
    ]
    assert advice([esi("2026-01-05", Point(91, 60))], "esi", "2026-06-01") == []


def test_editing_a_first_esi_does_not_compare_it_with_itself() -> None:
    record = esi("2026-05-01")
    assert advice([record], "esi", "2026-05-01", procedure_id=record.procedure_id) == []


def test_a_repeat_rfa_is_judged_on_the_last_rfa_not_on_candidacy() -> None:
    history = [response("rfa", "2025-06-02", Point(91, 70, 100))]
    assert advice(history, "rfa", "2026-06-01") == [
        "Repeat RFA without a documented response: the RFA on 2025-06-02 gave 70%, ≥ 50% for 100 days "
        "(at least 182 days required). (LCD L38803)"
    ]


def test_an_scs_trial_is_not_judged_by_the_implant_rule_but_an_implant_is() -> None:
    assert advice([], "scs", "2026-06-01", intent="diagnostic") == []
    assert advice([], "scs", "2026-06-01") == [
        "SCS implant without a qualifying spinal cord stimulator trial: no spinal cord stimulator trial is "
        "documented. (MP-328)"
    ]


def test_a_repeat_tpi_is_warned_and_diagnostic_rules_never_warn() -> None:
    assert advice([response("tpi", "2026-04-01", Point(14, 60))], "tpi", "2026-06-01")[0].startswith(
        "Repeat TPI without a documented response: the TPI on 2026-04-01 gave 60%, ≥ 50% for 14 days so far"
    )
    negative = response("si_joint", "2026-05-01", intent="diagnostic", now=20)
    assert advice([negative], "si_joint", "2026-06-01") == []


# Properties


@given(st.permutations(range(5)))
def test_the_order_of_the_history_does_not_matter(order: list[int]) -> None:
    history = [
        mbb("2026-05-02", 85),
        mbb("2026-05-07", 60),
        mbb("2026-05-20", 90),
        esi("2026-01-05", Point(91, 60)),
        esi("2026-04-01", Point(14, 70)),
    ]
    shuffled = [history[i] for i in order]
    assert evaluate(shuffled, ALL) == evaluate(history, ALL)


@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 100), st.none() | st.integers(0, 400)), max_size=5))
def test_a_response_qualifies_exactly_when_its_relief_and_duration_reach_the_rule(
    points: list[tuple[int, int, int | None]],
) -> None:
    candidate = esi("2026-01-05", *(Point(*p) for p in points))
    sustained = candidate.sustained_days(50)
    expected = None if not points else (max(p[1] for p in points) >= 50 and (sustained or 0) >= 90)
    assert qualifies(candidate, REPEAT_ESI) is expected
