from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic import reference
from clinic.access import Kind, log_access
from clinic.redirects import next_url
from clinic.roles import permission_required, require, staff_user
from clinic.validators import record_id
from patients.models import Patient
from procedures import limits, services, spine, standing
from procedures.audit import overridden_rule_names, procedure_history
from procedures.forms import ProcedureEntry, VoidForm
from procedures.live_check import live_check
from procedures.models import Procedure, ProcedureType, Side, StandingLimit
from procedures.panels import procedure_rows

PAGE_SIZE = 50


def _get_procedure(request: HttpRequest, pk: int, permission: str = "procedures.view_procedure") -> Procedure:
    """The one access check for a procedure: 403 without the permission, 404 if absent."""
    require(request.user, permission)
    return get_object_or_404(Procedure.objects.with_details().select_related("patient__payer"), pk=pk)


def _entry_page(request: HttpRequest, entry: ProcedureEntry, **context: Any) -> HttpResponse:
    check, advice = _check(entry) if entry.form.is_bound else (None, [])
    context |= {"entry": entry, "patient": entry.patient, "check": check, "advice": advice}
    return render(request, "procedures/form.html", context)


def _check(entry: ProcedureEntry) -> tuple[limits.ProposalCheck | None, list[str]]:
    """The limits, and what apps built on procedures advise (e.g. an RFA without qualifying blocks): the live
    check the REST API answers too (`procedures.live_check`)."""
    found = live_check(entry)
    return found.check, found.advice


@permission_required("procedures.add_procedure")
def procedure_new(request: HttpRequest) -> HttpResponse:
    patient = Patient.objects.select_related("payer").from_request(request)
    if patient is None:
        messages.info(request, "Open the patient's chart first, then log the procedure from there.")
        return redirect("patients:list")
    try:
        patient.require_active(services.LOGGING)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(patient)
    initial, initial_sites = _prefill(request)
    entry = ProcedureEntry(
        request.POST or None,
        patient=patient,
        user=staff_user(request),
        initial=initial,
        initial_sites=initial_sites,
        confirm_room_checks=True,
    )
    if request.method == "POST" and entry.is_valid():
        try:
            procedure = services.procedure_log(
                patient=patient,
                recorded_by=staff_user(request),
                sites=entry.site_inputs(),
                medications=entry.medication_inputs(),
                override_reason=entry.override_reason,
                form_token=entry.form.cleaned_data.get("form_token"),
                **entry.record_fields(),
            )
        except ValidationError as error:
            entry.form.add_error(None, error)
        else:
            messages.success(request, f"Logged {procedure.procedure_type} for {patient.full_name}.")
            return redirect(next_url(request, procedure.get_absolute_url()))
    return _entry_page(request, entry)


def _prefill(request: HttpRequest) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Start the form from a link's plan: `type` (code), `sites` ("L4-L5:bilateral,…") and `start`."""
    initial: dict[str, Any] = {}
    procedure_type = ProcedureType.objects.filter(code=request.GET.get("type", ""), active=True).first()
    if procedure_type:
        initial["procedure_type"] = procedure_type.pk
    if request.GET.get("start"):
        initial["performed_at"] = request.GET["start"]
    sites = []
    for part in request.GET.get("sites", "").split(","):
        place, _, side = part.partition(":")
        if place in spine.LEVEL_ORDER and side in Side.values:
            sites.append({"place": place, "side": side})
    return initial, sites


def procedure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _get_procedure(request, pk, "procedures.change_procedure")
    if procedure.is_voided:
        messages.error(request, "A voided procedure cannot be changed.")
        return redirect(procedure)
    entry = ProcedureEntry(
        request.POST or None,
        patient=procedure.patient,
        user=staff_user(request),
        instance=procedure,
        confirm_room_checks=True,
    )
    if request.method == "POST" and entry.is_valid():
        try:
            services.procedure_update(
                procedure=procedure,
                sites=entry.site_inputs(),
                medications=entry.medication_inputs(),
                override_reason=entry.override_reason,
                opened_version=entry.form.opened_version(),
                **entry.record_fields(),
            )
        except ValidationError as error:
            entry.form.refuse(error)
        else:
            messages.success(request, "Saved the correction. The earlier values are kept in the history.")
            return redirect(procedure)
    return _entry_page(request, entry, procedure=procedure)


@require_POST
@permission_required("procedures.add_procedure")
def procedure_check(request: HttpRequest) -> HttpResponse:
    """The live limit check: what the entry so far would do to the patient's limits, before saving."""
    patient = Patient.objects.select_related("payer").from_request(request)
    if patient is None:
        raise Http404("No such patient.")
    instance = None
    procedure_id = record_id(request.POST.get("procedure"))
    if procedure_id is not None:
        instance = _get_procedure(request, procedure_id, "procedures.change_procedure")
    # The entry's procedure type and drugs, and then the limit and outcome rules, from one read of their stamps.
    with reference.read_together():
        user = staff_user(request)
        entry = ProcedureEntry(request.POST, patient=patient, user=user, instance=instance, checking=True)
        entry.is_valid()
        check, advice = _check(entry)
    return render(request, "procedures/_check.html", {"entry": entry, "check": check, "advice": advice})


def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _get_procedure(request, pk)
    log_access(request, Kind.PROCEDURE, patient_id=procedure.patient_id, obj=procedure)
    history = None
    if request.user.has_perm("procedures.view_historicalprocedure"):
        history = procedure_history(procedure)
    context = {"procedure": procedure, "history": history, "overridden": overridden_rule_names(procedure)}
    return render(request, "procedures/detail.html", context)


@require_POST
def procedure_void(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _get_procedure(request, pk, "procedures.void_procedure")
    form = VoidForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["reason"]))
        services.procedure_void(procedure=procedure, by=staff_user(request), reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, f"Not voided. {' '.join(error.messages)}")
    else:
        messages.success(request, "Voided. The record stays, struck through, and no longer counts toward limits.")
    return redirect(procedure)


@permission_required("procedures.view_procedure")
def flags(request: HttpRequest) -> HttpResponse:
    """Patients at or over a standing limit, a page of patients at a time, read from the kept standing."""
    today = timezone.localdate()
    rows = standing.flagged_rows(today)
    patients = Patient.objects.filter(pk__in=rows.values("patient_id")).select_related("payer")
    page = Paginator(patients.order_by("last_name", "first_name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    by_patient: dict[int, list[StandingLimit]] = defaultdict(list)
    shown = rows.filter(patient__in=[p.pk for p in page]).select_related("rule")
    for row in shown.order_by("rule__rule_set__position", "rule__code", "region"):
        by_patient[row.patient_id].append(row)
    context = {"page": page, "flagged": [(p, by_patient[p.pk]) for p in page], "today": today}
    return render(request, "procedures/flags.html", context)


@permission_required("procedures.view_procedure")
def patient_procedures(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Every procedure of one patient, voided ones included, newest first."""
    patient = get_object_or_404(Patient, pk=patient_id)
    page = Paginator(Procedure.objects.for_patient(patient).with_details(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"patient": patient, "page": page, "rows": procedure_rows(page)}
    return render(request, "procedures/patient_list.html", context)
