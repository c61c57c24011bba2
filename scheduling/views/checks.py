"""The live limit check on the booking and move forms (htmx): before anything is saved."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from clinic import reference
from clinic.roles import permission_required, require
from clinic.validators import record_id
from scheduling import booking_limits
from scheduling.extensions import booking_advice
from scheduling.forms import BookingForm, SlotForm
from scheduling.models import Appointment


@require_POST
@permission_required("scheduling.add_appointment")
@reference.read_together()  # the form's room and procedure type, the hours and the rules from one read of their stamps
def limit_check(request: HttpRequest) -> HttpResponse:
    """What booking (or, with `appointment`, moving) this visit would do to the patient's limits."""
    visit: Appointment | None
    moving = record_id(request.POST.get("appointment"))
    if moving is not None:
        require(request.user, "scheduling.change_appointment")
        appointment = get_object_or_404(Appointment.objects.with_details(), pk=moving)
        form: SlotForm = SlotForm(request.POST)
        form.is_valid()
        visit = form.moved(appointment)
    else:
        form = booking = BookingForm(request.POST)
        booking.is_valid()
        visit = booking.planned_visit()
    problems = form.limit_problems()
    result = booking_limits.booking_check(visit, offer=True) if visit is not None and not problems else None
    advice = booking_advice(visit) if visit is not None and not problems else []
    context = {"problems": problems, "visit": visit, "result": result, "advice": advice}
    return render(request, "scheduling/_booking_check.html", context)
