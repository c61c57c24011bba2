"""The front desk's authorizations: request one for a patient, record the payer's answer, and the worklist of what
needs chasing (expiring before booked visits, requests waiting, denials)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from authorizations.forms import DecisionForm, RequestForm
from authorizations.models import Authorization
from authorizations.services import authorization_decide, authorization_request
from clinic.access import Kind, log_access
from clinic.concurrency import StaleEdit
from clinic.roles import permission_required, require, staff_user
from patients.models import Patient
from scheduling.models import Appointment

EXPIRING_DAYS = 30
WAITING_DAYS = 7
DENIED_DAYS = 30
# Rows a worklist section shows; the chart lists each patient's own.
SECTION_SIZE = 50


def _get_authorization(
    request: HttpRequest, pk: int, permission: str = "authorizations.view_authorization"
) -> Authorization:
    """The one access check for an authorization: 403 without the permission, 404 if absent."""
    require(request.user, permission)
    return get_object_or_404(
        Authorization.objects.with_units_used().select_related("patient", "payer").prefetch_related("procedure_types"),
        pk=pk,
    )


def request_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    require(request.user, "authorizations.add_authorization")
    patient = get_object_or_404(Patient.objects.select_related("payer"), pk=patient_id)
    form = RequestForm(request.POST or None, initial={"requested_on": timezone.localdate()})
    if patient.payer is None:
        messages.error(request, "Record the patient's insurance payer first: the request goes to it.")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            authorization = authorization_request(
                patient=patient,
                payer=patient.payer,
                procedure_types=data["procedure_types"],
                region=data["region"],
                units_approved=data["units_approved"],
                requested_on=data["requested_on"],
                documents=data["documents"],
                note=data["note"],
                by=staff_user(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Authorization requested from {patient.payer} for {patient.full_name}.")
            return redirect("authorizations:detail", pk=authorization.pk)
    return render(request, "authorizations/request.html", {"form": form, "patient": patient})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorization = _get_authorization(request, pk)
    log_access(request, Kind.CHART, patient_id=authorization.patient_id, obj=authorization)
    can_decide = request.user.has_perm("authorizations.change_authorization")
    initial = {
        "version": authorization.version,
        "status": authorization.status if authorization.status != Authorization.Status.REQUESTED else "",
        "number": authorization.number,
        "valid_from": authorization.valid_from,
        "valid_to": authorization.valid_to,
        "units_approved": authorization.units_approved,
        "decided_on": authorization.decided_on or timezone.localdate(),
    }
    form = DecisionForm(request.POST or None, initial=initial) if can_decide else None
    if request.method == "POST":
        require(request.user, "authorizations.change_authorization")
        assert form is not None
        if form.is_valid():
            data = form.cleaned_data
            try:
                authorization_decide(
                    authorization=authorization,
                    status=data["status"],
                    number=data["number"],
                    valid_from=data["valid_from"],
                    valid_to=data["valid_to"],
                    units_approved=data["units_approved"],
                    decided_on=data["decided_on"],
                    opened_version=form.opened_version(),
                )
            except StaleEdit as error:
                form.refuse(error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Recorded: {authorization.get_status_display().lower()}.")
                return redirect("authorizations:detail", pk=pk)
    uses = authorization.uses.select_related("procedure__procedure_type").order_by("used_at")
    context = {"a": authorization, "form": form, "uses": uses, "today": timezone.localdate()}
    return render(request, "authorizations/detail.html", context)


@permission_required("authorizations.view_authorization")
def worklist(request: HttpRequest) -> HttpResponse:
    """Three sections, each read from its own index and capped: what to chase with the payers this week."""
    today = timezone.localdate()
    approved = Authorization.objects.filter(status=Authorization.Status.APPROVED)
    # A visit still to happen on a day after the authorization ends (the clinic's day: `__date` reads it in the
    # clinic's time zone).
    booked_after = Appointment.objects.holding_slot().filter(
        patient=OuterRef("patient"), procedure__isnull=True, starts_at__date__gt=OuterRef("valid_to")
    )
    expiring = (
        approved.filter(valid_to__gte=today, valid_to__lte=today + datetime.timedelta(days=EXPIRING_DAYS))
        .filter(Exists(booked_after))
        .with_units_used()
        .select_related("patient", "payer")
        .order_by("valid_to", "pk")
    )
    waiting = (
        Authorization.objects.filter(
            status=Authorization.Status.REQUESTED, requested_on__lte=today - datetime.timedelta(days=WAITING_DAYS)
        )
        .select_related("patient", "payer")
        .order_by("requested_on", "pk")
    )
    denied = (
        Authorization.objects.filter(
            status=Authorization.Status.DENIED, decided_on__gte=today - datetime.timedelta(days=DENIED_DAYS)
        )
        .select_related("patient", "payer")
        .order_by("-decided_on", "-pk")
    )
    sections = [
        ("expiring", f"Expiring within {EXPIRING_DAYS} days, with visits booked after", list(expiring[:SECTION_SIZE])),
        ("waiting", f"Requested more than {WAITING_DAYS} days ago, no answer", list(waiting[:SECTION_SIZE])),
        ("denied", f"Denied in the last {DENIED_DAYS} days", list(denied[:SECTION_SIZE])),
    ]
    return render(request, "authorizations/worklist.html", {"sections": sections, "today": today})
