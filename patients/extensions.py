"""What apps built on patients may add to a patient's changes, without patients importing them.

Like the chart panels: higher apps register from their AppConfig.ready(), and the hooks are called in the
open, inside the transaction of the change (e.g. a new payer changes which limit rules apply).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from patients.models import Patient

# Called with the patient and the names of the fields that changed, after an edit is saved.
after_update: list[Callable[["Patient", frozenset[str]], object]] = []


def register_after_update(hook: Callable[["Patient", frozenset[str]], object]) -> None:
    if hook not in after_update:
        after_update.append(hook)
