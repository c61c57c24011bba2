"""The chart's outcomes panel (pain trajectory, responses, what the rules allow) and the procedure-form advice,
built from procedures logged and follow-ups recorded through the services."""

import datetime
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import outcome_rules
from outcomes.models import FollowUp
from outcomes.panels import CHART_RESPONSES, chart_panel_context
from outcomes.services import followup_record
from patients.models import Patient
from procedures.panels import chart_panel_context as procedures_panel
from procedures.services import procedure_void
from tests import factories
from tests.permissions import FORBIDDEN, LOGIN, OK, ROLES, check, login_as
from tests.work import instances_built

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PANEL = "outcomes/_chart_panel.html"
MBB: dict[str, Any] = {"type_code": "mbb", "sites": (("L4-L5", "bilateral"),), "drugs": (("Bupivacaine", "5"),)}
LONG_HISTORY = "Demonstration of a long history"


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def record(procedure, label: str, *, relief: int | None, days: int | None = None, nrs: int | None = None):
    """Record a follow-up call today, through the service."""
    return followup_record(
        follow_up=FollowUp.objects.get(procedure=procedure, label=label),
        recorded_by=factories.physician_user(),
        relief_pct=relief,
        relief_days=days,
        nrs=nrs,
        method="phone",
    )


def esi(patient, days_ago: int, **fields):
    return factories.procedure(patient, on=ago(days_ago), override_reason=LONG_HISTORY, **fields)


def block(patient, days_ago: int, relief: int):
    procedure = factories.procedure(patient, on=ago(days_ago), **MBB)
    record(procedure, "Anaesthetic window", relief=relief)
    return procedure


def panel(client, patient) -> dict[str, Any]:
    response = client.get(patient.get_absolute_url())
    assert response.status_code == 200
    return panel_of(response)


def panel_of(response) -> dict[str, Any]:
    """The outcomes panel's context, as rendered for this response (not served from the kept HTML)."""
    [found] = [p.context for p in response.context["panels"] if p.template == PANEL]
    return dict(found)


def lines(context: dict[str, Any]) -> list[str]:
    return [verdict.sentence for verdict in context["verdicts"]]


# The trajectory and the response table


def test_the_chart_plots_pain_before_after_and_at_each_follow_up_with_a_table_under_it(client, physician):
    patient = factories.patient()
    procedure = esi(patient, 100, nrs_pre=8, nrs_post=3, relief_post_pct=70)
    record(procedure, "2 weeks", relief=60, nrs=4)
    record(procedure, "3 months", relief=65, nrs=3)
    client.force_login(physician)
    page = client.get(patient.get_absolute_url()).content.decode()
    data = json.loads(page.split('<script id="trajectory-data" type="application/json">')[1].split("</script>")[0])
    assert [(p["nrs"], p["what"]) for p in data["points"]] == [
        (8, "Before Transforaminal ESI L5-S1"),
        (3, "After Transforaminal ESI L5-S1"),
        (4, "2 weeks after Transforaminal ESI L5-S1"),
        (3, "3 months after Transforaminal ESI L5-S1"),
    ]
    [marker] = data["markers"]
    assert (marker["t"], marker["day"], marker["label"]) == (
        data["points"][0]["t"],
        str(ago(100)),
        "Transforaminal ESI L5-S1",
    )
    assert '<canvas id="trajectory-chart" role="img"' in page
    assert "<td>Before Transforaminal ESI L5-S1</td><td>8</td>" in page
    assert 'src="/static/vendor/chartjs/chart.umd.min.js" defer' in page
    assert 'src="/static/js/trajectory.js" defer' in page


def test_each_procedure_has_its_response_with_how_long_relief_lasted(client, physician):
    patient = factories.patient()
    responder = esi(patient, 300, nrs_pre=7, relief_post_pct=80)
    record(responder, "2 weeks", relief=45, nrs=4)
    record(responder, "3 months", relief=60, days=120, nrs=3)
    other = esi(patient, 100, nrs_pre=6)
    record(other, "2 weeks", relief=20, nrs=6)
    client.force_login(physician)
    rows = panel(client, patient)["rows"]
    assert [(r.procedure, r.baseline_nrs, r.best_relief_pct, r.lasted, r.responder) for r in rows] == [
        (other, 6, 20, "—", False),
        (responder, 7, 80, "120 days", True),
    ]
    assert [(f.label, f.nrs, f.relief_pct, f.lasted_days) for f in rows[1].follow_ups] == [
        ("2 weeks", 4, 45, None),
        ("3 months", 3, 60, 120),
    ]


def test_relief_right_after_an_injection_is_no_response_but_right_after_a_block_it_is(client, physician):
    patient = factories.patient()
    injection = esi(patient, 3, relief_post_pct=80)
    diagnostic = factories.procedure(patient, on=ago(10), relief_post_pct=85, **MBB)
    client.force_login(physician)
    rows = {row.procedure: row for row in panel(client, patient)["rows"]}
    assert (rows[injection].best_relief_pct, rows[injection].lasted, rows[injection].responder) == (
        80,
        "not documented",
        None,
    )
    assert (rows[diagnostic].best_relief_pct, rows[diagnostic].responder) == (85, True)


def test_a_patient_without_procedures_has_an_empty_panel_and_no_chart_scripts(client, physician):
    patient = factories.patient()
    client.force_login(physician)
    response = client.get(patient.get_absolute_url())
    page = response.content.decode()
    assert "No pain scores recorded yet." in page
    assert "trajectory.js" not in page
    assert panel_of(response)["verdicts"] == []


def test_front_desk_does_not_see_the_outcomes_panel(client, frontdesk):
    patient = factories.patient()
    client.force_login(frontdesk)
    response = client.get(patient.get_absolute_url())
    assert PANEL not in [p.template for p in response.context["panels"]]
    assert "outcomes-heading" not in response.content.decode()


# What the rules allow, as the chart shows it


@pytest.mark.parametrize(("days_ago", "eligible"), [(89, False), (90, True)])
def test_relief_still_ongoing_at_the_call_counts_the_days_since_the_esi(client, physician, days_ago, eligible):
    patient = factories.patient()
    record(esi(patient, days_ago), "3 months", relief=60)
    client.force_login(physician)
    [verdict] = panel(client, patient)["verdicts"]
    assert verdict.eligible is eligible
    assert verdict.because == (
        f"the ESI on {ago(days_ago)} gave 60%, ≥ 50% for {days_ago} days so far (still ongoing at the last call) "
        "(at least 90 days required)"
    )


def test_relief_that_ended_counts_its_recorded_days(client, physician):
    patient = factories.patient()
    record(esi(patient, 200), "3 months", relief=60, days=60)
    client.force_login(physician)
    assert lines(panel(client, patient)) == [
        f"Repeat ESI: not yet, because the ESI on {ago(200)} gave 60%, ≥ 50% for 60 days (at least 90 days required)"
    ]


def test_a_voided_procedure_does_not_count(client, physician):
    patient = factories.patient()
    earlier = esi(patient, 200)
    record(earlier, "3 months", relief=70)
    later = esi(patient, 30)
    client.force_login(physician)
    assert panel(client, patient)["verdicts"][0].eligible is False
    procedure_void(procedure=later, by=physician, reason="Entered on the wrong patient")
    context = panel(client, patient)
    assert context["verdicts"][0].eligible is True
    assert [row.procedure for row in context["rows"]] == [earlier]


def test_two_positive_blocks_two_weeks_apart_make_an_rfa_candidate(client, physician):
    patient = factories.patient()
    block(patient, 40, 85)
    block(patient, 20, 90)
    client.force_login(physician)
    assert lines(panel(client, patient)) == [
        f"RFA candidate: yes, because two diagnostic MBBs on {ago(40)} (85%) and {ago(20)} (90%) gave ≥ 80% relief, "
        "20 days apart"
    ]


def test_only_rules_about_the_patients_families_are_shown(client, physician):
    patient = factories.patient()
    esi(patient, 200)
    client.force_login(physician)
    assert [v.headline for v in panel(client, patient)["verdicts"]] == ["Repeat ESI"]
    block(patient, 10, 60)
    assert [v.headline for v in panel(client, patient)["verdicts"]] == ["Repeat ESI", "RFA candidate"]
    page = client.get(patient.get_absolute_url()).content.decode()
    assert f"no qualifying MBB (≥ 80% relief): the one on {ago(10)} gave 60%" in page


# A fixed number of queries


def history(patient, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        if n % 2:
            block(patient, 20 + 15 * n, 85)
        else:
            procedure = esi(patient, 20 + 15 * n, nrs_pre=7, nrs_post=3, drugs=(("Triamcinolone acetonide", "40"),))
            record(procedure, "2 weeks", relief=60, nrs=3)


def test_the_panel_runs_five_queries_and_shows_the_latest_procedures_whatever_the_history_length(
    rf, physician, django_assert_num_queries
):
    patient = factories.patient()
    request = rf.get("/")
    request.user = physician
    history(patient, 2)
    with django_assert_num_queries(5):
        few = chart_panel_context(request, patient)
    history(patient, 13, start=2)
    with django_assert_num_queries(5):
        many = chart_panel_context(request, patient)
    assert (len(few["rows"]), len(many["rows"])) == (2, CHART_RESPONSES)
    assert (few["recent"], many["recent"], many["response_count"]) == (None, CHART_RESPONSES, 15)
    # The latest first; the oldest (history(…) goes back 15 days a procedure) are left to the responses page.
    assert [row.procedure.performed_on for row in many["rows"]] == [ago(20 + 15 * n) for n in range(CHART_RESPONSES)]
    assert len(many["data"]["markers"]) == CHART_RESPONSES


def test_the_panel_builds_the_same_rows_for_a_long_history_as_for_a_short_one(rf, physician):
    patient = factories.patient()
    request = rf.get("/")
    request.user = physician
    history(patient, CHART_RESPONSES)
    with instances_built() as few:
        chart_panel_context(request, patient)
    history(patient, 10, start=CHART_RESPONSES)
    with instances_built() as many:
        context = chart_panel_context(request, patient)
    assert many.by_model == few.by_model
    assert context["response_count"] == 2 * CHART_RESPONSES


def test_on_the_chart_the_panel_takes_the_latest_procedures_from_the_chart_load_and_shows_the_same_rows(
    rf, physician, django_assert_num_queries
):
    patient = factories.patient()
    history(patient, CHART_RESPONSES + 3)
    # A voided record among the latest: the rows skip it, as a separate load does.
    procedure_void(procedure=esi(patient, 25), by=physician, reason="Entered twice")
    request = rf.get("/")
    request.user = physician
    alone = chart_panel_context(request, Patient.objects.get(pk=patient.pk))
    on_chart = Patient.objects.get(pk=patient.pk)
    procedures_panel(request, on_chart)
    with django_assert_num_queries(3):  # the calls, the outcome rules' stamp, the whole history's values
        shared = chart_panel_context(request, on_chart)

    def shown(context: dict[str, Any]) -> list[tuple[int, tuple[Any, ...]]]:
        return [(row.procedure.pk, row.follow_ups) for row in context["rows"]]

    assert len(shared["rows"]) == CHART_RESPONSES
    assert shown(shared) == shown(alone)
    assert shared["data"] == alone["data"]


def test_the_rules_still_read_the_whole_history(client, physician):
    """Two qualifying blocks long before the last ten procedures still make an RFA candidate."""
    patient = factories.patient()
    block(patient, 400, 85)
    block(patient, 380, 90)
    for n in range(CHART_RESPONSES):
        esi(patient, 300 - 20 * n)
    client.force_login(physician)
    context = panel(client, patient)
    assert "MBB" not in " ".join(row.label for row in context["rows"])
    assert "RFA candidate: yes" in " ".join(f"{v.headline}: {v.answer}" for v in context["verdicts"])


def test_the_chart_links_to_every_response_and_the_whole_trajectory(client, physician):
    patient = factories.patient()
    history(patient, CHART_RESPONSES + 2)
    client.force_login(physician)
    chart = client.get(patient.get_absolute_url()).content.decode()
    page_url = reverse("outcomes:patient_responses", args=[patient.pk])
    assert f'href="{page_url}">All {CHART_RESPONSES + 2} responses and the whole pain trajectory</a>' in chart
    assert f"the last {CHART_RESPONSES} procedures" in chart
    page = client.get(page_url)
    assert page.status_code == 200
    assert len(page.context["panel"]["rows"]) == CHART_RESPONSES + 2
    assert len(page.context["panel"]["data"]["markers"]) == CHART_RESPONSES + 2
    assert "the last" not in page.content.decode()


def test_a_short_history_has_no_link_to_more(client, physician):
    patient = factories.patient()
    history(patient, 2)
    client.force_login(physician)
    assert "responses and the whole pain trajectory" not in client.get(patient.get_absolute_url()).content.decode()


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_the_responses_page_answers_every_role_as_the_outcomes_panel_does(client, request, role_index):
    patient = factories.patient()
    login_as(client, request, ROLES[role_index])
    page = client.get(reverse("outcomes:patient_responses", args=[patient.pk]))
    check(page, [LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK][role_index])


def test_the_chart_page_does_not_grow_with_the_history(client, physician, django_assert_max_num_queries):
    patient = factories.patient()
    client.force_login(physician)
    history(patient, 2)
    with django_assert_max_num_queries(40) as few:
        client.get(patient.get_absolute_url())
    history(patient, 13, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)), instances_built() as recent:
        client.get(patient.get_absolute_url())
    # Older than any limit's look-back: the steroid panel only counts them, the outcomes panel reads them as values.
    for n in range(5):
        esi(patient, 4 * 366 + 30 * n)
    with instances_built() as longer:
        client.get(patient.get_absolute_url())
    assert longer.by_model == recent.by_model


# Advice in the procedure form's live check (warnings, never a block)


def advice(client, physician, patient, **changes) -> list[str]:
    client.force_login(physician)
    response = client.post(reverse("procedures:check"), factories.esi_entry(patient, physician, **changes))
    assert response.status_code == 200
    return list(response.context["advice"])


RFA_ENTRY = {"site-1-place": "", "site-1-side": "", "med-0-drug": "", "med-0-dose_mg": ""}


def rfa_entry() -> dict[str, Any]:
    from procedures.models import ProcedureType

    return RFA_ENTRY | {"procedure_type": ProcedureType.objects.get(code="rfa-facet").pk}


def test_a_first_esi_gets_no_advice(client, physician):
    assert advice(client, physician, factories.patient()) == []


def test_a_repeat_esi_without_a_documented_response_is_warned(client, physician):
    patient = factories.patient()
    esi(patient, 40)
    assert advice(client, physician, patient) == [
        f"Repeat ESI without a documented response: no documented response to the ESI on {ago(40)}. "
        "(LCD ESI: ≥ 50% improvement sustained ≥ 3 months (eviCore accepts ≥ 2 weeks))"
    ]


def test_a_repeat_esi_after_three_months_of_relief_is_not_warned(client, physician):
    patient = factories.patient()
    record(esi(patient, 120), "3 months", relief=70)
    assert advice(client, physician, patient) == []


def test_a_response_recorded_after_a_warning_clears_it_at_the_next_check(client, physician):
    """The advisor keeps what it read of the patient between checks: a call recorded since is read again."""
    patient = factories.patient()
    done = esi(patient, 120)
    assert advice(client, physician, patient)
    record(done, "3 months", relief=70)
    assert advice(client, physician, patient) == []


def test_an_rfa_without_two_qualifying_blocks_is_warned(client, physician):
    patient = factories.patient()
    block(patient, 40, 85)
    [warning] = advice(client, physician, patient, **rfa_entry())
    assert warning == (
        f"RFA without qualifying medial branch blocks: only one qualifying MBB ({ago(40)}, 85%). "
        "(LCD L38803 family: two diagnostic MBBs, each ≥ 80% relief, ≥ 2 weeks apart; "
        "redo the diagnostic blocks if the last RFA was more than 2 years ago)"
    )
    block(patient, 20, 90)
    assert advice(client, physician, patient, **rfa_entry()) == []


def test_editing_an_esi_does_not_compare_it_with_itself(client, physician):
    patient = factories.patient()
    only = esi(patient, 3)
    performed_at = timezone.localtime(only.performed_at).strftime("%Y-%m-%dT%H:%M")
    assert advice(client, physician, patient, procedure=only.pk, performed_at=performed_at) == []


def test_the_advisor_reads_the_same_verdicts_as_the_chart(physician):
    patient = factories.patient()
    esi(patient, 40)
    [verdict] = [v for v in outcome_rules.verdicts(patient) if v.rule.code == "repeat-esi"]
    assert verdict.eligible is False
