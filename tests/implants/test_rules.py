"""Where a patient stands on a stimulator or pump pathway, as pure functions of plain facts (no database)."""

import dataclasses
import datetime
from decimal import Decimal

import pytest

from implants.rules import Facts, Stage, TrialRule, implant_warning, judge_trial, missing, reservoir_dry_on, stage

TODAY = datetime.date(2027, 3, 10)
SCS_RULE = TrialRule(50, 3, "BCBS FL MP-328")


def facts(**changes: object) -> Facts:
    """A stimulator patient cleared, mid-way through a week's trial with two good days recorded."""
    values: dict[str, object] = {
        "device": "scs",
        "psych_on": datetime.date(2027, 2, 20),
        "psych_cleared": True,
        "trial_start": datetime.date(2027, 3, 8),
        "trial_end": datetime.date(2027, 3, 14),
        "diary_days": 2,
        "diary_relief_total": 130,
        "decision": "",
        "implanted_on": None,
        "serials_missing": False,
        "closed": False,
        "next_refill_due": None,
    }
    return Facts(**(values | changes))  # type: ignore[arg-type]


class TestTheTrialVerdict:
    def test_the_mean_of_the_days_at_the_threshold_succeeds(self):
        result = judge_trial(4, 200, SCS_RULE)
        assert result.successful is True
        assert result.mean_relief_pct == 50
        assert result.because == "50% mean relief over 4 diary days: meets ≥ 50% (BCBS FL MP-328)."

    def test_just_under_the_threshold_fails(self):
        result = judge_trial(4, 196, SCS_RULE)
        assert result.successful is False
        assert "below the 50% the rule asks" in result.because

    def test_too_few_days_are_not_judged_yet(self):
        result = judge_trial(2, 180, SCS_RULE)
        assert result.successful is None
        assert result.because == "90% mean relief over 2 diary days; the rule judges after 3 days."

    def test_no_diary_says_so(self):
        assert judge_trial(0, 0, SCS_RULE).successful is None

    def test_one_great_day_cannot_carry_a_poor_week(self):
        # Five days at 20% and one at 100%: 33% mean.
        assert judge_trial(6, 5 * 20 + 100, SCS_RULE).successful is False

    def test_the_threshold_is_the_rule_s_not_a_constant(self):
        assert judge_trial(3, 3 * 60, TrialRule(70, 3, "clinic policy")).successful is False
        assert judge_trial(3, 3 * 60, TrialRule(60, 3, "clinic policy")).successful is True


class TestTheStage:
    def test_not_cleared_is_still_evaluation(self):
        assert stage(facts(psych_on=None, psych_cleared=None, trial_start=None, trial_end=None), TODAY) == (
            Stage.EVALUATION
        )

    def test_cleared_without_a_trial_is_the_trial_to_schedule(self):
        assert stage(facts(trial_start=None, trial_end=None), TODAY) == Stage.TRIAL

    def test_during_the_trial(self):
        assert stage(facts(), TODAY) == Stage.TRIAL

    def test_after_the_trial_ends_the_decision_is_due(self):
        assert stage(facts(), datetime.date(2027, 3, 15)) == Stage.DECISION

    def test_proceed_moves_to_the_implant_and_the_implant_to_follow_up(self):
        assert stage(facts(decision="proceed"), TODAY) == Stage.IMPLANT
        assert stage(facts(decision="proceed", implanted_on=TODAY), TODAY) == Stage.FOLLOW_UP

    def test_closed_is_closed(self):
        assert stage(facts(closed=True, implanted_on=TODAY), TODAY) == Stage.CLOSED


class TestWhatIsMissing:
    def test_psych_clearance_not_documented(self):
        assert "Psych clearance not documented." in missing(facts(psych_on=None, psych_cleared=None), TODAY)

    def test_not_cleared_is_said(self):
        assert "The psychological evaluation did not clear the patient." in missing(facts(psych_cleared=False), TODAY)

    def test_diary_days_behind_the_calendar(self):
        # 8, 9 and 10 March have begun; two are recorded.
        assert missing(facts(), TODAY) == ["Trial diary: 2 of 3 days recorded."]

    def test_the_diary_is_due_only_for_the_trial_s_days(self):
        late = datetime.date(2027, 4, 1)
        assert "Trial diary: 2 of 7 days recorded." in missing(facts(), late)

    def test_an_ended_trial_without_a_decision(self):
        ended = facts(diary_days=7, diary_relief_total=420)
        assert missing(ended, datetime.date(2027, 3, 15)) == ["Trial ended: the decision is not recorded."]

    def test_serial_numbers_after_the_implant(self):
        assert missing(facts(decision="proceed", implanted_on=TODAY, serials_missing=True), TODAY) == [
            "Implant serial numbers not recorded."
        ]

    def test_a_missed_refill(self):
        pump = facts(device="pump", decision="proceed", implanted_on=datetime.date(2026, 1, 5))
        assert missing(dataclasses.replace(pump, next_refill_due=datetime.date(2027, 3, 9)), TODAY) == [
            "Refill missed: it was due Tue 9 Mar 2027."
        ]
        assert missing(dataclasses.replace(pump, next_refill_due=TODAY), TODAY) == []
        assert missing(pump, TODAY) == ["No refill recorded: the next refill date is not known."]

    def test_nothing_once_closed(self):
        assert missing(facts(closed=True, psych_on=None, psych_cleared=None), TODAY) == []


class TestTheImplantWarning:
    def test_a_successful_trial_and_a_decision_to_proceed_need_no_reason(self):
        assert implant_warning(facts(diary_days=5, diary_relief_total=300, decision="proceed"), SCS_RULE) is None

    def test_no_trial(self):
        warning = implant_warning(facts(trial_start=None, trial_end=None, diary_days=0, diary_relief_total=0), SCS_RULE)
        assert warning == "No SCS trial is recorded: an implant needs a successful trial first (BCBS FL MP-328)."

    def test_a_trial_below_the_threshold_even_with_a_decision_to_proceed(self):
        warning = implant_warning(facts(diary_days=5, diary_relief_total=150, decision="proceed"), SCS_RULE)
        assert warning == (
            "The SCS trial is not shown successful: 30% mean relief over 5 diary days: below the 50% the rule asks "
            "(BCBS FL MP-328)."
        )

    def test_a_decision_not_to_implant(self):
        warning = implant_warning(facts(diary_days=5, diary_relief_total=150, decision="stop"), SCS_RULE) or ""
        assert warning.startswith("The SCS trial was judged unsuccessful")

    def test_a_good_diary_but_no_decision_yet(self):
        warning = implant_warning(facts(diary_days=5, diary_relief_total=300), SCS_RULE)
        assert warning == "No decision to proceed is recorded for the SCS trial."

    def test_too_few_days_to_judge(self):
        assert "the rule judges after 3 days" in (implant_warning(facts(decision="proceed"), SCS_RULE) or "")


class TestTheReservoir:
    @pytest.mark.parametrize(
        ("volume", "concentration", "dose", "dry"),
        [
            # 40 mL of 25 mg/mL at 11 mg/day: 1000 mg lasts 90.9 days, so the 90th day is the last full one.
            ("40", "25", "11", datetime.date(2027, 5, 31)),
            ("20", "2", "0.5", datetime.date(2027, 5, 21)),
            # Ziconotide is dosed in micrograms: 20 mL of 0.1 mg/mL at 2.4 µg/day lasts 833 days.
            ("20", "0.1", "0.0024", datetime.date(2029, 6, 12)),
        ],
    )
    def test_the_reservoir_runs_dry_after_whole_days(self, volume, concentration, dose, dry):
        start = datetime.date(2027, 3, 2)
        assert reservoir_dry_on(start, Decimal(volume), Decimal(concentration), Decimal(dose)) == dry

    def test_across_a_leap_day(self):
        assert reservoir_dry_on(datetime.date(2028, 2, 28), Decimal("2"), Decimal("1"), Decimal("1")) == (
            datetime.date(2028, 3, 1)
        )
