"""The search results' table rows, written in Python.

A search shows 25 patients and is typed into live, so its rows are drawn on every keystroke; as template
variables (nine a row, with their filters and a loop for the badges) they took more of the request than the
search's SQL. This writes the same HTML, every value escaped as the template escaped it.
"""

from collections.abc import Iterable
from html import escape
from typing import NamedTuple

from django import template
from django.utils.safestring import SafeString, mark_safe

from patients.models import Patient

register = template.Library()
NONE = "—"


class ResultRow(NamedTuple):
    """A patient with their chart link and age, as `patients.views.result_rows` builds them."""

    patient: Patient
    chart_url: str
    age: int


@register.simple_tag
def patient_rows(rows: Iterable[ResultRow]) -> SafeString:
    """One `<tr>` a patient: name linking to the chart, MRN, birth date and age, phone, payer, safety badges."""
    lines = []
    for row in rows:
        patient = row.patient
        archived = ' <span class="badge text-bg-secondary">archived</span>' if patient.is_archived else ""
        payer = patient.payer
        badges = "".join(
            f'<span class="badge text-bg-warning me-1">{escape(badge)}</span>' for badge in patient.safety_badges
        )
        lines.append(
            "<tr>"
            f'<td><a href="{escape(row.chart_url)}">{escape(patient.last_name)}, {escape(patient.first_name)}</a>'
            f"{archived}</td>"
            f"<td>{escape(patient.mrn)}</td>"
            f'<td class="text-nowrap">{patient.date_of_birth.isoformat()} '
            f'<span class="text-secondary">({row.age})</span></td>'
            f'<td class="text-nowrap">{escape(patient.phone) or NONE}</td>'
            f"<td>{escape(str(payer)) if payer else NONE}</td>"
            f"<td>{badges}</td>"
            "</tr>"
        )
    return mark_safe("\n".join(lines))  # every value above is escaped, or built here from numbers and dates
