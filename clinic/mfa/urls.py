from django.urls import path

from clinic.mfa import views

app_name = "mfa"

urlpatterns = [
    path("", views.account, name="account"),
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("codes/", views.codes, name="codes"),
    path("codes/renew/", views.renew_codes, name="renew"),
    path("remove/", views.remove, name="remove"),
]
