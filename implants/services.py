"""Writing a stimulator or pump pathway: each function one transaction, under a lock on the pathway's row, so the
diary summary and the next refill date kept on that row always agree with the entries beside it."""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from clinic import validators
from implants import rules
from implants.models import DiaryEntry, Implant, Pathway, Refill, Reprogramming, TrialRule
from patients.models import Patient
from procedures.exposure import Injection

NOUN = {rules.SCS: "SCS", rules.PUMP: "pump"}


def trial_rule(device: str) -> rules.TrialRule:
    row = TrialRule.objects.filter(device=device).first()
    if row is None:
        # The shipped rows are data; a clinic that removed one still gets a judgement, said to be the default.
        return rules.TrialRule.default()
    return row.as_rule()


def _locked(pathway: Pathway) -> Pathway:
    """The pathway's row, locked for this transaction, refused once the pathway is closed."""
    locked = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if locked.is_closed:
        raise ValidationError(f"This {NOUN[locked.device]} pathway was closed on {locked.closed_on:%Y-%m-%d}.")
    return locked


def _not_future(field: str, day: datetime.date | None, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: f"The {what} cannot be in the future."})


@transaction.atomic
def pathway_open(*, patient: Patient, device: str, by: User, on: datetime.date | None = None) -> Pathway:
    if patient.is_archived:
        raise ValidationError("The patient's chart is archived: restore it first.")
    if device not in (rules.SCS, rules.PUMP):
        raise ValidationError({"device": "Choose a spinal cord stimulator or an intrathecal pump."})
    # Lock the patient so two clicks cannot open two pathways (the unique constraint would refuse the second).
    Patient.objects.select_for_update().filter(pk=patient.pk).exists()
    if Pathway.objects.filter(patient=patient, device=device, closed_on__isnull=True).exists():
        raise ValidationError(f"{patient.full_name} already has an open {NOUN[device]} pathway.")
    return Pathway.objects.create(patient=patient, device=device, opened_on=on or timezone.localdate(), opened_by=by)


@transaction.atomic
def pathway_evaluation(*, pathway: Pathway, psych_on: datetime.date, cleared: bool, evaluated_by: str = "") -> Pathway:
    locked = _locked(pathway)
    _not_future("psych_on", psych_on, "evaluation date")
    locked.psych_on, locked.psych_cleared, locked.psych_by = psych_on, cleared, evaluated_by
    validators.check_record(locked, text=["psych_by"])
    locked.save()
    return locked


@transaction.atomic
def pathway_trial(*, pathway: Pathway, start: datetime.date, end: datetime.date | None, note: str = "") -> Pathway:
    locked = _locked(pathway)
    if hasattr(locked, "implant"):
        raise ValidationError("The device is implanted: the trial's dates are part of the record now.")
    if end is not None and end < start:
        raise ValidationError({"trial_end": "The trial cannot end before it starts."})
    kept = locked.diary.kept()
    outside = kept.exclude(day__gte=start) if end is None else kept.exclude(day__gte=start, day__lte=end)
    first = outside.order_by("day").first()
    if first is not None:
        raise ValidationError({"trial_start": f"The diary has an entry for {first.day:%Y-%m-%d}, outside these dates."})
    locked.trial_start, locked.trial_end, locked.trial_note = start, end, note
    validators.check_record(locked, text=["trial_note"])
    locked.save()
    return locked


def _summarise_diary(pathway: Pathway) -> None:
    kept = pathway.diary.kept().aggregate(days=Count("pk"), total=Sum("relief_pct"))
    pathway.diary_days, pathway.diary_relief_total = kept["days"], kept["total"] or 0
    pathway.save(update_fields=["diary_days", "diary_relief_total"])


@transaction.atomic
def diary_add(
    *, pathway: Pathway, day: datetime.date, nrs: int, relief_pct: int, note: str = "", by: User | None
) -> DiaryEntry:
    """A trial day's entry, by staff, or by the patient through a diary link when `by` is None."""
    locked = _locked(pathway)
    if locked.trial_start is None:
        raise ValidationError("Record the trial's dates first: the diary belongs to them.")
    if day < locked.trial_start or (locked.trial_end is not None and day > locked.trial_end):
        end = f"{locked.trial_end:%Y-%m-%d}" if locked.trial_end else "today"
        raise ValidationError({"day": f"Enter a day of the trial: {locked.trial_start:%Y-%m-%d} to {end}."})
    _not_future("day", day, "diary day")
    if locked.diary.kept().filter(day=day).exists():
        raise ValidationError({"day": f"{day:%a %-d %b} is already recorded: void it first to correct it."})
    entry = DiaryEntry(
        pathway=locked, day=day, nrs=nrs, relief_pct=relief_pct, note=note, entered_by=by, by_patient=by is None
    )
    validators.check_record(entry, text=["note"], rules={"nrs": _between(0, 10), "relief_pct": _between(0, 100)})
    entry.save()
    _summarise_diary(locked)
    return entry


def _between(low: int, high: int) -> Any:
    def check(value: int) -> None:
        if not low <= value <= high:
            raise ValidationError(f"Enter a number from {low} to {high}.")

    return check


def _void(entry: DiaryEntry | Refill | Reprogramming, reason: str, by: User) -> None:
    if entry.voided_at is not None:
        raise ValidationError("This entry is already voided.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the entry is voided."})
    entry.voided_at, entry.voided_by, entry.void_reason = timezone.now(), by, reason.strip()
    validators.check_record(entry, text=["void_reason"], keys={"void_reason": "reason"})
    entry.save(update_fields=["voided_at", "voided_by", "void_reason"])


@transaction.atomic
def diary_void(*, entry: DiaryEntry, reason: str, by: User) -> None:
    locked = _locked(entry.pathway)
    if hasattr(locked, "implant"):
        raise ValidationError("The device is implanted: the trial's diary is part of the record now.")
    _void(entry, reason, by)
    _summarise_diary(locked)


@transaction.atomic
def pathway_decide(*, pathway: Pathway, decision: str, on: datetime.date, note: str = "", by: User) -> Pathway:
    locked = _locked(pathway)
    if locked.trial_start is None:
        raise ValidationError("Record the trial first: the decision judges it.")
    if hasattr(locked, "implant"):
        raise ValidationError("The device is implanted: the decision stands.")
    if decision not in (rules.PROCEED, rules.STOP):
        raise ValidationError({"decision": "Choose to proceed to the implant or not."})
    if on < locked.trial_start:
        raise ValidationError({"decided_on": "The decision cannot come before the trial starts."})
    _not_future("decided_on", on, "decision date")
    locked.decision, locked.decided_on, locked.decided_by, locked.decision_note = decision, on, by, note
    validators.check_record(locked, text=["decision_note"])
    locked.save()
    return locked


def implant_warning(pathway: Pathway) -> str | None:
    return rules.implant_warning(pathway.facts(), trial_rule(pathway.device))


def implant_advice(patient: Patient, proposal: Injection) -> list[str]:
    """The procedure form's and the booking's advice on a stimulator implant, from the patient's open pathway: the
    same words its page shows before the implant is recorded. Other proposals cost no query."""
    if proposal.family != rules.SCS or proposal.intent != "therapeutic" or proposal.voided:
        return []
    pathway = (
        Pathway.objects.filter(patient=patient, device=rules.SCS, closed_on__isnull=True)
        .select_related("implant")
        .first()
    )
    if pathway is None or hasattr(pathway, "implant"):
        return []
    warning = implant_warning(pathway)
    return [f"Stimulator pathway: {warning}"] if warning else []


@transaction.atomic
def implant_record(*, pathway: Pathway, by: User, override_reason: str = "", **device: Any) -> Implant:
    """Record the implanted device, or correct it (serial numbers come later from the implant log, say). A first
    record that no successful trial supports needs the physician's reason, kept with what was missing."""
    locked = _locked(pathway)
    implant = Implant.objects.filter(pathway=locked).first()
    if implant is None:
        unsupported = implant_warning(locked) or ""
        if unsupported and not override_reason.strip():
            raise ValidationError({"override_reason": f"{unsupported} Give the reason to implant anyway."})
        implant = Implant(pathway=locked, recorded_by=by, unsupported_because=unsupported)
    implant.override_reason = override_reason.strip() or implant.override_reason
    for field, value in device.items():
        setattr(implant, field, value)
    _not_future("implanted_on", implant.implanted_on, "implant date")
    if locked.trial_start is not None and implant.implanted_on < locked.trial_start:
        raise ValidationError({"implanted_on": "The implant cannot come before the trial."})
    validators.check_record(
        implant,
        text=["manufacturer", "model", "serial", "location", "lead_model", "lead_serials", "lead_tip_level"],
    )
    implant.save()
    return implant


FOLLOWS = {
    rules.SCS: "Reprogramming visits follow a stimulator's implant.",
    rules.PUMP: "Refills follow an intrathecal pump's implant.",
}


def _after_implant(pathway: Pathway, device: str, on: datetime.date, what: str) -> Pathway:
    """The locked pathway, for an entry that follows its device's implant (a reprogramming visit, a refill)."""
    locked = _locked(pathway)
    if locked.device != device or not hasattr(locked, "implant"):
        raise ValidationError(FOLLOWS[device])
    if on < locked.implant.implanted_on:
        raise ValidationError({"on": f"The {what} cannot come before the implant."})
    _not_future("on", on, f"{what} date")
    return locked


@transaction.atomic
def reprogramming_add(
    *, pathway: Pathway, on: datetime.date, reason: str, settings_note: str = "", nrs_after: int | None, by: User
) -> Reprogramming:
    locked = _after_implant(pathway, rules.SCS, on, "visit")
    visit = Reprogramming(
        pathway=locked, on=on, reason=reason, settings_note=settings_note, nrs_after=nrs_after, entered_by=by
    )
    validators.check_record(visit, text=["reason", "settings_note"])
    visit.save()
    return visit


@transaction.atomic
def reprogramming_void(*, entry: Reprogramming, reason: str, by: User) -> None:
    _locked(entry.pathway)
    _void(entry, reason, by)


def latest_refill(pathway: Pathway) -> Refill | None:
    """The refill that set the pump's next due date: the latest not voided."""
    return pathway.refills.kept().order_by("-on", "-pk").first()


def _latest_due(pathway: Pathway) -> None:
    latest = latest_refill(pathway)
    pathway.next_refill_due = latest.next_due_on if latest else None
    pathway.save(update_fields=["next_refill_due"])


@transaction.atomic
def refill_add(
    *,
    pathway: Pathway,
    on: datetime.date,
    drug: str,
    concentration_mg_ml: Decimal,
    volume_ml: Decimal,
    daily_dose_mg: Decimal,
    next_due_on: datetime.date,
    by: User,
) -> Refill:
    """A refill sets the next one's due date, which must come before the reservoir runs dry at this rate."""
    locked = _after_implant(pathway, rules.PUMP, on, "refill")
    refill = Refill(
        pathway=locked,
        on=on,
        drug=drug,
        concentration_mg_ml=concentration_mg_ml,
        volume_ml=volume_ml,
        daily_dose_mg=daily_dose_mg,
        next_due_on=next_due_on,
        entered_by=by,
    )
    validators.check_record(refill, text=["drug"])
    if next_due_on <= on:
        raise ValidationError({"next_due_on": "The next refill is due after this one."})
    dry = refill.dry_on
    if next_due_on > dry:
        raise ValidationError(
            {
                "next_due_on": f"At {daily_dose_mg.normalize():f} mg/day, {volume_ml.normalize():f} mL of "
                f"{concentration_mg_ml.normalize():f} mg/mL runs dry on {dry:%a %Y-%m-%d}: "
                "the next refill must be due by then."
            }
        )
    refill.save()
    _latest_due(locked)
    return refill


@transaction.atomic
def refill_void(*, entry: Refill, reason: str, by: User) -> None:
    locked = _locked(entry.pathway)
    _void(entry, reason, by)
    _latest_due(locked)


@transaction.atomic
def pathway_close(*, pathway: Pathway, on: datetime.date, reason: str) -> Pathway:
    locked = _locked(pathway)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the pathway ends (e.g. trial failed, patient declined, explanted)."})
    _not_future("on", on, "closing date")
    locked.closed_on, locked.close_reason = on, reason.strip()
    validators.check_record(locked, text=["close_reason"], keys={"close_reason": "reason"})
    locked.save()
    return locked
