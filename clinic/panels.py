"""Sections that higher apps add to the patient chart.

The chart belongs to `patients`, which must not import the apps built on it. Each of those apps
registers its panel here from its AppConfig.ready(); the chart renders the panels the viewer's role
may see. A panel's context function runs a fixed number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class ChartPanel:
    template: str
    permission: str
    context: Callable[[HttpRequest, Any], dict[str, Any]]
    order: int = 0


@dataclass(frozen=True)
class RenderedPanel:
    template: str
    context: dict[str, Any]


_panels: list[ChartPanel] = []


def register_chart_panel(panel: ChartPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def chart_panels(request: HttpRequest, patient: Any) -> list[RenderedPanel]:
    return [
        RenderedPanel(panel.template, panel.context(request, patient))
        for panel in _panels
        if request.user.has_perm(panel.permission)
    ]
