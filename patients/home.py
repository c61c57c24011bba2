"""The patients' part of the home page: the search, the patients registered last, the latest changes."""

from typing import Any

from django.http import HttpRequest

from patients.audit import recent_changes
from patients.models import Patient

RECENT = 8


def recent_patients_context(request: HttpRequest) -> dict[str, Any]:
    # Left unread: the card's list reads it, in one query.
    return {"recent_patients": Patient.objects.active().select_related("payer").order_by("-created_at")[:RECENT]}


def recent_changes_context(request: HttpRequest) -> dict[str, Any]:
    return {"recent_changes": recent_changes(RECENT)}
