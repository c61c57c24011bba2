from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from clinic.panels import chart_panels
from clinic.roles import permission_required, require
from patients import services
from patients.audit import patient_history
from patients.forms import ArchiveForm, PatientForm
from patients.models import Found, Patient

PAGE_SIZE = 25


class FoundPaginator(Paginator[Patient]):
    """Pages of what the search box found (`Patient.objects.find`): as many as were counted, no more;
    `capped` says more match."""

    def __init__(self, found: Found, per_page: int) -> None:
        super().__init__(found.patients, per_page)
        self.found = found
        self.cap = found.limit
        self.capped = found.capped

    @cached_property
    def count(self) -> int:
        return min(self.found.matches, self.found.limit)


def _get_patient(request: HttpRequest, pk: int, permission: str = "patients.view_patient") -> Patient:
    """The one access check for a patient: 403 without the permission, 404 if absent."""
    require(request.user, permission)
    return get_object_or_404(Patient.objects.select_related("payer"), pk=pk)


@permission_required("patients.view_patient")
def patient_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    show_archived = request.GET.get("archived") == "1"
    patients = Patient.objects.select_related("payer")
    if not show_archived:
        patients = patients.active()
    page = FoundPaginator(patients.find(query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "show_archived": show_archived}
    # htmx asks for the results alone while the user types in the search field.
    template = "patients/_results.html" if getattr(request, "htmx", False) else "patients/list.html"
    return render(request, template, context)


@permission_required("patients.add_patient")
def patient_new(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.patient_register(**form.patient_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Registered {patient.full_name}, MRN {patient.mrn}.")
            return redirect(patient)
    return render(request, "patients/form.html", {"form": form, "patient": None})


def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _get_patient(request, pk, "patients.change_patient")
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            messages.info(request, "Nothing was changed.")
            return redirect(patient)
        try:
            services.patient_update(patient=patient, **form.patient_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved changes to {patient.full_name}.")
            return redirect(patient)
    return render(request, "patients/form.html", {"form": form, "patient": patient})


def patient_chart(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _get_patient(request, pk)
    context = {
        "patient": patient,
        "panels": chart_panels(request, patient),
        "archive_form": ArchiveForm(),
        "history": patient_history(patient) if request.user.has_perm("patients.view_historicalpatient") else None,
    }
    return render(request, "patients/chart.html", context)


@require_POST
def patient_archive(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _get_patient(request, pk, "patients.archive_patient")
    form = ArchiveForm(request.POST)
    if form.is_valid():
        services.patient_archive(patient=patient, reason=form.cleaned_data["reason"])
        messages.success(request, f"Archived {patient.full_name}. The record is kept and can be restored.")
        return redirect(patient)
    context = {"patient": patient, "archive_form": form, "history": None, "panels": chart_panels(request, patient)}
    return render(request, "patients/chart.html", context, status=400)


@require_POST
def patient_restore(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _get_patient(request, pk, "patients.archive_patient")
    services.patient_restore(patient=patient)
    messages.success(request, f"Restored {patient.full_name} to the active registry.")
    return redirect(patient)
