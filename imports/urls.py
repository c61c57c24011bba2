from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("columns/", views.columns, name="columns"),
    path("preview/", views.preview, name="preview"),
    path("start/", views.start, name="start"),
    path("result/", views.result, name="result"),
    path("progress/", views.progress_bar, name="progress"),
]
