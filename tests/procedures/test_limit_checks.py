"""The physician is warned before saving when a procedure would pass a limit; the chart and flags explain it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.exposure import month_shift
from procedures.models import Drug, LimitRule, Procedure, ProcedureType
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TRIAMCINOLONE = (("Triamcinolone acetonide", "40"),)


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def medicare():
    return factories.payer("Medicare", "medicare")


@pytest.fixture
def three_lumbar_esis(medicare):
    """A patient who already had three lumbar ESIs this year, the last within six months."""
    patient = factories.patient(payer=medicare)
    for n in (150, 100, 40):
        factories.procedure(patient, on=days_ago(n), drugs=TRIAMCINOLONE)
    return patient


fourth_esi = factories.esi_entry


def test_the_live_check_warns_before_saving_that_the_fourth_esi_passes_the_limit(client, physician, three_lumbar_esis):
    client.force_login(physician)
    response = client.post(reverse("procedures:check"), fourth_esi(three_lumbar_esis, physician))
    blocking = response.context["check"].blocking
    assert [r.rule.code for r in blocking] == ["clinic-esi-6m"]
    clears = blocking[0].next_allowed
    # The first day whose six-month window no longer reaches back to the oldest of the three.
    assert month_shift(clears, -6) > days_ago(150) >= month_shift(clears - datetime.timedelta(days=1), -6)
    html = response.content.decode()
    assert "Passes a hard limit." in html
    assert f"4 of 3 ESI sessions (lumbar/sacral) in 6 months; within limits again on {clears.isoformat()}" in html
    assert Procedure.objects.count() == 3


def test_the_medicare_twelve_month_rule_is_reached_not_passed(client, physician, three_lumbar_esis):
    client.force_login(physician)
    check = client.post(reverse("procedures:check"), fourth_esi(three_lumbar_esis, physician)).context["check"]
    medicare_rule = next(r for r in check.warnings if r.rule.code == "lcd-esi-12m")
    assert (medicare_rule.value, medicare_rule.status) == (4, "at_limit")


def test_saving_past_a_hard_limit_without_a_reason_is_refused_at_the_reason(client, physician, three_lumbar_esis):
    client.force_login(physician)
    response = client.post(
        f"{reverse('procedures:new')}?patient={three_lumbar_esis.pk}", fourth_esi(three_lumbar_esis, physician)
    )
    assert response.status_code == 200
    assert "passes a hard limit" in response.context["entry"].form.errors["override_reason"][0]
    assert Procedure.objects.count() == 3


def test_an_override_reason_lets_it_save_and_is_recorded(client, physician, three_lumbar_esis):
    client.force_login(physician)
    reason = "Severe radicular pain, surgery scheduled next month"
    response = client.post(
        f"{reverse('procedures:new')}?patient={three_lumbar_esis.pk}",
        fourth_esi(three_lumbar_esis, physician, override_reason=reason),
    )
    assert response.status_code == 302
    procedure = Procedure.objects.latest("performed_at")
    assert procedure.overridden_rules == "clinic-esi-6m"
    assert procedure.override_reason == reason
    assert procedure.history.get().override_reason == reason
    assert reason in client.get(procedure.get_absolute_url()).content.decode()


def test_the_chart_explains_every_flag_with_the_injections_it_counted(client, nurse, three_lumbar_esis):
    client.force_login(nurse)
    html = client.get(three_lumbar_esis.get_absolute_url()).content.decode()
    assert "3 of 3 ESI sessions (lumbar/sacral) in 6 months; at the limit, room for another on" in html
    assert "3 of 4 ESI sessions (lumbar/sacral) in 12 months; within the limit" in html
    assert "120 of 200 mg methylprednisolone-equivalent steroid in 12 months" in html
    for n in (150, 100, 40):
        assert days_ago(n).isoformat() in html
    assert "Patient-education guidance, seeds 001 and 003" in html


def test_the_flags_page_lists_the_patient_with_the_rule_and_the_date_they_clear(client, nurse, three_lumbar_esis):
    client.force_login(nurse)
    response = client.get(reverse("procedures:flags"))
    [(patient, rows)] = response.context["flagged"]
    assert patient == three_lumbar_esis
    [result] = rows
    assert (result.rule.code, result.status) == ("clinic-esi-6m", "at_limit")
    html = response.content.decode()
    assert result.next_allowed.isoformat() in html
    assert "ESI sessions per region, 6 months" in html


def test_an_injection_in_the_other_region_is_not_blocked_by_the_lumbar_count(client, physician, three_lumbar_esis):
    client.force_login(physician)
    data = fourth_esi(
        three_lumbar_esis,
        physician,
        procedure_type=ProcedureType.objects.get(code="esi-interlaminar").pk,
        **factories.one_site("C7-T1", "midline"),
    )
    assert client.post(reverse("procedures:check"), data).context["check"].blocking == []


def test_a_voided_esi_no_longer_counts(client, physician, three_lumbar_esis):
    client.force_login(physician)
    first = Procedure.objects.earliest("performed_at")
    client.post(reverse("procedures:void", args=[first.pk]), {"reason": "Entered for the wrong patient"})
    check = client.post(reverse("procedures:check"), fourth_esi(three_lumbar_esis, physician)).context["check"]
    assert check.blocking == []


def test_the_medicare_rules_do_not_apply_to_another_payer(client, physician):
    patient = factories.patient(payer=factories.payer("Blue Cross Blue Shield of Florida", "bcbs-fl"))
    for n in (330, 250, 170, 30):
        factories.procedure(patient, on=days_ago(n), drugs=TRIAMCINOLONE)
    client.force_login(physician)
    check = client.post(reverse("procedures:check"), fourth_esi(patient, physician)).context["check"]
    codes = {r.rule.code for r in check.relevant}
    assert "lcd-esi-12m" not in codes
    bcbs = next(r for r in check.relevant if r.rule.code == "bcbs-esi-12m")
    assert (bcbs.value, bcbs.status) == (5, "within")


def test_steroid_from_joint_injections_counts_toward_the_cumulative_cap(client, nurse, medicare):
    patient = factories.patient(payer=medicare)
    factories.procedure(patient, on=days_ago(200), drugs=(("Methylprednisolone acetate", "80"),))
    factories.procedure(
        patient,
        on=days_ago(90),
        type_code="joint-major",
        sites=(("knee", "right"),),
        drugs=(("Triamcinolone acetonide", "80"),),
    )
    factories.procedure(
        patient,
        on=days_ago(20),
        type_code="si-injection",
        sites=(("sacroiliac_joint", "left"),),
        drugs=(("Triamcinolone acetonide", "40"),),
        override_reason="Flare; discussed steroid exposure with the patient",
    )
    client.force_login(nurse)
    [(_patient, rows)] = client.get(reverse("procedures:flags")).context["flagged"]
    [cap] = [r for r in rows if r.rule.code == "steroid-200-12m"]
    assert (cap.value, cap.status) == (Decimal("200"), "at_limit")


def test_the_bone_density_cap_applies_only_to_patients_at_risk(medicare):
    from procedures import limits

    at_risk = factories.patient(first_name="Ruth", payer=medicare, bone_density_risk=True)
    not_at_risk = factories.patient(first_name="Ann", payer=medicare)
    for patient in (at_risk, not_at_risk):
        factories.procedure(patient, on=days_ago(600), drugs=TRIAMCINOLONE)
    rule_sets = limits.load_rule_sets()
    for patient, expected in ((at_risk, True), (not_at_risk, False)):
        codes = {r.code for r in limits.rules_for(patient, rule_sets, TODAY)}
        assert ("steroid-400-36m-bone" in codes) is expected


def test_rules_are_data_raising_a_limit_takes_effect_at_once(client, physician, three_lumbar_esis):
    LimitRule.objects.filter(code="clinic-esi-6m").update(limit=4)
    client.force_login(physician)
    check = client.post(reverse("procedures:check"), fourth_esi(three_lumbar_esis, physician)).context["check"]
    assert check.blocking == []


def test_a_rule_past_its_effective_date_no_longer_applies(client, physician, three_lumbar_esis):
    LimitRule.objects.filter(code="clinic-esi-6m").update(effective_to=days_ago(1))
    client.force_login(physician)
    check = client.post(reverse("procedures:check"), fourth_esi(three_lumbar_esis, physician)).context["check"]
    assert "clinic-esi-6m" not in {r.rule.code for r in check.results}


def test_a_particulate_steroid_in_a_transforaminal_injection_is_warned(client, physician, three_lumbar_esis):
    client.force_login(physician)
    data = fourth_esi(
        three_lumbar_esis,
        physician,
        **{"med-0-drug": Drug.objects.get(name="Triamcinolone acetonide").pk, "med-0-dose_mg": "40"},
    )
    html = client.post(reverse("procedures:check"), data).content.decode()
    assert "Triamcinolone acetonide is particulate" in html
