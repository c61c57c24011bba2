"""Links that a higher app adds to a lower app's page: e.g. the printed note on the procedure's page.

Like the chart's panels (`clinic.panels`), a page owned by a lower app names a place (`"procedures:detail"`) and
shows the links registered for it, each only to those with its permission; the app that serves the link registers
it from its AppConfig.ready(), so the lower app never imports it. The page passes what the links are built from
(e.g. `procedure=p`) as keyword arguments.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User


@dataclass(frozen=True)
class PageLink:
    place: str
    label: str
    permission: str
    url: Callable[..., str]
    order: int = 0


@dataclass(frozen=True)
class ShownLink:
    label: str
    url: str


_links: list[PageLink] = []


def register_page_link(link: PageLink) -> None:
    if link not in _links:
        _links.append(link)
        _links.sort(key=lambda found: found.order)


def page_links(user: User | AnonymousUser, place: str, **values: Any) -> list[ShownLink]:
    """The links registered for `place` that `user` may follow, built from the page's `values`."""
    return [
        ShownLink(link.label, link.url(**values))
        for link in _links
        if link.place == place and user.has_perm(link.permission)
    ]
