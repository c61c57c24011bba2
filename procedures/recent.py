"""A patient's records inside the limit rules' look-back, loaded once per request for every chart panel.

The chart's procedures panel lists them and judges their steroid exposure; the outcomes panel (a higher app)
draws the latest ones' responses. Loading them once, with their details, spares the chart a second load of
the same records. The list is kept on the patient object the request loaded: a view that changes a record
and then shows the chart in the same request must load the patient again.
"""

from collections.abc import Sequence

from django.utils import timezone

from patients.models import Patient
from procedures import exposure, limits
from procedures.models import Procedure

_KEPT = "_recent_procedures"


def recent_procedures(patient: Patient, rule_sets: Sequence[exposure.RuleSet] | None = None) -> list[Procedure]:
    """The patient's records from the look-back of `rule_sets` (default: the active ones) on, voided ones
    included, newest first, with their details."""
    found: list[Procedure] | None = getattr(patient, _KEPT, None)
    if found is None:
        rule_sets = limits.load_rule_sets() if rule_sets is None else rule_sets
        since = limits.lookback_start(rule_sets, timezone.localdate())
        records = Procedure.objects.for_patient(patient).since(since).with_details()
        found = list(records.order_by("-performed_at", "-pk"))
        setattr(patient, _KEPT, found)
    return found


def loaded_recent_procedures(patient: Patient) -> list[Procedure] | None:
    """What `recent_procedures` loaded for this patient object, if it ran: a panel that needs fewer records
    takes them from there rather than load them again, and loads its own otherwise."""
    found: list[Procedure] | None = getattr(patient, _KEPT, None)
    return found
