"""The administrators' configuration screens: catalog and limit rules edited as data, records audited read-only."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.models import Payer
from procedures import services
from procedures.models import Drug, LimitRule, Procedure, ProcedureType, RuleSet
from tests import factories
from tests.admin_pages import assert_nothing_can_be_deleted
from tests.permissions import ADMIN_LOGIN, check

pytestmark = pytest.mark.django_db

MODELS = ["proceduretype", "drug", "ruleset", "limitrule", "procedure"]
WINDOW_MESSAGE = "Session and steroid-total rules need a window of at least one month."


@pytest.fixture
def procedure(physician) -> Procedure:
    return services.procedure_log(
        patient=factories.patient(),
        procedure_type=ProcedureType.objects.get(code="esi-transforaminal"),
        recorded_by=physician,
        performed_by=physician,
        performed_at=timezone.now() - datetime.timedelta(days=3),
        sites=[services.SiteInput("L4-L5", "left")],
        medications=[services.MedicationInput(Drug.objects.get(name="Triamcinolone acetonide"), Decimal(40))],
    )


@pytest.fixture
def shipped(procedure):
    """One object of each model: the catalog and rules come from the migrations."""
    return {
        "proceduretype": ProcedureType.objects.get(code="esi-transforaminal"),
        "drug": Drug.objects.get(name="Triamcinolone acetonide"),
        "ruleset": RuleSet.objects.get(name="Medicare LCD"),
        "limitrule": LimitRule.objects.get(code="lcd-esi-12m"),
        "procedure": procedure,
    }


def admin_url(model: str, view: str, *args) -> str:
    return reverse(f"admin:procedures_{model}_{view}", args=args)


def rule_form_data(rule: LimitRule, **changes):
    """The admin change form as a browser posts it: every field, booleans only when ticked."""
    data = {
        "rule_set": rule.rule_set_id,
        "code": rule.code,
        "name": rule.name,
        "kind": rule.kind,
        "families": [code for code in rule.families.split(",") if code],
        "approaches": [code for code in rule.approaches.split(",") if code],
        "intent": rule.intent,
        "limit": rule.limit,
        "window_months": rule.window_months,
        "severity": rule.severity,
        "effective_from": rule.effective_from.isoformat() if rule.effective_from else "",
        "effective_to": rule.effective_to.isoformat() if rule.effective_to else "",
        "source": rule.source,
    }
    for flag in ("per_region", "unilateral_only", "requires_bone_density_risk"):
        if getattr(rule, flag):
            data[flag] = "on"
    data.update(changes)
    return data


def post_rule(client, rule: LimitRule, **changes):
    return client.post(admin_url("limitrule", "change", rule.pk), rule_form_data(rule, **changes))


@pytest.mark.parametrize("model", MODELS)
def test_the_administrator_opens_the_list_and_the_change_page_of_each_model(client, administrator, shipped, model):
    client.force_login(administrator)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "change", shipped[model].pk)).status_code == 200


@pytest.mark.parametrize("persona", ["physician", "nurse", "frontdesk"])
@pytest.mark.parametrize("model", MODELS)
def test_clinical_staff_are_sent_to_the_admin_login(client, request, persona, model):
    client.force_login(request.getfixturevalue(persona))
    check(client.get(admin_url(model, "changelist")), ADMIN_LOGIN)


@pytest.mark.parametrize("model", MODELS)
def test_nothing_can_be_deleted_from_the_admin(client, administrator, shipped, model):
    client.force_login(administrator)
    assert_nothing_can_be_deleted(client, shipped[model])


def test_the_rule_form_ticks_the_stored_families(client, administrator):
    rule = LimitRule.objects.get(code="lcd-esi-12m")
    client.force_login(administrator)
    form = client.get(admin_url("limitrule", "change", rule.pk)).context["adminform"].form
    assert form["families"].value() == ["esi"]
    assert "" not in dict(form.fields["approaches"].choices)
    assert form.fields["families"].help_text == LimitRule._meta.get_field("families").help_text


def test_the_administrator_edits_a_rules_families_with_the_checkboxes(client, administrator):
    rule = LimitRule.objects.get(code="lcd-esi-12m")
    client.force_login(administrator)
    response = post_rule(client, rule, families=["facet", "esi"], approaches=["transforaminal", "interlaminar"])
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.families == "esi,facet"
    assert rule.approaches == "interlaminar,transforaminal"


def test_unticking_every_family_makes_the_rule_count_all_families(client, administrator):
    rule = LimitRule.objects.get(code="lcd-esi-12m")
    client.force_login(administrator)
    data = rule_form_data(rule)
    del data["families"]
    assert client.post(admin_url("limitrule", "change", rule.pk), data).status_code == 302
    rule.refresh_from_db()
    assert rule.families == ""


def test_saving_a_rule_unchanged_logs_no_changed_fields(client, administrator):
    rule = LimitRule.objects.get(code="lcd-esi-12m")
    client.force_login(administrator)
    post_rule(client, rule)
    assert LogEntry.objects.latest("action_time").get_change_message() == "No fields changed."


def test_each_change_to_a_rule_is_in_its_history_with_who_made_it(client, administrator):
    rule = LimitRule.objects.get(code="lcd-esi-12m")
    before = rule.history.count()
    client.force_login(administrator)
    post_rule(client, rule, limit="3")
    assert rule.history.count() == before + 1
    latest = rule.history.latest()
    assert latest.history_user == administrator
    assert latest.limit == Decimal(3)
    assert client.get(admin_url("limitrule", "history", rule.pk)).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"window_months": "0"}, "window_months", WINDOW_MESSAGE),
        ({"limit": "0"}, "limit", "The limit must be more than zero."),
        ({"source": ""}, "source", "This field is required."),
        ({"source": "   "}, "source", "This field is required."),
        (
            {"effective_from": "2026-01-01", "effective_to": "2025-12-31"},
            "effective_to",
            "A rule cannot end before it starts.",
        ),
    ],
    ids=["sessions-window-0", "limit-0", "empty-source", "blank-source", "ends-before-start"],
)
def test_a_rule_that_breaks_a_constraint_is_refused_at_the_field(client, administrator, changes, field, message):
    rule = LimitRule.objects.get(code="lcd-esi-12m")
    history_before = rule.history.count()
    client.force_login(administrator)
    response = post_rule(client, rule, **changes)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {field: [message]}
    assert message in response.content.decode()
    assert model_to_dict(LimitRule.objects.get(pk=rule.pk)) == model_to_dict(rule)
    assert rule.history.count() == history_before


def test_a_spacing_rule_needs_no_window(client, administrator):
    rule = LimitRule.objects.get(code="clinic-esi-spacing")
    client.force_login(administrator)
    assert post_rule(client, rule, window_months="0", limit="21").status_code == 302
    rule.refresh_from_db()
    assert rule.limit == Decimal(21)


def test_an_administrator_adds_a_rule_to_a_set(client, administrator):
    rule_set = RuleSet.objects.get(name="Medicare LCD")
    client.force_login(administrator)
    data = rule_form_data(LimitRule.objects.get(code="lcd-esi-12m"), code="lcd-facet-12m", families=["facet"])
    data["rule_set"] = rule_set.pk
    assert client.post(admin_url("limitrule", "add"), data).status_code == 302
    added = LimitRule.objects.get(code="lcd-facet-12m")
    assert added.families == "facet"
    assert added.history.get().history_user == administrator


def test_a_steroid_with_a_zero_mpe_factor_or_ceiling_is_refused_at_the_fields(client, administrator):
    drug = Drug.objects.get(name="Triamcinolone acetonide")
    client.force_login(administrator)
    response = client.post(
        admin_url("drug", "change", drug.pk),
        {
            "name": drug.name,
            "drug_class": drug.drug_class,
            "mpe_factor": "0",
            "max_dose_mg": "0",
            "source": drug.source,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "mpe_factor": ["Corticosteroids need a positive MPE factor; other drugs have none."],
        "max_dose_mg": ["The ceiling must be more than zero, or empty for none."],
    }
    drug.refresh_from_db()
    assert drug.mpe_factor == Decimal(1)


def test_a_steroid_set_to_another_class_is_refused_at_the_class(client, administrator):
    drug = Drug.objects.get(name="Triamcinolone acetonide")
    client.force_login(administrator)
    response = client.post(
        admin_url("drug", "change", drug.pk),
        {"name": drug.name, "drug_class": "other", "mpe_factor": "", "max_dose_mg": "80", "active": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "drug_class": [
            "Triamcinolone sounds like a corticosteroid: set the class to Corticosteroid and give its MPE factor, "
            "so its steroid is counted."
        ]
    }
    drug.refresh_from_db()
    assert drug.drug_class == Drug.DrugClass.CORTICOSTEROID


@pytest.mark.parametrize(("name", "named"), [("Kenalog-40", "Kenalog"), ("Solu-medrol", "Solu-Medrol")])
def test_a_new_drug_with_a_steroid_brand_name_must_be_a_corticosteroid(client, administrator, name, named):
    client.force_login(administrator)
    response = client.post(admin_url("drug", "add"), {"name": name, "drug_class": "other", "active": "on"})
    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["drug_class"]
    assert message.startswith(f"{named} sounds like a corticosteroid")
    assert not Drug.objects.filter(name=name).exists()


def test_a_drug_not_named_like_a_steroid_may_be_another_class(client, administrator):
    client.force_login(administrator)
    response = client.post(admin_url("drug", "add"), {"name": "Ketorolac", "drug_class": "other", "active": "on"})
    assert response.status_code == 302
    assert Drug.objects.get(name="Ketorolac").drug_class == Drug.DrugClass.OTHER


def test_the_rule_set_page_links_to_its_rules(client, administrator):
    rule_set = RuleSet.objects.get(name="Medicare LCD")
    client.force_login(administrator)
    page = client.get(admin_url("ruleset", "change", rule_set.pk)).content.decode()
    for rule in rule_set.rules.all():
        assert admin_url("limitrule", "change", rule.pk) in page
    add_url = f"{admin_url('limitrule', 'add')}?rule_set={rule_set.pk}"
    assert add_url in page
    assert client.get(add_url).context["adminform"].form["rule_set"].value() == str(rule_set.pk)


def test_the_administrator_changes_a_sets_payers_and_the_history_keeps_it(client, administrator):
    rule_set = RuleSet.objects.get(name="Medicare LCD")
    advantage = factories.payer("Medicare Advantage", "medicare-advantage")
    client.force_login(administrator)
    payers = [*rule_set.payers.values_list("pk", flat=True), advantage.pk]
    response = client.post(
        admin_url("ruleset", "change", rule_set.pk),
        {"name": rule_set.name, "payers": payers, "position": rule_set.position, "description": rule_set.description}
        | {"effective_from": rule_set.effective_from, "source_date": rule_set.source_date}
        | ({"always": "on"} if rule_set.always else {})
        | ({"active": "on"} if rule_set.active else {}),
    )
    assert response.status_code == 302
    assert set(rule_set.payers.values_list("key", flat=True)) == {"medicare", "medicare-advantage"}
    assert rule_set.history.latest().history_user == administrator


def test_the_rule_set_page_shows_its_dates_and_needs_them(client, administrator):
    rule_set = RuleSet.objects.get(name="Medicare LCD")
    client.force_login(administrator)
    listing = client.get(admin_url("ruleset", "changelist")).content.decode()
    assert "Effective from" in listing
    assert "Source date" in listing
    form = client.get(admin_url("ruleset", "change", rule_set.pk)).context["adminform"].form
    assert (form["effective_from"].value(), form["source_date"].value()) == (rule_set.effective_from,) * 2
    response = client.post(
        admin_url("ruleset", "change", rule_set.pk),
        {"name": rule_set.name, "position": rule_set.position, "effective_from": "", "source_date": ""},
    )
    assert set(response.context["adminform"].form.errors) == {"effective_from", "source_date"}


def test_the_rule_set_list_names_the_payers(client, administrator):
    client.force_login(administrator)
    response = client.get(admin_url("ruleset", "changelist"))
    medicare = Payer.objects.get(key="medicare")
    assert medicare.name in response.content.decode()


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_rule_set_list_costs_the_same_queries_however_many_sets(client, administrator):
    client.force_login(administrator)
    url = admin_url("ruleset", "changelist")
    before = queries_for(client, url)
    for n in range(3):
        extra = RuleSet.objects.create(name=f"Extra {n}")
        extra.payers.add(factories.payer(f"Payer {n}", f"payer-{n}"))
    assert queries_for(client, url) == before


def test_the_rule_list_costs_the_same_queries_however_many_rules(client, administrator):
    client.force_login(administrator)
    url = admin_url("limitrule", "changelist")
    before = queries_for(client, url)
    extra = RuleSet.objects.create(name="Extra")
    for n in range(3):
        LimitRule.objects.create(
            rule_set=extra, code=f"extra-{n}", name=f"Extra {n}", kind="spacing", limit=14, source="test"
        )
    assert queries_for(client, url) == before


def test_the_procedure_list_costs_the_same_queries_however_many_records(client, administrator, physician, procedure):
    client.force_login(administrator)
    url = admin_url("procedure", "changelist")
    before = queries_for(client, url)
    for day in (30, 60):
        services.procedure_log(
            patient=factories.patient(last_name=f"Other{day}", date_of_birth=datetime.date(1970, 1, 1)),
            procedure_type=ProcedureType.objects.get(code="esi-interlaminar"),
            recorded_by=physician,
            performed_by=physician,
            performed_at=timezone.now() - datetime.timedelta(days=day),
            sites=[services.SiteInput("L5-S1", "midline")],
            medications=[],
        )
    assert queries_for(client, url) == before


def test_the_procedure_admin_is_read_only(client, administrator, procedure):
    client.force_login(administrator)
    url = admin_url("procedure", "change", procedure.pk)
    response = client.get(url)
    page = response.content.decode()
    assert 'name="_save"' not in page
    assert [len(inline.formset.forms) for inline in response.context["inline_admin_formsets"]] == [1, 1]
    assert "Triamcinolone acetonide" in page
    assert client.post(url, {"note": "edited in the admin"}).status_code == 403
    assert client.get(admin_url("procedure", "add")).status_code == 403
    assert client.get(admin_url("procedure", "history", procedure.pk)).status_code == 200
    procedure.refresh_from_db()
    assert procedure.note == ""


def test_the_procedure_list_filters_voided_records(client, administrator, physician, procedure):
    services.procedure_void(procedure=procedure, by=physician, reason="Wrong patient")
    client.force_login(administrator)
    url = admin_url("procedure", "changelist")
    assert list(client.get(url, {"voided": "yes"}).context["cl"].result_list) == [procedure]
    assert list(client.get(url, {"voided": "no"}).context["cl"].result_list) == []
    assert list(client.get(url, {"procedure_type__family": "esi"}).context["cl"].result_list) == [procedure]
