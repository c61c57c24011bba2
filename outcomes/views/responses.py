"""A patient's response to every procedure, with the whole pain trajectory: the chart shows the most recent."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from clinic.roles import permission_required
from outcomes.outcome_rules import procedures_of
from outcomes.panels import responses_context
from patients.models import Patient


@permission_required("outcomes.view_followup")
def patient_responses(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=patient_id)
    context = {"patient": patient, "panel": responses_context(procedures_of(patient))}
    return render(request, "outcomes/patient_responses.html", context)
