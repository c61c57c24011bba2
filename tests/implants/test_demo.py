"""The demo clinic tells the pathways' story: a stimulator patient mid-trial and a pump patient due a refill."""

import pytest
from django.utils import timezone

from implants.models import Pathway
from implants.panels import summary, with_rule
from implants.rules import Stage
from tests.conftest import seed_demo

pytestmark = pytest.mark.django_db


def test_a_stimulator_patient_is_mid_trial_with_the_diary_kept_so_far(demo):
    today = timezone.localdate()
    trial = with_rule(Pathway.objects.filter(device="scs")).get()
    assert trial.psych_cleared is True
    assert trial.trial_start is not None
    assert trial.trial_end is not None
    assert trial.trial_start < today < trial.trial_end
    said = summary(trial, today)
    assert said["stage"] == Stage.TRIAL
    assert said["trial"].successful is True
    assert said["missing"] == ["Trial diary: 3 of 4 days recorded."]


def test_a_pump_patient_is_due_a_refill_today(demo):
    pump = Pathway.objects.get(device="pump")
    assert pump.next_refill_due == timezone.localdate()
    assert pump.refills.count() == 4


def test_a_second_run_opens_nothing_more(demo):
    assert "Demo pathways: in place." in seed_demo()
    assert Pathway.objects.count() == 2
