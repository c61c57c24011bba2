"""The chart's procedures and steroid-exposure panel, registered with `clinic.panels` from the app's ready()."""

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from clinic.links import url_for_each
from patients.models import Patient
from procedures import limits
from procedures.models import Procedure
from procedures.recent import recent_procedures

# Procedures the chart lists; the patient's procedures page has them all.
CHART_PROCEDURES = 25


def procedure_rows(procedures: Iterable[Procedure]) -> list[tuple[Procedure, str]]:
    """Each procedure with its link, for `_procedure_rows.html`: the detail URL reversed once per list, not per row."""
    detail = url_for_each("procedures:detail")
    return [(procedure, detail(procedure.pk)) for procedure in procedures]


def chart_panel_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    """The chart's procedures and steroid-exposure panel: seven queries whatever the history length."""
    today = timezone.localdate()
    rule_sets = limits.load_rule_sets()
    # Only the engine's look-back window is loaded; older records are on the patient's procedure list.
    recent = recent_procedures(patient, rule_sets)
    return {
        "patient": patient,
        "rows": procedure_rows(recent[:CHART_PROCEDURES]),
        "procedure_count": Procedure.objects.for_patient(patient).count(),
        "exposure": limits.patient_exposure(patient, recent, rule_sets, today),
        "can_log": request.user.has_perm("procedures.add_procedure") and not patient.is_archived,
    }
