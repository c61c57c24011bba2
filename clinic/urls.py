from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import idle, views
from clinic.mfa.views import second_step_page

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    # A user asked for a code can always log out instead.
    path("accounts/logout/", second_step_page(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("access-log/", views.access_log, name="access_log"),
    path("access-log.csv", views.access_log_csv, name="access_log_csv"),
    path("accounts/session/", idle.session_status, name="session_status"),
    path("accounts/two-step/", include("clinic.mfa.urls")),
    path("patients/", include("patients.urls")),
    path("procedures/", include("procedures.urls")),
    path("schedule/", include("scheduling.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("authorizations/", include("authorizations.urls")),
    path("implants/", include("implants.urls")),
    path("api/", include("api.urls")),
    path("fhir/R4/", include("fhir_r4.urls")),
    path("imports/", include("imports.urls")),
    path("paper/", include("paper.urls")),
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Pinpoint administration"
admin.site.site_title = "Pinpoint"
admin.site.index_title = "Users and configuration"
