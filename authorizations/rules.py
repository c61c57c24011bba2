"""Whether a planned procedure is covered by a prior authorization: a pure function of plain facts, no database.

`booking_warnings` is what the front desk reads before booking: nothing when the payer requires no authorization
for the family or one approved authorization covers the date with a unit left; else why not, in plain words,
naming the payer and the authorization.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

APPROVED, REQUESTED, DENIED = "approved", "requested", "denied"


@dataclass(frozen=True)
class Held:
    """An authorization of the patient that covers the planned procedure's type and region."""

    number: str
    status: str
    requested_on: datetime.date
    decided_on: datetime.date | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    units_approved: int
    # Logged procedures it covers, and booked visits it will cover before the planned one.
    units_used: int
    units_booked: int

    @property
    def units_left(self) -> int:
        return self.units_approved - self.units_used - self.units_booked

    def in_force_on(self, day: datetime.date) -> bool:
        return (
            self.status == APPROVED
            and self.valid_from is not None
            and self.valid_to is not None
            and self.valid_from <= day <= self.valid_to
        )


def _day(day: datetime.date) -> str:
    return day.isoformat()


def booking_warnings(*, payer: str, family: str, required: bool, on: datetime.date, held: Sequence[Held]) -> list[str]:
    if not required:
        return []
    in_force = [h for h in held if h.in_force_on(on)]
    if any(h.units_left > 0 for h in in_force):
        return []
    if in_force:
        h = max(in_force, key=lambda h: h.valid_to or on)
        return [
            f"{payer} authorization {h.number} will be used up by {_day(on)}: {h.units_used} of {h.units_approved} "
            f"units used and {h.units_booked} booked before this visit."
        ]
    warnings: list[str] = []
    for h in held:
        if h.status == APPROVED and h.valid_to is not None and h.valid_to < on:
            left = h.units_approved - h.units_used
            warnings.append(
                f"{payer} authorization {h.number} expires on {_day(h.valid_to)}, before this visit on {_day(on)}"
                f" ({left} of {h.units_approved} unit{'s' if h.units_approved != 1 else ''} left): ask {payer} for an"
                " extension or a new authorization."
            )
        elif h.status == APPROVED and h.valid_from is not None and h.valid_from > on:
            warnings.append(f"{payer} authorization {h.number} starts on {_day(h.valid_from)}, after this visit.")
        elif h.status == REQUESTED:
            warnings.append(f"{payer} authorization requested on {_day(h.requested_on)} is not approved yet.")
        elif h.status == DENIED:
            decided = f" on {_day(h.decided_on)}" if h.decided_on else ""
            warnings.append(f"{payer} denied the authorization{decided}.")
    return warnings or [f"{payer} requires prior authorization for {family}; none is on file for this procedure."]
