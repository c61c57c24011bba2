"""Exposure engine: records of one date and region are one session for every rule, not only for counts."""

from __future__ import annotations

from procedures.exposure import Rule, RuleKind, Severity, Status
from tests.procedures.exposure_helpers import (
    CT,
    ESI_DOSE,
    IL_LEVELS,
    LS,
    TF_LEVELS,
    D,
    cervical_esi,
    dexamethasone,
    lumbar_esi,
    lumbar_proposal,
    one,
)

ESI_REGIONS = Rule(
    code="esi-one-region",
    name="Spinal regions per ESI session",
    kind=RuleKind.REGIONS_PER_SESSION,
    limit=D(1),
    families=frozenset({"esi"}),
    severity=Severity.ADVISORY,
    source="CMS A58731",
)


def test_a_second_record_the_same_day_adds_its_levels_to_the_session() -> None:
    first = lumbar_esi("2026-11-30", levels=frozenset({"L3-L4", "L4-L5"}), doses=(dexamethasone("6"),))
    second = lumbar_proposal("2026-11-30", levels=frozenset({"L5-S1"}), doses=(dexamethasone("6"),))
    result = one(TF_LEVELS, [first], "2026-11-30", proposed=second)
    assert (result.value, result.status) == (D(3), Status.OVER)
    assert result.explain() == "3 levels in this ESI session (limit 2); over the limit"


def test_a_second_record_the_same_day_adds_its_steroid_to_the_session_dose() -> None:
    first = lumbar_esi("2026-11-30", levels=frozenset({"L3-L4", "L4-L5"}), doses=(dexamethasone("6"),))
    second = lumbar_proposal("2026-11-30", levels=frozenset({"L5-S1"}), doses=(dexamethasone("6"),))
    result = one(ESI_DOSE, [first], "2026-11-30", proposed=second)
    assert (result.value, result.status) == (D("63.96"), Status.OVER)


def test_the_same_level_in_two_records_of_one_session_is_one_level() -> None:
    first = lumbar_esi("2026-11-30", levels=frozenset({"L4-L5"}))
    second = lumbar_proposal("2026-11-30", levels=frozenset({"L4-L5", "L5-S1"}))
    assert one(TF_LEVELS, [first], "2026-11-30", proposed=second).value == D(2)


def test_a_record_on_another_day_is_another_session() -> None:
    first = lumbar_esi("2026-11-29", levels=frozenset({"L3-L4", "L4-L5"}), doses=(dexamethasone("6"),))
    second = lumbar_proposal("2026-11-30", levels=frozenset({"L5-S1"}), doses=(dexamethasone("6"),))
    assert one(TF_LEVELS, [first], "2026-11-30", proposed=second).value == D(1)
    assert one(ESI_DOSE, [first], "2026-11-30", proposed=second).value == D("31.98")


def test_a_bilateral_record_makes_the_interlaminar_session_bilateral() -> None:
    first = lumbar_esi("2026-11-30", approach="interlaminar", bilateral=True)
    second = lumbar_proposal("2026-11-30", approach="interlaminar", levels=frozenset({"L4-L5"}))
    result = one(IL_LEVELS, [first], "2026-11-30", proposed=second)
    assert result.status is Status.OVER


def test_a_booked_visit_the_same_day_is_not_part_of_the_given_session() -> None:
    booked = lumbar_esi("2026-11-30", id=-3, levels=frozenset({"L3-L4", "L4-L5"}), booked=True)
    given = lumbar_proposal("2026-11-30", levels=frozenset({"L5-S1"}))
    assert one(TF_LEVELS, [booked], "2026-11-30", proposed=given).value == D(1)


def test_an_esi_spanning_both_regions_warns_that_a_session_treats_one_region() -> None:
    both = lumbar_proposal("2026-11-30", regions=frozenset({CT, LS}), levels=frozenset({"T12-L1", "L1-L2"}))
    result = one(ESI_REGIONS, [], "2026-11-30", proposed=both)
    assert (result.value, result.status, result.blocking) == (D(2), Status.OVER, False)
    assert result.explain() == (
        "2 spinal regions (cervical/thoracic and lumbar/sacral) in this ESI session (limit 1); over the limit"
    )


def test_two_records_of_one_day_in_two_regions_are_a_session_in_two_regions() -> None:
    neck = cervical_esi("2026-11-30", levels=frozenset({"C6-C7"}))
    result = one(ESI_REGIONS, [neck], "2026-11-30", proposed=lumbar_proposal("2026-11-30"))
    assert (result.value, result.status) == (D(2), Status.OVER)


def test_an_esi_in_one_region_is_within_the_one_region_rule() -> None:
    assert one(ESI_REGIONS, [], "2026-11-30", proposed=lumbar_proposal("2026-11-30")).status is Status.WITHIN
