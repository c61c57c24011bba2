"""Exposure engine: rule selection (payer sets, effective dates, bone-density risk)."""

from __future__ import annotations

from procedures.exposure import (
    Rule,
    RuleKind,
    RuleSet,
    select_rules,
)
from tests.procedures.exposure_helpers import (
    BCBS,
    BCBS_ESI,
    CLINIC,
    ESI_6M,
    ESI_12M,
    ESI_DOSE,
    MEDICARE,
    MPE_12M,
    MPE_36M_BONE,
    D,
    day,
)

# Bone-density risk


def test_the_bone_density_cap_applies_only_to_patients_with_bone_density_risk() -> None:
    on = day("2025-06-01")
    assert MPE_36M_BONE not in select_rules([CLINIC], payer=None, bone_density_risk=False, on=on)
    assert MPE_36M_BONE in select_rules([CLINIC], payer=None, bone_density_risk=True, on=on)
    assert MPE_12M in select_rules([CLINIC], payer=None, bone_density_risk=False, on=on)


# Rule sets, payers and effective dates


def test_the_medicare_set_applies_to_a_medicare_patient_but_not_to_a_bcbs_one() -> None:
    on = day("2025-06-01")
    medicare = select_rules([CLINIC, MEDICARE, BCBS], payer="medicare", bone_density_risk=False, on=on)
    bcbs = select_rules([CLINIC, MEDICARE, BCBS], payer="bcbs_fl", bone_density_risk=False, on=on)
    assert (ESI_12M in medicare, BCBS_ESI in medicare) == (True, False)
    assert (ESI_12M in bcbs, BCBS_ESI in bcbs) == (False, True)


def test_an_always_set_applies_to_every_patient_even_without_a_payer() -> None:
    on = day("2025-06-01")
    for payer in ("medicare", "bcbs_fl", "self_pay", None):
        rules = select_rules([MEDICARE, CLINIC], payer=payer, bone_density_risk=False, on=on)
        assert {ESI_6M, MPE_12M} <= set(rules)
    assert select_rules([MEDICARE, BCBS], payer=None, bone_density_risk=True, on=on) == []


def test_select_rules_keeps_set_order_and_the_first_rule_with_a_code() -> None:
    stricter = Rule(code="lcd-esi-12m", name="ESI, stricter copy", kind=RuleKind.SESSIONS, limit=D(2))
    rule_sets = [MEDICARE, RuleSet("Copy", frozenset({"medicare"}), rules=(stricter, ESI_DOSE)), CLINIC]
    rules = select_rules(rule_sets, payer="medicare", bone_density_risk=True, on=day("2025-06-01"))
    assert [r.code for r in rules] == [
        "lcd-esi-12m",
        "si-diagnostic-12m",
        "tpi-12m",
        "esi-dose",
        "clinic-esi-6m",
        "esi-spacing",
        "esi-tf-levels",
        "esi-il-levels",
        "mpe-12m",
        "mpe-36m-bone",
    ]
    assert rules[0] is ESI_12M


def test_a_rule_is_in_effect_from_its_first_day_through_its_last_day() -> None:
    rule = Rule(
        code="x",
        name="x",
        kind=RuleKind.SESSIONS,
        limit=D(1),
        effective_from=day("2026-01-01"),
        effective_to=day("2026-12-31"),
    )
    assert [rule.in_effect(day(d)) for d in ("2025-12-31", "2026-01-01", "2026-12-31", "2027-01-01")] == [
        False,
        True,
        True,
        False,
    ]
    assert ESI_12M.in_effect(day("1990-01-01"))
    assert ESI_12M.in_effect(day("2090-01-01"))


def test_select_rules_leaves_out_rules_not_in_effect_on_the_date() -> None:
    old = Rule(code="old", name="old", kind=RuleKind.SESSIONS, limit=D(5), effective_to=day("2025-12-31"))
    new = Rule(code="new", name="new", kind=RuleKind.SESSIONS, limit=D(4), effective_from=day("2026-01-01"))
    rule_set = RuleSet("Changing", frozenset({"medicare"}), rules=(old, new))
    for on, codes in (("2025-12-31", ["old"]), ("2026-01-01", ["new"])):
        rules = select_rules([rule_set], payer="medicare", bone_density_risk=False, on=day(on))
        assert [r.code for r in rules] == codes
