"""The check-in tablet: the front desk hands it over from the visit's page; the patient answers their baseline; the
tablet stays locked to these pages until the person who handed it types their password (outcomes/kiosk.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clinic import kiosk as lock
from clinic.roles import require, staff_user
from outcomes.kiosk import baseline_record, can_take_baseline, questionnaires_for
from outcomes.models import VisitBaseline
from outcomes.patient_forms import BaselineForm
from scheduling.models import Appointment

VISIT_KEY = "kiosk_visit"
DONE_KEY = "kiosk_done"


class UnlockForm(forms.Form):
    password = forms.CharField(label="Your password", widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


def _kiosk_appointment(request: HttpRequest) -> Appointment:
    """The visit the tablet was handed over for; the kiosk's pages answer nothing else."""
    require(request.user, "outcomes.add_visitbaseline")
    pk = request.session.get(VISIT_KEY)
    if not isinstance(pk, int) or lock.locked_to(request) != reverse("outcomes:kiosk"):
        raise Http404("The tablet was not handed to a patient.")
    return get_object_or_404(Appointment.objects.select_related("patient"), pk=pk)


@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "outcomes.add_visitbaseline")
    if lock.locked_to(request):
        # A tablet already in a patient's hands (its lock admits this URL) cannot be switched to another visit.
        return redirect("outcomes:kiosk")
    appointment = get_object_or_404(Appointment, pk=pk)
    if not can_take_baseline(appointment, timezone.localdate()):
        messages.error(request, "The tablet is for patients checked in today.")
        return redirect("scheduling:detail", pk=pk)
    if VisitBaseline.objects.filter(appointment=appointment).exists():
        messages.error(request, "This visit's baseline was already answered.")
        return redirect("scheduling:detail", pk=pk)
    request.session[VISIT_KEY] = appointment.pk
    request.session.pop(DONE_KEY, None)
    lock.lock(request, reverse("outcomes:kiosk"))
    return redirect("outcomes:kiosk")


@never_cache
def questionnaire(request: HttpRequest) -> HttpResponse:
    appointment = _kiosk_appointment(request)
    patient = appointment.patient
    if request.session.get(DONE_KEY):
        return render(request, "outcomes/patient/kiosk_done.html", {"form": UnlockForm()})
    form = BaselineForm(request.POST or None, questionnaires=questionnaires_for(appointment))
    if request.method == "POST" and form.is_valid():
        try:
            baseline_record(appointment=appointment, handed_by=staff_user(request), answers=form.answers_given())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            request.session[DONE_KEY] = True
            return redirect("outcomes:kiosk")
    context = {
        "form": form,
        "main_fields": ("nrs",),
        # Enough to recognise their own questionnaire; the full name and birth date stay off a shared screen.
        "greeting": f"{patient.first_name} {patient.last_name[:1]}.",
    }
    return render(request, "outcomes/patient/kiosk.html", context)


@never_cache
def unlock(request: HttpRequest) -> HttpResponse:
    appointment = _kiosk_appointment(request)
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = staff_user(request)
        # Through the authentication backends, so wrong guesses count toward the login lockout.
        if authenticate(request, username=user.get_username(), password=form.cleaned_data["password"]) == user:
            lock.unlock(request)
            answered = request.session.pop(DONE_KEY, False)
            request.session.pop(VISIT_KEY, None)
            baseline = VisitBaseline.objects.filter(appointment=appointment).first()
            if answered and baseline:
                name = appointment.patient.full_name
                messages.success(request, f"Baseline stored for {name}: {baseline_words(baseline)}.")
            else:
                messages.info(request, "Tablet unlocked; the patient did not finish the questionnaire.")
            return redirect("scheduling:detail", pk=appointment.pk)
        form.add_error("password", "That is not the password of the person who handed over the tablet.")
    return render(request, "outcomes/patient/kiosk_unlock.html", {"form": form})


def baseline_words(baseline: VisitBaseline) -> str:
    words = [f"NRS {baseline.nrs}"]
    if baseline.odi_score is not None:
        words.append(f"ODI {baseline.odi_score}")
    if baseline.ndi_score is not None:
        words.append(f"NDI {baseline.ndi_score}")
    return ", ".join(words)
