"""The printed papers: a procedure's signed note and a physician's or room's day sheet, as PDF.

Each is read in a fixed number of queries (the day sheet's visits in one, with their patients, physicians, rooms
and planned procedures) and writes the read-access log as the pages showing the same records do.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic.access import Kind, log_access, log_access_to_each
from clinic.roles import permission_required, require, staff_user
from clinic.staff import staff_name
from paper.forms import DaySheetQuery, PaperSize
from paper.pdf import pdf_response
from procedures.models import Procedure
from scheduling.models import Appointment


def _letterhead() -> dict[str, str]:
    return {"name": settings.CLINIC_NAME, "address": settings.CLINIC_ADDRESS, "phone": settings.CLINIC_PHONE}


def _bad_request(request: HttpRequest, form: PaperSize) -> HttpResponse:
    problems = [
        " ".join(str(error) for error in errors)
        if name == NON_FIELD_ERRORS
        else f"{name}: {' '.join(map(str, errors))}"
        for name, errors in form.errors.items()
    ]
    return render(request, "paper/bad_request.html", {"problems": problems}, status=400)


def _printed(request: HttpRequest) -> dict[str, object]:
    return {
        "letterhead": _letterhead(),
        "printed_at": timezone.localtime(),
        "printed_by": staff_name(staff_user(request)),
    }


@require_GET
def procedure_note(request: HttpRequest, pk: int) -> HttpResponse:
    """The note a physician signs: who, what, where, with what, how it went, and the codes it bills."""
    require(request.user, "procedures.view_procedure")
    paper = PaperSize(request.GET)
    if not paper.is_valid():
        return _bad_request(request, paper)
    procedure = get_object_or_404(Procedure.objects.with_details().select_related("contrast_agent", "voided_by"), pk=pk)
    log_access(request, Kind.PROCEDURE, patient_id=procedure.patient_id, obj=procedure)
    context = {
        **_printed(request),
        "size": paper.size(),
        "p": procedure,
        "patient": procedure.patient,
        "billing": procedure.billed(),
        "medications": list(procedure.medications.all()),
    }
    filename = f"procedure-note-{procedure.pk}.pdf"
    return pdf_response(request, "paper/procedure_note.html", context, filename)


@require_GET
@permission_required("scheduling.view_appointment")
def day_sheet(request: HttpRequest) -> HttpResponse:
    """One physician's or one room's visits on a day, cancelled ones too (their status says so), in time order."""
    query = DaySheetQuery(request.GET)
    if not query.is_valid():
        return _bad_request(request, query)
    day: datetime.date = query.cleaned_data["day"]
    subject = query.subject
    visits = Appointment.objects.on_day(day).select_related("patient", "physician", "room", "procedure_type")
    visits = visits.filter(physician=subject) if isinstance(subject, User) else visits.filter(room=subject)
    rows = list(visits.order_by("starts_at", "pk"))
    log_access_to_each(request, Kind.DAY_SHEET, (visit.patient_id for visit in rows))
    by_physician = isinstance(subject, User)
    context = {
        **_printed(request),
        "size": query.size(),
        "day": day,
        "title": staff_name(subject) if isinstance(subject, User) else subject.name,
        "by_physician": by_physician,
        "visits": rows,
    }
    kind = "physician" if by_physician else "room"
    return pdf_response(request, "paper/day_sheet.html", context, f"day-sheet-{day}-{kind}-{subject.pk}.pdf")
