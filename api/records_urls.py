"""The records' routes: patients, procedures and the limit check under /api/v1/, and the schema with its docs page."""

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from api.docs import api_docs
from api.limits import LimitCheckView
from api.patients import PatientViewSet
from api.procedures import ProcedureViewSet

# Paths with converters, as every page has (a test builds each URL from its converters).
router = SimpleRouter(use_regex_path=False)
router.register("v1/patients", PatientViewSet, basename="patient")
router.register("v1/procedures", ProcedureViewSet, basename="procedure")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("v1/limits/check/", LimitCheckView.as_view(), name="limits-check"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
]
