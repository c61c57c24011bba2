from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from patients.models import Patient
from scheduling.models import Appointment

PAST_SHOWN = 10


def chart_panel_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    """The chart's appointments: upcoming ones, then the latest past ones; two queries."""
    now = timezone.now()
    visits = Appointment.objects.filter(patient=patient).select_related("physician", "procedure_type")
    upcoming = list(visits.filter(ends_at__gte=now).order_by("starts_at"))
    past = list(visits.filter(ends_at__lt=now).order_by("-starts_at")[:PAST_SHOWN])
    return {
        "patient": patient,
        "groups": [("Upcoming", upcoming), ("Past", past)],
        "can_book": request.user.has_perm("scheduling.add_appointment") and not patient.is_archived,
    }
