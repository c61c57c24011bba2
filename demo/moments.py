"""Moments as whole minutes since 1970 in UTC: cheap to add and compare, and cheap to write.

The seeder handles millions of moments; datetime objects cost a microsecond or more each to make and to
format. Its rows carry moments as text ("2026-03-09 14:15:00+00"), which COPY takes as it is and Django's
DateTimeField parses on other databases.
"""

import datetime

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
DAY = 24 * 60
_CLOCK = [f" {hour:02d}:{minute:02d}:00+00" for hour in range(24) for minute in range(60)]
_DATES: dict[int, str] = {}


def minutes(moment: datetime.datetime) -> int:
    return int((moment - EPOCH).total_seconds() // 60)


def aware(minute: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(minutes=minute)


def text(minute: int) -> str:
    day = minute // DAY
    date = _DATES.get(day)
    if date is None:
        date = _DATES[day] = (EPOCH.date() + datetime.timedelta(days=day)).isoformat()
    return date + _CLOCK[minute % DAY]
