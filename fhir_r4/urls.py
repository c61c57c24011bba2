"""FHIR R4 under /fhir/R4/: each type's read and search, the CapabilityStatement, bulk export, and FHIR's 404 for
anything else. Each type's route takes its id as an optional part (`Patient` searches, `Patient/12` reads), as
FHIR's RESTful API shapes them."""

from django.urls import URLPattern, URLResolver, path, re_path

from clinic.rest import open_to_api_auth
from fhir_r4 import bulk, views
from fhir_r4.types import TYPES

app_name = "fhir_r4"

urlpatterns: list[URLPattern | URLResolver] = open_to_api_auth(
    [
        path("metadata", views.MetadataView.as_view(), name="metadata"),
        path("$export", bulk.ExportView.as_view(), name="export"),
        path("Patient/<str:patient_id>/$export", bulk.PatientExportView.as_view(), name="patient-export"),
        path("$export-poll-status", bulk.StatusView.as_view(), name="export-status"),
        path("$export-file", bulk.FileView.as_view(), name="export-file"),
        *(
            re_path(
                rf"^{name}(?:/(?P<resource_id>[A-Za-z0-9\-.]{{1,64}}))?$",
                views.ResourceView.as_view(resource_type=kind),
                name=name.lower(),
            )
            for name, kind in TYPES.items()
        ),
        re_path(r"^.*$", views.UnknownView.as_view(), name="unknown"),
    ]
)
