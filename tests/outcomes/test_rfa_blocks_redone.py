"""Repeat RFA (domain.md §4): when the last RFA was more than two years ago, the diagnostic blocks must be redone.

The RFA candidacy rule renews (`renew_after_months`): two qualifying MBBs must then be dated after that last RFA,
and the chart and the procedure form say so with its date. The engine's specifications first (pure), then the
shipped rule, the chart's line and the form's warning (database).
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import replace
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from outcomes.models import FollowUp, OutcomeRule
from outcomes.rules import Kind, Point, Response, Verdict, advise, evaluate
from outcomes.rules import OutcomeRule as Rule
from outcomes.services import followup_record
from procedures.models import ProcedureType
from tests import factories

RFA_CANDIDACY = Rule(
    "rfa-candidacy", "RFA candidacy", Kind.CANDIDACY, "rfa", "mbb", "diagnostic", 80, 0, 2, 14, "LCD L38803"
)
RENEWING = replace(RFA_CANDIDACY, renew_after_months=24)
REPEAT_RFA = Rule("repeat-rfa", "Repeat RFA", Kind.REPEAT, "rfa", "rfa", "", 50, 182, 1, 0, "LCD L38803")

_ids = itertools.count(1)


def day(iso: str) -> datetime.date:
    return datetime.date.fromisoformat(iso)


def mbb(on: str, relief: int) -> Response:
    return Response(next(_ids), day(on), "mbb", "diagnostic", "MBB", relief)


def rfa(on: str, *points: Point) -> Response:
    return Response(next(_ids), day(on), "rfa", "therapeutic", "RFA", None, points)


def judged(history: list[Response], on: str | None, rule: Rule = RENEWING) -> Verdict:
    [verdict] = evaluate(history, [rule], on=day(on) if on else None)
    return verdict


def said(verdict: Verdict) -> tuple[bool | None, str, tuple[Response, ...]]:
    """A verdict without its rule, to compare two rules' verdicts."""
    return verdict.eligible, verdict.because, verdict.evidence


# The engine


OLD_BLOCKS = [mbb("2022-12-01", 85), mbb("2022-12-20", 90)]


def test_blocks_from_before_an_rfa_over_two_years_old_no_longer_make_a_candidate() -> None:
    verdict = judged([*OLD_BLOCKS, rfa("2023-01-10")], "2025-06-01")
    assert verdict.eligible is False
    assert verdict.sentence == (
        "RFA candidate: no, because the last RFA was on 2023-01-10, more than two years ago, so the diagnostic MBBs "
        "must be redone after it: no medial branch block after 2023-01-10 is documented"
    )
    assert verdict.evidence == ()


def test_two_blocks_redone_after_the_old_rfa_make_a_candidate_again() -> None:
    redone = [mbb("2025-05-01", 85), mbb("2025-05-20", 90)]
    verdict = judged([*OLD_BLOCKS, rfa("2023-01-10"), *redone], "2025-06-01")
    assert verdict.eligible is True
    assert verdict.sentence == (
        "RFA candidate: yes, because the last RFA was on 2023-01-10, more than two years ago, so the diagnostic "
        "MBBs must be redone after it: two diagnostic MBBs on 2025-05-01 (85%) and 2025-05-20 (90%) gave ≥ 80% "
        "relief, 19 days apart"
    )
    assert verdict.evidence == tuple(redone)


def test_one_block_redone_is_not_enough_and_the_old_ones_are_not_counted_with_it() -> None:
    verdict = judged([*OLD_BLOCKS, rfa("2023-01-10"), mbb("2025-05-01", 85)], "2025-06-01")
    assert verdict.eligible is False
    assert verdict.because.endswith("must be redone after it: only one qualifying MBB (2025-05-01, 85%)")


def test_a_recent_rfa_leaves_the_candidacy_on_the_blocks_before_it() -> None:
    history = [*OLD_BLOCKS, rfa("2024-01-10")]
    assert said(judged(history, "2025-06-01")) == said(judged(history, "2025-06-01", RFA_CANDIDACY))
    assert judged(history, "2025-06-01").eligible is True


def test_without_an_rfa_the_rule_reads_every_block_as_before() -> None:
    assert said(judged(OLD_BLOCKS, "2026-06-01")) == said(judged(OLD_BLOCKS, "2026-06-01", RFA_CANDIDACY))


def test_the_last_rfa_decides_not_an_older_one() -> None:
    assert judged([rfa("2021-01-10"), *OLD_BLOCKS, rfa("2024-01-10")], "2025-06-01").eligible is True


def test_without_a_day_to_judge_on_nothing_is_too_old() -> None:
    assert judged([*OLD_BLOCKS, rfa("2023-01-10")], None).eligible is True


@pytest.mark.parametrize(
    ("last_rfa", "on", "redo"),
    [
        ("2023-12-03", "2025-12-03", False),  # exactly two years: not more than two years ago
        ("2023-12-03", "2025-12-04", True),
        ("2024-02-29", "2026-02-28", False),  # two years after 29 Feb is 28 Feb
        ("2024-02-29", "2026-03-01", True),
        ("2022-03-01", "2024-03-01", False),  # across 29 Feb 2024: 731 days, still exactly two years
        ("2022-02-28", "2024-02-29", True),
    ],
)
def test_more_than_two_years_is_counted_in_calendar_months(last_rfa: str, on: str, redo: bool) -> None:
    blocks = [mbb("2021-01-04", 85), mbb("2021-01-25", 90)]
    verdict = judged([*blocks, rfa(last_rfa)], on)
    assert verdict.eligible is not redo
    assert ("must be redone" in verdict.because) is redo


def test_other_periods_are_worded_in_months_or_years() -> None:
    history = [*OLD_BLOCKS, rfa("2023-01-10")]
    assert "more than 18 months ago" in judged(history, "2025-06-01", replace(RENEWING, renew_after_months=18)).because
    assert "more than one year ago" in judged(history, "2025-06-01", replace(RENEWING, renew_after_months=12)).because


def warnings(history: list[Response], on: str) -> list[str]:
    rules = [RENEWING, REPEAT_RFA]
    return [v.warning for v in advise(history, rules, family="rfa", intent="therapeutic", on=day(on))]


def test_the_form_warns_that_the_blocks_must_be_redone_with_the_last_rfas_date() -> None:
    history = [*OLD_BLOCKS, rfa("2023-01-10", Point(182, 80))]
    assert warnings(history, "2025-06-01") == [
        "RFA without qualifying medial branch blocks: the last RFA was on 2023-01-10, more than two years ago, so "
        "the diagnostic MBBs must be redone after it: no medial branch block after 2023-01-10 is documented. "
        "(LCD L38803)"
    ]
    assert warnings([*history, mbb("2025-05-01", 85), mbb("2025-05-20", 90)], "2025-06-01") == []


def test_within_two_years_a_repeat_rfa_is_judged_on_its_response_not_on_blocks() -> None:
    history = [rfa("2024-01-10", Point(182, 80))]
    assert warnings(history, "2025-06-01") == []


# The shipped rule, the chart and the procedure form

TODAY = timezone.localdate()
MBB: dict[str, Any] = {"type_code": "mbb", "sites": (("L4-L5", "bilateral"),), "drugs": (("Bupivacaine", "5"),)}
RFA: dict[str, Any] = {"type_code": "rfa-facet", "sites": (("L4-L5", "bilateral"),), "drugs": ()}
SOURCE = (
    "LCD L38803 family: two diagnostic MBBs, each ≥ 80% relief, ≥ 2 weeks apart; "
    "redo the diagnostic blocks if the last RFA was more than 2 years ago"
)


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def record(procedure: Any, label: str, relief: int) -> None:
    followup_record(
        follow_up=FollowUp.objects.get(procedure=procedure, label=label),
        recorded_by=factories.physician_user(),
        relief_pct=relief,
        method="phone",
    )


def block(patient: Any, days_ago: int, relief: int) -> None:
    record(factories.procedure(patient, on=ago(days_ago), **MBB), "Anaesthetic window", relief)


def patient_with_an_old_rfa() -> tuple[Any, datetime.date]:
    """Two positive blocks, then an RFA 900 days ago whose relief lasted (so the repeat rule has nothing to say)."""
    patient = factories.patient()
    block(patient, 1000, 85)
    block(patient, 980, 90)
    record(factories.procedure(patient, on=ago(900), **RFA), "6 months", 80)
    return patient, ago(900)


@pytest.mark.django_db
def test_the_shipped_rfa_candidacy_renews_after_two_years() -> None:
    rule = OutcomeRule.objects.get(code="rfa-candidacy")
    assert (rule.renew_after_months, rule.source) == (24, SOURCE)


@pytest.mark.django_db
def test_only_a_candidacy_rule_can_renew() -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        OutcomeRule.objects.filter(code="repeat-rfa").update(renew_after_months=24)


@pytest.mark.django_db
def test_the_chart_says_the_blocks_must_be_redone_since_the_last_rfa(client: Any, physician: Any) -> None:
    patient, last_rfa = patient_with_an_old_rfa()
    client.force_login(physician)
    response = client.get(patient.get_absolute_url())
    [panel] = [p.context for p in response.context["panels"] if p.template == "outcomes/_chart_panel.html"]
    because = (
        f"the last RFA was on {last_rfa}, more than two years ago, so the diagnostic MBBs must be redone after it: "
        f"no medial branch block after {last_rfa} is documented"
    )
    assert f"RFA candidate: no, because {because}" in [verdict.sentence for verdict in panel["verdicts"]]
    assert because in response.content.decode()


@pytest.mark.django_db
def test_the_procedure_form_warns_that_the_blocks_must_be_redone(client: Any, physician: Any) -> None:
    patient, last_rfa = patient_with_an_old_rfa()
    entry = factories.esi_entry(patient, physician) | {
        "procedure_type": ProcedureType.objects.get(code="rfa-facet").pk,
        "site-1-place": "",
        "site-1-side": "",
        "med-0-drug": "",
        "med-0-dose_mg": "",
    }
    client.force_login(physician)
    response = client.post(reverse("procedures:check"), entry)
    assert response.status_code == 200
    assert list(response.context["advice"]) == [
        f"RFA without qualifying medial branch blocks: the last RFA was on {last_rfa}, more than two years ago, so "
        f"the diagnostic MBBs must be redone after it: no medial branch block after {last_rfa} is documented. "
        f"({SOURCE})",
    ]
    block(patient, 30, 85)
    block(patient, 10, 90)
    response = client.post(reverse("procedures:check"), entry)
    assert list(response.context["advice"]) == []
