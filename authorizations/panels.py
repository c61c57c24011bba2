from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from authorizations.models import Authorization
from patients.models import Patient

SHOWN = 5


def chart_panel_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    """The patient's latest authorizations with their units: one query."""
    latest = list(
        Authorization.objects.filter(patient=patient)
        .with_units_used()
        .select_related("payer")
        .prefetch_related("procedure_types")
        .order_by("-requested_on", "-pk")[: SHOWN + 1]
    )
    return {
        "patient": patient,
        "authorizations": latest[:SHOWN],
        "more": len(latest) > SHOWN,
        "today": timezone.localdate(),
        "can_add": request.user.has_perm("authorizations.add_authorization") and not patient.is_archived,
    }
