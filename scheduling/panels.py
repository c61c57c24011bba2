import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from patients.models import Patient
from scheduling.models import Appointment

# Upcoming and past visits the chart lists; the patient's visits page has them all.
SHOWN = 10


def good_until(context: dict[str, Any]) -> datetime.datetime | None:
    """When the kept panel stops being right with no write to the visits: the next visit ends and becomes past."""
    upcoming: list[Appointment] = context["groups"][0][1]
    return min((visit.ends_at for visit in upcoming), default=None)


def chart_panel_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    """The chart's appointments: the next ones, then the latest past ones; two queries, ten of each at most."""
    now = timezone.now()
    visits = Appointment.objects.filter(patient=patient).select_related("physician", "procedure_type")
    # One more than shown says whether there are more, without counting them.
    upcoming = list(visits.filter(ends_at__gte=now).order_by("starts_at")[: SHOWN + 1])
    past = list(visits.filter(ends_at__lt=now).order_by("-starts_at")[: SHOWN + 1])
    return {
        "patient": patient,
        "groups": [("Upcoming", upcoming[:SHOWN]), ("Past", past[:SHOWN])],
        "more": len(upcoming) > SHOWN or len(past) > SHOWN,
        "can_book": request.user.has_perm("scheduling.add_appointment") and not patient.is_archived,
    }
