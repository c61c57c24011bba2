"""The administrators' outcome screens: intervals and rules edited as data, with history; follow-ups read-only."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from outcomes.models import FollowUp, FollowUpInterval, OutcomeRule
from tests import factories
from tests.admin_pages import assert_nothing_can_be_deleted
from tests.clock import on_clinic_day
from tests.permissions import ADMIN_LOGIN, check

pytestmark = pytest.mark.django_db

MODELS = ["followupinterval", "outcomerule", "followup"]


def admin_url(model: str, view: str, *args) -> str:
    return reverse(f"admin:outcomes_{model}_{view}", args=args)


@pytest.fixture
def shipped(physician):
    """One object of each model: intervals and rules come from the migrations, follow-ups from logging."""
    procedure = factories.procedure(
        factories.patient(), on=timezone.localdate() - datetime.timedelta(days=20), physician=physician
    )
    return {
        "followupinterval": FollowUpInterval.objects.get(family="esi", label="6 weeks"),
        "outcomerule": OutcomeRule.objects.get(code="repeat-esi"),
        "followup": FollowUp.objects.get(procedure=procedure, label="2 weeks"),
    }


def interval_data(interval: FollowUpInterval, **changes):
    data = {
        "family": interval.family,
        "intent": interval.intent,
        "label": interval.label,
        "offset_days": interval.offset_days,
        "offset_hours": interval.offset_hours,
        "source": interval.source,
    }
    if interval.active:
        data["active"] = "on"
    return data | changes


def rule_data(rule: OutcomeRule, **changes):
    data = {
        field: getattr(rule, field)
        for field in (
            "code",
            "name",
            "kind",
            "target_family",
            "evidence_family",
            "evidence_intent",
            "min_relief_pct",
            "min_days",
            "min_count",
            "min_gap_days",
            "renew_after_months",
            "source",
        )
    }
    if rule.active:
        data["active"] = "on"
    return data | changes


@pytest.mark.parametrize("model", MODELS)
def test_the_administrator_opens_the_list_and_the_change_page_of_each_model(client, administrator, shipped, model):
    client.force_login(administrator)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "change", shipped[model].pk)).status_code == 200
    assert client.get(admin_url(model, "history", shipped[model].pk)).status_code == 200


@pytest.mark.parametrize("persona", ["physician", "nurse", "frontdesk"])
@pytest.mark.parametrize("model", MODELS)
def test_clinical_staff_are_sent_to_the_admin_login(client, request, persona, model):
    client.force_login(request.getfixturevalue(persona))
    check(client.get(admin_url(model, "changelist")), ADMIN_LOGIN)


def test_the_administrator_changes_an_interval_and_the_history_keeps_it(client, administrator, shipped):
    interval = shipped["followupinterval"]
    before = interval.history.count()
    client.force_login(administrator)
    response = client.post(
        admin_url("followupinterval", "change", interval.pk), interval_data(interval, offset_days=35)
    )
    assert response.status_code == 302
    interval.refresh_from_db()
    assert interval.offset_days == 35
    assert interval.history.count() == before + 1
    assert interval.history.latest().history_user == administrator


# A Wednesday: yesterday's procedure and its 35th day after are both Tuesdays, so no weekend moves the date.
@on_clinic_day(datetime.date(2026, 3, 11))
def test_a_changed_interval_schedules_the_next_procedures_follow_ups(client, administrator, shipped, physician):
    client.force_login(administrator)
    interval = shipped["followupinterval"]
    client.post(admin_url("followupinterval", "change", interval.pk), interval_data(interval, offset_days=35))
    day = timezone.localdate() - datetime.timedelta(days=1)
    procedure = factories.procedure(factories.patient(first_name="Next"), on=day, physician=physician)
    assert FollowUp.objects.get(procedure=procedure, label="6 weeks").due_on == datetime.date(2026, 4, 14)


def test_the_administrator_adds_an_interval(client, administrator):
    client.force_login(administrator)
    data = {
        "family": "tpi",
        "intent": "therapeutic",
        "label": "6 months",
        "offset_days": 182,
        "offset_hours": 0,
        "source": "Clinic audit plan",
        "active": "on",
    }
    assert client.post(admin_url("followupinterval", "add"), data).status_code == 302
    assert FollowUpInterval.objects.get(family="tpi", label="6 months").history.get().history_user == administrator


def test_the_administrator_changes_an_outcome_rule(client, administrator, shipped):
    rule = shipped["outcomerule"]
    client.force_login(administrator)
    response = client.post(admin_url("outcomerule", "change", rule.pk), rule_data(rule, min_days=14))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.min_days == 14
    assert rule.history.latest().history_user == administrator


def test_the_administrator_sees_and_sets_when_a_candidacy_must_be_redone(client, administrator):
    rule = OutcomeRule.objects.get(code="rfa-candidacy")
    client.force_login(administrator)
    form = client.get(admin_url("outcomerule", "change", rule.pk)).context["adminform"].form
    assert form["renew_after_months"].value() == 24
    response = client.post(admin_url("outcomerule", "change", rule.pk), rule_data(rule, renew_after_months=36))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.renew_after_months == 36


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"min_count": "0"}, "min_count", "At least one qualifying procedure is needed."),
        ({"min_relief_pct": "120"}, "min_relief_pct", "Relief is a percentage: 0 to 100."),
        ({"source": ""}, "source", "This field is required."),
        (
            {"renew_after_months": "24"},
            "renew_after_months",
            "Only a candidacy rule can ask for its qualifying procedures again.",
        ),
    ],
    ids=["count-0", "relief-over-100", "no-source", "renewing-repeat"],
)
def test_an_outcome_rule_that_breaks_a_constraint_is_refused_at_the_field(
    client, administrator, shipped, changes, field, message
):
    rule = shipped["outcomerule"]
    client.force_login(administrator)
    response = client.post(admin_url("outcomerule", "change", rule.pk), rule_data(rule, **changes))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [message]}
    assert model_to_dict(OutcomeRule.objects.get(pk=rule.pk)) == model_to_dict(rule)


@pytest.mark.parametrize("model", MODELS)
def test_nothing_can_be_deleted_from_the_admin(client, administrator, shipped, model):
    client.force_login(administrator)
    assert_nothing_can_be_deleted(client, shipped[model])


def test_follow_ups_are_read_only_in_the_admin(client, administrator, shipped):
    follow_up = shipped["followup"]
    client.force_login(administrator)
    page = client.get(admin_url("followup", "change", follow_up.pk)).content.decode()
    assert 'name="_save"' not in page
    assert admin_url("followup", "add") not in client.get(admin_url("followup", "changelist")).content.decode()
    assert client.get(admin_url("followup", "add")).status_code == 403
    response = client.post(admin_url("followup", "change", follow_up.pk), {"status": "done", "relief_pct": 90})
    assert response.status_code == 403
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.relief_pct) == ("due", None)
