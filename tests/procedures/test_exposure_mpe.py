"""Exposure engine: methylprednisolone-equivalent arithmetic and steroid caps."""

from __future__ import annotations

import pytest

from procedures.exposure import (
    Dose,
    Injection,
    Status,
    evaluate,
)
from tests.procedures.exposure_helpers import (
    MPE_12M,
    MPE_36M_BONE,
    D,
    betamethasone,
    day,
    dexamethasone,
    hydrocortisone,
    injection,
    lidocaine,
    lumbar_esi,
    methylprednisolone,
    one,
    only,
    triamcinolone,
)

# MPE arithmetic and caps


@pytest.mark.parametrize(
    ("dose", "mpe"),
    [
        (methylprednisolone("80"), "80"),
        (triamcinolone("40"), "40"),
        (dexamethasone("10"), "53.30"),
        (betamethasone("6"), "31.98"),
        (hydrocortisone("100"), "20"),
        (Dose("prednisolone", D("25"), D("0.8")), "20"),
        (lidocaine("100"), "0"),
    ],
)
def test_each_drug_converts_to_methylprednisolone_equivalent_mg(dose: Dose, mpe: str) -> None:
    assert dose.mpe == D(mpe)
    assert one(MPE_12M, [injection("2025-05-01", "joint", doses=(dose,))], "2025-05-01").value == D(mpe)


def test_the_dexamethasone_total_keeps_its_two_decimals() -> None:
    assert str(dexamethasone("10").mpe) == "53.30"


def test_an_injection_sums_the_mpe_of_all_its_doses() -> None:
    mixed = lumbar_esi("2025-05-01", doses=(dexamethasone("10"), lidocaine("20"), triamcinolone("40")))
    assert mixed.mpe == D("93.30")
    assert Injection(id=None, on=day("2025-05-01"), family="esi").mpe == 0


def test_the_annual_cap_counts_steroid_from_every_kind_of_injection() -> None:
    history = [
        lumbar_esi("2025-01-15", doses=(methylprednisolone("80"),)),
        injection("2025-03-01", "joint", doses=(triamcinolone("40"),)),
        injection("2025-04-01", "tpi", doses=(triamcinolone("40"),)),
        injection("2025-04-15", "tpi", doses=(lidocaine("20"),)),
        injection("2025-05-01", "si_joint", doses=(methylprednisolone("40"),)),
    ]
    result = one(MPE_12M, history, "2025-06-01")
    assert (result.value, result.status) == (D(200), Status.AT_LIMIT)
    assert [i.family for i in result.counted] == ["esi", "joint", "tpi", "si_joint"]


def test_one_milligram_over_the_annual_cap_is_over() -> None:
    history = [lumbar_esi("2025-01-15", doses=(methylprednisolone("120"),))]
    history.append(injection("2025-03-01", "joint", doses=(methylprednisolone("81"),)))
    result = one(MPE_12M, history, "2025-06-01")
    assert (result.value, result.status, result.blocking) == (D(201), Status.OVER, True)


def test_the_three_year_cap_counts_what_the_annual_cap_has_forgotten() -> None:
    history = [
        lumbar_esi("2023-06-01", doses=(methylprednisolone("120"),)),
        lumbar_esi("2024-03-01", doses=(methylprednisolone("120"),)),
        lumbar_esi("2025-02-01", doses=(methylprednisolone("80"),)),
        lumbar_esi("2025-11-01", doses=(methylprednisolone("80"),)),
        lumbar_esi("2022-12-01", doses=(methylprednisolone("80"),)),
    ]
    results = evaluate(history, [MPE_12M, MPE_36M_BONE], as_of=day("2026-01-15"))
    annual, three_years = only(results, MPE_12M), only(results, MPE_36M_BONE)
    assert (annual.value, annual.status) == (D(160), Status.WITHIN)
    assert (three_years.value, three_years.status) == (D(400), Status.AT_LIMIT)
    # 2023-06-01 leaves the 36-month window on 2026-06-02
    assert three_years.next_allowed == day("2026-06-02")
