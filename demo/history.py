"""One patient's years of care, planned visit by visit and booked into the clinic's schedule as it goes.

A patient comes for a consult, then episodes of care: a series of injections, blocks leading to an ablation,
a trial leading to an implant. Each episode's next step happens only if the last one helped enough (the
outcome rules' thresholds), and only within the limits the patient's rule sets set: the shipped limit rules
are read from the database and checked as the engine would, over slightly wider windows (31 days a month)
so an ordinary patient never passes one by rounding. A few go past a limit anyway, with the physician's
reason recorded, as in any clinic; they are what the flags page is for.

Past visits are completed (a few cancelled or missed first and rebooked), today's are under way by the
clock, and the next weeks are booked. A procedure record exists for every completed procedure visit.
"""

import datetime
import random
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field

from demo.care import BLOCK_POSITIVE, EPISODES, KINDS, PUMP, SI_BLOCK_POSITIVE, Kind, Step
from demo.clinic import CLINIC, PROCEDURES, Schedule
from demo.moments import DAY
from outcomes.demo import family_relief
from procedures import spine
from procedures.models import LimitRule, RuleSet
from scheduling.demo import CANCEL_REASONS, CONSULT_REASONS, FOLLOW_UP_REASONS
from scheduling.models import Status, VisitType

CONSULT_MINUTES = 30
FOLLOW_UP_MINUTES = 15
# Within an episode's opening visit and its first procedure; between episodes; how often care goes on.
FIRST_PROCEDURE_AFTER = (7, 28)
NEXT_EPISODE_AFTER = (45, 365)
ANOTHER_EPISODE = 0.9
SAME_PROBLEM_AGAIN = 0.45
RETURN_VISIT = 0.35
REVIEW_VISIT = 0.2
CANCELLED, NO_SHOW, CANCELLED_AHEAD = 0.035, 0.03, 0.015
OVERRIDE = 0.2  # of procedures a limit stops: done anyway, with the physician's reason
MAX_PUSH_DAYS = 15
EPISODE_NAMES = list(EPISODES)
EPISODE_WEIGHTS = [EPISODES[name][0] for name in EPISODE_NAMES]
OVERRIDE_REASON = "Severe pain despite conservative care; risks of further injection discussed with the patient"


@dataclass(frozen=True, slots=True)
class PatientFacts:
    """The facts about a patient that shape their care."""

    id: int
    first_seen: datetime.date
    leaves_on: datetime.date | None  # archived: no visits from that day
    payer: str
    bone_density_risk: bool
    physician: int  # index of their usual physician
    pump: bool
    contrast_allergy: bool


@dataclass(slots=True)
class Visit:
    day: datetime.date
    starts_at: int  # UTC minutes (demo.moments)
    minutes: int
    physician: int
    room: int
    visit_type: str
    status: str
    reason: str
    kind: str = ""
    sites: tuple[tuple[str, str], ...] = ()
    steroid: str = "-"
    peak: int = 0
    overridden: str = ""
    cancel_reason: str = ""

    @property
    def done(self) -> bool:
        return self.status == Status.COMPLETED

    @property
    def holds_slot(self) -> bool:
        return self.status not in (Status.CANCELLED, Status.NO_SHOW)

    @property
    def ends_at(self) -> int:
        return self.starts_at + self.minutes


@dataclass(frozen=True, slots=True)
class Wanted:
    """A visit to book: where (procedures or clinic), how long, what for."""

    mode: str
    minutes: int
    visit_type: str
    reason: str
    kind: str = ""
    sites: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class GuardRule:
    code: str
    steroid: bool  # an mg MPE total, else a session count
    limit: float
    window_days: int
    families: frozenset[str]
    intent: str
    per_region: bool
    payers: frozenset[str] | None  # None: every patient
    bone_density_only: bool


@dataclass(frozen=True, slots=True)
class Session:
    day: int  # ordinal
    family: str
    intent: str
    regions: frozenset[str]
    mpe: float


def load_guard_rules() -> list[GuardRule]:
    """The hard, windowed rules (session counts and steroid totals) of every active rule set."""
    rules = []
    for rule_set in RuleSet.objects.filter(active=True).prefetch_related("payers", "rules"):
        payers = None if rule_set.always else frozenset(p.key for p in rule_set.payers.all())
        for rule in rule_set.rules.all():
            if rule.severity != LimitRule.Severity.HARD or rule.window_months == 0:
                continue
            if rule.kind not in (LimitRule.Kind.SESSIONS, LimitRule.Kind.MPE_TOTAL):
                continue
            rules.append(
                GuardRule(
                    code=rule.code,
                    steroid=rule.kind == LimitRule.Kind.MPE_TOTAL,
                    limit=float(rule.limit),
                    # Wider than any calendar window of that many months, so rounding never lets one pass.
                    window_days=31 * rule.window_months,
                    families=frozenset(f.strip() for f in rule.families.split(",") if f.strip()),
                    intent=rule.intent,
                    per_region=rule.per_region,
                    payers=payers,
                    bone_density_only=rule.requires_bone_density_risk,
                )
            )
    return rules


def _blocking(rules: Sequence[GuardRule], history: Sequence[Session], new: Session) -> list[str]:
    """Codes of the rules the new session would pass, counting it."""
    passed = []
    for rule in rules:
        since = new.day - rule.window_days
        if rule.steroid:
            total = new.mpe + sum(s.mpe for s in history if s.day >= since)
            if total > rule.limit:
                passed.append(rule.code)
            continue
        if (rule.families and new.family not in rule.families) or (rule.intent and rule.intent != new.intent):
            continue
        counted = [
            s
            for s in history
            if s.day >= since
            and (not rule.families or s.family in rule.families)
            and (not rule.intent or s.intent == rule.intent)
        ]
        if rule.per_region:
            if any(sum(region in s.regions for s in counted) + 1 > rule.limit for region in new.regions):
                passed.append(rule.code)
        elif len(counted) + 1 > rule.limit:
            passed.append(rule.code)
    return passed


@dataclass(frozen=True)
class Catalog:
    """What the planner reads from the configured catalog: each kind's family, intent and steroid per dose."""

    family: dict[str, str]  # kind → family
    intent: dict[str, str]  # kind → resolved intent
    mpe: dict[str, float]  # dose key → mg MPE


@dataclass
class Planner:
    rng: random.Random
    schedule: Schedule
    catalog: Catalog
    rules: list[GuardRule]
    today: datetime.date
    now: int  # UTC minutes
    horizon: datetime.date
    window_start: datetime.date
    _rules_for: dict[tuple[str, bool], list[GuardRule]] = field(default_factory=dict)

    def start(self, patient: PatientFacts) -> "PatientPlan":
        return PatientPlan(self, patient)

    def rules_for(self, patient: PatientFacts) -> list[GuardRule]:
        key = (patient.payer, patient.bone_density_risk)
        if key not in self._rules_for:
            self._rules_for[key] = [
                rule
                for rule in self.rules
                if (rule.payers is None or patient.payer in rule.payers)
                and (patient.bone_density_risk or not rule.bone_density_only)
            ]
        return self._rules_for[key]

    def peak_relief(self, kind: str) -> int:
        """The relief (%) a procedure gives at its best: diagnostic blocks are positive or not."""
        rng = self.rng
        if kind in ("mbb", "cmbb"):
            return rng.randint(BLOCK_POSITIVE, 100) if rng.random() < 0.7 else rng.randint(10, BLOCK_POSITIVE - 5)
        if kind == "siblock":
            return rng.randint(SI_BLOCK_POSITIVE, 100) if rng.random() < 0.6 else rng.randint(10, 70)
        return family_relief(rng, self.catalog.family[kind])


# A patient's plan runs as a generator: it yields the day it wants its next visit and is resumed when the
# clinic's calendar reaches that day, so every patient books in date order, as a real front desk does.
Flow = Generator[datetime.date, None, None]
Booking = Generator[datetime.date, None, "Visit | None"]


class PatientPlan:
    """One patient's care; `flow` drives it, and `visits` collects the visits booked since last read."""

    def __init__(self, planner: Planner, patient: PatientFacts) -> None:
        self.p = planner
        self.rng = planner.rng
        self.patient = patient
        self.visits: list[Visit] = []
        self.ahead: Visit | None = None  # the first visit still to come
        self.seen = False
        self.holding_days: set[datetime.date] = set()
        self.sessions: list[Session] = []
        self.rules = planner.rules_for(patient)
        self.last_day = patient.first_seen
        self.end = planner.horizon
        if patient.leaves_on is not None:
            self.end = min(self.end, patient.leaves_on - datetime.timedelta(days=1))
        self.flow: Flow = self.run()

    def run(self) -> Flow:
        patient, rng = self.patient, self.rng
        # Patients registered before the ten years start are established: their first visit in the data is a
        # return, some time in the first year and a half.
        established = patient.first_seen < self.p.window_start
        day = self.p.window_start + datetime.timedelta(days=rng.randint(0, 540)) if established else patient.first_seen
        previous = ""
        while day <= self.end:
            opening = None
            if not self.seen and not established:
                consult = Wanted(CLINIC, CONSULT_MINUTES, VisitType.NEW_CONSULT, rng.choice(CONSULT_REASONS))
                opening = yield from self.book(day, consult)
            elif rng.random() < RETURN_VISIT:
                opening = yield from self.book(day, self.return_visit())
            if opening is not None and not opening.done:
                return  # the visit is ahead: nothing is planned past it yet
            start = (opening.day if opening else day) + datetime.timedelta(days=rng.randint(*FIRST_PROCEDURE_AFTER))
            previous = self.episode(previous)
            last = yield from self.episode_steps(PUMP if previous == "pump" else EPISODES[previous][1], start)
            if last is None or not last.done:
                return
            if rng.random() < REVIEW_VISIT:
                review = last.day + datetime.timedelta(days=rng.randint(14, 42))
                visit = yield from self.book(review, self.return_visit())
                if visit is not None and not visit.done:
                    return
            if rng.random() >= ANOTHER_EPISODE:
                return
            day = self.last_day + datetime.timedelta(days=rng.randint(*NEXT_EPISODE_AFTER))

    def episode(self, previous: str) -> str:
        if self.patient.pump and not previous:
            return "pump"
        if previous and previous != "pump" and self.rng.random() < SAME_PROBLEM_AGAIN:
            return previous
        return self.rng.choices(EPISODE_NAMES, weights=EPISODE_WEIGHTS)[0]

    def episode_steps(self, steps: tuple[Step, ...], day: datetime.date) -> Booking:
        """Book the episode's procedures in turn; returns the last one booked (None if none was)."""
        last: Visit | None = None
        for step in steps:
            while True:
                if last is not None:
                    if not last.done:
                        return last  # nothing is planned past a visit still ahead
                    if last.peak < step.needs_relief:
                        return last
                    day = last.day + datetime.timedelta(days=self.rng.randint(*step.after_days))
                if self.rng.random() >= step.chance:
                    return last
                kind = last.kind if step.kind == "same" and last is not None else step.kind
                visit = yield from self.procedure(day, kind, self.sites(kind, last))
                if visit is None:
                    return last
                last = visit
                if not step.repeats:
                    break
        return last

    def sites(self, kind: str, last: Visit | None) -> tuple[tuple[str, str], ...]:
        """Repeats treat the same target; an ablation lesions the levels its blocks tested."""
        spec = KINDS[kind]
        if last is not None and last.kind == kind:
            return last.sites
        if last is not None and spec.type_code == "rfa-facet" and KINDS[last.kind].type_code == "mbb":
            return tuple((place, self.rng.choice(spec.sides.split())) for place, _side in last.sites)
        side = self.rng.choice(spec.sides.split())
        return tuple((place, side) for place in self.rng.choice(spec.places.split()).split("+"))

    def procedure(self, day: datetime.date, kind: str, sites: tuple[tuple[str, str], ...]) -> Booking:
        spec: Kind = KINDS[kind]
        steroid = self.rng.choice(spec.steroids.split())
        catalog = self.p.catalog
        regions = frozenset(spine.region_of(place) for place, _side in sites if place in spine.LEVEL_ORDER)
        family, intent = catalog.family[kind], catalog.intent[kind]
        session = Session(day.toordinal(), family, intent, regions, catalog.mpe.get(steroid, 0.0))
        passed = _blocking(self.rules, self.sessions, session)
        if passed and steroid != "-":
            # Less steroid, or none, is the usual way around a steroid cap.
            steroid = "dex4" if steroid != "dex4" else "-"
            session = Session(session.day, family, intent, regions, catalog.mpe.get(steroid, 0.0))
            passed = _blocking(self.rules, self.sessions, session)
        if passed and self.rng.random() >= OVERRIDE:
            return None
        visit = yield from self.book(
            day, Wanted(PROCEDURES, spec.minutes, VisitType.PROCEDURE, spec.reason, kind, sites)
        )
        if visit is None:
            return None
        if passed and not visit.done:
            # Booking past a limit needs the front desk to give a reason; the seeded schedule does not.
            self.visits.remove(visit)
            self.holding_days.discard(visit.day)
            if self.ahead is visit:
                self.ahead = None
            return None
        visit.steroid = steroid
        visit.overridden = ",".join(sorted(passed))
        visit.peak = self.p.peak_relief(kind) if visit.done else 0
        # A booking pushed past a full day counts at the day it happened; later can only count fewer.
        self.sessions.append(Session(visit.day.toordinal(), family, intent, regions, session.mpe))
        return visit

    def return_visit(self) -> Wanted:
        return Wanted(CLINIC, FOLLOW_UP_MINUTES, VisitType.FOLLOW_UP, self.rng.choice(FOLLOW_UP_REASONS))

    def book(self, day: datetime.date, wanted: Wanted) -> Booking:
        """Wait for the day, then book its first free time: after a cancellation or a no-show, a few days later."""
        schedule, rng, physician = self.p.schedule, self.rng, self.patient.physician
        day = schedule.next_open(day)
        if day > self.end:
            return None
        yield day
        past = day < self.p.today
        roll = rng.random()
        if past and roll < CANCELLED + NO_SHOW:
            missed = Status.CANCELLED if roll < CANCELLED else Status.NO_SHOW
            # A cancelled slot went to someone else; a missed one stayed empty.
            slot = schedule.spot(day, wanted.mode, physician) if missed == Status.CANCELLED else None
            slot = slot or schedule.book(day, wanted.mode, wanted.minutes, physician)
            if slot is not None:
                self.add(day, slot, wanted, missed)
            day = schedule.next_open(day + datetime.timedelta(days=rng.randint(2, 14)))
        elif not past and roll < CANCELLED_AHEAD:
            slot = schedule.spot(day, wanted.mode, physician)
            if slot is not None:
                self.add(day, slot, wanted, Status.CANCELLED)
        for _attempt in range(MAX_PUSH_DAYS):
            if day > self.end:
                return None
            if day not in self.holding_days:
                slot = schedule.book(day, wanted.mode, wanted.minutes, physician)
                if slot is not None:
                    self.holding_days.add(day)
                    return self.add(day, slot, wanted, "")
            day = schedule.next_open(day + datetime.timedelta(days=1))
        return None

    def add(self, day: datetime.date, slot: tuple[int, int, int], wanted: Wanted, status: str) -> Visit:
        physician, room, minute = slot
        starts_at = self.p.schedule.moment(day, minute)
        visit = Visit(
            day,
            starts_at,
            wanted.minutes,
            physician,
            room,
            wanted.visit_type,
            status or self.status(starts_at, wanted.minutes),
            wanted.reason,
            wanted.kind,
            wanted.sites,
        )
        if status == Status.CANCELLED:
            visit.cancel_reason = self.rng.choice(CANCEL_REASONS)
        self.visits.append(visit)
        if visit.holds_slot:
            self.seen = True
            if self.ahead is None and starts_at > self.p.now:
                self.ahead = visit
        if visit.done:
            self.last_day = max(self.last_day, day)
        return visit

    def status(self, starts_at: int, minutes: int) -> str:
        now = self.p.now
        if starts_at + minutes <= now:
            return Status.COMPLETED
        if starts_at <= now:
            return Status.IN_ROOM
        if starts_at - now <= 30:
            return Status.CHECKED_IN
        soon = starts_at - now <= 3 * DAY
        return Status.CONFIRMED if self.rng.random() < (0.7 if soon else 0.3) else Status.SCHEDULED
