"""Where a patient stands on a stimulator or pump pathway: pure functions of plain facts, no database.

A pathway runs evaluation → trial → decision → implant → follow-up. A trial succeeds by a rule that is data
(`TrialRule`: the lowest mean relief over the trial diary's days and the fewest days recorded, with its source;
shipped at ≥ 50% for the spinal cord stimulator, domain.md §4, BCBS FL MP-328). The mean of the days' relief is the
measure: every day the patient recorded counts once, so one good day at the end cannot carry a poor week.

`missing` lists, in plain words, what the chart should ask for next; `implant_warning` what a physician reads before
recording an implant that no successful trial supports (they may go on, with a reason that is kept).
A pump's refill is due before its reservoir runs dry at the prescribed rate (`reservoir_dry_on`).
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

SCS, PUMP = "scs", "pump"
PROCEED, STOP = "proceed", "stop"
DEVICE_NOUNS = {SCS: "SCS", PUMP: "pump"}


class Stage(StrEnum):
    EVALUATION = "Evaluation"
    TRIAL = "Trial"
    DECISION = "Decision"
    IMPLANT = "Implant"
    FOLLOW_UP = "Follow-up"
    CLOSED = "Closed"


STAGES = (Stage.EVALUATION, Stage.TRIAL, Stage.DECISION, Stage.IMPLANT, Stage.FOLLOW_UP)


# What a clinic that removed a device's rule row is judged by, said to be the default.
DEFAULT_RULE_RELIEF = 50


@dataclass(frozen=True)
class TrialRule:
    min_relief_pct: int
    min_days: int
    source: str

    @classmethod
    def default(cls) -> "TrialRule":
        return cls(DEFAULT_RULE_RELIEF, 1, f"no rule configured: the default of {DEFAULT_RULE_RELIEF}%")


@dataclass(frozen=True)
class TrialResult:
    days: int
    mean_relief_pct: Decimal | None
    # None: too few diary days to judge yet.
    successful: bool | None
    because: str


@dataclass(frozen=True)
class Facts:
    device: str
    psych_on: datetime.date | None
    psych_cleared: bool | None
    trial_start: datetime.date | None
    trial_end: datetime.date | None
    diary_days: int
    diary_relief_total: int
    decision: str
    implanted_on: datetime.date | None
    serials_missing: bool
    closed: bool
    next_refill_due: datetime.date | None = None


def judge_trial(days: int, relief_total: int, rule: TrialRule) -> TrialResult:
    """The diary against the rule: the mean of the days' relief, once enough days are recorded."""
    if days == 0:
        return TrialResult(0, None, None, "No diary days recorded yet.")
    mean = (Decimal(relief_total) / days).quantize(Decimal("1"))
    measured = f"{mean}% mean relief over {days} diary day{'s' if days != 1 else ''}"
    if days < rule.min_days:
        return TrialResult(days, mean, None, f"{measured}; the rule judges after {rule.min_days} days.")
    if mean >= rule.min_relief_pct:
        return TrialResult(days, mean, True, f"{measured}: meets ≥ {rule.min_relief_pct}% ({rule.source}).")
    return TrialResult(
        days, mean, False, f"{measured}: below the {rule.min_relief_pct}% the rule asks ({rule.source})."
    )


def trial_days_due(facts: Facts, today: datetime.date) -> int:
    """The trial days that have begun by today: the diary should have an entry for each."""
    if facts.trial_start is None or facts.trial_start > today:
        return 0
    last = min(facts.trial_end, today) if facts.trial_end is not None else today
    return (last - facts.trial_start).days + 1


def stage(facts: Facts, today: datetime.date) -> Stage:
    if facts.closed:
        return Stage.CLOSED
    if facts.implanted_on is not None:
        return Stage.FOLLOW_UP
    if facts.decision == PROCEED:
        return Stage.IMPLANT
    if facts.decision == STOP:
        return Stage.DECISION
    if facts.trial_start is not None:
        return Stage.DECISION if facts.trial_end is not None and facts.trial_end < today else Stage.TRIAL
    return Stage.EVALUATION if facts.psych_cleared is not True else Stage.TRIAL


def missing(facts: Facts, today: datetime.date) -> list[str]:
    """What the record still lacks for the stage the patient is at, most pressing first."""
    if facts.closed:
        return []
    gaps: list[str] = []
    if facts.psych_on is None:
        gaps.append("Psych clearance not documented.")
    elif facts.psych_cleared is False:
        gaps.append("The psychological evaluation did not clear the patient.")
    if facts.implanted_on is None:
        if facts.trial_start is None:
            gaps.append("Trial not scheduled: no start date.")
        else:
            due = trial_days_due(facts, today)
            if facts.diary_days < due:
                gaps.append(f"Trial diary: {facts.diary_days} of {due} days recorded.")
            if facts.trial_end is not None and facts.trial_end < today and facts.decision == "":
                gaps.append("Trial ended: the decision is not recorded.")
    else:
        if facts.serials_missing:
            gaps.append("Implant serial numbers not recorded.")
        if facts.device == PUMP and facts.next_refill_due is None:
            gaps.append("No refill recorded: the next refill date is not known.")
        elif facts.device == PUMP and facts.next_refill_due is not None and facts.next_refill_due < today:
            gaps.append(f"Refill missed: it was due {facts.next_refill_due:%a %-d %b %Y}.")
    return gaps


def implant_warning(facts: Facts, rule: TrialRule) -> str | None:
    """Why an implant now is not supported by a successful trial, or None when it is."""
    noun = DEVICE_NOUNS[facts.device]
    result = judge_trial(facts.diary_days, facts.diary_relief_total, rule)
    if facts.decision == PROCEED and result.successful:
        return None
    if facts.trial_start is None:
        return f"No {noun} trial is recorded: an implant needs a successful trial first ({rule.source})."
    if facts.decision == STOP:
        return f"The {noun} trial was judged unsuccessful: {result.because}"
    if result.successful is not True:
        return f"The {noun} trial is not shown successful: {result.because}"
    return f"No decision to proceed is recorded for the {noun} trial."


def reservoir_dry_on(
    refilled_on: datetime.date, volume_ml: Decimal, concentration_mg_ml: Decimal, daily_dose_mg: Decimal
) -> datetime.date:
    """The day the reservoir runs dry at the prescribed rate: the drug it holds over the daily dose, whole days."""
    days = math.floor(volume_ml * concentration_mg_ml / daily_dose_mg)
    return refilled_on + datetime.timedelta(days=days)
