"""Text messages to patients through a pluggable backend, the way Django's email framework does it.

`SMS_BACKEND` names a class with a `send(to, body)` method; `send_sms` loads it. Two come with Pinpoint: the
console (development, the default) and an in-memory outbox (tests). A clinic connects its SMS provider with a small
class of its own on its provider's client library, named in the setting; a failure raises, so the caller's
transaction is rolled back and the message is tried again on the next run.
"""

import logging
import sys
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class Backend(Protocol):
    def send(self, message: TextMessage) -> None: ...


class ConsoleBackend:
    """Writes each message to standard output, like Django's console email backend."""

    def send(self, message: TextMessage) -> None:
        sys.stdout.write(f"SMS to {message.to}\n{message.body}\n{'-' * 79}\n")
        sys.stdout.flush()


# The in-memory backend's sent messages, like `django.core.mail.outbox`.
outbox: list[TextMessage] = []


class LocmemBackend:
    """Keeps the messages in `clinic.sms.outbox`: for tests."""

    def send(self, message: TextMessage) -> None:
        outbox.append(message)


def send_sms(to: str, body: str) -> None:
    backend: Backend = import_string(settings.SMS_BACKEND)()
    backend.send(TextMessage(to, body))
    logger.info("Text message sent through %s", settings.SMS_BACKEND)
