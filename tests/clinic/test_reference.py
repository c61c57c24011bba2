"""The rules every chart and live check reads are kept between requests, and never outlive a change to them."""

import pytest
from django.db import connection, transaction

from clinic import reference
from clinic.models import ReferenceStamp
from outcomes.models import OutcomeRule
from outcomes.outcome_rules import engine_rules
from patients.models import Payer
from procedures.limits import load_rule_sets
from procedures.models import LimitRule, RuleSet

pytestmark = pytest.mark.django_db


def limits_by_code() -> dict[str, int]:
    return {rule.code: int(rule.limit) for rule_set in load_rule_sets() for rule in rule_set.rules}


def payers_of(name: str) -> frozenset[str]:
    return next(rule_set.payers for rule_set in load_rule_sets() if rule_set.name == name)


def test_a_second_read_of_unchanged_rules_is_one_query(django_assert_num_queries):
    first = load_rule_sets()
    with django_assert_num_queries(1):
        assert load_rule_sets() == first
    engine_rules()
    with django_assert_num_queries(1):
        engine_rules()


def test_a_rule_edited_by_the_admin_is_read_at_once():
    assert limits_by_code()["clinic-esi-6m"] == 3
    rule = LimitRule.objects.get(code="clinic-esi-6m")
    rule.limit = 2
    rule.save()
    assert limits_by_code()["clinic-esi-6m"] == 2


def test_a_change_made_without_the_models_is_read_at_once_too():
    limits_by_code()
    LimitRule.objects.filter(code="lcd-rfa-12m").update(limit=1)  # no save(), no signals
    assert limits_by_code()["lcd-rfa-12m"] == 1
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procedures_limitrule SET window_months = 9 WHERE code = 'lcd-rfa-12m'")
    assert {r.code: r.window_months for rs in load_rule_sets() for r in rs.rules}["lcd-rfa-12m"] == 9


def test_payers_of_a_rule_set_and_their_keys_are_part_of_the_rules():
    rule_set = RuleSet.objects.filter(payers__isnull=False).distinct().first()
    assert rule_set is not None
    payer = rule_set.payers.get(key=sorted(rule_set.payers.values_list("key", flat=True))[0])
    assert payer.key in payers_of(rule_set.name)
    Payer.objects.filter(pk=payer.pk).update(key="renamed-payer")
    assert "renamed-payer" in payers_of(rule_set.name)
    rule_set.payers.remove(payer)
    assert "renamed-payer" not in payers_of(rule_set.name)


def test_rules_read_inside_a_change_that_rolled_back_are_not_kept():
    seen_inside = {}

    def abandoned_edit() -> None:
        with transaction.atomic():
            LimitRule.objects.filter(code="clinic-esi-6m").update(limit=9)
            seen_inside.update(limits_by_code())
            raise RuntimeError("the edit is abandoned")

    with pytest.raises(RuntimeError):
        abandoned_edit()
    assert seen_inside["clinic-esi-6m"] == 9
    assert limits_by_code()["clinic-esi-6m"] == 3
    # A later, different edit does not meet the abandoned one's copy.
    LimitRule.objects.filter(code="clinic-esi-6m").update(limit=5)
    assert limits_by_code()["clinic-esi-6m"] == 5


def test_an_outcome_rule_switched_off_leaves_the_engine_at_once():
    code = engine_rules()[0].code
    OutcomeRule.objects.filter(code=code).update(active=False)
    assert code not in {rule.code for rule in engine_rules()}


def test_a_stamp_lost_with_a_flushed_database_comes_back_and_rules_are_read_afresh():
    load_rule_sets()
    ReferenceStamp.objects.all().delete()
    LimitRule.objects.filter(code="clinic-esi-6m").delete()  # the triggers find no stamp row to renew
    assert "clinic-esi-6m" not in limits_by_code()
    assert ReferenceStamp.objects.filter(name="limit rules").exists()


def test_reads_made_together_take_every_stamp_from_one_query(django_assert_num_queries):
    load_rule_sets()
    engine_rules()
    with reference.read_together(), django_assert_num_queries(1):
        load_rule_sets()
        engine_rules()
        load_rule_sets()


def test_a_stamp_missing_from_a_read_together_is_put_back_and_read_afresh():
    with reference.read_together():
        ReferenceStamp.objects.all().delete()
        assert "clinic-esi-6m" in limits_by_code()
        assert ReferenceStamp.objects.filter(name="limit rules").exists()
        assert engine_rules()
        assert ReferenceStamp.objects.filter(name="outcome rules").exists()


def test_outside_the_block_each_read_sees_the_stamp_as_it_is_now():
    with reference.read_together():
        assert limits_by_code()["clinic-esi-6m"] == 3
    LimitRule.objects.filter(code="clinic-esi-6m").update(limit=4)
    assert limits_by_code()["clinic-esi-6m"] == 4
    with reference.read_together():
        assert limits_by_code()["clinic-esi-6m"] == 4
