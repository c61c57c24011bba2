"""The day grid's empty slots and visit blocks, written in Python.

A day with thirty physicians has some 1,300 slots, and a busy one a thousand visits; as template tags, each
slot's classes, booking link (a `{% url %}` apiece) and label, and each visit's dozen fields, cost most of
the page's time. These write the same HTML, with the booking URL reversed once per grid and the words many
cells or visits share escaped once. Every value is escaped here as the template escaped it (tests compare the two).
"""

import html

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from scheduling.calendar import Column
from scheduling.models import Status, VisitType

register = template.Library()

# The choices' labels, escaped once: `get_status_display()` and its kind flatten the choices on every call,
# and a busy day writes thousands.
STATUS_LABELS: dict[str, str] = {value: escape(label) for value, label in Status.choices}
VISIT_TYPE_LABELS: dict[str, str] = {value: escape(label) for value, label in VisitType.choices}


@register.simple_tag
def slot_cells(column: Column, can_book: bool) -> SafeString:
    """A column's 15-minute cells, each empty free one a link to book it (for those who book)."""
    book = column.book_url
    booking = can_book and column.pk is not None
    query, who = f"?{escape(column.param)}={column.pk}&amp;start=", escape(column.who)
    # `Cell.start` without a strftime of the same day for each of the column's cells.
    day = f"{column.cells[0].day:%Y-%m-%d}T" if column.cells else ""
    cells = []
    for cell in column.cells:
        shade = ("" if cell.working else " cal-off") + (" cal-hour" if cell.on_hour else "")
        link = ""
        if booking and cell.bookable:
            label = cell.label
            link = (
                f'<a class="cal-book" href="{book}{query}{day}{label}" aria-label="Book {label} {who}">'
                f"+ Book {label}</a>"
            )
        cells.append(f'<div class="cal-cell{shade}" style="grid-row: {cell.row}">{link}</div>')
    return mark_safe("".join(cells))  # every value above is escaped, or built here from numbers


@register.simple_tag
def visit_blocks(column: Column, by: str) -> SafeString:
    """A column's visits, each drawn over its rows: the same HTML the template wrote, at a busy clinic's
    thousand visits a day a fraction of its time."""
    blocks = []
    # Most of a column's visits share their room (or physician) and many their planned procedure: each text
    # is escaped once. `html.escape` is what Django's `escape` runs, without its check for lazy text.
    plans: dict[str, str] = {}
    places: dict[int | None, str] = {}  # by room (or physician) id
    for block in column.blocks:
        visit = block.visit
        status = visit.status if visit.status in STATUS_LABELS else html.escape(visit.status)
        label = STATUS_LABELS.get(visit.status, status)
        limit = (
            f'<span class="badge text-bg-danger" title="{html.escape(visit.limit_flag)}">limit</span>'
            if visit.limit_flag is not None
            else ""
        )
        planned = visit.planned_summary
        if planned and planned not in plans:
            plans[planned] = html.escape(planned)
        place = visit.physician.pk if by == "room" else (visit.room.pk if visit.room else None)
        if place not in places:
            places[place] = html.escape(visit.physician_name if by == "room" else str(visit.room or "No room"))
        where = places[place]
        kind = VISIT_TYPE_LABELS.get(visit.visit_type) or html.escape(visit.visit_type)
        blocks.append(
            f'\n    <article class="cal-appt status-{status}" style="grid-row: {block.row} / span {block.span}; '
            f'grid-column: {block.lane}" data-appointment="{visit.pk}">'
            f'\n      <div class="cal-line cal-first"><span class="cal-appt-time">{block.starts}</span>'
            f"{limit}"
            f'\n        <a class="fw-semibold cal-name" href="{block.url}">{html.escape(visit.patient_name)}</a>'
            f'\n        <span class="badge status-badge status-{status} ms-auto">{label}'
            "</span></div>"
            f'\n      <div class="cal-line">{kind}'
            f"{f' · {plans[planned]}' if planned else ''}</div>"
            f'\n      <div class="cal-line text-secondary">{where} · {block.starts}–{block.ends}</div>'
            "\n    </article>\n    "
        )
    return mark_safe("".join(blocks))  # every value above is escaped, or built here from numbers
