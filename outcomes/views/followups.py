"""The nurse's follow-up calls: today's worklist, recording a call, and closing one as not reached."""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clinic.roles import permission_required, require
from outcomes import questionnaires
from outcomes.forms import FollowUpForm
from outcomes.models import FollowUp, FollowUpQuerySet, FollowUpStatus
from outcomes.scoring import MIN_ANSWERED, SECTIONS
from outcomes.services import followup_not_reached, followup_record
from patients.models import Patient
from procedures.models import ProcedureSite

UPCOMING_DAYS = 7


@dataclass(frozen=True)
class Call:
    follow_up: FollowUp
    days: int  # due date minus today: negative when overdue

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days)


@dataclass
class PatientCalls:
    """One patient's calls within a section: a patient with two procedures to ask about is one phone call."""

    patient: Patient
    calls: list[Call] = field(default_factory=list)

    @property
    def tel(self) -> str:
        return _tel(self.patient.phone)


@dataclass
class Section:
    key: str
    title: str
    empty: str
    groups: list[PatientCalls] = field(default_factory=list)
    count: int = 0
    _by_patient: dict[int, PatientCalls] = field(default_factory=dict, repr=False)

    def add(self, call: Call) -> None:
        """Rows arrive in call order; a patient's group sits where their first call falls."""
        patient = call.follow_up.procedure.patient
        if patient.pk not in self._by_patient:
            self._by_patient[patient.pk] = PatientCalls(patient)
            self.groups.append(self._by_patient[patient.pk])
        self._by_patient[patient.pk].calls.append(call)
        self.count += 1


def _tel(phone: str) -> str:
    """A tel: link's number: digits and a leading plus, without the spaces and brackets people type."""
    return "".join(c for c in phone if c.isdigit() or c == "+")


def _with_sites(follow_ups: FollowUpQuerySet) -> FollowUpQuerySet:
    """Details plus the procedure's sites (levels, site summary): two queries whatever the number of rows."""
    sites = ProcedureSite.objects.order_by("position", "pk")
    return follow_ups.with_details().prefetch_related(Prefetch("procedure__sites", queryset=sites))


def _get_follow_up(request: HttpRequest, pk: int) -> FollowUp:
    """The one access check for recording: 403 without the permission, 404 if absent."""
    require(request.user, "outcomes.change_followup")
    return get_object_or_404(_with_sites(FollowUp.objects.all()), pk=pk)


def _back_url(request: HttpRequest) -> str:
    """Where to go after a call: `?next=` if it stays on this site, else the worklist."""
    back = request.GET.get("next") or request.POST.get("next") or ""
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return reverse("outcomes:worklist")


def _back(request: HttpRequest) -> HttpResponseRedirect:
    return redirect(_back_url(request))


@permission_required("outcomes.view_followup")
def worklist(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sections = {
        "today": Section("today", "Due today", "No calls due today."),
        "overdue": Section("overdue", "Overdue", "Nothing overdue."),
        "upcoming": Section("upcoming", "Upcoming", f"Nothing due in the next {UPCOMING_DAYS} days."),
    }
    horizon = today + datetime.timedelta(days=UPCOMING_DAYS)
    follow_ups = _with_sites(FollowUp.objects.open().filter(due_on__lte=horizon)).order_by(
        "due_on", "procedure__patient__last_name", "procedure__patient__first_name", "pk"
    )
    for follow_up in follow_ups:
        days = (follow_up.due_on - today).days
        key = "overdue" if days < 0 else "today" if days == 0 else "upcoming"
        sections[key].add(Call(follow_up, days))
    context = {"sections": list(sections.values()), "today": today, "upcoming_days": UPCOMING_DAYS}
    return render(request, "outcomes/worklist.html", context)


def record(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _get_follow_up(request, pk)
    procedure = follow_up.procedure
    closed = follow_up.status != FollowUpStatus.DUE or procedure.is_voided
    if closed and request.method == "POST":
        messages.error(request, "This follow-up is already closed; it was not recorded again.")
        return redirect("outcomes:record", pk=pk)
    form = None
    if not closed:
        data = request.POST if request.method == "POST" else None
        form = FollowUpForm(data, questionnaires=questionnaires.for_levels(procedure.levels))
    if form is not None and form.is_valid():
        try:
            followup_record(
                follow_up=follow_up,
                recorded_by=request.user,  # type: ignore[arg-type]
                **form.record_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _recorded_message(follow_up))
            return _back(request)
    context = _record_context(follow_up, form) | {"back_url": _back_url(request)}
    return render(request, "outcomes/record.html", context)


def _recorded_message(follow_up: FollowUp) -> str:
    name = follow_up.procedure.patient.full_name
    parts = [f"Recorded {follow_up.label} follow-up for {name}: NRS {follow_up.nrs}, {follow_up.relief_pct}% relief"]
    for questionnaire in questionnaires.QUESTIONNAIRES:
        answers = getattr(follow_up, f"{questionnaire.key}_answers")
        if answers:
            score = getattr(follow_up, f"{questionnaire.key}_score")
            answered = sum(a is not None for a in answers)
            parts.append(
                f"{questionnaire.abbreviation} {score}"
                if score is not None
                else f"{questionnaire.abbreviation} not scored ({answered} of {SECTIONS} sections answered, "
                f"{MIN_ANSWERED} needed)"
            )
    return ", ".join(parts) + "."


def _record_context(follow_up: FollowUp, form: FollowUpForm | None) -> dict[str, object]:
    procedure = follow_up.procedure
    others = list(FollowUp.objects.filter(procedure=procedure).exclude(pk=follow_up.pk).order_by("due_on", "pk"))
    recorded = [
        (questionnaire, getattr(follow_up, f"{questionnaire.key}_score"), questionnaire.answered(answers))
        for questionnaire in questionnaires.QUESTIONNAIRES
        if (answers := getattr(follow_up, f"{questionnaire.key}_answers"))
    ]
    nrs_change = None
    if follow_up.nrs is not None and procedure.nrs_pre is not None:
        nrs_change = follow_up.nrs - procedure.nrs_pre
    return {
        "follow_up": follow_up,
        "procedure": procedure,
        "patient": procedure.patient,
        "form": form,
        "others": others,
        "recorded": recorded,
        "nrs_change": nrs_change,
        "today": timezone.localdate(),
        "tel": _tel(procedure.patient.phone),
        "min_answered": MIN_ANSWERED,
    }


@require_POST
def not_reached(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _get_follow_up(request, pk)
    if follow_up.status != FollowUpStatus.DUE or follow_up.procedure.is_voided:
        messages.error(request, "This follow-up is already closed.")
        return _back(request)
    followup_not_reached(
        follow_up=follow_up,
        recorded_by=request.user,  # type: ignore[arg-type]
        note=request.POST.get("note", ""),
    )
    name = follow_up.procedure.patient.full_name
    messages.success(request, f"Closed the {follow_up.label} follow-up for {name} as not reached.")
    return _back(request)
