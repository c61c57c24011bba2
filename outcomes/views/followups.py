"""The nurse's follow-up calls: today's worklist, recording a call, and closing one as not reached."""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.access import Kind, log_access
from clinic.concurrency import StaleEdit
from clinic.links import url_for_each
from clinic.redirects import next_url
from clinic.roles import permission_required, require, staff_user
from outcomes import questionnaires
from outcomes.forms import FollowUpForm, NotReachedForm
from outcomes.links import call_status
from outcomes.models import FollowUp, FollowUpQuerySet
from outcomes.scoring import MIN_ANSWERED, SECTIONS
from outcomes.services import followup_mark_not_reached, followup_record
from patients.models import Patient
from procedures.models import ProcedureSite

UPCOMING_DAYS = 7
# Calls per page of a section: the overdue backlog of a large clinic runs to tens of thousands.
PAGE_SIZE = 25
# On the page with every section, today's calls come first; of the overdue and the upcoming ones, the first few
# and how many there are, with a link to page through them.
PREVIEW_SIZE = 10
WORKLIST_SECTIONS = (
    ("today", "Due today", "No calls due today."),
    ("overdue", "Overdue", "Nothing overdue."),
    ("upcoming", "Upcoming", f"Nothing due in the next {UPCOMING_DAYS} days."),
)
# Oldest first, a day's calls in the order their procedures were logged: the order of the open calls' index
# (`follow_up_open_idx`), so a page is read from the index alone.
CALL_ORDER = ("due_on", "procedure_id", "pk")


@dataclass(frozen=True)
class Call:
    follow_up: FollowUp
    days: int  # due date minus today: negative when overdue
    record_url: str = ""
    not_reached_url: str = ""
    procedure_url: str = ""
    link_status: tuple[str, str] = ("", "")  # what its questionnaire link says, and its colour

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days)


@dataclass
class PatientCalls:
    """One patient's calls within a section: a patient with two procedures to ask about is one phone call."""

    patient: Patient
    chart_url: str = ""
    calls: list[Call] = field(default_factory=list)

    @property
    def tel(self) -> str:
        return _tel(self.patient.phone)


@dataclass
class Section:
    """One page of a section's calls, grouped by patient, and how many the whole section holds."""

    key: str
    title: str
    empty: str
    count: int = 0  # calls in the whole section
    number: int = 1  # the page shown
    size: int = PAGE_SIZE  # calls a page
    groups: list[PatientCalls] = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def shown(self) -> int:
        """Calls on this page."""
        return min(self.size, self.count - (self.number - 1) * self.size)


def _in_section(key: str, today: datetime.date) -> Q:
    return {
        "today": Q(due_on=today),
        "overdue": Q(due_on__lt=today),
        "upcoming": Q(due_on__gt=today, due_on__lte=today + datetime.timedelta(days=UPCOMING_DAYS)),
    }[key]


def _page_number(text: str | None, pages: int) -> int:
    """The page asked for, within the section's pages; the first for anything else."""
    try:
        number = int(text or 1)
    except ValueError:  # not a number, or one of thousands of digits
        number = 1
    return min(max(1, number), pages)


def _fill(sections: list[Section], today: datetime.date) -> None:
    """Put each section's page of calls into patient groups: one query per section, two for all the details.

    A page is read from the open calls' index alone, however deep into the backlog it is; then only its
    rows are loaded. A patient's calls on one page are one group, which sits where their first call falls.
    """
    pages: dict[str, list[int]] = {}
    for section in sections:
        start = (section.number - 1) * section.size
        in_order = FollowUp.objects.open().filter(_in_section(section.key, today)).order_by(*CALL_ORDER)
        pages[section.key] = list(in_order.values_list("pk", flat=True)[start : start + section.size])
    wanted = [pk for page in pages.values() for pk in page]
    found = {follow_up.pk: follow_up for follow_up in _with_sites(FollowUp.objects.filter(pk__in=wanted))}
    record, not_reached = url_for_each("outcomes:record"), url_for_each("outcomes:not_reached")
    chart, procedure = url_for_each("patients:chart"), url_for_each("procedures:detail")
    now = timezone.now()
    for section in sections:
        groups: dict[int, PatientCalls] = {}
        for pk in pages[section.key]:
            follow_up = found[pk]
            patient = follow_up.procedure.patient
            group = groups.setdefault(patient.pk, PatientCalls(patient, chart(patient.pk)))
            days = (follow_up.due_on - today).days
            status = call_status(getattr(follow_up, "link", None), now)
            group.calls.append(
                Call(follow_up, days, record(pk), not_reached(pk), procedure(follow_up.procedure_id), status)
            )
        section.groups = list(groups.values())


def _tel(phone: str) -> str:
    """A tel: link's number: digits and a leading plus, without the spaces and brackets people type."""
    return "".join(c for c in phone if c.isdigit() or c == "+")


def _with_sites(follow_ups: FollowUpQuerySet) -> FollowUpQuerySet:
    """Details plus the procedure's sites (levels, site summary): two queries whatever the number of rows."""
    sites = ProcedureSite.objects.order_by("position", "pk")
    return (
        follow_ups.with_details().select_related("link").prefetch_related(Prefetch("procedure__sites", queryset=sites))
    )


def _get_follow_up(request: HttpRequest, pk: int) -> FollowUp:
    """The one access check for recording: 403 without the permission, 404 if absent."""
    require(request.user, "outcomes.change_followup")
    return get_object_or_404(_with_sites(FollowUp.objects.all()), pk=pk)


def _back_url(request: HttpRequest) -> str:
    """Where to go after a call: `?next=` if it stays on this site, else the worklist."""
    return next_url(request, reverse("outcomes:worklist"))


def _back(request: HttpRequest) -> HttpResponseRedirect:
    return redirect(_back_url(request))


@permission_required("outcomes.view_followup")
def worklist(request: HttpRequest) -> HttpResponse:
    """Due today (a page), and the first few overdue (oldest first) and upcoming; `?section=` pages through one."""
    today = timezone.localdate()
    keys = [key for key, _title, _empty in WORKLIST_SECTIONS]
    only = request.GET.get("section") if request.GET.get("section") in keys else None
    horizon = today + datetime.timedelta(days=UPCOMING_DAYS)
    counts = FollowUp.objects.filter(due_on__lte=horizon).count_open(**{key: _in_section(key, today) for key in keys})
    sections = [Section(key, title, empty, counts[key], size=PAGE_SIZE) for key, title, empty in WORKLIST_SECTIONS]
    shown = [section for section in sections if only in (None, section.key)]
    for section in shown:
        if section.key == only:
            section.number = _page_number(request.GET.get("page"), section.num_pages)
        elif section.key != "today":
            section.size = min(PREVIEW_SIZE, PAGE_SIZE)
    _fill([section for section in shown if section.count], today)
    answered = FollowUp.objects.answered_by_patients(since=timezone.now() - datetime.timedelta(days=UPCOMING_DAYS))
    answered_count = answered.count() if only is None else 0
    context = {
        "answered": list(answered.with_details().order_by("-recorded_at")[:PREVIEW_SIZE]) if answered_count else [],
        "answered_count": answered_count,
        "sections": shown,
        "all_sections": sections,
        "only": only,
        "today": today,
        "upcoming_days": UPCOMING_DAYS,
        "page_size": PAGE_SIZE,
        "can_record": request.user.has_perm("outcomes.change_followup"),
    }
    return render(request, "outcomes/worklist.html", context)


def record(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _get_follow_up(request, pk)
    procedure = follow_up.procedure
    log_access(request, Kind.FOLLOW_UP, patient_id=procedure.patient_id, obj=follow_up)
    closed = follow_up.is_closed
    form = None
    # A call posted after someone else closed the follow-up is refused by the service, and shown again with
    # what was typed beside who recorded what.
    if not closed or request.method == "POST":
        data = request.POST if request.method == "POST" else None
        form = FollowUpForm(
            data, initial={"version": follow_up.version}, questionnaires=questionnaires.for_levels(procedure.levels)
        )
    if form is not None and form.is_valid():
        try:
            followup_record(
                follow_up=follow_up,
                recorded_by=staff_user(request),
                opened_version=form.opened_version(),
                **form.record_fields(),
            )
        except StaleEdit as error:
            form.refuse(error)
        except ValidationError as error:
            form.add_error(None, error.messages)  # the answers' errors name no form field
        else:
            messages.success(request, _recorded_message(follow_up))
            return _back(request)
    elif closed and request.method == "POST":
        messages.error(request, "This follow-up is already closed; it was not recorded again.")
        return redirect("outcomes:record", pk=pk)
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
    if follow_up.is_closed:
        messages.error(request, "This follow-up is already closed.")
        return _back(request)
    form = NotReachedForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["note"]))
        followup_mark_not_reached(
            follow_up=follow_up,
            recorded_by=staff_user(request),
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, f"Not closed. Note: {' '.join(error.messages)}")
        return _back(request)
    name = follow_up.procedure.patient.full_name
    messages.success(request, f"Closed the {follow_up.label} follow-up for {name} as not reached.")
    return _back(request)
