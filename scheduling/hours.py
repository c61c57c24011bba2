"""The physicians' working hours and time off as every booking's hours check reads them: kept in each process under
the "working hours" stamp (`clinic.reference`), which the tables' triggers renew on any write (scheduling migration
0009), so an edit made anywhere is read by the next booking.

A booking read them in a query of its own, a tenth of its time; a clinic edits them a few times a month.
"""

import datetime
from collections import defaultdict
from typing import NamedTuple

from clinic import reference
from scheduling.models import TimeOff, WorkingHours

STAMP = "working hours"


class Block(NamedTuple):
    """A row of the physician's day: working hours (`starts`–`ends`), or time off (`off_from`–`off_to`)."""

    off: bool
    starts: datetime.time | None
    ends: datetime.time | None
    off_from: datetime.date | None
    off_to: datetime.date | None
    reason: str


class _Kept(NamedTuple):
    week: dict[tuple[int, int], tuple[Block, ...]]  # (physician id, weekday): the day's blocks
    off: dict[int, tuple[Block, ...]]  # physician id: every spell of time off


def _read() -> _Kept:
    week: defaultdict[tuple[int, int], list[Block]] = defaultdict(list)
    for physician_id, weekday, starts, ends in WorkingHours.objects.order_by().values_list(
        "physician_id", "weekday", "starts", "ends"
    ):
        week[(physician_id, weekday)].append(Block(False, starts, ends, None, None, ""))
    off: defaultdict[int, list[Block]] = defaultdict(list)
    for physician_id, starts_on, ends_on, reason in TimeOff.objects.order_by().values_list(
        "physician_id", "starts_on", "ends_on", "reason"
    ):
        off[physician_id].append(Block(True, None, None, starts_on, ends_on, reason))
    return _Kept(
        {key: tuple(blocks) for key, blocks in week.items()}, {key: tuple(blocks) for key, blocks in off.items()}
    )


def day_blocks(physician_id: int, day: datetime.date) -> list[Block]:
    """The physician's working hours on the day's weekday and any time off over the day, in no order."""
    kept = reference.kept(STAMP, _read)
    off = [
        b for b in kept.off.get(physician_id, ()) if b.off_from is not None and b.off_from <= day <= (b.off_to or day)
    ]
    return [*kept.week.get((physician_id, day.weekday()), ()), *off]
