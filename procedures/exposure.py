"""Steroid-exposure and frequency-limit engine.

Pure Python: the Django side builds `Injection`, `Rule` and `RuleSet` values from model rows and renders the
`RuleResult`s. Limits are data (shipped defaults an administrator can edit), never constants here.

Semantics
---------
- Voided injections never count, anywhere: a voided injection matches no rule. History injections dated after
  the evaluation date are ignored.
- Evaluation date D = ``proposed.on`` when a proposal is given, else ``as_of``; with a proposal, ``as_of`` is
  not used. A history injection with the proposal's (non-None) id is the record being edited and is replaced
  by the proposal.
- Rolling calendar window: S is inside the window at D when ``month_shift(D, -window_months) <= S <= D``.
  ``window_months = 0`` means the date of service only.
- Session: for a per-region rule one (date, region) pair, otherwise one date. An injection with no region
  never counts toward a per-region rule; one touching both regions counts in each.
- Which results appear, in rule order then region order (cervicothoracic, lumbosacral):
  * SESSIONS / MPE_TOTAL, per region: one per region with a matching injection in the window or a matching
    proposal touching it. Not per region: always exactly one, with value 0 when nothing matches.
  * SPACING: one per group (region, or the whole history) that has at least two sessions; no result when
    there is no earlier session to compare with.
  * DOSE_PER_SESSION / LEVELS_PER_SESSION: only for a matching proposal (per region: one per proposal region).
- SESSIONS value: sessions in the window, the proposal merged in (the same date and region as an existing
  session adds nothing). MPE_TOTAL value: sum of MPE in the window, proposal included. Status: value < limit
  within, == at_limit, > over. ``counted`` is oldest first, the proposal last on its date; for MPE it holds
  only the injections carrying steroid (MPE > 0).
- ``next_allowed`` for SESSIONS / MPE_TOTAL: the first date N >= D, from the history alone, on which one more
  fits: ``sessions(N) + 1 <= limit``; ``mpe(N) + proposal MPE <= limit`` when the proposal matches this rule
  (and region), else ``mpe(N) < limit``. Candidates are D and each counted injection's first day outside the
  window (``month_shift(S, +months) + 1 day``, later when month-end clamping still reaches back to S).
  When the proposal is in the result and the status is not over, it is D (the proposal fits now, even when it
  merges into an existing session). None when no date ever leaves room (e.g. a dose above the cap).
- SPACING: value = days between the latest session and the one before it (with a proposal in the group the
  latest session is the proposal's). Over when value < limit, else within. ``next_allowed`` = the latest
  history session + limit days, or D if that is already past (D when the proposal is in and not over).
- DOSE_PER_SESSION: value = proposal MPE. LEVELS_PER_SESSION: value = proposal levels; also over when
  ``unilateral_only`` and the proposal is bilateral. ``next_allowed`` None.
- ``involves_proposal``: None for a history-only evaluation, else whether the proposal adds to the result
  (a proposal without steroid adds nothing to an MPE total). ``blocking`` = over, hard, and not a result the
  proposal leaves untouched: another region's or family's history is shown but never blocks the proposal.
- ``evaluate`` evaluates every rule it is given; ``select_rules`` picks those for the payer, risk and date.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


class Severity(StrEnum):
    HARD = "hard"
    ADVISORY = "advisory"


class Region(StrEnum):
    CERVICOTHORACIC = "cervicothoracic"
    LUMBOSACRAL = "lumbosacral"


_WINDOWED = frozenset({RuleKind.SESSIONS, RuleKind.MPE_TOTAL})
_PER_SESSION = frozenset({RuleKind.DOSE_PER_SESSION, RuleKind.LEVELS_PER_SESSION})
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
    levels: int = 0
    bilateral: bool = False
    doses: tuple[Dose, ...] = ()
    voided: bool = False
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
        where = f" ({_REGION_WORDS[self.region]})" if self.region is not None else ""
        value, limit = _num(self.value), _num(self.limit)
        if rule.kind is RuleKind.SESSIONS:
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
        else:
            levels = f"{value} level{'' if self.value == 1 else 's'}"
            sides = ", bilateral," if self.counted[-1].bilateral else ""
            unilateral = ", unilateral only" if rule.unilateral_only else ""
            head = f"{levels}{sides} in this {subject}session (limit {limit}{unilateral})"
        return f"{head}; {self._verdict()}"

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


def _has_room(rule: Rule, window: Sequence[Injection], extra: Decimal | None) -> bool:
    """Whether one more session (or `extra` mg MPE; None = any steroid at all) fits in `window`."""
    if rule.kind is RuleKind.SESSIONS:
        return _sessions(window) + 1 <= rule.limit
    if extra is None:
        return _total_mpe(window) < rule.limit
    return _total_mpe(window) + extra <= rule.limit


def _first_with_room(rule: Rule, history: Sequence[Injection], on: date, extra: Decimal | None) -> date | None:
    # Nothing after D is in the history, so the window only ever loses injections as N moves on: the count
    # changes only on the days counted injections drop out, and the first of those with room is the answer.
    months = rule.window_months
    for n in sorted({on} | {_first_day_outside(i.on, months) for i in history}):
        start = _window_start(n, months)
        if _has_room(rule, [i for i in history if i.on >= start], extra):
            return n
    return None


def _windowed(rule: Rule, group: _Group, on: date, with_proposal: bool) -> RuleResult | None:
    start = _window_start(on, rule.window_months)
    history = tuple(i for i in group.history if i.on >= start)
    proposal = group.proposal
    if rule.per_region and not history and proposal is None:
        return None
    everything = history + ((proposal,) if proposal is not None else ())
    extra: Decimal | None = None
    if rule.kind is RuleKind.SESSIONS:
        counted, value = everything, _sessions(everything)
        involved = proposal is not None
    else:
        counted, value = _steroid(everything), _total_mpe(everything)
        # Only steroid moves the total, so only steroid leaving the window can make room.
        history = _steroid(history)
        involved = proposal is not None and proposal.mpe > 0
        if proposal is not None:
            extra = max(proposal.mpe, _ZERO)
    status = _status(value, rule.limit)
    if proposal is not None and status is not Status.OVER:
        # Already fits; checking "one more session" here would wrongly refuse a proposal that merges into
        # a session already on its date.
        next_allowed: date | None = on
    else:
        next_allowed = _first_with_room(rule, history, on, extra)
    return RuleResult(
        rule,
        group.region,
        value,
        rule.limit,
        status,
        counted,
        next_allowed,
        involved if with_proposal else None,
    )


def _spacing(rule: Rule, group: _Group, on: date, with_proposal: bool) -> RuleResult | None:
    everything = group.history + ((group.proposal,) if group.proposal is not None else ())
    dates = sorted({i.on for i in everything})
    if len(dates) < 2:
        return None
    previous, latest = dates[-2], dates[-1]
    value = Decimal((latest - previous).days)
    status = Status.OVER if value < rule.limit else Status.WITHIN
    if group.proposal is not None and status is Status.WITHIN:
        next_allowed = on
    else:
        gap = timedelta(days=int(rule.limit.to_integral_value(rounding=ROUND_CEILING)))
        next_allowed = max(on, max(i.on for i in group.history) + gap)
    counted = tuple(i for i in everything if i.on in (previous, latest))
    involved = group.proposal is not None if with_proposal else None
    return RuleResult(rule, group.region, value, rule.limit, status, counted, next_allowed, involved)


def _per_session(rule: Rule, group: _Group) -> RuleResult | None:
    proposal = group.proposal
    if proposal is None:
        return None
    if rule.kind is RuleKind.DOSE_PER_SESSION:
        value = proposal.mpe
        status = _status(value, rule.limit)
    else:
        value = Decimal(proposal.levels)
        status = _status(value, rule.limit)
        if rule.unilateral_only and proposal.bilateral:
            status = Status.OVER
    return RuleResult(rule, group.region, value, rule.limit, status, (proposal,), None, True)


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
        (i for i in history if not i.voided and i.on <= on and (replaced is None or i.id != replaced)),
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
