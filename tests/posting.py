"""Posting forms as a browser would, and at the same moment from several threads."""

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client

if TYPE_CHECKING:
    # The test client's response: an HttpResponse with the rendered context attached.
    from django.test.client import _MonkeyPatchedWSGIResponse as ClientResponse


def as_posted(form: forms.BaseForm) -> dict[str, Any]:
    """What a browser posts for the form as shown: each field's rendered value, checkboxes only when ticked."""
    data: dict[str, Any] = {}
    for bound in form:
        value, widget = bound.value(), bound.field.widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(widget, forms.SelectMultiple | forms.CheckboxSelectMultiple):
            data[bound.html_name] = [str(v) for v in value or []]
        else:
            shown = widget.format_value(value)
            if isinstance(shown, list):
                shown = shown[0] if shown else ""
            data[bound.html_name] = "" if shown is None else shown
    return data


def opened_by(client: Client, user: User, url: str) -> dict[str, Any]:
    """The form at `url` as `user` opened it: what their browser posts if they save it unchanged."""
    client.force_login(user)
    return as_posted(client.get(url).context["form"])


def saved_by(client: Client, user: User, url: str, data: dict[str, Any]) -> "ClientResponse":
    client.force_login(user)
    return client.post(url, data)


def at_once(attempts: Sequence[Callable[[], Any]]) -> list[Any]:
    """Start each attempt at the same moment, in its own thread and database connection.

    Returns what each attempt returned, or the exception it raised.
    """
    outcomes: list[Any] = [None] * len(attempts)
    start = threading.Barrier(len(attempts), timeout=10)

    def run(index: int) -> None:
        try:
            start.wait()
            outcomes[index] = attempts[index]()
        except Exception as error:  # the outcome under test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
