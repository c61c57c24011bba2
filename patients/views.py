import functools
from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic import access
from clinic.access import Kind, log_access
from clinic.audit import HistoryEntry
from clinic.links import url_for_each
from clinic.panels import KEPT_UNDER, chart_panels
from clinic.roles import permission_required, require
from patients import chart_stamp, services
from patients.audit import patient_history
from patients.chart_record import chart_record
from patients.forms import ArchiveForm, PatientForm, archive_reason_input
from patients.models import COUNT_LIMIT, Found, Patient, PatientQuerySet
from patients.search import MAX_QUERY
from patients.templatetags.patient_rows import ResultRow

PAGE_SIZE = 25
# The chart shows the latest changes; the history page has them all.
CHART_HISTORY = 15
FULL_HISTORY = 500
HISTORY_PERMISSION = "patients.view_historicalpatient"
PAGE_CAP = 10**9


class FoundPaginator(Paginator[Patient]):
    """Pages of what the search box found (`PatientQuerySet.find`), each read with its count: as many pages as
    were counted, no more; `capped` says more match."""

    def __init__(self, patients: PatientQuerySet, query: str, per_page: int) -> None:
        super().__init__([], per_page)
        self.patients = patients
        self.query = query
        self.found = Found([], 0, COUNT_LIMIT)

    @property  # Django caches the count of its object list; here each page brings its own
    def count(self) -> int:
        return min(self.found.matches, self.found.limit)

    @property
    def cap(self) -> int:
        return self.found.limit

    @property
    def capped(self) -> bool:
        return self.found.capped

    def get_page(self, number: object) -> Page[Patient]:
        """The page asked for; the first if the number is not one, the last if it is past the end."""
        try:
            # Past any registry's last page, and within what the databases take as an OFFSET.
            wanted = min(max(int(str(number)), 1), PAGE_CAP)
        except ValueError:
            wanted = 1
        self.found = self.patients.find(self.query, start=(wanted - 1) * self.per_page, size=self.per_page)
        if wanted > self.num_pages:
            wanted = self.num_pages
            self.found = self.patients.find(self.query, start=(wanted - 1) * self.per_page, size=self.per_page)
        return Page(self.found.patients, wanted, self)


def result_rows(patients: Iterable[Patient]) -> list[ResultRow]:
    """Each patient with the chart link and age, for `_results.html`: the link reversed and today read once."""
    chart = url_for_each("patients:chart")
    today = timezone.localdate()
    return [ResultRow(patient, chart(patient.pk), patient.age(today)) for patient in patients]


def _get_patient(request: HttpRequest, pk: int, permission: str = "patients.view_patient") -> Patient:
    """The one access check for a patient: 403 without the permission, 404 if absent."""
    require(request.user, permission)
    return get_object_or_404(Patient.objects.select_related("payer"), pk=pk)


@permission_required("patients.view_patient")
def patient_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if len(query) > MAX_QUERY:
        messages.warning(request, f"The search reads its first {MAX_QUERY} characters; the rest was ignored.")
        query = query[:MAX_QUERY]
    show_archived = request.GET.get("archived") == "1"
    patients = Patient.objects.select_related("payer")
    if not show_archived:
        patients = patients.active()
    page = FoundPaginator(patients, query, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": result_rows(page), "query": query, "show_archived": show_archived}
    # htmx asks for the results alone while the user types in the search field.
    template = "patients/_results.html" if getattr(request, "htmx", False) else "patients/list.html"
    return render(request, template, context)


@permission_required("patients.add_patient")
def patient_new(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.patient_register(**form.patient_fields(), **form.registration_fields())
        except ValidationError as error:
            form.duplicates = error.matches if isinstance(error, services.PossibleDuplicate) else []
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
            services.patient_update(patient=patient, opened_version=form.opened_version(), **form.patient_fields())
        except ValidationError as error:
            form.refuse(error)
        else:
            messages.success(request, f"Saved changes to {patient.full_name}.")
            return redirect(patient)
    return render(request, "patients/form.html", {"form": form, "patient": patient})


def patient_chart(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "patients.view_patient")
    # Read before the patient and their records: the parts kept under it then show them as of then, or later.
    stamps = chart_stamp.current(pk, KEPT_UNDER)
    if stamps is None:
        raise Http404("No such patient.")
    # Read only for a part not kept: a chart opened again with nothing of the patient's changed reads no patient row.
    patient = functools.cache(lambda: get_object_or_404(Patient.objects.select_related("payer"), pk=pk))
    record = chart_record(request, pk, patient, stamps)
    log_access(request, Kind.CHART, patient_id=pk)
    user = request.user
    context = {
        "record": record,
        "panels": chart_panels(request, pk, patient, stamps),
        "archive_reason": archive_reason_input(),
        "history": patient_history(user, patient(), CHART_HISTORY) if user.has_perm(HISTORY_PERMISSION) else None,
        # Outside the kept parts: it changes with every look, the viewer's own included.
        "looked": access.latest_for_patient(pk) if user.has_perm("clinic.view_accesslog") else None,
    }
    return render(request, "patients/chart.html", context)


def _history(request: HttpRequest, patient: Patient, limit: int | None) -> list[HistoryEntry] | None:
    """The patient's audit history for those who audit; None for everyone else."""
    if not request.user.has_perm(HISTORY_PERMISSION):
        return None
    return patient_history(request.user, patient, limit)


def patient_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change to the patient's record, procedures, visits and follow-up calls, newest first."""
    patient = _get_patient(request, pk, "patients.view_historicalpatient")
    log_access(request, Kind.HISTORY, patient_id=patient.pk)
    history = _history(request, patient, FULL_HISTORY)
    cut = FULL_HISTORY if len(history or []) >= FULL_HISTORY else None
    context = {"patient": patient, "history": history, "cut": cut}
    return render(request, "patients/history.html", context)


@require_POST
def patient_archive(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _get_patient(request, pk, "patients.archive_patient")
    form = ArchiveForm(request.POST)
    if form.is_valid():
        services.patient_archive(patient=patient, reason=form.cleaned_data["reason"])
        messages.success(request, f"Archived {patient.full_name}. The record is kept and can be restored.")
        return redirect(patient)
    context = {
        "record": chart_record(request, patient.pk, lambda: patient),
        "archive_reason": archive_reason_input(),
        "history": None,
        "panels": chart_panels(request, patient.pk, lambda: patient),
    }
    return render(request, "patients/chart.html", context, status=400)


@require_POST
def patient_restore(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _get_patient(request, pk, "patients.archive_patient")
    services.patient_restore(patient=patient)
    messages.success(request, f"Restored {patient.full_name} to the active registry.")
    return redirect(patient)
