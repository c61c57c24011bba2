"""Sections that higher apps add to the patient chart and to the home page, and the HTML kept of the chart's
heavier ones.

The chart belongs to `patients`, which must not import the apps built on it. Each of those apps
registers its panel here from its AppConfig.ready(); the chart renders the panels the viewer's role
may see. A panel's context function runs a fixed number of queries.

A panel marked `kept` shows only the patient's own records, reference data and today's judgement of them, so its
HTML is kept (Django's cache) under everything it depends on: the patient's chart stamp, which database triggers
renew in the transaction of every write to those records (`patients.chart_stamp`); the reference stamps of the
names and rules it shows (`clinic.reference`); today's date; and the viewer's permissions, which decide its
buttons. A chart opened again with none of these changed is served the kept HTML without reading the records.
A panel that also changes with the time of day (a visit passing from upcoming to past) says until when its HTML
holds (`good_until`).

The home page is built the same way: `clinic` owns the page and its greeting, each app registers the buttons and
cards of its own work (`HomePanel`), and the page shows those the viewer's role may see, in their order.
"""

import datetime
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

# The reference data that kept panels show: staff and procedure names, and the rules they judge by (whose stamp
# every write to the payers renews, so it covers the payers' names too).
KEPT_UNDER = ("staff names", "procedure names", "limit rules", "outcome rules")
# How long kept HTML may sit unused in the cache; it is keyed by the date, so a day at most is ever useful.
KEEP_SECONDS = 6 * 60 * 60


@dataclass(frozen=True)
class ChartPanel:
    template: str
    permission: str
    context: Callable[[HttpRequest, Any], dict[str, Any]]
    order: int = 0
    kept: bool = False
    good_until: Callable[[dict[str, Any]], datetime.datetime | None] | None = None


@dataclass(frozen=True)
class RenderedPanel:
    template: str
    html: SafeString
    context: dict[str, Any] | None  # None when the kept HTML was served


_panels: list[ChartPanel] = []


def register_chart_panel(panel: ChartPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def chart_panels(
    request: HttpRequest, patient_id: int, patient: Callable[[], Any], stamps: Sequence[int] | None = None
) -> list[RenderedPanel]:
    """The HTML of each panel the viewer may see; kept panels from the cache when `stamps` (the patient's chart
    stamp, then those of KEPT_UNDER, read before the patient was) and the rest of their key are unchanged.
    Without stamps, every panel is rendered afresh. `patient()` gives the patient, called only for a panel rendered
    afresh: a chart served from kept HTML reads no patient row."""
    visible = [panel for panel in _panels if request.user.has_perm(panel.permission)]
    key = None
    if stamps is not None and any(panel.kept for panel in visible):
        key = kept_key(request.user, patient_id, stamps)
    return [_html(panel, request, patient, key if panel.kept else None) for panel in visible]


def kept_key(user: User | AnonymousUser, patient_id: int, stamps: Sequence[int]) -> str:
    """What kept chart HTML is kept under: the patient, the stamps, today and the viewer's permissions."""
    permissions = " ".join(sorted(user.get_all_permissions()))
    viewer = hashlib.blake2b(permissions.encode(), digest_size=8).hexdigest()
    today = timezone.localdate().isoformat()
    return f"{patient_id}:{':'.join(map(str, stamps))}:{today}:{viewer}"


def _html(panel: ChartPanel, request: HttpRequest, patient: Callable[[], Any], key: str | None) -> RenderedPanel:
    name = f"chart-panel:{panel.template}:{key}"
    if key is not None:
        held: tuple[str, datetime.datetime | None] | None = cache.get(name)
        if held is not None and (held[1] is None or timezone.now() < held[1]):
            return RenderedPanel(panel.template, mark_safe(held[0]), None)  # the template's output, as kept
    context = panel.context(request, patient())
    html = render_to_string(panel.template, {"panel": context})
    if key is not None:
        until = panel.good_until(context) if panel.good_until else None
        cache.set(name, (html, until), KEEP_SECONDS)
    return RenderedPanel(panel.template, mark_safe(html), context)  # render_to_string escaped what it rendered


@dataclass(frozen=True)
class HomePanel:
    """A part of the home page: a button in the top row (`button`), or a card below it.

    The template is included in the page, so it sees the page's context (`user`, `perms`) as well as its own
    (`panel`, from `context`, or an empty dict without one). A context function runs a fixed number of queries.
    """

    template: str
    permission: str
    context: Callable[[HttpRequest], dict[str, Any]] | None = None
    order: int = 0
    button: bool = False


@dataclass(frozen=True)
class ShownPanel:
    template: str
    context: dict[str, Any]


_home_panels: list[HomePanel] = []


def register_home_panel(panel: HomePanel) -> None:
    if panel not in _home_panels:
        _home_panels.append(panel)
        _home_panels.sort(key=lambda p: p.order)


def home_panels(request: HttpRequest) -> tuple[list[ShownPanel], list[ShownPanel]]:
    """The buttons, then the cards, that the viewer may see; each context is read only for a panel shown."""
    shown = [
        (panel.button, ShownPanel(panel.template, panel.context(request) if panel.context else {}))
        for panel in _home_panels
        if request.user.has_perm(panel.permission)
    ]
    return [p for button, p in shown if button], [p for button, p in shown if not button]
