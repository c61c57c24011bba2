from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from implants import rules
from implants.models import Device, Pathway, TrialRule
from patients.models import Patient

# Closed pathways the chart still lists under the open ones (a failed trial stays on record).
CLOSED_SHOWN = 2


def with_rule(pathways: QuerySet[Pathway]) -> QuerySet[Pathway]:
    """Each pathway with its device's trial rule, in the same query."""
    rule = TrialRule.objects.filter(device=OuterRef("device"))
    return pathways.annotate(
        rule_relief=Subquery(rule.values("min_relief_pct")[:1]),
        rule_days=Subquery(rule.values("min_days")[:1]),
        rule_source=Subquery(rule.values("source")[:1]),
    )


def rule_of(pathway: Pathway) -> rules.TrialRule:
    """The annotated rule (`with_rule`), or the default a clinic that removed its row gets (services.trial_rule)."""
    relief = getattr(pathway, "rule_relief", None)
    if relief is None:
        return rules.TrialRule.default()
    return rules.TrialRule(relief, getattr(pathway, "rule_days", 1), getattr(pathway, "rule_source", ""))


def summary(pathway: Pathway, today: Any) -> dict[str, Any]:
    """What the chart and the pathway page say of a pathway: its stage, what is missing, the trial's verdict."""
    facts = pathway.facts()
    rule = rule_of(pathway)
    current = rules.stage(facts, today)
    reached = rules.STAGES.index(current) if current in rules.STAGES else len(rules.STAGES)
    return {
        "pathway": pathway,
        "stage": current,
        # Each step with whether it is done, current or still ahead, for the chart's step bar.
        "steps": [
            (step, "done" if i < reached else "current" if i == reached else "ahead")
            for i, step in enumerate(rules.STAGES)
        ],
        "missing": rules.missing(facts, today),
        "trial": rules.judge_trial(facts.diary_days, facts.diary_relief_total, rule),
        "rule": rule,
    }


def chart_panel_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    """The patient's stimulator and pump pathways, open ones first: one query."""
    today = timezone.localdate()
    pathways = list(
        with_rule(Pathway.objects.filter(patient=patient))
        .select_related("implant")
        .order_by("closed_on", "-opened_on", "-pk")[: 2 + CLOSED_SHOWN]
    )
    open_devices = {p.device for p in pathways if not p.is_closed}
    can_add = request.user.has_perm("implants.add_pathway") and not patient.is_archived
    return {
        "patient": patient,
        "pathways": [summary(p, today) for p in pathways],
        "can_open": [(value, label) for value, label in Device.choices if value not in open_devices] if can_add else [],
    }
