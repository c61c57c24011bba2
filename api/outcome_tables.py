"""`/api/v1/outcome-tables/`: the outcomes dashboard's tables, with the dashboard's filters and numbers.

Each table is built by the dashboard's own builder (`outcomes.metrics`) from the dashboard's own filter form
(`outcomes.filters.DashboardFilter`), so the API, the page and its CSV export cannot disagree: the rows are the
cells the page shows. Where the page ignores a bad filter with a warning, the API refuses it (400, naming the
field), so a client never reads a table for filters it did not ask for. Like the CSV export, a read writes an
access-log entry (an export of the clinic's numbers); the tables name no patient.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.care_serializers import OneTableSerializer, TablesSerializer
from clinic.access import Kind, log_access
from outcomes import metrics
from outcomes.filters import REGION_CHOICES, Criteria, DashboardFilter
from procedures.models import Family

# The dashboard's permission; HEAD is a GET without the body.
PERMISSIONS = {"get": "outcomes.view_dashboard", "head": "outcomes.view_dashboard"}
FILTERS = [
    OpenApiParameter(
        "date_from", OpenApiTypes.DATE, description="Procedure date from; default: 11 months ago, the 1st."
    ),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Procedure date to; default: today."),
    OpenApiParameter("physician", OpenApiTypes.INT, description="A physician's id (former physicians too)."),
    OpenApiParameter("family", OpenApiTypes.STR, enum=Family.values, description="A procedure family."),
    OpenApiParameter("region", OpenApiTypes.STR, enum=[value for value, _ in REGION_CHOICES], description="A region."),
]


def _criteria(request: Request) -> Criteria:
    """The dashboard's criteria for these query parameters; a bad one is refused rather than ignored."""
    filters = DashboardFilter(request.query_params)
    criteria = filters.criteria()
    if filters.errors:
        raise ValidationError(filters.errors.as_data())
    log_access(request._request, Kind.EXPORT)
    return criteria


class OutcomeTables(APIView):
    permissions = PERMISSIONS

    @extend_schema(
        operation_id="outcome_tables_list",
        summary="Every outcome table of the dashboard",
        description="In the dashboard's order, for the dashboard's filters (the same defaults).",
        parameters=FILTERS,
        responses={200: TablesSerializer},
    )
    def get(self, request: Request) -> Response:
        criteria = _criteria(request)
        return Response(TablesSerializer({"criteria": criteria, "tables": metrics.build_all(criteria)}).data)


class OutcomeTable(APIView):
    permissions = PERMISSIONS

    @extend_schema(
        operation_id="outcome_tables_retrieve",
        summary="One outcome table of the dashboard",
        description="The table the dashboard shows (and exports as CSV) under this slug.",
        parameters=[
            OpenApiParameter("table", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(metrics.BUILDERS)),
            *FILTERS,
        ],
        responses={200: OneTableSerializer},
    )
    def get(self, request: Request, table: str) -> Response:
        if table not in metrics.BUILDERS:
            raise NotFound(f"No such table. The tables are: {', '.join(metrics.BUILDERS)}.")
        criteria = _criteria(request)
        built = metrics.build(table, criteria)
        return Response(OneTableSerializer({"criteria": criteria, "table": built}).data)
