"""What apps built on procedures may add, without procedures importing them.

The dependency rule (patients ← procedures ← scheduling ← outcomes) means logging cannot call the
outcomes app directly. Instead, higher apps register here from their AppConfig.ready(), like chart
panels: explicit, typed, and called in the open — inside the logging transaction for `after_log`,
inside the live check for `advisors` — rather than through signals.
"""

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from patients.models import Patient
    from procedures.exposure import Injection
    from procedures.models import Procedure

# Called with each newly logged procedure, in the same transaction (e.g. schedule its follow-ups).
after_log: list[Callable[["Procedure"], object]] = []

# Called after a procedure is logged, corrected or voided, in the same transaction, with when it was performed
# before the change (a correction may move it to another day): e.g. mark kept summaries of both dates stale.
after_change: list[Callable[["Procedure", "datetime.datetime"], object]] = []

# Called with the patient and the procedure being entered; each returns warnings for the entry form.
advisors: list[Callable[["Patient", "Injection"], list[str]]] = []


# Called with a patient and the look-back start; each returns the patient's booked (not yet given) procedures
# from that date on, as provisional sessions (`Injection(booked=True)`) for the booking-time limit check.
booked_providers: list[Callable[["Patient", "datetime.date"], list["Injection"]]] = []


def register_after_log(hook: Callable[["Procedure"], object]) -> None:
    if hook not in after_log:
        after_log.append(hook)


def register_after_change(hook: Callable[["Procedure", "datetime.datetime"], object]) -> None:
    if hook not in after_change:
        after_change.append(hook)


def changed(procedure: "Procedure", performed_before: "datetime.datetime") -> None:
    for hook in after_change:
        hook(procedure, performed_before)


def register_advisor(advisor: Callable[["Patient", "Injection"], list[str]]) -> None:
    if advisor not in advisors:
        advisors.append(advisor)


def register_booked_provider(provider: Callable[["Patient", "datetime.date"], list["Injection"]]) -> None:
    if provider not in booked_providers:
        booked_providers.append(provider)


def booked_sessions(patient: "Patient", since: "datetime.date") -> list["Injection"]:
    return [injection for provider in booked_providers for injection in provider(patient, since)]


def advice(patient: "Patient", proposal: "Injection") -> list[str]:
    return [warning for advisor in advisors for warning in advisor(patient, proposal)]
