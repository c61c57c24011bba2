"""The day grid's empty slots, written in Python.

A day with thirty physicians has some 1,300 slots; as template tags, each slot's classes, booking link (a
`{% url %}` apiece) and label cost most of the page's time. This writes the same HTML with the booking URL
reversed once per column and the column's words escaped once.
"""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from scheduling.calendar import Column

register = template.Library()


@register.simple_tag
def slot_cells(column: Column, can_book: bool) -> SafeString:
    """A column's 15-minute cells, each empty free one a link to book it (for those who book)."""
    book = reverse("scheduling:new")
    booking = can_book and column.pk is not None
    query, who = f"?{escape(column.param)}={column.pk}&amp;start=", escape(column.who)
    cells = []
    for cell in column.cells:
        shade = ("" if cell.working else " cal-off") + (" cal-hour" if cell.on_hour else "")
        link = ""
        if booking and cell.bookable:
            link = (
                f'<a class="cal-book" href="{book}{query}{cell.start}" aria-label="Book {cell.label} {who}">'
                f"+ Book {cell.label}</a>"
            )
        cells.append(f'<div class="cal-cell{shade}" style="grid-row: {cell.row}">{link}</div>')
    return mark_safe("".join(cells))
