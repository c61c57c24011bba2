"""Booking, the confirmation page, moving, the visit's day, cancelling, and handing over to the procedure form."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic import reference
from clinic.redirects import next_url
from clinic.roles import Role, has_role, permission_required, require, staff_user
from clinic.validators import record_id
from patients.models import Patient
from scheduling import calendar, services
from scheduling.extensions import visit_panels
from scheduling.forms import BookingForm, CancelForm, MoveForm
from scheduling.models import Appointment, Room, Status, VisitType, WaitlistEntry

SEARCH_RESULTS = 8


def _get_appointment(request: HttpRequest, pk: int, permission: str = "scheduling.view_appointment") -> Appointment:
    """The one access check for an appointment: 403 without the permission, 404 if absent."""
    require(request.user, permission)
    return get_object_or_404(Appointment.objects.with_details().select_related("procedure", "booked_by"), pk=pk)


def _initial_booking(request: HttpRequest) -> dict[str, Any]:
    """Prefill from the link that opened the form: an empty slot, the chart, or a waitlist offer."""
    get = request.GET
    initial: dict[str, Any] = {
        k: get[k] for k in ("patient", "physician", "room", "minutes", "waitlist") if record_id(get.get(k)) is not None
    }
    if get.get("start"):
        initial["starts_at"] = get["start"]
    if get.get("visit_type") in VisitType.values:
        initial["visit_type"] = get["visit_type"]
    elif "room" in initial and Room.objects.filter(pk=initial["room"], kind=Room.Kind.PROCEDURE_SUITE).exists():
        initial["visit_type"] = VisitType.PROCEDURE
    if "physician" not in initial and has_role(request.user, Role.PHYSICIAN):
        initial["physician"] = request.user.pk
    moving = _offer_moves(initial.get("waitlist"), initial.get("patient"))
    if moving is not None:
        # The offer moves this visit, plan and all; the form shows that plan rather than asking again.
        initial |= {
            "procedure_type": moving.procedure_type_id,
            "planned_levels": moving.planned_levels,
            "planned_side": moving.planned_side,
        }
    return initial


def _offer_moves(waitlist: object, patient: object) -> Appointment | None:
    """The visit that booking this waitlist offer would move; None for no offer, or one not the patient's."""
    waitlist_id, patient_id = record_id(waitlist), record_id(patient)
    if waitlist_id is None or patient_id is None:
        return None
    entry = WaitlistEntry.objects.filter(pk=waitlist_id, patient_id=patient_id, closed_at=None).first()
    return services.waitlist_visit_to_move(entry) if entry else None


def _waitlist_entry(pk: int | None) -> WaitlistEntry | None:
    """The entry a booking comes from, if any; one that has gone is refused rather than ignored."""
    if pk is None:
        return None
    entry = WaitlistEntry.objects.select_related("patient").filter(pk=pk).first()
    if entry is None:
        raise ValidationError("That waitlist entry no longer exists. Nothing was booked.")
    return entry


@permission_required("scheduling.add_appointment")
@reference.read_together()  # the form's room and procedure type, the hours and the rules from one read of their stamps
def book(request: HttpRequest) -> HttpResponse:
    # A posted form shows what was posted: the link's prefill (and the queries behind it) would go unseen.
    form = BookingForm(_taking_offer(request), initial=None if request.method == "POST" else _initial_booking(request))
    moving = _offer_moves(form["waitlist"].value(), form["patient"].value())
    if request.method == "POST" and form.is_valid() and form.check_hours(form.cleaned_data["visit_type"]):
        try:
            entry = _waitlist_entry(form.cleaned_data.get("waitlist"))
            if entry is None:
                appointment = services.appointment_book(
                    patient=form.cleaned_data["patient"],
                    slot=form.slot(form.cleaned_data["visit_type"]),
                    booked_by=staff_user(request),
                    form_token=form.cleaned_data.get("form_token"),
                    **form.booking_fields(),
                )
            else:
                appointment = services.waitlist_entry_book(
                    entry=entry,
                    patient=form.cleaned_data["patient"],
                    slot=form.slot(form.cleaned_data["visit_type"]),
                    booked_by=staff_user(request),
                    **form.booking_fields(),
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if moving is not None and moving.pk == appointment.pk:
                messages.success(
                    request,
                    f"Moved {appointment.patient.full_name}'s visit from {moving.local_start:%a %Y-%m-%d %H:%M} "
                    f"to {appointment.local_start:%a %Y-%m-%d %H:%M}.",
                )
            else:
                messages.success(request, f"Booked {appointment}.")
            return redirect(appointment)
    patient = Patient.objects.named(form["patient"].value())
    return render(request, "scheduling/book.html", {"form": form, "patient": patient, "moving": moving})


@permission_required("scheduling.add_appointment")
def patient_search(request: HttpRequest) -> HttpResponse:
    """The booking form's patient finder (htmx): the registry's search, a handful of results."""
    query = request.GET.get("q", "").strip()
    patients = Patient.objects.active().find(query, size=SEARCH_RESULTS).patients if len(query) >= 2 else []
    keep = {k: v for k, v in request.GET.items() if k not in {"q", "patient"}}
    return render(
        request, "scheduling/_patient_results.html", {"patients": patients, "query": query, "keep": urlencode(keep)}
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation page: everything about the visit, printable, with what can happen next."""
    appointment = _get_appointment(request, pk)
    context = {
        "appointment": appointment,
        "can_cancel": appointment.can_become(Status.CANCELLED),
        "logged": appointment.procedure or services.logged_procedure(appointment),
        "panels": visit_panels(request, appointment),
    }
    return render(request, "scheduling/detail.html", context)


def move(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _get_appointment(request, pk, "scheduling.change_appointment")
    initial = {
        "physician": appointment.physician_id,
        "room": appointment.room_id,
        "starts_at": appointment.local_start.strftime("%Y-%m-%dT%H:%M"),
        "minutes": appointment.minutes,
        "limit_reason": appointment.limit_override_reason,
        "version": appointment.version,
    }
    form = MoveForm(_taking_offer(request), initial=initial)
    if request.method == "POST" and form.is_valid() and form.check_hours(appointment.visit_type):
        try:
            services.appointment_move(
                appointment=appointment,
                slot=form.slot(appointment.visit_type),
                limit_reason=form.cleaned_data["limit_reason"],
                opened_version=form.opened_version(),
            )
        except ValidationError as error:
            form.refuse(error)
        else:
            messages.success(
                request, f"Moved to {appointment.local_start:%a %Y-%m-%d %H:%M} with {appointment.physician_name}."
            )
            return redirect(appointment)
    return render(request, "scheduling/move.html", {"form": form, "appointment": appointment})


def _taking_offer(request: HttpRequest) -> QueryDict | None:
    """The posted form, with the start replaced by the first slot within limits when that button was used."""
    if request.method != "POST":
        return None
    data = request.POST.copy()
    offer = request.POST.get("take_offer", "")
    if offer:
        data["starts_at"] = offer
    return data


@require_POST
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One click moves a visit along its day: confirm, check in, in room, complete, no-show."""
    appointment = _get_appointment(request, pk, "scheduling.change_appointment")
    status = request.POST.get("status", "")
    problem = ""
    if status not in Status.values or status == Status.CANCELLED:
        problem = "Choose what happened to the visit."
    else:
        try:
            services.appointment_set_status(appointment=appointment, status=status)
        except ValidationError as error:
            problem = " ".join(error.messages)
    if getattr(request, "htmx", False):
        # The swapped row is the confirmation; a flash message would surface later on another page.
        return render(request, "scheduling/_agenda_row.html", _agenda_row(appointment, problem))
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, f"{appointment.patient.full_name}: {appointment.get_status_display().lower()}.")
    return redirect(next_url(request, appointment.get_absolute_url()))


def _agenda_row(appointment: Appointment, problem: str = "") -> dict[str, Any]:
    """The day's list row of one visit, as the status view swaps it in (its next step returns to the list)."""
    (row,) = calendar.agenda_rows([appointment])
    back = f"{reverse('scheduling:agenda')}?date={appointment.local_start:%Y-%m-%d}"
    return {"rows": [row], "can_change": True, "back": back, "problem": problem}


def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel with a reason; the freed slot is offered to matching waitlist entries."""
    appointment = _get_appointment(request, pk, "scheduling.change_appointment")
    offers: list[WaitlistEntry] | None = None
    error = ""
    if request.method == "POST":
        form = CancelForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(list(form.errors["reason"]))
            offers = services.appointment_cancel(appointment=appointment, reason=form.cleaned_data["reason"])
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, f"Cancelled {appointment}. The slot is free.")
    slot = {
        "physician": appointment.physician_id,
        "start": appointment.local_start.strftime("%Y-%m-%dT%H:%M"),
        "minutes": appointment.minutes,
        "visit_type": appointment.visit_type,
        **({"room": appointment.room_id} if appointment.room_id else {}),
    }
    context = {
        "appointment": appointment,
        # Each offer with the visit booking it would move, if the patient already has one coming.
        "offers": None if offers is None else _with_visits_to_move(offers),
        "offers_shown": services.OFFERS_SHOWN,
        "error": error,
        "slot_query": urlencode(slot),
    }
    return render(request, "scheduling/cancel.html", context)


def _with_visits_to_move(entries: list[WaitlistEntry]) -> list[tuple[WaitlistEntry, Appointment | None]]:
    moves = services.waitlist_visits_to_move(entries)
    return [(entry, moves.get(entry.pk)) for entry in entries]


@permission_required("procedures.add_procedure")
def log_procedure(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the procedure form prefilled from the visit: patient, type, levels, side and date."""
    appointment = _get_appointment(request, pk)
    params: dict[str, Any] = {"patient": appointment.patient_id, "next": appointment.get_absolute_url()}
    if appointment.procedure_type:
        params["type"] = appointment.procedure_type.code
        side = appointment.planned_side or "midline"
        params["sites"] = ",".join(f"{level}:{side}" for level in appointment.levels)
    # A visit later today is logged at its booked time; one already past keeps the time it began.
    params["start"] = min(appointment.local_start, timezone.localtime()).strftime("%Y-%m-%dT%H:%M")
    return redirect(f"{reverse('procedures:new')}?{urlencode(params)}")
