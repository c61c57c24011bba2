"""The waitlist: patients who want an earlier slot, offered one when a matching visit is cancelled."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clinic.roles import permission_required, staff_user
from patients.models import Patient
from scheduling import services
from scheduling.forms_waitlist import WaitlistCloseForm, WaitlistForm
from scheduling.models import WaitlistEntry

PAGE_SIZE = 50


@permission_required("scheduling.view_waitlistentry")
def waitlist(request: HttpRequest) -> HttpResponse:
    # Oldest first: whoever has waited longest is offered a freed slot first.
    entries = (
        WaitlistEntry.objects.filter(closed_at__isnull=True)
        .select_related("patient", "physician", "created_by")
        .order_by("created_at", "pk")
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "scheduling/waitlist.html", {"page": page, "close_form": WaitlistCloseForm()})


@permission_required("scheduling.add_waitlistentry")
def waitlist_new(request: HttpRequest) -> HttpResponse:
    patient = Patient.objects.from_request(request)
    if patient is None:
        messages.info(request, "Find the patient first, then add them to the waitlist from their chart.")
        return redirect("patients:list")
    try:
        patient.require_active(services.WAITLISTING)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(patient)
    form = WaitlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.waitlist_entry_add(patient=patient, created_by=staff_user(request), **form.cleaned_data)
        messages.success(request, f"Added {patient.full_name} to the waitlist.")
        return redirect("scheduling:waitlist")
    return render(request, "scheduling/waitlist_form.html", {"form": form, "patient": patient})


@require_POST
@permission_required("scheduling.change_waitlistentry")
def waitlist_close(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WaitlistEntry.objects.select_related("patient"), pk=pk)
    form = WaitlistCloseForm(request.POST)
    if not entry.is_open:
        messages.info(request, f"{entry.patient.full_name}'s waitlist entry was already closed.")
    elif not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["reason"]))
    else:
        services.waitlist_entry_close(entry=entry, reason=form.cleaned_data["reason"])
        reason = entry.closed_reason.rstrip(".")
        messages.success(request, f"Took {entry.patient.full_name} off the waitlist: {reason}.")
    return redirect("scheduling:waitlist")
