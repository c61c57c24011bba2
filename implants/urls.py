from django.urls import path

from implants import views

app_name = "implants"

urlpatterns = [
    path("refills/", views.refills, name="refills"),
    path("patients/<int:patient_id>/start/", views.start, name="start"),
    path("<int:pk>/", views.pathway, name="pathway"),
    path("<int:pk>/<slug:name>/", views.step, name="step"),
]
