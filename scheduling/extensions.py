"""What higher apps add to a visit's page and to the booking check, without scheduling importing them (like
`clinic.panels`).

An app registers a `VisitPanel` from its AppConfig.ready(); the visit's page renders those the viewer may see.
A panel's context function runs a fixed number of queries. A booking advisor says, before the front desk books a
planned procedure, what else stands in its way (a prior authorization missing or running out).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from scheduling.models import Appointment


@dataclass(frozen=True)
class VisitPanel:
    template: str
    permission: str
    context: Callable[[HttpRequest, Appointment], dict[str, Any]]


_panels: list[VisitPanel] = []


def register_visit_panel(panel: VisitPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def visit_panels(request: HttpRequest, appointment: Appointment) -> list[SafeString]:
    return [
        render_to_string(panel.template, panel.context(request, appointment), request=request)
        for panel in _panels
        if request.user.has_perm(panel.permission)
    ]


_booking_advisors: list[Callable[[Appointment], list[str]]] = []


def register_booking_advisor(advisor: Callable[[Appointment], list[str]]) -> None:
    if advisor not in _booking_advisors:
        _booking_advisors.append(advisor)


def booking_advice(visit: Appointment) -> list[str]:
    return [line for advisor in _booking_advisors for line in advisor(visit)]
