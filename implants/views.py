"""A patient's stimulator or pump pathway on one page, each step a small form posted to its own address; and the
pump refill worklist, where a missed refill is a safety problem."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.access import Kind, log_access
from clinic.roles import permission_required, require, staff_user
from implants import forms, rules, services
from implants.models import Device, Pathway, Refill
from implants.panels import summary, with_rule
from patients.models import Patient
from scheduling.models import Appointment

# The refill worklist: pumps due within this many days, and at most this many rows (the most urgent first).
REFILL_AHEAD_DAYS = 14
REFILL_ROWS = 100
# The pathway page opens its refill form this close to the due date.
REFILL_FORM_OPEN = datetime.timedelta(days=7)


def _get_pathway(request: HttpRequest, pk: int, permission: str = "implants.view_pathway") -> Pathway:
    """The one access check for a pathway: 403 without the permission, 404 if absent."""
    require(request.user, permission)
    return get_object_or_404(with_rule(Pathway.objects.select_related("patient", "implant")), pk=pk)


def start(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A pathway is opened from the chart through this page's confirmation: the chart's panel holds links only."""
    require(request.user, "implants.add_pathway")
    patient = get_object_or_404(Patient, pk=patient_id)
    device = request.POST.get("device", "") if request.method == "POST" else request.GET.get("device", "")
    if device not in Device.values:
        raise Http404("No such device.")
    if request.method == "POST":
        try:
            pathway = services.pathway_open(patient=patient, device=device, by=staff_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(patient.get_absolute_url())
        messages.success(request, f"{pathway.get_device_display()} pathway opened for {patient.full_name}.")
        return redirect("implants:pathway", pk=pathway.pk)
    context = {"patient": patient, "device": device, "label": Device(device).label}
    return render(request, "implants/start.html", context)


@dataclass(frozen=True)
class Step:
    """A form on the pathway page: who may post it, and what it does with the cleaned data."""

    permission: str
    form: Callable[[Pathway], type[django_forms.Form]]
    act: Callable[[Pathway, dict[str, Any], User], str]
    initial: Callable[[Pathway, datetime.date], dict[str, Any]] = lambda pathway, today: {}


def _diary_next_day(pathway: Pathway, today: datetime.date) -> dict[str, Any]:
    """The day after the last one recorded (quick entry of a week's diary), or the trial's first day."""
    last = pathway.diary.kept().order_by("-day").values_list("day", flat=True).first()
    day = last + datetime.timedelta(days=1) if last else pathway.trial_start
    return {"day": min(day, today) if day else today}


def _implant_initial(pathway: Pathway, today: datetime.date) -> dict[str, Any]:
    implant = getattr(pathway, "implant", None)
    if implant is None:
        return {"implanted_on": today}
    # The union of both devices' forms; each form takes the fields it has.
    fields = forms.StimulatorImplantForm.base_fields.keys() | forms.PumpImplantForm.base_fields.keys()
    return {field: getattr(implant, field) for field in fields if field != "override_reason"}


def _last_refill(pathway: Pathway, today: datetime.date) -> dict[str, Any]:
    """The last refill's drug and strengths: most refills repeat them."""
    last = services.latest_refill(pathway)
    if last is None:
        return {"on": today}
    return {
        "on": today,
        "drug": last.drug,
        "concentration_mg_ml": last.concentration_mg_ml,
        "volume_ml": last.volume_ml,
        "daily_dose_mg": last.daily_dose_mg,
    }


def _evaluation(p: Pathway, d: dict[str, Any], by: User) -> str:
    services.pathway_evaluation(pathway=p, **d)
    return "Psychological evaluation recorded."


def _trial(p: Pathway, d: dict[str, Any], by: User) -> str:
    services.pathway_trial(pathway=p, **d)
    return "Trial dates recorded."


def _diary(p: Pathway, d: dict[str, Any], by: User) -> str:
    entry = services.diary_add(pathway=p, by=by, **d)
    return f"Diary day {entry.day:%a %-d %b} recorded: NRS {entry.nrs}, {entry.relief_pct}% relief."


def _decision(p: Pathway, d: dict[str, Any], by: User) -> str:
    decided = services.pathway_decide(pathway=p, decision=d["decision"], on=d["decided_on"], note=d["note"], by=by)
    return f"Decision recorded: {decided.get_decision_display().lower()}."


def _implant(p: Pathway, d: dict[str, Any], by: User) -> str:
    device = {key: value for key, value in d.items() if key != "override_reason"}
    implant = services.implant_record(pathway=p, by=by, override_reason=d["override_reason"], **device)
    return f"Implant recorded: {implant.manufacturer} {implant.model}, serial {implant.serial or 'not yet recorded'}."


def _reprogramming(p: Pathway, d: dict[str, Any], by: User) -> str:
    services.reprogramming_add(pathway=p, by=by, **d)
    return "Reprogramming visit recorded."


def _refill(p: Pathway, d: dict[str, Any], by: User) -> str:
    refill = services.refill_add(pathway=p, by=by, **d)
    return f"Refill recorded; the next is due {refill.next_due_on:%a %-d %b %Y}."


def _close(p: Pathway, d: dict[str, Any], by: User) -> str:
    services.pathway_close(pathway=p, **d)
    return "Pathway closed."


def _void_in(related: str, void: Callable[..., None]) -> Callable[[Pathway, dict[str, Any], User], str]:
    def act(p: Pathway, d: dict[str, Any], by: User) -> str:
        entry = getattr(p, related).filter(pk=d["entry"]).first()
        if entry is None:
            raise ValidationError("That entry is not on this pathway.")
        void(entry=entry, reason=d["reason"], by=by)
        return "Entry voided: it stays on record, struck through."

    return act


CHANGE, DECIDE = "implants.change_pathway", "implants.decide_pathway"
STEPS: dict[str, Step] = {
    "evaluation": Step(
        CHANGE,
        lambda p: forms.EvaluationForm,
        _evaluation,
        lambda p, today: {"psych_on": p.psych_on or today, "evaluated_by": p.psych_by},
    ),
    "trial": Step(
        CHANGE,
        lambda p: forms.TrialForm,
        _trial,
        lambda p, today: {"start": p.trial_start or today, "end": p.trial_end, "note": p.trial_note},
    ),
    "diary": Step(CHANGE, lambda p: forms.DiaryForm, _diary, _diary_next_day),
    "decision": Step(DECIDE, lambda p: forms.DecisionForm, _decision, lambda p, today: {"decided_on": today}),
    "implant": Step(
        DECIDE,
        lambda p: forms.StimulatorImplantForm if p.device == rules.SCS else forms.PumpImplantForm,
        _implant,
        _implant_initial,
    ),
    "reprogramming": Step(CHANGE, lambda p: forms.ReprogrammingForm, _reprogramming, lambda p, today: {"on": today}),
    "refill": Step(CHANGE, lambda p: forms.RefillForm, _refill, _last_refill),
    "close": Step(CHANGE, lambda p: forms.CloseForm, _close, lambda p, today: {"on": today}),
    "diary-void": Step(CHANGE, lambda p: forms.VoidForm, _void_in("diary", services.diary_void)),
    "refill-void": Step(CHANGE, lambda p: forms.VoidForm, _void_in("refills", services.refill_void)),
    "reprogramming-void": Step(
        CHANGE, lambda p: forms.VoidForm, _void_in("reprogrammings", services.reprogramming_void)
    ),
}
# The steps whose forms the page shows for a new entry (the void forms are per row).
SHOWN = ("evaluation", "trial", "diary", "decision", "implant", "reprogramming", "refill", "close")


def pathway(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_pathway(request, pk)
    log_access(request, Kind.CHART, patient_id=record.patient_id, obj=record)
    return _page(request, record)


@require_POST
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in STEPS:
        raise Http404("No such step.")
    action = STEPS[name]
    record = _get_pathway(request, pk, action.permission)
    form = action.form(record)(request.POST, auto_id=_ids(name))
    if form.is_valid():
        try:
            message = action.act(record, form.cleaned_data, staff_user(request))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("implants:pathway", pk=pk)
    return _page(request, record, bound={name: form}, status=400)


def _ids(step: str) -> str:
    """Each step's own element ids: several forms on the page have a "note" or an "on"."""
    return f"id_{step}_%s"


def _add_errors(form: django_forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _page(
    request: HttpRequest, record: Pathway, bound: dict[str, django_forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    forms_shown: dict[str, django_forms.Form] = {}
    if not record.is_closed:
        for name in SHOWN:
            action = STEPS[name]
            if request.user.has_perm(action.permission):
                forms_shown[name] = (bound or {}).get(name) or action.form(record)(
                    initial=action.initial(record, today), auto_id=_ids(name)
                )
    # A refused post whose form the page does not show (a row's void, a closed pathway) is said above it all.
    unshown = [form for name, form in (bound or {}).items() if name not in forms_shown]
    said = summary(record, today)
    context = {
        "s": said,
        "p": record,
        "implant": getattr(record, "implant", None),
        "forms": forms_shown,
        "refused": [error for form in unshown for errors in form.errors.values() for error in errors],
        "can_void": request.user.has_perm(CHANGE) and not record.is_closed,
        # Judged by the rule read with the pathway (`with_rule`), as the summary is.
        "implant_warning": rules.implant_warning(record.facts(), said["rule"])
        if "implant" in forms_shown and not hasattr(record, "implant")
        else None,
        "diary": record.diary.select_related("entered_by").order_by("day", "pk"),
        "reprogrammings": record.reprogrammings.order_by("-on", "-pk") if record.device == rules.SCS else [],
        "refills": record.refills.order_by("-on", "-pk")[:24] if record.device == rules.PUMP else [],
        "pump_drugs": forms.PUMP_DRUGS,
        "refill_soon": record.next_refill_due is not None and record.next_refill_due <= today + REFILL_FORM_OPEN,
        "today": today,
    }
    return render(request, "implants/pathway.html", context, status=status)


@dataclass(frozen=True)
class RefillRow:
    pathway: Pathway
    due: datetime.date
    drug: str | None
    concentration: Decimal | None
    next_visit: datetime.datetime | None
    visit_late: bool
    today: datetime.date

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due).days


def _refill_row(row: Any, today: datetime.date) -> RefillRow:
    due = row.next_refill_due
    assert due is not None  # the worklist reads only pumps with a due date
    return RefillRow(
        pathway=row,
        due=due,
        drug=row.last_drug,
        concentration=row.last_concentration,
        next_visit=row.next_visit,
        # Compared in the clinic's time zone: a visit at 8 pm on the due day is on time.
        visit_late=row.next_visit is not None and timezone.localdate(row.next_visit) > due,
        today=today,
    )


@permission_required("implants.view_refill_worklist")
def refills(request: HttpRequest) -> HttpResponse:
    """Open pumps whose refill is missed or due soon, most urgent first, from the due-date index; with the last
    refill's drug and the patient's next booked visit, each read in the same query."""
    today = timezone.localdate()
    last = Refill.objects.kept().filter(pathway=OuterRef("pk")).order_by("-on", "-pk")
    next_visit = (
        Appointment.objects.holding_slot()
        .filter(patient=OuterRef("patient"), starts_at__gte=timezone.now())
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    due = list(
        Pathway.objects.filter(
            device=Device.PUMP,
            closed_on__isnull=True,
            next_refill_due__isnull=False,
            next_refill_due__lte=today + datetime.timedelta(days=REFILL_AHEAD_DAYS),
        )
        .select_related("patient")
        .annotate(
            last_drug=Subquery(last.values("drug")[:1]),
            last_concentration=Subquery(last.values("concentration_mg_ml")[:1]),
            next_visit=Subquery(next_visit),
        )
        .order_by("next_refill_due", "pk")[:REFILL_ROWS]
    )
    rows = [_refill_row(row, today) for row in due]
    context = {
        "missed": [row for row in rows if row.due < today],
        "soon": [row for row in rows if row.due >= today],
        "capped": len(rows) == REFILL_ROWS,
        "shown": len(rows),
        "ahead": REFILL_AHEAD_DAYS,
        "today": today,
    }
    return render(request, "implants/refills.html", context)
