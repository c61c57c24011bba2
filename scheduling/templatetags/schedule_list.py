"""The day's list rows, written in Python.

A page of the list is a hundred visits of a dozen fields each, plus a check-in form; as a template, each
row's lookups, filters and include cost half the page's time. `{% agenda_rows %}` writes the same HTML (the
list and the status view's swapped row both use it), every value escaped as the template escaped it (a
test compares the two).
"""

import datetime
import html

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from scheduling.calendar import AgendaRow
from scheduling.templatetags.schedule_grid import STATUS_LABELS, VISIT_TYPE_LABELS

register = template.Library()

# The one-click step's button colour, by the status it moves the visit to.
STEP_BUTTONS = {"checked_in": "btn-primary", "in_room": "btn-info"}


def _clock(moment: datetime.datetime) -> str:
    """A time as the template's `|time:"H:i"` wrote it: in the clinic's zone."""
    local = timezone.localtime(moment)
    return f"{local.hour:02d}:{local.minute:02d}"


def _row(row: AgendaRow, can_change: bool, back: str, problem: str, csrf: str) -> str:
    a = row.appointment
    patient, e = a.patient, html.escape
    status = a.status if a.status in STATUS_LABELS else e(a.status)
    planned = f'<div class="small">{e(a.planned_summary)}</div>' if a.planned_summary else ""
    alert = f'<div class="small text-danger" role="alert">{e(problem)}</div>' if problem else ""
    limit = ""
    if a.passes_limit:
        limit = f' <span class="badge text-bg-danger" title="{e(a.limit_flag)}">limit</span>'
        if a.limit_override_reason:
            limit += f'<div class="small text-danger">Booked past the limit: {e(a.limit_override_reason)}</div>'
    since = (
        f'<div class="small text-secondary">since {_clock(a.checked_in_at)}</div>'
        if a.status == "checked_in" and a.checked_in_at
        else ""
    )
    step_cell = ""
    if can_change:
        form = ""
        step = a.next_step
        if step:
            form = (
                f'\n    <form method="post" action="{row.status_url}" hx-post="{row.status_url}" '
                f'hx-target="#appt-{a.pk}" hx-swap="outerHTML">'
                f"\n      {csrf}"
                f'\n      <input type="hidden" name="next" value="{e(back)}">'
                f'\n      <input type="hidden" name="status" value="{e(step[0])}">'
                f'\n      <button class="btn btn-sm {STEP_BUTTONS.get(step[0], "btn-success")} text-nowrap" '
                f'type="submit" aria-label="{e(step[1])}: {e(patient.full_name)}">{e(step[1])}</button>'
                "\n    </form>\n    "
            )
        step_cell = f'\n  <td class="text-end no-print">\n    {form}\n  </td>\n  '
    return (
        f'<tr id="appt-{a.pk}" class="status-{status}{"" if a.holds_slot else " agenda-freed"}">'
        f'\n  <td class="text-nowrap fw-semibold">{_clock(a.starts_at)}'
        f'<div class="small fw-normal text-secondary">{a.minutes} min</div></td>'
        f'\n  <td><a href="{row.chart_url}">{e(patient.last_name)}, {e(patient.first_name)}</a>'
        f'<div class="small text-secondary">MRN {e(patient.mrn)}</div></td>'
        f'\n  <td class="text-nowrap">{e(patient.phone or "—")}</td>'
        f'\n  <td class="text-nowrap">{e(a.physician_name)}</td>'
        f'\n  <td class="text-nowrap">{e(str(a.room or "—"))}</td>'
        f'\n  <td><a href="{row.url}">{VISIT_TYPE_LABELS.get(a.visit_type) or e(a.visit_type)}</a>'
        f"{planned}{limit}</td>"
        f'\n  <td class="text-nowrap"><span class="badge status-badge status-{status}">'
        f"{STATUS_LABELS.get(a.status) or e(a.status)}</span>{since}{alert}</td>"
        f"\n  {step_cell}\n</tr>\n"
    )


@register.simple_tag(takes_context=True)
def agenda_rows(
    context: template.Context, rows: list[AgendaRow], can_change: bool, back: str, problem: str = ""
) -> SafeString:
    """The list's rows; `problem` is the message the status view shows in a row it could not move."""
    csrf = CsrfTokenNode().render(context)
    return mark_safe("".join(_row(row, can_change, back, problem, csrf) for row in rows))  # every value is escaped
