from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from patients.audit import recent_changes
from patients.models import Patient

RECENT = 8


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        messages.success(self.request, "Your password was changed.")
        return super().form_valid(form)


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on what it does first; sections appear only with the permissions behind them."""
    user = request.user
    context: dict[str, object] = {}
    if user.has_perm("patients.view_patient"):
        context["recent_patients"] = Patient.objects.active().select_related("payer").order_by("-created_at")[:RECENT]
    if user.has_perm("patients.view_historicalpatient"):
        context["recent_changes"] = recent_changes(RECENT)
    return render(request, "clinic/home.html", context)
