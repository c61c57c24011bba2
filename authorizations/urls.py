from django.urls import path

from authorizations import views

app_name = "authorizations"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("patients/<int:patient_id>/new/", views.request_new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
]
