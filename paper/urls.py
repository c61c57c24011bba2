from django.urls import path

from paper import views

app_name = "paper"

urlpatterns = [
    path("procedures/<int:pk>/note.pdf", views.procedure_note, name="procedure_note"),
    path("day-sheet/", views.day_sheet, name="day_sheet"),
]
