from django.urls import path

from scheduling.views import booking, calendar, checks, waitlist

app_name = "scheduling"

urlpatterns = [
    path("", calendar.day, name="day"),
    path("week/", calendar.week, name="week"),
    path("list/", calendar.agenda, name="agenda"),
    path("patient/<int:patient_id>/", calendar.patient_visits, name="patient_visits"),
    path("new/", booking.book, name="new"),
    path("patients/", booking.patient_search, name="patient_search"),
    path("check/", checks.limit_check, name="check"),
    path("<int:pk>/", booking.detail, name="detail"),
    path("<int:pk>/move/", booking.move, name="move"),
    path("<int:pk>/status/", booking.set_status, name="status"),
    path("<int:pk>/cancel/", booking.cancel, name="cancel"),
    path("<int:pk>/log/", booking.log_procedure, name="log"),
    path("waitlist/", waitlist.waitlist, name="waitlist"),
    path("waitlist/new/", waitlist.waitlist_new, name="waitlist_new"),
    path("waitlist/<int:pk>/close/", waitlist.waitlist_close, name="waitlist_close"),
]
