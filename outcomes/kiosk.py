"""The patient's baseline at check-in, answered on the clinic's tablet (the kiosk): pain today and ODI or NDI.

The front desk hands a signed-in tablet to a checked-in patient from the visit's page. The tablet is then locked to
the kiosk's pages (`clinic.kiosk`), which show only that visit's questionnaire; once answered it says to hand the
tablet back, and only the password of the person who handed it unlocks it.
"""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from outcomes import questionnaires
from outcomes.models import VisitBaseline
from outcomes.questionnaires import Questionnaire
from outcomes.services import PatientAnswers, score_answers
from procedures.models import Procedure
from scheduling.models import Appointment, Status

# A baseline is asked once the patient is in the clinic: after check-in, before they leave the room.
ASKED_WHILE = (Status.CHECKED_IN, Status.IN_ROOM)


def can_take_baseline(appointment: Appointment, today: datetime.date) -> bool:
    return appointment.status in ASKED_WHILE and appointment.local_start.date() == today


def questionnaires_for(appointment: Appointment) -> list[Questionnaire]:
    """The index the planned levels call for; else that of the patient's latest procedure; else the low back's,
    the region most of a pain clinic's patients come for."""
    levels = appointment.levels
    if not levels:
        latest = Procedure.objects.valid().for_patient(appointment.patient).order_by("-performed_at").first()
        levels = latest.levels if latest else []
    return questionnaires.for_levels(levels) or [questionnaires.ODI]


@transaction.atomic
def baseline_record(
    *, appointment: Appointment, handed_by: User, answers: PatientAnswers, now: datetime.datetime | None = None
) -> VisitBaseline:
    """Store the visit's baseline; refused when the visit is not today's and checked in, or already has one."""
    now = now or timezone.now()
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not can_take_baseline(locked, timezone.localdate(now)):
        raise ValidationError("The tablet is for patients checked in today.")
    if VisitBaseline.objects.filter(appointment=locked).exists():
        raise ValidationError("This visit's baseline was already answered.")
    odi, ndi = answers.get("odi_answers"), answers.get("ndi_answers")
    return VisitBaseline.objects.create(
        appointment=locked,
        answered_at=now,
        handed_by=handed_by,
        nrs=answers["nrs"],
        odi_answers=odi,
        odi_score=score_answers(odi, "odi_answers"),
        ndi_answers=ndi,
        ndi_score=score_answers(ndi, "ndi_answers"),
    )


def visit_panel_context(request: HttpRequest, appointment: Appointment) -> dict[str, Any]:
    """The visit page's baseline: what the patient answered, or the button that hands them the tablet."""
    baseline = VisitBaseline.objects.filter(appointment=appointment).first()
    return {
        "appointment": appointment,
        "baseline": baseline,
        "can_hand": baseline is None
        and request.user.has_perm("outcomes.add_visitbaseline")
        and can_take_baseline(appointment, timezone.localdate()),
    }
