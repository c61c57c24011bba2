"""The rules shipped as data are the ones in domain.md §2 and §3, each with its source."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from procedures.models import Drug, LimitRule, RuleSet

pytestmark = pytest.mark.django_db

# code: (kind, limit, window months, families, per region, severity) from domain.md
DOMAIN = {
    "clinic-esi-6m": ("sessions", 3, 6, "esi", True, "hard"),
    "lcd-esi-12m": ("sessions", 4, 12, "esi", True, "hard"),
    "clinic-esi-spacing": ("spacing", 14, 0, "esi", False, "advisory"),
    "lcd-esi-levels-tf": ("levels_per_session", 2, 0, "esi", False, "advisory"),
    "lcd-esi-levels-il": ("levels_per_session", 1, 0, "esi", False, "advisory"),
    "esi-one-region": ("regions_per_session", 1, 0, "esi", False, "advisory"),
    "lcd-facet-diag-12m": ("sessions", 4, 12, "facet,mbb", True, "hard"),
    "lcd-facet-ther-12m": ("sessions", 4, 12, "facet,mbb", True, "hard"),
    "lcd-rfa-12m": ("sessions", 2, 12, "rfa", True, "hard"),
    "lcd-facet-levels": ("levels_per_session", 2, 0, "facet,mbb,rfa", False, "advisory"),
    "lcd-si-diag-12m": ("sessions", 2, 12, "si_joint", False, "hard"),
    "lcd-si-ther-12m": ("sessions", 4, 12, "si_joint", False, "hard"),
    "lcd-tpi-12m": ("sessions", 3, 12, "tpi", False, "hard"),
    "bcbs-esi-12m": ("sessions", 6, 12, "esi", False, "hard"),
    "evicore-esi-6m": ("sessions", 3, 6, "esi", True, "hard"),
    "evicore-esi-12m": ("sessions", 4, 12, "esi", True, "hard"),
    "steroid-200-12m": ("mpe_total", 200, 12, "", False, "hard"),
    "steroid-400-36m-bone": ("mpe_total", 400, 36, "", False, "hard"),
    "steroid-esi-dose": ("dose_per_session", 40, 0, "esi", False, "advisory"),
}


def test_every_rule_of_the_domain_is_shipped_with_its_numbers():
    shipped = {
        r.code: (r.kind, int(r.limit), r.window_months, r.families, r.per_region, r.severity)
        for r in LimitRule.objects.all()
    }
    assert shipped == DOMAIN


def test_every_rule_names_its_source():
    assert not LimitRule.objects.filter(source="").exists()
    assert LimitRule.objects.get(code="steroid-200-12m").source.startswith("Brown-Beresford et al.")


def test_the_payer_sets_attach_to_their_payers():
    assert [p.key for p in RuleSet.objects.get(name="Medicare LCD").payers.all()] == ["medicare"]
    assert set(RuleSet.objects.filter(always=True).values_list("name", flat=True)) == {
        "Clinic default",
        "Cumulative steroid caps",
    }


@pytest.mark.parametrize(
    ("drug", "factor"),
    [
        ("Methylprednisolone acetate", "1.0"),
        ("Triamcinolone acetonide", "1.0"),
        ("Dexamethasone sodium phosphate", "5.33"),
        ("Betamethasone sodium phosphate / acetate", "5.33"),
        ("Prednisolone", "0.8"),
        ("Hydrocortisone", "0.2"),
    ],
)
def test_the_mpe_factors_are_the_domain_equivalences(drug, factor):
    assert Drug.objects.get(name=drug).mpe_factor == Decimal(factor)


def test_the_dose_ceilings_per_esi_are_shipped():
    ceilings = dict(Drug.objects.filter(max_dose_mg__isnull=False).values_list("name", "max_dose_mg"))
    assert ceilings["Triamcinolone acetonide"] == 80
    assert ceilings["Betamethasone sodium phosphate / acetate"] == 12
    assert ceilings["Dexamethasone sodium phosphate"] == 15


def test_every_shipped_rule_set_carries_its_effective_from_and_source_date():
    shipped = ["Clinic default", "Cumulative steroid caps", "Medicare LCD", "BCBS Florida", "eviCore"]
    dates = {s.name: (s.effective_from, s.source_date) for s in RuleSet.objects.filter(name__in=shipped)}
    assert sorted(dates) == sorted(shipped)
    assert all(effective_from and source_date for effective_from, source_date in dates.values())
    assert set(dates.values()) == {(datetime.date(2026, 11, 21), datetime.date(2026, 11, 21))}


def test_a_new_rule_set_is_dated_the_day_it_is_made_until_an_administrator_says_otherwise():
    rule_set = RuleSet.objects.create(name="Local payer")
    assert (rule_set.effective_from, rule_set.source_date) == (timezone.localdate(), timezone.localdate())


def test_a_rule_set_cannot_be_saved_without_its_dates():
    with transaction.atomic(), pytest.raises(IntegrityError):
        RuleSet.objects.filter(name="Medicare LCD").update(source_date=None)
