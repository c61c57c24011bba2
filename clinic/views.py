from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone

from outcomes.models import FollowUp
from patients.audit import recent_changes
from patients.models import Patient
from scheduling.models import Appointment

RECENT = 8
# The calls-due badge counts this far, then says "999+": a large clinic's backlog runs to tens of thousands of
# calls, and counting them all cost more than the rest of the page.
CALLS_COUNTED = 999


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
    today = timezone.localdate()
    if user.has_perm("scheduling.view_appointment"):
        context["visits_today"] = Appointment.objects.on_day(today).holding_slot().count()
    if user.has_perm("outcomes.change_followup"):
        due = FollowUp.objects.open().filter(due_on__lte=today).order_by()
        context["calls_due"] = due[: CALLS_COUNTED + 1].count()
        context["calls_counted"] = CALLS_COUNTED
    return render(request, "clinic/home.html", context)
