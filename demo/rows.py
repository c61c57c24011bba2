"""Planned visits as rows: appointments, procedures with their sites and drugs, and follow-ups.

Each row is what the services would have written, field for field (without the audit-history rows):
a procedure's intent and approach are its type's usual ones when the form leaves them blank, a completed
procedure visit links the record logged from it, follow-ups come from the configured intervals with the
due dates `FollowUpInterval.due_on` gives, a recorded follow-up has its scores computed by the
questionnaire scoring, and closed ones carry who recorded them and when.
"""

import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models

from demo import moments
from demo.bulk import Table, Writer
from demo.care import ALL_DOSES, KINDS
from demo.clinic import Schedule
from demo.history import OVERRIDE_REASON, PatientFacts, Visit
from demo.moments import DAY
from demo.moments import text as stamp
from outcomes.models import FollowUp, FollowUpInterval, FollowUpStatus
from outcomes.scoring import disability_score
from patients.models import Patient
from patients.services import PatientFields
from procedures import spine
from procedures.demo import KNEE_DX, NRS_DROP, VOIDS
from procedures.models import Procedure, ProcedureMedication, ProcedureSite
from procedures.services import RecordFields
from scheduling.models import Appointment, Status, VisitType, WaitlistEntry


def _recording(
    model: type[models.Model], fields: Iterable[str], others: Sequence[str], shared: dict[str, object]
) -> Table:
    """A table whose rows hold every field its service records (`fields`: the keys of the service's TypedDict, a
    foreign key by its attname) and the columns the service fills itself (`others`); `shared`, every row alike."""
    attnames = {f.name: f.attname for f in model._meta.concrete_fields}
    recorded = [attnames[name] for name in fields if name not in shared]
    return Table(model, (*others, *recorded), shared)


# What a registration records, as patient_register takes it, plus what registering and archiving fill in.
PATIENT = _recording(
    Patient,
    PatientFields.__annotations__,
    ("id", "created_at", "archived_at", "archive_reason", "search_key"),
    {"pregnant": False, "version": 1},
)
# What the entry form records, as procedure_log takes it, plus what logging, limits and voiding fill in.
PROCEDURE = _recording(
    Procedure,
    RecordFields.__annotations__,
    (
        "id",
        "patient_id",
        "recorded_by_id",
        "overridden_rules",
        "override_reason",
        "voided_at",
        "voided_by_id",
        "void_reason",
        "created_at",
    ),
    {"consent_obtained": True, "time_out_done": True, "version": 1},
)
SITE = Table(ProcedureSite, ("id", "procedure_id", "position", "level", "named_site", "side"))
MEDICATION = Table(ProcedureMedication, ("id", "procedure_id", "drug_id", "dose_mg", "volume_ml"))
FOLLOW_UP = Table(
    FollowUp,
    (
        "id",
        "procedure_id",
        "label",
        "days_after",
        "due_on",
        "status",
        "recorded_at",
        "recorded_by_id",
        "method",
        "nrs",
        "relief_pct",
        "relief_days",
        "odi_answers",
        "odi_score",
        "ndi_answers",
        "ndi_score",
        "pgic",
        "note",
    ),
    {"new_complications": "", "version": 1},
)
APPOINTMENT = Table(
    Appointment,
    (
        "id",
        "patient_id",
        "physician_id",
        "room_id",
        "starts_at",
        "ends_at",
        "visit_type",
        "procedure_type_id",
        "planned_levels",
        "planned_side",
        "reason",
        "status",
        "cancel_reason",
        "booked_by_id",
        "booked_at",
        "checked_in_at",
        "procedure_id",
    ),
    {
        "notes": "",
        "limit_would_pass": False,
        "limit_summary": "",
        "limit_clears_on": None,
        "limit_override_reason": "",
        "version": 1,
    },
)
WAITLIST = Table(
    WaitlistEntry,
    ("id", "patient_id", "physician_id", "visit_type", "earliest_on", "note", "created_by_id", "created_at"),
    {"closed_at": None, "closed_reason": "", "appointment_id": None},
)
TABLES = (PATIENT, PROCEDURE, SITE, MEDICATION, FOLLOW_UP, APPOINTMENT, WAITLIST)

VOIDED = 0.004  # procedures entered in error (a duplicate), then voided
VASOVAGAL = 0.025
NOT_REACHED = 0.07
WAITLISTED = 0.03  # of patients with a visit ahead: would take an earlier slot
DIAGNOSTIC_BLOCKS = frozenset({"mbb", "cmbb", "siblock", "snrb", "genicular"})
NOT_REACHED_NOTE = "Two calls, no answer; voicemail left"
# Follow-up columns from method to PGIC when nothing was recorded, and after who and when.
NO_ANSWERS = ("", None, None, None, None, None, None, None, None)
NOTHING_RECORDED = (None, None, *NO_ANSWERS)
WAITLIST_NOTES = ("Can come at short notice", "Mornings only", "Pain worse since booking; wants to come sooner")


@dataclass(frozen=True)
class Interval:
    label: str
    days: int
    hours: int
    interval: FollowUpInterval


@dataclass
class Context:
    """Ids and catalog entries the rows refer to, read once."""

    physicians: list[int]
    nurses: list[int]
    front_desk: list[int]
    types: dict[str, int]  # kind → procedure type id
    usual: dict[str, tuple[str, str]]  # kind → (intent, approach)
    drugs: dict[str, int]  # drug name → id
    contrast: int
    intervals: dict[str, list[Interval]]  # kind → its follow-up intervals
    today: datetime.date
    now: int  # UTC minutes


@dataclass
class Emitter:
    writer: Writer
    rng: random.Random
    context: Context
    schedule: Schedule
    next_id: dict[Table, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 1))
    _due: dict[tuple[int, object], datetime.date] = field(default_factory=dict)
    _choices: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def _id(self, table: Table) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _choice(self, text: str) -> str:
        options = self._choices.get(text)
        if options is None:
            options = self._choices[text] = tuple(text.split())
        return self.rng.choice(options)

    def visits(self, patient: PatientFacts, visits: Sequence[Visit]) -> None:
        """Rows for visits just booked: the appointment, and for a completed procedure visit its record."""
        for visit in visits:
            procedure_id = None
            if visit.visit_type == VisitType.PROCEDURE and visit.done:
                procedure_id = self.procedure(patient, visit)
                if self.rng.random() < VOIDED:
                    self.procedure(patient, visit, voided=True)
            self.appointment(patient, visit, procedure_id)

    def finished(self, patient: PatientFacts, ahead: Visit | None) -> None:
        """A few patients with a visit ahead would take an earlier slot: the waitlist."""
        if ahead is not None and self.rng.random() < WAITLISTED:
            self.waitlist(patient, ahead)

    def appointment(self, patient: PatientFacts, visit: Visit, procedure_id: int | None) -> None:
        rng, context = self.rng, self.context
        is_procedure = visit.visit_type == VisitType.PROCEDURE
        levels = [place for place, _side in visit.sites if place in spine.LEVEL_ORDER]
        sides = {side for _place, side in visit.sites}
        arrived = visit.status in (Status.COMPLETED, Status.IN_ROOM, Status.CHECKED_IN)
        booked_at = min(context.now, visit.starts_at - DAY * rng.randint(1, 45) - rng.randint(0, 600))
        self.writer.add(
            APPOINTMENT,
            (
                self._id(APPOINTMENT),
                patient.id,
                context.physicians[visit.physician],
                visit.room,
                stamp(visit.starts_at),
                stamp(visit.ends_at),
                visit.visit_type,
                context.types[visit.kind] if is_procedure and visit.kind else None,
                ", ".join(sorted(levels, key=spine.LEVEL_ORDER.__getitem__)) if is_procedure else "",
                (sides.pop() if len(sides) == 1 else "bilateral") if is_procedure and sides else "",
                visit.reason,
                visit.status,
                visit.cancel_reason,
                rng.choice(context.front_desk),
                stamp(booked_at),
                stamp(visit.starts_at - rng.randint(5, 20)) if arrived else None,
                procedure_id,
            ),
        )

    def procedure(self, patient: PatientFacts, visit: Visit, voided: bool = False) -> int:
        rng, context, kind = self.rng, self.context, KINDS[visit.kind]
        physician = context.physicians[visit.physician]
        procedure_id = self._id(PROCEDURE)
        guidance = self._choice(kind.guidance)
        fluoro_time_s: str | None = None
        air_kerma_mgy: str | None = None
        dap_gycm2: str | None = None
        contrast, volume, no_contrast = None, None, ""
        if guidance == "fluoroscopy":
            seconds = rng.uniform(*kind.fluoro_s)
            kerma = seconds * rng.uniform(0.12, 0.35)
            fluoro_time_s, air_kerma_mgy = f"{seconds:.1f}", f"{kerma:.2f}"
            dap_gycm2 = f"{kerma * rng.uniform(0.06, 0.14):.2f}"
            if kind.contrast and patient.contrast_allergy:
                no_contrast = "Iodinated contrast allergy"
            elif kind.contrast:
                contrast, volume = context.contrast, f"{rng.uniform(1, 3):.1f}"
            else:
                no_contrast = kind.no_contrast_reason
        before = rng.randint(5, 9)
        if visit.kind in DIAGNOSTIC_BLOCKS:
            after = round(before * (1 - visit.peak / 100))
        else:
            after = max(0, before - rng.randint(*NRS_DROP.get(visit.kind, (2, 5))))
        complications, complication_note = "", ""
        if rng.random() < VASOVAGAL:
            complications = "vasovagal"
            complication_note = "Brief vasovagal episode; resolved supine with oral fluids. Discharged well."
        diagnoses = self._choice_of(kind.diagnoses).format(knee=KNEE_DX.get(visit.sites[0][1], "M17.0"))
        created_at = min(context.now, visit.ends_at + rng.randint(2, 60))
        voided_at, voided_by, void_reason = None, None, ""
        if voided:
            voided_at = stamp(min(context.now, created_at + rng.randint(5, 2880)))
            voided_by, void_reason = physician, rng.choice(VOIDS)[1]
        intent, approach = context.usual[visit.kind]
        self.writer.add(
            PROCEDURE,
            PROCEDURE.row(
                id=procedure_id,
                patient_id=patient.id,
                performed_at=stamp(visit.starts_at),
                performed_by_id=physician,
                recorded_by_id=physician,
                procedure_type_id=context.types[visit.kind],
                intent=intent,
                approach=approach,
                guidance=guidance,
                fluoro_time_s=fluoro_time_s,
                air_kerma_mgy=air_kerma_mgy,
                dap_gycm2=dap_gycm2,
                contrast_agent_id=contrast,
                contrast_volume_ml=volume,
                no_contrast_reason=no_contrast,
                sedation=self._choice(kind.sedation),
                nrs_pre=before,
                nrs_post=after,
                relief_post_pct=round(100 * (before - after) / before),
                complications=complications,
                complication_note=complication_note,
                diagnoses=diagnoses,
                note=kind.note,
                overridden_rules=visit.overridden if not voided else "",
                override_reason=OVERRIDE_REASON if visit.overridden and not voided else "",
                voided_at=voided_at,
                voided_by_id=voided_by,
                void_reason=void_reason,
                created_at=stamp(created_at),
            ),
        )
        for position, (place, side) in enumerate(visit.sites):
            is_level = place in spine.LEVEL_ORDER
            self.writer.add(
                SITE,
                (self._id(SITE), procedure_id, position, place if is_level else "", "" if is_level else place, side),
            )
        doses = [visit.steroid] if visit.steroid != "-" else []
        doses.append(self._choice(kind.anaesthetics))
        for dose in doses:
            drug, mg, ml = ALL_DOSES[dose]
            self.writer.add(MEDICATION, (self._id(MEDICATION), procedure_id, context.drugs[drug], mg, ml))
        self.follow_ups(procedure_id, visit, before, voided)
        return procedure_id

    def _choice_of(self, options: Sequence[str]) -> str:
        return options[self.rng.randrange(len(options))]

    def due_on(self, interval: Interval, visit: Visit) -> datetime.date:
        # Days count on the clinic's calendar and hours from the moment: memoised on what the date depends on.
        key = (interval.interval.pk, visit.starts_at if interval.hours else visit.day)
        due = self._due.get(key)
        if due is None:
            due = self._due[key] = interval.interval.due_on(moments.aware(visit.starts_at))
        return due

    def follow_ups(self, procedure_id: int, visit: Visit, baseline: int, voided: bool) -> None:
        """The procedure's calls: ahead and recent ones mostly open, older ones recorded or not reached."""
        rng, context = self.rng, self.context
        regions = {spine.region_of(place) for place, _side in visit.sites if place in spine.LEVEL_ORDER}
        for interval in context.intervals[visit.kind]:
            due = self.due_on(interval, visit)
            age = (context.today - due).days
            still_open = 0.35 if age <= 7 else 0.1 if age <= 30 else 0.003
            roll = rng.random()
            head = (self._id(FOLLOW_UP), procedure_id, interval.label, interval.days, due)
            if voided:  # as `followup_cancel_for_void` leaves them
                self.writer.add(FOLLOW_UP, (*head, FollowUpStatus.CANCELLED, *NOTHING_RECORDED, ""))
                continue
            if age <= 0 or roll < still_open:
                self.writer.add(FOLLOW_UP, (*head, FollowUpStatus.DUE, *NOTHING_RECORDED, ""))
                continue
            called = (self.called_at(interval, visit, due), rng.choice(context.nurses))
            if roll < still_open + NOT_REACHED:
                self.writer.add(FOLLOW_UP, (*head, FollowUpStatus.NOT_REACHED, *called, *NO_ANSWERS, NOT_REACHED_NOTE))
                continue
            fade = 1.0 if interval.days <= 42 else (0.9 if visit.peak >= 55 else 0.6)
            relief = max(0, min(100, round(visit.peak * fade + rng.randint(-8, 8))))
            nrs = max(0, min(10, round(baseline * (1 - relief / 100) + rng.choice((-1, 0, 0, 1)))))
            lasted = rng.randint(20, 70) if interval.days >= 91 and relief < 50 else None
            pgic = 1 if relief >= 70 else 2 if relief >= 50 else 3 if relief >= 30 else rng.choice((4, 4, 5))
            # The disability questionnaire of the region treated, at the six-week call.
            odi = self.answers(relief) if interval.days == 42 and "lumbosacral" in regions else None
            ndi = self.answers(relief) if interval.days == 42 and "cervicothoracic" in regions else None
            answers = (odi, disability_score(odi) if odi else None, ndi, disability_score(ndi) if ndi else None)
            method = self._choice("phone phone phone visit portal")
            self.writer.add(
                FOLLOW_UP, (*head, FollowUpStatus.DONE, *called, method, nrs, relief, lasted, *answers, pgic, "")
            )

    def called_at(self, interval: Interval, visit: Visit, due: datetime.date) -> str:
        """When the patient was asked: a diagnostic block's window that evening, else on the due day."""
        if interval.hours and not interval.days:
            moment = visit.starts_at + 60 * interval.hours + self.rng.randint(0, 90)
        else:
            moment = self.schedule.moment(due, 15 * self.rng.randint(36, 64))
        return stamp(min(moment, self.context.now))

    def answers(self, relief: int) -> list[int | None]:
        """Ten ODI/NDI sections (0–5): worse disability with less relief; section 8 sometimes skipped."""
        level = 3.2 - 2.6 * relief / 100
        answers: list[int | None] = [max(0, min(5, round(level + self.rng.uniform(-1, 1)))) for _ in range(10)]
        if self.rng.random() < 0.2:
            answers[7] = None
        return answers

    def waitlist(self, patient: PatientFacts, visit: Visit) -> None:
        context = self.context
        self.writer.add(
            WAITLIST,
            (
                self._id(WAITLIST),
                patient.id,
                context.physicians[visit.physician] if self.rng.random() < 0.5 else None,
                visit.visit_type,
                context.today,
                f"{self.rng.choice(WAITLIST_NOTES)}. Booked for {visit.day:%a %d %b}.",
                self.rng.choice(context.front_desk),
                stamp(min(context.now, visit.starts_at - DAY * self.rng.randint(1, 30))),
            ),
        )
