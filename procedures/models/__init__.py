"""Procedure models, split by responsibility: the catalog, the limit rules, and the records."""

from procedures.models.catalog import CATALOG_STAMP, Approach, Drug, Family, Intent, ProcedureType
from procedures.models.records import (
    Complication,
    Guidance,
    Procedure,
    ProcedureMedication,
    ProcedureSite,
    Sedation,
    Side,
)
from procedures.models.rules import LimitRule, RuleSet
from procedures.models.standing import StandingLimit, StandingLimitsComputed

__all__ = [
    "CATALOG_STAMP",
    "Approach",
    "Complication",
    "Drug",
    "Family",
    "Guidance",
    "Intent",
    "LimitRule",
    "Procedure",
    "ProcedureMedication",
    "ProcedureSite",
    "ProcedureType",
    "RuleSet",
    "Sedation",
    "Side",
    "StandingLimit",
    "StandingLimitsComputed",
]
