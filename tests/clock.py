"""Freezing "today" as the clinic's calendar reads it.

`time_machine` takes a naive datetime as UTC, which in New York is still yesterday evening; these
helpers build the moment in the clinic's TIME_ZONE instead.
"""

import datetime
import zoneinfo

import time_machine
from django.conf import settings


def clinic_time(day: datetime.date, hour: int = 10, minute: int = 30) -> datetime.datetime:
    """A wall-clock moment on a clinic day, aware in the clinic's zone."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def on_clinic_day(day: datetime.date, hour: int = 10, minute: int = 30) -> time_machine.travel:
    """Travel to that day (the clock ticks on from the given time); usable as a decorator or a `with`."""
    return time_machine.travel(clinic_time(day, hour, minute), tick=True)
