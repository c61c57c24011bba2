"""The outcomes dashboard and the CSV export of each of its tables.

Both read the same filters and call the same table builder (outcomes.metrics), so a download has the
rows and numbers the page shows.
"""

import csv

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clinic.access import Kind, log_access
from clinic.roles import permission_required
from outcomes import metrics
from outcomes.filters import DashboardFilter
from outcomes.metric_tables import Cell

# Spreadsheets run a cell that starts like a formula; a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@permission_required("outcomes.view_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    filters = DashboardFilter(request.GET)
    criteria = filters.criteria()
    for problem in filters.problems():
        messages.warning(request, problem)
    context = {
        "filters": filters,
        "criteria": criteria,
        "tables": metrics.build_all(criteria),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "outcomes/dashboard.html", context)


def _spreadsheet_safe(cell: Cell) -> Cell:
    """Text only: numbers, rates ("67% (4/6)") and negative means ("-0.5") pass unchanged."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _is_number(cell):
        return f"'{cell}"
    return cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@permission_required("outcomes.view_dashboard")
def export_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One table as CSV, with the page's filters (bad ones ignored as on the page)."""
    filters = DashboardFilter(request.GET)
    criteria = filters.criteria()
    built = metrics.build(table, criteria)
    if built is None:
        raise Http404("No such table.")
    log_access(request, Kind.EXPORT)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{built.slug}_{criteria.date_from:%Y-%m-%d}_{criteria.date_to:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark, so Excel reads "≥" and "—" as UTF-8 rather than as the local code page.
    response.write("\ufeff")
    csv.writer(response).writerows([[_spreadsheet_safe(cell) for cell in row] for row in built.csv_rows])
    return response
