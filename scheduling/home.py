"""The schedule's part of the home page: today's visits, counted."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from scheduling.models import Appointment


def visits_today_context(request: HttpRequest) -> dict[str, Any]:
    return {"visits_today": Appointment.objects.on_day(timezone.localdate()).holding_slot().count()}
