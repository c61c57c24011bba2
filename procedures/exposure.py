"""Steroid-exposure and frequency-limit engine.

Pure Python: the Django side builds `Injection`, `Rule` and `RuleSet` values from model rows and renders the
`RuleResult`s. Limits are data (shipped defaults an administrator can edit), never constants here.

Semantics
---------
- Voided injections never count, anywhere: a voided injection matches no rule.
- Booked injections (``booked=True``) are planned sessions not yet given: they count as sessions (counts and
  spacing) wherever they fall, carry no dose, and never join a per-session rule's session.
- Without a proposal, history dated after ``as_of`` is ignored. With a proposal, later history counts too: a
  back-dated entry (or a correction, or a booking) is judged at its own date **and at every later session whose
  window it falls into**; passing the limit at any of them is passing it.
- Evaluation date D = ``proposed.on`` when a proposal is given, else ``as_of``; with a proposal, ``as_of`` is
  not used. A history injection with the proposal's (non-None) id is the record being edited and is replaced
  by the proposal.
- Rolling calendar window: S is inside the window at D when ``month_shift(D, -window_months) <= S <= D``.
  ``window_months = 0`` means the date of service only.
- Session: for a per-region rule one (date, region) pair, otherwise one date. An injection with no region
  never counts toward a per-region rule; one touching both regions counts in each. Every rule sees a session
  whole: several records on one date (and region) are one session for counts, levels, regions and dose.
- Which results appear, in rule order then region order (cervicothoracic, lumbosacral):
  * SESSIONS / MPE_TOTAL, per region: one per region with a matching injection in the window or a matching
    proposal touching it. Not per region: always exactly one, with value 0 when nothing matches.
  * SPACING: one per group (region, or the whole history) that has at least two sessions; no result when
    there is no earlier session to compare with.
  * DOSE_PER_SESSION / LEVELS_PER_SESSION / REGIONS_PER_SESSION: only for a matching proposal (per region: one
    per proposal region).
- SESSIONS value: sessions in the window, the proposal merged in (the same date and region as an existing
  session adds nothing). MPE_TOTAL value: sum of MPE in the window, proposal included. Status: value < limit
  within, == at_limit, > over. ``counted`` is oldest first, the proposal last on its date; for MPE it holds
  only the injections carrying steroid (MPE > 0).
- Later sessions (with a proposal in the group): for each later session date L whose window reaches back to
  D, the value at L with the proposal counted. When one or more of those (or D itself) is over, the result is
  the over one with the highest value (the earliest on a tie), with ``judged_on`` = L for a later session
  (None for D): "makes the ESI session on L the 5th of 4". Otherwise the result is D's.
- ``next_allowed`` without a proposal (SESSIONS / MPE_TOTAL): the first date N >= D, from the history alone,
  on which one more fits: ``sessions(N) + 1 <= limit``; ``mpe(N) < limit``. Candidates are D and each counted
  injection's first day outside the window (``month_shift(S, +months) + 1 day``, later when month-end
  clamping still reaches back to S).
- ``next_allowed`` with the proposal in the result: D when the status is not over (the proposal fits now, even
  when it merges into an existing session); else the first date N >= D to which the proposal could move and
  pass neither at N nor at any later session. None when no date ever leaves room (a dose above the cap).
- SPACING: with a proposal in the group, value = days to the nearest other session before or after it;
  without, days between the latest two sessions. Over when value < limit, else within. ``next_allowed`` as
  for the windowed rules (the first date far enough from every session).
- DOSE_PER_SESSION: value = the session's MPE. LEVELS_PER_SESSION: value = distinct levels in the session;
  also over when ``unilateral_only`` and the session is bilateral. REGIONS_PER_SESSION: value = spinal regions
  the session touches. ``next_allowed`` None.
- ``involves_proposal``: None for a history-only evaluation, else whether the proposal adds to the result
  (a proposal without steroid adds nothing to an MPE total). ``blocking`` = over, hard, and not a result the
  proposal leaves untouched: another region's or family's history is shown but never blocks the proposal.
- ``evaluate`` evaluates every rule it is given; ``select_rules`` picks those for the payer, risk and date.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

__all__ = [
    "Dose",
    "Injection",
    "Region",
    "Rule",
    "RuleKind",
    "RuleResult",
    "RuleSet",
    "Severity",
    "Status",
    "evaluate",
    "month_shift",
    "select_rules",
]

_ZERO = Decimal(0)
_ONE_DAY = timedelta(days=1)


class Status(StrEnum):
    WITHIN = "within"
    AT_LIMIT = "at_limit"
    OVER = "over"


class RuleKind(StrEnum):
    SESSIONS = "sessions"
    MPE_TOTAL = "mpe_total"
    SPACING = "spacing"
    DOSE_PER_SESSION = "dose_per_session"
    LEVELS_PER_SESSION = "levels_per_session"
    REGIONS_PER_SESSION = "regions_per_session"


class Severity(StrEnum):
    HARD = "hard"
    ADVISORY = "advisory"


class Region(StrEnum):
    CERVICOTHORACIC = "cervicothoracic"
    LUMBOSACRAL = "lumbosacral"


_WINDOWED = frozenset({RuleKind.SESSIONS, RuleKind.MPE_TOTAL})
_PER_SESSION = frozenset({RuleKind.DOSE_PER_SESSION, RuleKind.LEVELS_PER_SESSION, RuleKind.REGIONS_PER_SESSION})
_FAMILY_LABELS = {
    "esi": "ESI",
    "snrb": "SNRB",
    "mbb": "MBB",
    "rfa": "RFA",
    "si_joint": "SI joint",
    "tpi": "trigger point",
    "scs": "SCS",
}


def month_shift(d: date, months: int) -> date:
    """Calendar month arithmetic; the day is clamped to the end of the target month."""
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    day = min(d.day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


def _window_start(on: date, months: int) -> date:
    return month_shift(on, -months)


def _first_day_outside(s: date, months: int) -> date:
    # month_shift(S, +m) + 1 day is not always enough: clamping can map that day back onto S itself
    # (S = 2023-04-30, m = 1: on 2023-05-31 the window still starts 2023-04-30), so step until S is out.
    n = month_shift(s, months) + _ONE_DAY
    while _window_start(n, months) <= s:
        n += _ONE_DAY
    return n


@dataclass(frozen=True)
class Dose:
    drug: str
    mg: Decimal
    mpe_factor: Decimal

    @property
    def mpe(self) -> Decimal:
        return self.mg * self.mpe_factor


@dataclass(frozen=True)
class Injection:
    id: int | None
    on: date
    family: str
    intent: str = "therapeutic"
    approach: str = ""
    regions: frozenset[Region] = frozenset()
    levels: frozenset[str] = frozenset()
    bilateral: bool = False
    doses: tuple[Dose, ...] = ()
    voided: bool = False
    booked: bool = False
    label: str = ""

    @property
    def mpe(self) -> Decimal:
        return sum((dose.mpe for dose in self.doses), _ZERO)


def _chronological(injection: Injection) -> tuple[date, bool, int]:
    # Shuffling the history must not reorder `counted`, so same-day ties break on id (the proposal last).
    return (injection.on, injection.id is None, injection.id or 0)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    kind: RuleKind
    limit: Decimal
    window_months: int = 0
    families: frozenset[str] = frozenset()
    approaches: frozenset[str] = frozenset()
    intent: str = ""
    per_region: bool = False
    unilateral_only: bool = False
    requires_bone_density_risk: bool = False
    severity: Severity = Severity.HARD
    effective_from: date | None = None
    effective_to: date | None = None
    source: str = ""

    def matches(self, injection: Injection) -> bool:
        return (
            not injection.voided
            and (not self.families or injection.family in self.families)
            and (not self.approaches or injection.approach in self.approaches)
            and (not self.intent or injection.intent == self.intent)
        )

    def in_effect(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )


@dataclass(frozen=True)
class RuleSet:
    name: str
    payers: frozenset[str]
    always: bool = False
    rules: tuple[Rule, ...] = ()


def select_rules(rule_sets: Iterable[RuleSet], *, payer: str | None, bone_density_risk: bool, on: date) -> list[Rule]:
    """The rules that apply to one patient on one date, in rule-set order; the first rule with a code wins."""
    selected: dict[str, Rule] = {}
    for rule_set in rule_sets:
        if not (rule_set.always or (payer is not None and payer in rule_set.payers)):
            continue
        for rule in rule_set.rules:
            if rule.code in selected or not rule.in_effect(on):
                continue
            if rule.requires_bone_density_risk and not bone_density_risk:
                continue
            selected[rule.code] = rule
    return list(selected.values())


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    region: Region | None
    value: Decimal
    limit: Decimal
    status: Status
    counted: tuple[Injection, ...]
    next_allowed: date | None
    involves_proposal: bool | None = None
    # The later session the proposal pushes over, when that (not the proposal's own date) is the problem.
    judged_on: date | None = None
    # Counted sessions that are only booked, not given (the proposal itself aside).
    booked_sessions: int = 0

    @property
    def changes_on(self) -> date | None:
        """For a windowed result: the first day on which time alone changes it, as a counted injection leaves
        the window or the rule stops applying; None for rules without a window."""
        if self.rule.kind not in _WINDOWED:
            return None
        days = [_first_day_outside(i.on, self.rule.window_months) for i in self.counted]
        if self.rule.effective_to is not None:
            days.append(self.rule.effective_to + _ONE_DAY)
        return min(days, default=None)

    @property
    def where(self) -> str:
        """The region in plain words, or what a whole-patient rule counts."""
        return _REGION_WORDS[self.region] if self.region is not None else "all injections"

    @property
    def blocking(self) -> bool:
        return (
            self.status is Status.OVER and self.rule.severity is Severity.HARD and self.involves_proposal is not False
        )

    def explain(self) -> str:
        rule = self.rule
        subject = f"{_subject(rule)} " if _subject(rule) else ""
        value, limit = _num(self.value), _num(self.limit)
        booked = self.booked_sessions
        notes = [_REGION_WORDS[self.region]] if self.region is not None else []
        if booked and rule.kind is RuleKind.SESSIONS:
            notes.append(f"{booked} booked")
        where = f" ({', '.join(notes)})" if notes else ""
        if self.judged_on is not None:
            head = self._later_head(subject, value, limit)
        elif rule.kind is RuleKind.SESSIONS:
            head = f"{value} of {limit} {subject}sessions{where} in {_months(rule.window_months)}"
        elif rule.kind is RuleKind.MPE_TOTAL:
            steroid = "mg methylprednisolone-equivalent steroid"
            head = f"{value} of {limit} {steroid}{where} in {_months(rule.window_months)}"
        elif rule.kind is RuleKind.SPACING:
            first, last = self.counted[0].on, self.counted[-1].on
            head = f"{value} days between {subject}sessions{where} on {first} and {last} (at least {limit} required)"
        elif rule.kind is RuleKind.DOSE_PER_SESSION:
            steroid = f"{value} mg methylprednisolone-equivalent"
            head = f"{steroid} in this {subject}session (limit {limit} mg)"
        elif rule.kind is RuleKind.REGIONS_PER_SESSION:
            touched = " and ".join(_REGION_WORDS[r] for r in Region if any(r in i.regions for i in self.counted))
            head = f"{value} spinal regions ({touched}) in this {subject}session (limit {limit})"
        else:
            levels = f"{value} level{'' if self.value == 1 else 's'}"
            sides = ", bilateral," if any(i.bilateral for i in self.counted) else ""
            unilateral = ", unilateral only" if rule.unilateral_only else ""
            head = f"{levels}{sides} in this {subject}session (limit {limit}{unilateral})"
        return f"{head}; {self._verdict()}"

    def _later_head(self, subject: str, value: str, limit: str) -> str:
        """ "makes the ESI session (lumbar/sacral) on 2026-11-01 the 5th of 4 in 12 months"."""
        assert self.judged_on is not None
        then = [i for i in self.counted if i.on == self.judged_on]
        kind = "booked " if then and all(i.booked for i in then) else ""
        where = f" ({_REGION_WORDS[self.region]})" if self.region is not None else ""
        months = _months(self.rule.window_months)
        if self.rule.kind is RuleKind.SESSIONS:
            nth = _ordinal(int(self.value))
            return f"makes the {kind}{subject}session{where} on {self.judged_on} the {nth} of {limit} in {months}"
        steroid = "mg methylprednisolone-equivalent steroid"
        return f"brings the steroid total{where} on {self.judged_on} to {value} of {limit} {steroid} in {months}"

    def _verdict(self) -> str:
        if self.status is Status.WITHIN:
            return "within the limit"
        if self.status is Status.AT_LIMIT:
            if self.involves_proposal or self.next_allowed is None:
                return "at the limit"
            return f"at the limit, room for another on {self.next_allowed}"
        if self.rule.kind in _PER_SESSION:
            return "over the limit"
        if self.next_allowed is None:
            return "over the limit, and no later date brings it within"
        return f"within limits again on {self.next_allowed}"


_REGION_WORDS = {Region.CERVICOTHORACIC: "cervical/thoracic", Region.LUMBOSACRAL: "lumbar/sacral"}


def _num(value: Decimal) -> str:
    """Counts as whole numbers, milligrams to one decimal: "3", "53.3", never "53.300"."""
    rounded = value.quantize(Decimal("0.1"))
    return f"{rounded:f}".removesuffix(".0")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _subject(rule: Rule) -> str:
    """What a rule counts, for sentences: "diagnostic SI joint", "ESI", "" for everything."""
    families = "/".join(_FAMILY_LABELS.get(f, f.replace("_", " ")) for f in sorted(rule.families))
    return " ".join(word for word in (rule.intent, families) if word)


def _months(count: int) -> str:
    return f"{count} month{'' if count == 1 else 's'}"


def _status(value: Decimal, limit: Decimal) -> Status:
    if value < limit:
        return Status.WITHIN
    return Status.AT_LIMIT if value == limit else Status.OVER


@dataclass(frozen=True)
class _Group:
    """The injections one result is about: a region for per-region rules, everything otherwise."""

    region: Region | None
    history: tuple[Injection, ...]
    proposal: Injection | None


def _groups(rule: Rule, past: Sequence[Injection], proposed: Injection | None) -> list[_Group]:
    members = tuple(i for i in past if rule.matches(i))
    proposal = proposed if proposed is not None and rule.matches(proposed) else None
    if not rule.per_region:
        return [_Group(None, members, proposal)]
    return [
        _Group(
            region,
            tuple(i for i in members if region in i.regions),
            proposal if proposal is not None and region in proposal.regions else None,
        )
        for region in Region
    ]


def _sessions(injections: Iterable[Injection]) -> Decimal:
    return Decimal(len({i.on for i in injections}))


def _steroid(injections: Iterable[Injection]) -> tuple[Injection, ...]:
    return tuple(i for i in injections if i.mpe > 0)


def _total_mpe(injections: Iterable[Injection]) -> Decimal:
    return sum((i.mpe for i in injections), _ZERO)


def _in_window(rule: Rule, injections: Iterable[Injection], on: date) -> tuple[Injection, ...]:
    start = _window_start(on, rule.window_months)
    return tuple(i for i in injections if start <= i.on <= on)


def _measure(rule: Rule, window: Sequence[Injection]) -> tuple[tuple[Injection, ...], Decimal]:
    """What a windowed rule counts in a window, and its value: sessions, or mg MPE."""
    if rule.kind is RuleKind.SESSIONS:
        return tuple(window), _sessions(window)
    steroid = _steroid(window)
    return steroid, _total_mpe(steroid)


def _booked(counted: Iterable[Injection], proposal: Injection | None) -> int:
    """Sessions among `counted` that are only booked, leaving the proposal (itself maybe a booking) aside."""
    others = [i for i in counted if i is not proposal]
    return len({i.on for i in others if i.booked} - {i.on for i in others if not i.booked})


def _has_room(rule: Rule, window: Sequence[Injection]) -> bool:
    """Whether one more session (or any steroid at all) fits in `window`."""
    if rule.kind is RuleKind.SESSIONS:
        return _sessions(window) + 1 <= rule.limit
    return _total_mpe(window) < rule.limit


def _first_with_room(rule: Rule, history: Sequence[Injection], on: date) -> date | None:
    # Nothing after D is in the history, so the window only ever loses injections as N moves on: the count
    # changes only on the days counted injections drop out, and the first of those with room is the answer.
    months = rule.window_months
    for n in sorted({on} | {_first_day_outside(i.on, months) for i in history}):
        start = _window_start(n, months)
        if _has_room(rule, [i for i in history if i.on >= start]):
            return n
    return None


@dataclass(frozen=True)
class _Reading:
    """A windowed rule's value on one date with the proposal counted."""

    on: date
    counted: tuple[Injection, ...]
    value: Decimal


def _readings_over(rule: Rule, history: Sequence[Injection], proposal: Injection) -> list[_Reading]:
    """The proposal's date and every later session whose window reaches back to it, where the value is over."""
    everything = sorted((*history, proposal), key=_chronological)
    readings = []
    for on in sorted({proposal.on} | {i.on for i in history if i.on > proposal.on}):
        if _window_start(on, rule.window_months) > proposal.on:
            break  # windows only move forward: no later session can see the proposal either
        counted, value = _measure(rule, _in_window(rule, everything, on))
        if value > rule.limit:
            readings.append(_Reading(on, counted, value))
    return readings


def _spacing_gap(rule: Rule, history: Sequence[Injection], proposal: Injection) -> tuple[Decimal, date] | None:
    """Days from the proposal to the nearest other session, and that session's date."""
    others = {i.on for i in history} - {proposal.on}
    if not others:
        return None
    nearest = min(others, key=lambda d: (abs((d - proposal.on).days), d))
    return Decimal(abs((nearest - proposal.on).days)), nearest


def _passes(rule: Rule, history: Sequence[Injection], proposal: Injection) -> bool:
    if rule.kind is RuleKind.SPACING:
        gap = _spacing_gap(rule, history, proposal)
        return gap is not None and gap[0] < rule.limit
    return bool(_readings_over(rule, history, proposal))


def _first_fit(rule: Rule, history: Sequence[Injection], proposal: Injection) -> date | None:
    """The first date from the proposal's on which it would pass neither there nor at any later session.

    Whether it passes changes only where a session enters or leaves a window, or the proposal reaches or
    leaves a session's date or spacing distance, so those days (and D) are the only candidates.
    """
    on = proposal.on
    candidates = {on}
    if rule.kind is RuleKind.SPACING:
        gap = timedelta(days=int(rule.limit.to_integral_value(rounding=ROUND_CEILING)))
        candidates |= {i.on + gap for i in history}
    else:
        months = rule.window_months
        for i in history:
            candidates |= {_first_day_outside(i.on, months), i.on + _ONE_DAY, _window_start(i.on, months)}
    # Joining the date of a session already there is no answer to "when could one more session be".
    taken = {i.on for i in history}
    for n in sorted(c for c in candidates - taken if c >= on):
        if not _passes(rule, history, replace(proposal, on=n)):
            return n
    return None


def _windowed(rule: Rule, group: _Group, on: date, with_proposal: bool) -> RuleResult | None:
    proposal = group.proposal
    history = tuple(i for i in group.history if i.on <= on)
    if rule.per_region and not _in_window(rule, history, on) and proposal is None:
        return None
    if proposal is None:
        counted, value = _measure(rule, _in_window(rule, history, on))
        room_from = counted if rule.kind is RuleKind.SESSIONS else _steroid(_in_window(rule, history, on))
        next_allowed = _first_with_room(rule, room_from, on)
        involved = False if with_proposal else None
        status = _status(value, rule.limit)
        booked = _booked(counted, None)
        return RuleResult(rule, group.region, value, rule.limit, status, counted, next_allowed, involved, None, booked)
    involved = rule.kind is RuleKind.SESSIONS or proposal.mpe > 0
    everything = sorted((*history, proposal), key=_chronological)
    counted, value = _measure(rule, _in_window(rule, everything, on))
    judged_on = None
    # Only steroid moves a total, so a proposal without steroid cannot push a later total over.
    over = _readings_over(rule, group.history, proposal) if involved else []
    if over:
        worst = max(over, key=lambda r: (r.value, -r.on.toordinal()))
        counted, value = worst.counted, worst.value
        judged_on = None if worst.on == on else worst.on
    status = _status(value, rule.limit)
    next_allowed = on if status is not Status.OVER else _first_fit(rule, group.history, proposal)
    booked = _booked(counted, proposal)
    return RuleResult(rule, group.region, value, rule.limit, status, counted, next_allowed, involved, judged_on, booked)


def _spacing(rule: Rule, group: _Group, on: date, with_proposal: bool) -> RuleResult | None:
    proposal = group.proposal
    if proposal is None:
        history = [i for i in group.history if i.on <= on]
        dates = sorted({i.on for i in history})
        if len(dates) < 2:
            return None
        previous, latest = dates[-2], dates[-1]
        value = Decimal((latest - previous).days)
        status = Status.OVER if value < rule.limit else Status.WITHIN
        gap = timedelta(days=int(rule.limit.to_integral_value(rounding=ROUND_CEILING)))
        counted = tuple(i for i in history if i.on in (previous, latest))
        involved = False if with_proposal else None
        return RuleResult(rule, group.region, value, rule.limit, status, counted, max(on, latest + gap), involved)
    found = _spacing_gap(rule, group.history, proposal)
    if found is None:
        return None
    value, nearest = found
    status = Status.OVER if value < rule.limit else Status.WITHIN
    next_allowed = on if status is Status.WITHIN else _first_fit(rule, group.history, proposal)
    counted = tuple(sorted((i for i in (*group.history, proposal) if i.on in (nearest, on)), key=_chronological))
    return RuleResult(rule, group.region, value, rule.limit, status, counted, next_allowed, True)


def _per_session(rule: Rule, group: _Group) -> RuleResult | None:
    proposal = group.proposal
    if proposal is None:
        return None
    # Records of one date (and region) are one session: a second record that day adds to the first.
    session = (*(i for i in group.history if i.on == proposal.on and not i.booked), proposal)
    if rule.kind is RuleKind.DOSE_PER_SESSION:
        value = _total_mpe(session)
        status = _status(value, rule.limit)
    elif rule.kind is RuleKind.REGIONS_PER_SESSION:
        value = Decimal(len(frozenset().union(*(i.regions for i in session))))
        # One region is simply an ESI session; only a second region is worth saying anything about.
        status = Status.OVER if value > rule.limit else Status.WITHIN
    else:
        value = Decimal(len(frozenset().union(*(i.levels for i in session))))
        status = _status(value, rule.limit)
        if rule.unilateral_only and any(i.bilateral for i in session):
            status = Status.OVER
    return RuleResult(rule, group.region, value, rule.limit, status, session, None, True)


def evaluate(
    history: Iterable[Injection],
    rules: Iterable[Rule],
    *,
    as_of: date,
    proposed: Injection | None = None,
) -> list[RuleResult]:
    """Evaluate every rule given (choose them with `select_rules`) against the history and the proposal."""
    on = proposed.on if proposed is not None else as_of
    replaced = proposed.id if proposed is not None else None
    past = sorted(
        (
            i
            for i in history
            if not i.voided and (proposed is not None or i.on <= on) and (replaced is None or i.id != replaced)
        ),
        key=_chronological,
    )
    with_proposal = proposed is not None
    results: list[RuleResult] = []
    for rule in rules:
        for group in _groups(rule, past, proposed):
            if rule.kind in _WINDOWED:
                result = _windowed(rule, group, on, with_proposal)
            elif rule.kind is RuleKind.SPACING:
                result = _spacing(rule, group, on, with_proposal)
            else:
                result = _per_session(rule, group)
            if result is not None:
                results.append(result)
    return results
