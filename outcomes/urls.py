from django.urls import path

from outcomes.views import answers, dashboard, followups, kiosk, responses

app_name = "outcomes"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export/<slug:table>.csv", dashboard.export_csv, name="export"),
    path("follow-ups/", followups.worklist, name="worklist"),
    path("follow-ups/<int:pk>/", followups.record, name="record"),
    path("follow-ups/<int:pk>/not-reached/", followups.not_reached, name="not_reached"),
    # The check-in tablet: handed over from a visit, locked to these pages until unlocked.
    path("kiosk/start/<int:pk>/", kiosk.start, name="kiosk_start"),
    path("kiosk/", kiosk.questionnaire, name="kiosk"),
    path("kiosk/unlock/", kiosk.unlock, name="kiosk_unlock"),
    # Opened by patients from a questionnaire link, with no login.
    path("answer/<str:token>/", answers.answer, name="answer"),
    path("patients/<int:patient_id>/responses/", responses.patient_responses, name="patient_responses"),
]
