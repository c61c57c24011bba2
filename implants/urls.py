from django.urls import path

from implants import diary_views, views

app_name = "implants"

urlpatterns = [
    path("refills/", views.refills, name="refills"),
    path("diary/<str:token>/", diary_views.diary_answer, name="diary_answer"),
    path("patients/<int:patient_id>/start/", views.start, name="start"),
    path("<int:pk>/", views.pathway, name="pathway"),
    path("<int:pk>/<slug:name>/", views.step, name="step"),
]
