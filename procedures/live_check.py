"""The live limit check of a procedure entry: what the entry form shows beside the fields, and what the REST API's
`POST /api/v1/limits/check/` answers, from one function, so the two cannot differ.

The entry is the form's own `ProcedureEntry` (the API builds one from its JSON), read and validated as the form
reads it: the same problems stop the check, the same proposal is judged by the same engine, and the same notes
(drugs not counted as steroid, a particulate steroid for a transforaminal injection, the advisors of the apps
built on procedures) follow it.
"""

import datetime
from dataclasses import dataclass, field

from clinic import reference
from procedures import extensions, limits
from procedures.forms import EntryProblem, ProcedureEntry


@dataclass(frozen=True)
class LiveCheck:
    # What must be corrected before the limits can be checked; the check is None while there is any.
    problems: list[EntryProblem] = field(default_factory=list)
    # None too while the type or the date is missing.
    check: limits.ProposalCheck | None = None
    # What the apps built on procedures advise (`extensions.advice`).
    advice: list[str] = field(default_factory=list)
    # The entry's own notes, as the form shows them below the check.
    notes: list[str] = field(default_factory=list)
    # The first date on or after the proposal's on which it passes no hard limit (`first_within` asked for it);
    # None when it passes none, or when no date ever brings it within.
    first_within: datetime.date | None = None

    @property
    def checked(self) -> bool:
        return self.check is not None

    @property
    def override_needed(self) -> bool:
        """Saving it needs an override reason: it passes a hard limit."""
        return bool(self.check and self.check.blocking)


def live_check(entry: ProcedureEntry, *, first_within: bool = False) -> LiveCheck:
    """The check of an entry after `entry.is_valid()`. `first_within` also finds the first date within limits
    when the entry passes a hard limit (a few more checks of the history already read)."""
    notes = [*entry.uncounted_steroid_warnings(), *filter(None, [entry.particulate_warning()])]
    problems = entry.limit_problems()
    if problems:
        return LiveCheck(problems=problems, notes=notes)
    proposal = entry.proposal()
    if proposal is None:
        return LiveCheck(notes=notes)
    # The limit rules and the advisors' reference data (outcome rules) from one read of their stamps.
    with reference.read_together():
        checker = limits.LimitChecker(entry.patient)
        check = checker.check(proposal)
        first = None
        if first_within and check.blocking:
            first = checker.first_date_within(proposal)
        advice = extensions.advice(entry.patient, proposal)
    return LiveCheck(check=check, advice=advice, notes=notes, first_within=first)
