"""The care endpoints under /api/v1/: appointments, follow-up calls and the dashboard's outcome tables.

URL names (in the "api" namespace): appointment-list, appointment-detail, appointment-move, appointment-cancel,
appointment-status; followup-list, followup-detail, followup-record, followup-not-reached; outcome-tables and
outcome-table.
"""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from api.appointments import AppointmentViewSet
from api.follow_ups import FollowUpViewSet
from api.outcome_tables import OutcomeTable, OutcomeTables

# Path converters rather than regular expressions; each view's `lookup_value_converter` says which.
router = SimpleRouter(use_regex_path=False)
router.register("v1/appointments", AppointmentViewSet, basename="appointment")
router.register("v1/follow-ups", FollowUpViewSet, basename="followup")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("v1/outcome-tables/", OutcomeTables.as_view(), name="outcome-tables"),
    path("v1/outcome-tables/<str:table>/", OutcomeTable.as_view(), name="outcome-table"),
]
