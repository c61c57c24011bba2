"""Seed a clinic at scale: ten years of a thirty-physician practice, written in bulk.

Three phases, all in one transaction: the staff, rooms, hours and time off through the ORM; the patients;
then each patient's history, planned and booked into the schedule visit by visit (demo.history) and written
as rows (demo.rows). On PostgreSQL the rows go in with COPY, with the big tables' secondary indexes and
constraints set aside and rebuilt at the end, which checks every row against them (exclusion constraints
stay and check each row as it goes in: demo.bulk).
"""

import datetime
import gc
import heapq
import random
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from demo import moments, people
from demo.bulk import Writer, paused_triggers, relaxed_constraints, reset_sequences, writer_for_connection
from demo.care import ALL_DOSES, CONTRAST_AGENT, KINDS, PUMP_SHARE
from demo.clinic import Schedule, physician_weeks, seed_hours, seed_payers, seed_rooms, seed_staff, seed_time_off
from demo.dice import Dice
from demo.history import Catalog, PatientFacts, PatientPlan, Planner, load_guard_rules
from demo.progress import Progress, Stream
from demo.rows import PATIENT, TABLES, Context, Emitter, Interval
from outcomes import monthly
from outcomes.models import FollowUp, FollowUpInterval, ProcedureResponse
from outcomes.services import procedure_response_rebuild_all
from patients.models import Channel, Patient
from patients.services import GENERATED_MRN_DIGITS
from patients.upkeep import order_registry_by_name
from procedures import standing
from procedures.models import Drug, Procedure, ProcedureMedication, ProcedureSite, ProcedureType
from scheduling.models import Appointment, WaitlistEntry

YEARS = 10
AHEAD_DAYS = 90  # how far ahead the schedule is booked
ESTABLISHED_DAYS = 3 * 365  # patients first seen up to three years before the ten start
ARCHIVED = 0.02
# Below this many patients the tables keep their indexes: rebuilding them would cost more than it saves.
RELAX_FROM = 5000
FIRST_MRN = 10 ** (GENERATED_MRN_DIGITS - 1) + 1  # where patients.services.next_mrn starts
COUNTED = {
    "patients": Patient,
    "procedures": Procedure,
    "procedure sites": ProcedureSite,
    "procedure medications": ProcedureMedication,
    "follow-ups": FollowUp,
    "appointments": Appointment,
    "waitlist entries": WaitlistEntry,
}


class NotEmpty(Exception):
    pass


class CatalogIncomplete(Exception):
    pass


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    phases: list[tuple[str, float]] = field(default_factory=list)
    seconds: float = 0.0


def existing_data() -> dict[str, int]:
    """What a previous seeding (or real use) left: the seeder only fills an empty clinic."""
    found = {}
    for name in ("patients", "procedures", "appointments", "follow-ups"):
        rows = COUNTED[name]._default_manager
        if rows.exists():
            found[name] = rows.count()
    return found


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def seed_scale(*, patients: int, seed: int, stream: Stream, progress: bool = True) -> Summary:
    started = time.monotonic()
    summary = Summary()
    today, now = timezone.localdate(), moments.minutes(timezone.now())
    window_start = years_before(today, YEARS)
    horizon = today + datetime.timedelta(days=AHEAD_DAYS)

    def phase(name: str, since: float) -> float:
        summary.phases.append((name, time.monotonic() - since))
        return time.monotonic()

    with transaction.atomic():
        found = existing_data()
        if found:
            raise NotEmpty(", ".join(f"{count:,} {name}" for name, count in found.items()))
        mark = time.monotonic()
        staff = seed_staff()
        payers = seed_payers()
        suites, exam_rooms = seed_rooms()
        weeks = physician_weeks(len(staff.physicians))
        seed_hours(staff.physicians, weeks)
        off = seed_time_off(Dice(seed + 3), staff.physicians, window_start, horizon)
        schedule = Schedule(Dice(seed + 2), weeks, [r.pk for r in suites], [r.pk for r in exam_rooms], off)
        context, catalog = _catalog(staff.physicians, staff.nurses, staff.front_desk, today, now)
        mark = phase("staff, rooms, hours", mark)

        rules = load_guard_rules()

        def rebuilding(what: str) -> None:
            stream.write(f"rebuilding {what}\n")

        relax = (
            relaxed_constraints([t.db_table for t in TABLES], rebuilding)
            if connection.vendor == "postgresql" and patients >= RELAX_FROM
            else nullcontext()
        )
        writer = writer_for_connection()
        loaded = [t.db_table for t in TABLES] + [ProcedureResponse._meta.db_table]
        try:
            with paused_triggers(loaded), relax:
                facts = _write_patients(
                    writer,
                    Dice(seed),
                    patients,
                    schedule,
                    {key: payer.pk for key, payer in payers.items()},
                    len(staff.physicians),
                    window_start,
                    today,
                    now,
                )
                writer.flush()
                mark = phase("patients", mark)
                planner = Planner(Dice(seed + 4), schedule, catalog, rules, today, now, horizon, window_start)
                emitter = Emitter(writer, Dice(seed + 5), context, schedule)
                bar = Progress("history", (horizon - window_start).days, stream, enabled=progress, unit="days")
                # Millions of short-lived objects and no reference cycles: the cyclic collector only slows this.
                gc.disable()
                try:
                    _run_histories([planner.start(patient) for patient in facts], emitter, bar, window_start)
                finally:
                    gc.enable()
                writer.flush()
                bar.finish()
                mark = phase("history", mark)
        finally:
            writer.close()
        reset_sequences([t.model for t in TABLES])
        mark = phase("indexes and constraints", mark)
        # What the services keep beside the records, rebuilt once for the bulk-loaded rows.
        with paused_triggers([ProcedureResponse._meta.db_table]):
            procedure_response_rebuild_all()
        mark = phase("kept follow-up responses", mark)
        standing.refresh_all(today)
        mark = phase("standing limits", mark)
    # A freshly loaded table has no visibility map yet; vacuum, as autovacuum would, so index-only scans work.
    # (Not possible inside a caller's transaction, as in tests.)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # As the nightly `order_registry` keeps it: the registry in name order, then vacuumed.
        order_registry_by_name()
        with connection.cursor() as cursor:
            for table in TABLES:
                if table.model is not Patient:
                    cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table.db_table)}")
        mark = phase("vacuum", mark)
    # The dashboard's monthly sums, so its first page is as quick as the next (each month is one grouped query).
    monthly.refresh_all()
    mark = phase("monthly outcome sums", mark)
    summary.counts = {name: model._default_manager.count() for name, model in COUNTED.items()}
    summary.seconds = time.monotonic() - started
    return summary


def _run_histories(plans: list[PatientPlan], emitter: Emitter, bar: Progress, first: datetime.date) -> None:
    """Advance every patient's plan in date order, writing the rows of each visit as it is booked.

    Rows then reach the tables in the order a clinic writes them, by date, and ids grow with time as they
    do in production, which is what date-range queries and their plans see. The bar follows the calendar.
    """
    waiting: list[tuple[int, int, PatientPlan]] = []
    start = first.toordinal()

    def advance(plan: PatientPlan) -> None:
        try:
            day = next(plan.flow)
        except StopIteration:
            day = None
        if plan.visits:
            emitter.visits(plan.patient, plan.visits)
            plan.visits.clear()
        if day is None:
            emitter.finished(plan.patient, plan.ahead)
        else:
            heapq.heappush(waiting, (day.toordinal(), plan.patient.id, plan))

    for plan in plans:
        advance(plan)
    while waiting:
        day, _patient, plan = heapq.heappop(waiting)
        if day - start > bar.done:
            bar.to(day - start)
        advance(plan)


def _catalog(
    physicians: list[User], nurses: list[User], front_desk: list[User], today: datetime.date, now: int
) -> tuple[Context, Catalog]:
    """Ids and catalog entries the rows refer to; refuses a catalog that lacks a type or drug the clinic uses."""
    types = {t.code: t for t in ProcedureType.objects.all()}
    drugs = {d.name: d for d in Drug.objects.all()}
    missing = sorted({k.type_code for k in KINDS.values()} - set(types))
    missing += sorted({name for name, _mg, _ml in ALL_DOSES.values()} - set(drugs))
    if missing:
        raise CatalogIncomplete(f"The catalog lacks what the seeder logs: {', '.join(missing)}.")
    usual = {kind: types[spec.type_code].usual(intent="", approach="") for kind, spec in KINDS.items()}
    family = {kind: types[spec.type_code].family for kind, spec in KINDS.items()}
    intervals = list(FollowUpInterval.objects.filter(active=True))
    context = Context(
        physicians=[u.pk for u in physicians],
        nurses=[u.pk for u in nurses],
        front_desk=[u.pk for u in front_desk],
        types={kind: types[spec.type_code].pk for kind, spec in KINDS.items()},
        usual=usual,
        drugs={name: drug.pk for name, drug in drugs.items()},
        contrast=drugs[CONTRAST_AGENT].pk,
        intervals={
            kind: [
                Interval(i.label, i.offset_days, i.offset_hours, i)
                for i in intervals
                if i.family == family[kind] and i.intent in ("", usual[kind][0])
            ]
            for kind in KINDS
        },
        today=today,
        now=now,
    )
    # Steroid per dose as the catalog's MPE factors make it (0 for drugs that are not corticosteroids).
    mpe = {key: float(drugs[name].mpe(Decimal(mg))) for key, (name, mg, _ml) in ALL_DOSES.items()}
    return context, Catalog(family=family, intent={kind: usual[kind][0] for kind in KINDS}, mpe=mpe)


def _write_patients(
    writer: Writer,
    rng: random.Random,
    count: int,
    schedule: Schedule,
    payers: dict[str, int],
    physicians: int,
    window_start: datetime.date,
    today: datetime.date,
    now: int,
) -> list[PatientFacts]:
    """The registry: one row per patient, MRNs numbered as the service numbers them, search keys filled."""
    plans = []
    earliest = window_start - datetime.timedelta(days=ESTABLISHED_DAYS)
    span = (today - earliest).days + AHEAD_DAYS // 4
    for number in range(1, count + 1):
        person = people.person(rng, today, number)
        mrn = str(FIRST_MRN + number - 1)
        first_seen = earliest + datetime.timedelta(days=rng.randint(0, span))
        registered = first_seen - datetime.timedelta(days=rng.randint(0, 21))
        created_at = min(now, schedule.moment(registered, rng.randint(8 * 60, 17 * 60)))
        pump = rng.random() < PUMP_SHARE
        leaves_on = None
        if not pump and rng.random() < ARCHIVED:
            leaves_on = first_seen + datetime.timedelta(days=rng.randint(30, 3 * 365))
            leaves_on = leaves_on if leaves_on <= today else None
        # The model's own rule, so search keys are exactly what a registration would store.
        keyed = Patient(first_name=person.first_name, last_name=person.last_name, mrn=mrn, phone=person.phone)
        keyed.refresh_search_key()
        writer.add(
            PATIENT,
            PATIENT.row(
                id=number,
                mrn=mrn,
                first_name=person.first_name,
                last_name=person.last_name,
                date_of_birth=person.born,
                sex=person.sex,
                phone=person.phone,
                email=person.email,
                address=person.address,
                payer_id=payers[person.payer] if person.payer else None,
                member_id=person.member_id,
                weight_kg=person.weight_kg,
                primary_care_physician=person.pcp,
                anticoagulant=bool(person.anticoagulant),
                anticoagulant_detail=person.anticoagulant,
                diabetes=person.diabetes,
                contrast_allergy=person.contrast_allergy,
                other_allergies=person.other_allergies,
                bone_density_risk=person.bone_density_risk,
                # About half answer follow-ups by link (as the small demo): by number, drawing nothing.
                questionnaire_channel=_channel(number, person.phone, person.email),
                questionnaire_consent=_channel(number, person.phone, person.email) != Channel.CALL,
                created_at=moments.text(created_at),
                archived_at=moments.text(min(now, schedule.moment(leaves_on, 10 * 60))) if leaves_on else None,
                archive_reason=rng.choice(people.ARCHIVE_REASONS) if leaves_on else "",
                search_key=keyed.search_key,
            ),
        )
        plans.append(
            PatientFacts(
                id=number,
                first_seen=first_seen,
                leaves_on=leaves_on,
                payer=person.payer,
                bone_density_risk=person.bone_density_risk,
                physician=rng.randrange(physicians),
                pump=pump,
                contrast_allergy=person.contrast_allergy,
            )
        )
    return plans


def _channel(number: int, phone: str, email: str) -> str:
    if number % 3 == 0 and phone:
        return Channel.SMS
    if number % 3 == 1 and email:
        return Channel.EMAIL
    return Channel.CALL
