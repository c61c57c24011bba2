"""Outcome-linked rules engine (domain.md §4): does the documented response allow the next procedure?

Pure Python, like `procedures.exposure`: `outcomes.outcome_rules` builds `Response` and `OutcomeRule` values from
model rows; this module judges them and words the verdicts. Thresholds are data, never constants here.

Inputs
------
- ``Response``: one non-voided procedure (voided ones are dropped upstream) with its raw outcome data:
  ``immediate_relief_pct`` (the relief right after it) and ``points``, one ``Point`` per recorded follow-up
  that documents relief: ``days_after`` (days from the procedure to that call), ``relief_pct`` at the call and
  ``lasted_days`` (how long the relief lasted; None = still ongoing at the call).
- ``best_relief_pct``: the largest of the immediate relief and every point's relief; None when none is known.
- ``relief_duration(threshold)``: how long relief of at least ``threshold`` % is documented to have lasted.
  Each point with ``relief_pct >= threshold`` offers ``lasted_days`` (relief over, ``ongoing`` False) or, while
  still ongoing, ``days_after`` (``ongoing`` True); the longest offer wins. ``Duration(0, False)`` when follow-ups
  recorded relief but none reached the threshold; None when no follow-up recorded relief at all (the immediate
  relief says nothing about duration). ``sustained_days`` is its ``days``. It is per threshold because the same
  follow-ups can sustain 50% for 120 days and 80% for none.
- A response *qualifies* for a rule (``qualifies``) when its best relief reaches ``min_relief_pct`` and, if
  ``min_days`` > 0, that relief is sustained at least ``min_days``. None = not known (no relief documented, or
  relief with no follow-up saying how long it lasted).

Verdicts (``evaluate``), one per rule, in rule order; each counts only responses matching the rule's evidence
(``evidence_family`` and, when set, ``evidence_intent``), dated on or before ``on`` (all when None), other than
``exclude_id`` (the procedure being edited). Same-day ties are ordered by procedure id.
- repeat: the most recent evidence procedure decides. Eligible when it qualifies; False when it does not or its
  response is unknown ("no documented response"); None when there is none ("first procedure of its kind").
- candidacy: eligible when ``min_count`` qualifying procedures can be chained with each at least
  ``min_gap_days`` after the previous one (taken greedily from the earliest, which finds the longest chain).
  ``evidence`` is that chain, or every evidence procedure when it falls short.
  A candidacy rule with ``renew_after_months`` (> 0) is judged again once the target is old: when the last
  procedure of ``target_family`` (not itself evidence) was more than that many calendar months before ``on``
  (``month_shift``, so 29 Feb + 24 months is 28 Feb), only evidence dated after it counts, and ``because`` starts
  with that procedure's date and says the evidence must be redone. With ``on`` None there is no age to judge.
- diagnostic: the most recent block decides positive (True) / negative (False) / not known (None, also when no
  block is documented); ``because`` names every block with its result. ``evidence`` is every block.

``advise`` picks the verdicts that should warn about a proposed procedure: repeat rules that say False, and
candidacy rules that say False for the first procedure of the target family (once one is done, the repeat rule
governs, until a renewing candidacy finds the last one too old; a proposal that is itself evidence, e.g. an SCS
trial, is not judged by its own candidacy).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from itertools import pairwise

from procedures.exposure import month_shift

__all__ = ["Duration", "Kind", "OutcomeRule", "Point", "Response", "Verdict", "advise", "evaluate", "noun", "qualifies"]


class Kind(StrEnum):
    REPEAT = "repeat"
    CANDIDACY = "candidacy"
    DIAGNOSTIC = "diagnostic"


@dataclass(frozen=True)
class Noun:
    short: str  # "MBB"
    long: str  # "medial branch block"
    counted: str  # "diagnostic MBB", as in "two diagnostic MBBs"


_NOUNS = {
    ("esi", ""): Noun("ESI", "epidural steroid injection", "ESI"),
    ("mbb", ""): Noun("MBB", "medial branch block", "diagnostic MBB"),
    ("rfa", ""): Noun("RFA", "radiofrequency ablation", "RFA"),
    ("si_joint", ""): Noun("SI joint injection", "SI joint injection", "SI joint injection"),
    ("si_joint", "diagnostic"): Noun("SI block", "diagnostic SI joint block", "diagnostic SI block"),
    ("tpi", ""): Noun("TPI", "trigger point injection", "TPI session"),
    ("scs", ""): Noun("SCS implant", "spinal cord stimulator implant", "SCS implant"),
    ("scs", "diagnostic"): Noun("SCS trial", "spinal cord stimulator trial", "SCS trial"),
}
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def noun(family: str, intent: str = "") -> Noun:
    """How sentences name a family's procedures, the intent-specific name first."""
    found = _NOUNS.get((family, intent)) or _NOUNS.get((family, ""))
    if found is None:
        words = f"{intent} {family.replace('_', ' ')}".strip()
        return Noun(words, words, words)
    return found


def _count(n: int) -> str:
    return _NUMBERS[n] if n < len(_NUMBERS) else str(n)


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Point:
    days_after: int
    relief_pct: int
    lasted_days: int | None = None


@dataclass(frozen=True)
class Duration:
    days: int
    ongoing: bool


@dataclass(frozen=True)
class Response:
    procedure_id: int
    on: date
    family: str
    intent: str
    label: str = ""
    immediate_relief_pct: int | None = None
    points: tuple[Point, ...] = ()

    @property
    def best_relief_pct(self) -> int | None:
        known = [p.relief_pct for p in self.points]
        if self.immediate_relief_pct is not None:
            known.append(self.immediate_relief_pct)
        return max(known, default=None)

    def relief_duration(self, threshold: int) -> Duration | None:
        if not self.points:
            return None
        offers = [
            Duration(p.lasted_days, False) if p.lasted_days is not None else Duration(p.days_after, True)
            for p in self.points
            if p.relief_pct >= threshold
        ]
        return max(offers, key=lambda d: (d.days, d.ongoing), default=Duration(0, False))

    def sustained_days(self, threshold: int) -> int | None:
        duration = self.relief_duration(threshold)
        return duration.days if duration is not None else None


@dataclass(frozen=True)
class OutcomeRule:
    code: str
    name: str
    kind: Kind
    target_family: str
    evidence_family: str
    evidence_intent: str = ""
    min_relief_pct: int = 50
    min_days: int = 0
    min_count: int = 1
    min_gap_days: int = 0
    source: str = ""
    renew_after_months: int = 0

    def is_evidence(self, family: str, intent: str) -> bool:
        return family == self.evidence_family and (not self.evidence_intent or intent == self.evidence_intent)

    def is_target(self, response: Response) -> bool:
        """A procedure the rule judges, done (an SCS trial is evidence for the implant, not an implant)."""
        return response.family == self.target_family and not self.is_evidence(response.family, response.intent)

    def renewed_by(self, history: Sequence[Response], on: date | None) -> Response | None:
        """The last target procedure when it is more than `renew_after_months` before `on`: candidacy is then
        judged again from the evidence after it. None when the rule does not renew or the last one is recent."""
        if self.kind != Kind.CANDIDACY or self.renew_after_months <= 0 or on is None:
            return None
        last = next((r for r in reversed(history) if self.is_target(r)), None)
        if last is None or month_shift(last.on, self.renew_after_months) >= on:
            return None
        return last


def qualifies(response: Response, rule: OutcomeRule) -> bool | None:
    """Whether the response reaches the rule's relief (sustained for its days); None when not known."""
    best = response.best_relief_pct
    if best is None:
        return None
    if best < rule.min_relief_pct:
        return False
    if rule.min_days <= 0:
        return True
    sustained = response.sustained_days(rule.min_relief_pct)
    return None if sustained is None else sustained >= rule.min_days


def _relief_words(response: Response, rule: OutcomeRule) -> str:
    """What a response gave, for a sentence: "gave 85%", "has no documented relief", "lasted 60 days"."""
    best, threshold = response.best_relief_pct, rule.min_relief_pct
    if best is None:
        return "has no documented relief"
    if best < threshold or rule.min_days <= 0:
        return f"gave {best}%"
    duration = response.relief_duration(threshold)
    if duration is None:
        return f"gave {best}% right after it, and no follow-up recorded how long that lasted"
    if duration.days == 0:
        return f"gave {best}% right after it, but no follow-up recorded ≥ {threshold}%"
    ongoing = " so far (still ongoing at the last call)" if duration.ongoing else ""
    return f"gave {best}%, ≥ {threshold}% for {_days(duration.days)}{ongoing}"


@dataclass(frozen=True)
class Verdict:
    rule: OutcomeRule
    eligible: bool | None
    because: str
    evidence: tuple[Response, ...]

    @property
    def headline(self) -> str:
        """ "Repeat ESI", "RFA candidate", "SI block positive"."""
        rule = self.rule
        if rule.kind == Kind.REPEAT:
            return f"Repeat {noun(rule.target_family).short}"
        if rule.kind == Kind.CANDIDACY:
            return f"{noun(rule.target_family).short} candidate"
        return f"{noun(rule.evidence_family, rule.evidence_intent).short} positive"

    @property
    def answer(self) -> str:
        if self.rule.kind == Kind.REPEAT:
            return {True: "eligible", False: "not yet", None: "not applicable"}[self.eligible]
        return {True: "yes", False: "no", None: "not known"}[self.eligible]

    @property
    def sentence(self) -> str:
        return f"{self.headline}: {self.answer}, because {self.because}"

    @property
    def warning(self) -> str:
        """For the procedure form: "RFA without qualifying medial branch blocks: <because>. (<source>)"."""
        rule = self.rule
        if rule.kind == Kind.REPEAT:
            head = f"{self.headline} without a documented response"
        else:
            evidence = noun(rule.evidence_family, rule.evidence_intent).long
            wanted = f"a qualifying {evidence}" if rule.min_count <= 1 else f"qualifying {evidence}s"
            head = f"{noun(rule.target_family).short} without {wanted}"
        source = f" ({rule.source})" if rule.source else ""
        return f"{head}: {self.because}.{source}"


def _repeat(rule: OutcomeRule, evidence: Sequence[Response]) -> Verdict:
    name = noun(rule.evidence_family, rule.evidence_intent)
    if not evidence:
        return Verdict(rule, None, f"first procedure of its kind: no earlier {name.short} is documented", ())
    last = evidence[-1]
    ok, best = qualifies(last, rule), last.best_relief_pct
    words = f"the {name.short} on {last.on} {_relief_words(last, rule)}"
    if best is None:
        because = f"no documented response to the {name.short} on {last.on}"
    elif ok is None:
        because = f"no documented response to the {name.short} on {last.on}: {best}% relief right after it, "
        because += "but no follow-up recorded how long it lasted"
    elif best < rule.min_relief_pct:
        because = f"{words} at best, below {rule.min_relief_pct}%"
    elif rule.min_days <= 0:
        because = f"{words} (≥ {rule.min_relief_pct}% required)"
    else:
        because = f"{words} (at least {_days(rule.min_days)} required)"
    return Verdict(rule, bool(ok), because, (last,))


def _chain(rule: OutcomeRule, qualifying: Sequence[Response]) -> list[Response]:
    chain: list[Response] = []
    for response in qualifying:
        if not chain or (response.on - chain[-1].on).days >= rule.min_gap_days:
            chain.append(response)
    return chain


def _period(months: int) -> str:
    """ "two years", "18 months"."""
    if months % 12 == 0:
        years = months // 12
        return f"{_count(years) if years > 1 else 'one'} year{'' if years == 1 else 's'}"
    return f"{months} months"


def _candidacy(rule: OutcomeRule, evidence: Sequence[Response], renewed_by: Response | None = None) -> Verdict:
    verdict = _candidacy_of(rule, evidence)
    if renewed_by is None:
        return verdict
    name = noun(rule.evidence_family, rule.evidence_intent)
    redo = f"the {name.counted}{'s' if rule.min_count > 1 else ''} must be redone after it"
    last = f"the last {noun(rule.target_family).short} was on {renewed_by.on}"
    head = f"{last}, more than {_period(rule.renew_after_months)} ago, so {redo}"
    if not evidence:
        return replace(verdict, because=f"{head}: no {name.long} after {renewed_by.on} is documented")
    return replace(verdict, because=f"{head}: {verdict.because}")


def _candidacy_of(rule: OutcomeRule, evidence: Sequence[Response]) -> Verdict:
    name = noun(rule.evidence_family, rule.evidence_intent)
    if not evidence:
        return Verdict(rule, False, f"no {name.long} is documented", ())
    qualifying = [r for r in evidence if qualifies(r, rule)]
    chain = _chain(rule, qualifying)
    enough = len(chain) >= rule.min_count
    shown = chain if enough else qualifying
    dates = " and ".join(f"{r.on} ({r.best_relief_pct}%)" for r in shown)
    gaps = f"{' and '.join(str((b.on - a.on).days) for a, b in pairwise(shown))} days apart"
    relief = f"≥ {rule.min_relief_pct}% relief" + (f" for ≥ {_days(rule.min_days)}" if rule.min_days > 0 else "")
    if enough and len(chain) == 1:
        return Verdict(rule, True, f"the {name.short} on {dates} gave {relief}", tuple(chain))
    if enough:
        return Verdict(
            rule, True, f"{_count(len(chain))} {name.counted}s on {dates} gave {relief}, {gaps}", tuple(chain)
        )
    others = [r for r in evidence if not qualifies(r, rule)]
    rest = "; ".join(
        f"the {'one' if len(others) == 1 else name.short} on {r.on} {_relief_words(r, rule)}" for r in others
    )
    if not qualifying:
        because = f"no qualifying {name.short} ({relief}): {rest}"
    elif len(qualifying) < rule.min_count:
        listed = "; ".join(f"{r.on}, {r.best_relief_pct}%" for r in qualifying)
        because = (
            f"only {_count(len(qualifying))} qualifying {name.short}{'s' if len(qualifying) > 1 else ''} ({listed})"
        )
        because += f"; {rest}" if rest else ""
    else:
        because = f"the qualifying {name.short}s on {dates} are only {gaps} (at least {rule.min_gap_days} required)"
    return Verdict(rule, False, because, tuple(evidence))


def _diagnostic(rule: OutcomeRule, evidence: Sequence[Response]) -> Verdict:
    name = noun(rule.evidence_family, rule.evidence_intent)
    if not evidence:
        return Verdict(rule, None, f"no {name.long} is documented", ())
    last, result = evidence[-1], qualifies(evidence[-1], rule)
    results = {True: "positive", False: "negative", None: "not known"}
    because = f"the {name.short} on {last.on} {_relief_words(last, rule)} ({results[result]} at ≥ "
    because += f"{rule.min_relief_pct}%)"
    if len(evidence) > 1:
        earlier = ", ".join(
            f"{r.on} {r.best_relief_pct if r.best_relief_pct is not None else '?'}% {results[qualifies(r, rule)]}"
            for r in reversed(evidence[:-1])
        )
        because += f"; earlier: {earlier}"
    return Verdict(rule, result, because, tuple(evidence))


def _history(responses: Iterable[Response], on: date | None, exclude_id: int | None) -> list[Response]:
    return sorted(
        (r for r in responses if (on is None or r.on <= on) and r.procedure_id != exclude_id),
        key=lambda r: (r.on, r.procedure_id),
    )


def evaluate(
    responses: Iterable[Response],
    rules: Iterable[OutcomeRule],
    *,
    on: date | None = None,
    exclude_id: int | None = None,
) -> list[Verdict]:
    """One verdict per rule, from the responses dated on or before `on` (all when None)."""
    history = _history(responses, on, exclude_id)
    return [_judge(rule, history, on) for rule in rules]


def _judge(rule: OutcomeRule, history: Sequence[Response], on: date | None) -> Verdict:
    evidence = [r for r in history if rule.is_evidence(r.family, r.intent)]
    if rule.kind == Kind.REPEAT:
        return _repeat(rule, evidence)
    if rule.kind == Kind.DIAGNOSTIC:
        return _diagnostic(rule, evidence)
    renewed_by = rule.renewed_by(history, on)
    if renewed_by is not None:
        evidence = [r for r in evidence if r.on > renewed_by.on]
    return _candidacy(rule, evidence, renewed_by)


def advise(
    responses: Iterable[Response],
    rules: Iterable[OutcomeRule],
    *,
    family: str,
    intent: str,
    on: date,
    procedure_id: int | None = None,
) -> list[Verdict]:
    """The verdicts that warn about a proposed procedure (see the module docstring)."""
    history = _history(responses, on, procedure_id)
    warnings = []
    for verdict in evaluate(history, [r for r in rules if r.target_family == family], on=on):
        rule = verdict.rule
        if verdict.eligible is not False:
            continue
        if rule.kind == Kind.CANDIDACY:
            # One done too long ago counts as none: its candidacy is judged again (`renewed_by`).
            done_before = any(rule.is_target(r) for r in history) and rule.renewed_by(history, on) is None
            if rule.is_evidence(family, intent) or done_before:
                continue
        elif rule.kind != Kind.REPEAT:
            continue
        warnings.append(verdict)
    return warnings
