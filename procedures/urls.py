from django.urls import path

from procedures import views

app_name = "procedures"

urlpatterns = [
    path("new/", views.procedure_new, name="new"),
    path("check/", views.procedure_check, name="check"),
    path("flags/", views.flags, name="flags"),
    path("patient/<int:patient_id>/", views.patient_procedures, name="patient_list"),
    path("<int:pk>/", views.procedure_detail, name="detail"),
    path("<int:pk>/edit/", views.procedure_edit, name="edit"),
    path("<int:pk>/void/", views.procedure_void, name="void"),
]
