"""Sections that higher apps add to a visit's page, without scheduling importing them (like `clinic.panels`).

An app registers a `VisitPanel` from its AppConfig.ready(); the visit's page renders those the viewer may see.
A panel's context function runs a fixed number of queries.
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
