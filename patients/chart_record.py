"""The chart's own part of the patient's record (name and birth date, safety facts, demographics), kept like its
heavier panels (`clinic.panels`): its HTML is kept under the patient's chart stamp, which triggers renew in the
transaction of every write to the patient (`patients.chart_stamp`), with the reference stamps, today's date (the
age) and the viewer's permissions (the Edit button). A chart opened again with none of these changed reads no
patient row and renders none of it: the chart's cost is then its audit entry and the viewer's own parts.

Nothing here holds a form: each form's CSRF token is new with every page, so the chart renders its forms itself
from the facts kept beside the HTML (`ChartRecord`).
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from clinic.panels import KEEP_SECONDS, kept_key
from patients.models import Patient


@dataclass(frozen=True)
class ChartRecord:
    pk: int
    full_name: str
    archived_at: datetime.datetime | None
    archive_reason: str
    head: SafeString  # the name, born, age and sex, and the Edit button
    facts: SafeString  # the safety and demographics cards
    # The chart's own forms and links, reversed with the rest rather than on every look.
    archive_url: str
    restore_url: str
    history_url: str

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


def chart_record(
    request: HttpRequest, patient_id: int, patient: Callable[[], Patient], stamps: Sequence[int] | None = None
) -> ChartRecord:
    """The record as kept under `stamps` (read before the patient is) and the rest of the key, else rendered from
    `patient()` and kept. Without stamps it is rendered afresh and not kept."""
    name = f"chart-record:{kept_key(request.user, patient_id, stamps)}" if stamps is not None else None
    if name is not None:
        held: ChartRecord | None = cache.get(name)
        if held is not None:
            return held
    record = _render(request, patient())
    if name is not None:
        cache.set(name, record, KEEP_SECONDS)
    return record


def _render(request: HttpRequest, patient: Patient) -> ChartRecord:
    context = {"patient": patient, "can_edit": request.user.has_perm("patients.change_patient")}
    return ChartRecord(
        pk=patient.pk,
        full_name=patient.full_name,
        archived_at=patient.archived_at,
        archive_reason=patient.archive_reason,
        # render_to_string escaped what it rendered.
        head=mark_safe(render_to_string("patients/_chart_head.html", context)),
        facts=mark_safe(render_to_string("patients/_chart_facts.html", context)),
        archive_url=reverse("patients:archive", args=[patient.pk]),
        restore_url=reverse("patients:restore", args=[patient.pk]),
        history_url=reverse("patients:history", args=[patient.pk]),
    )
