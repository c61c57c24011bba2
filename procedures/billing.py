"""The CPT codes a procedure record bills, derived from what was done (domain.md §6).

Pure Python: plain values in (`Session`), plain values out (`Billing`). The catalog's `cpt_codes` text lists a
procedure type's options ("64483, +64484 (L/S)"); this module picks the codes one record bills from its region,
its levels, its sides and its guidance.

Contract
--------
- Rules are keyed by the procedure type's code (the catalog's shipped slugs). A type without a rule, or a record
  a rule cannot code with confidence, bills nothing derived: `Billing.codes` is empty, `fallback` is the catalog's
  text and `verify` says why a person must choose.
- Spinal region is the payer's (cervical/thoracic or lumbar/sacral, `spine.region_of`). A record touching both
  regions is not derived: each region is coded on its own and that choice is the coder's.
- Levels are the distinct spinal levels recorded (a vertebra or an interspace each count one).
  * "each" rules (transforaminal, RFA): the primary code, then the add-on once per further level (units).
  * "capped" rules (facet / medial branch): the primary code, the second level's add-on, then the third-level
    add-on once for the third and any further level ("+64492 / +64495, third and any additional level").
- Bilateral (a level done on both sides, `spine.is_bilateral`): modifier 50 on every line of a rule that takes
  it. A record with some levels on both sides and others on one is not derived (per-line modifiers differ by
  payer).
- Guidance: codes that include image guidance (fluoroscopy or CT) are derived only with one of those; with
  ultrasound or none they are not (those are other codes). Interlaminar/caudal epidurals have a with-imaging and
  a without-imaging code; the SI joint injection without CT or fluoroscopy is 20552, as CPT directs, flagged for
  checking; a major joint with ultrasound is 20611.
- Trigger points bill by the number of muscles (20552 for one or two, 20553 for three or more); without a count
  the codes are not derived.

Codes change each January (AMA CPT); the table below is kept with the code, reviewed then, rather than as
configuration: the rules are structure (add-ons per level, caps, imaging variants), not a clinic's choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from procedures import spine
from procedures.exposure import Region

BILATERAL = "50"
IMAGING = frozenset({"fluoroscopy", "ct"})


class Scheme(StrEnum):
    EACH = "each"  # primary + add-on per further level
    CAPPED = "capped"  # primary + second-level add-on + one third-and-beyond add-on
    EPIDURAL = "epidural"  # one code per session: without / with imaging
    SINGLE = "single"  # one code per session
    MUSCLES = "muscles"  # trigger points: by the number of muscles
    JOINT = "joint"  # major joint: without / with ultrasound


@dataclass(frozen=True)
class Rule:
    scheme: Scheme
    # By region for spinal rules; spinal rules list their codes in order (primary, add-on[, third-level add-on]),
    # epidurals (without imaging, with imaging). Non-spinal rules use the `None` key.
    codes: Mapping[Region | None, tuple[str, ...]]
    bilateral_modifier: bool = True
    # SINGLE: the code when neither CT nor fluoroscopy guided it (checked by a person), or "" when any guidance goes.
    without_imaging: str = ""
    source: str = "AMA CPT; domain.md §6"


_CT, _LS = Region.CERVICOTHORACIC, Region.LUMBOSACRAL
_TRANSFORAMINAL = Rule(Scheme.EACH, {_CT: ("64479", "64480"), _LS: ("64483", "64484")})
_FACET = Rule(Scheme.CAPPED, {_CT: ("64490", "64491", "64492"), _LS: ("64493", "64494", "64495")})
_EPIDURAL = Rule(Scheme.EPIDURAL, {_CT: ("62320", "62321"), _LS: ("62322", "62323")}, bilateral_modifier=False)

RULES: dict[str, Rule] = {
    "esi-interlaminar": _EPIDURAL,
    "esi-caudal": _EPIDURAL,
    "esi-transforaminal": _TRANSFORAMINAL,
    "snrb": _TRANSFORAMINAL,
    "facet-ia": _FACET,
    "mbb": _FACET,
    "rfa-facet": Rule(Scheme.EACH, {_CT: ("64633", "64634"), _LS: ("64635", "64636")}),
    "si-injection": Rule(
        Scheme.SINGLE,
        {None: ("27096",)},
        without_imaging="20552",
        source="AMA CPT 27096 (with CT or fluoroscopy; without, 20552)",
    ),
    "si-block": Rule(Scheme.SINGLE, {None: ("64451",)}),
    "si-rfa": Rule(Scheme.SINGLE, {None: ("64625",)}),
    "tpi": Rule(Scheme.MUSCLES, {None: ("20552", "20553")}, bilateral_modifier=False),
    "joint-major": Rule(Scheme.JOINT, {None: ("20610", "20611")}),
    "genicular-block": Rule(Scheme.SINGLE, {None: ("64454",)}),
    "genicular-rfa": Rule(Scheme.SINGLE, {None: ("64624",)}),
    "occipital-block": Rule(Scheme.SINGLE, {None: ("64405",)}),
}


@dataclass(frozen=True)
class Session:
    """One record as billing reads it."""

    type_code: str
    catalog_codes: str  # the procedure type's own text, shown when nothing can be derived
    sites: tuple[tuple[str, str], ...]  # (spinal level or named site, side)
    guidance: str  # fluoroscopy, ct, ultrasound, none
    muscles: int | None = None  # trigger points: how many muscles, when recorded


@dataclass(frozen=True)
class BilledCode:
    code: str
    modifier: str = ""
    units: int = 1

    def __str__(self) -> str:
        text = f"{self.code}-{self.modifier}" if self.modifier else self.code
        return f"{text} ×{self.units}" if self.units > 1 else text


@dataclass(frozen=True)
class Billing:
    codes: tuple[BilledCode, ...] = ()
    verify: str = ""  # why a person must check or choose; "" when derived with confidence
    fallback: str = ""  # the catalog's text, when no code was derived
    source: str = ""

    @property
    def derived(self) -> bool:
        return bool(self.codes)

    def __str__(self) -> str:
        shown = ", ".join(map(str, self.codes)) if self.codes else self.fallback
        return f"{shown} (verify: {self.verify})" if self.verify else shown


def _levels(sites: Iterable[tuple[str, str]]) -> list[str]:
    return sorted({place for place, _ in sites if place in spine.LEVEL_ORDER}, key=spine.LEVEL_ORDER.__getitem__)


def _sides(session: Session) -> tuple[bool, bool]:
    """(bilateral, mixed): some place done on both sides; and some on both, others on one."""
    by_place = [spine.is_bilateral([(p, s) for p, s in session.sites if p == place]) for place in _places(session)]
    return any(by_place), any(by_place) and not all(by_place)


def _places(session: Session) -> list[str]:
    return list(dict.fromkeys(place for place, _ in session.sites))


def _refer(session: Session, why: str) -> Billing:
    return Billing(verify=why, fallback=session.catalog_codes)


def _spinal(session: Session, rule: Rule) -> Billing:
    levels = _levels(session.sites)
    regions = spine.regions_of(levels)
    if not levels and rule.scheme == Scheme.EPIDURAL and session.type_code == "esi-caudal":
        regions = frozenset({_LS})  # the sacral hiatus: lumbar/sacral whether or not a level is named
    if not regions:
        return _refer(session, "no spinal level recorded")
    if len(regions) > 1:
        return _refer(session, "levels in two spinal regions: code each region on its own")
    codes = rule.codes[next(iter(regions))]
    if rule.scheme == Scheme.EPIDURAL:
        with_imaging = session.guidance in IMAGING
        billing = Billing(codes=(BilledCode(codes[1] if with_imaging else codes[0]),), source=rule.source)
        if session.guidance == "ultrasound":
            return Billing(
                billing.codes, verify="ultrasound is not the CT or fluoroscopy of the imaging code", source=rule.source
            )
        return billing
    if session.guidance not in IMAGING:
        return _refer(session, f"these codes include CT or fluoroscopy; this record's guidance is {session.guidance}")
    bilateral, mixed = _sides(session)
    if mixed:
        return _refer(session, "some levels on both sides, others on one")
    modifier = BILATERAL if bilateral and rule.bilateral_modifier else ""
    lines = [BilledCode(codes[0], modifier)]
    further = len(levels) - 1
    if rule.scheme == Scheme.EACH and further:
        lines.append(BilledCode(codes[1], modifier, units=further))
    elif rule.scheme == Scheme.CAPPED:
        if further >= 1:
            lines.append(BilledCode(codes[1], modifier))
        if further >= 2:
            lines.append(BilledCode(codes[2], modifier))
    return Billing(codes=tuple(lines), source=rule.source)


def _other(session: Session, rule: Rule) -> Billing:
    codes = rule.codes[None]
    bilateral, mixed = _sides(session)
    if mixed:
        return _refer(session, "some sites on both sides, others on one")
    modifier = BILATERAL if bilateral and rule.bilateral_modifier else ""
    if rule.scheme == Scheme.MUSCLES:
        if not session.muscles:
            return _refer(session, "the number of muscles injected is not recorded (1–2: 20552, 3 or more: 20553)")
        return Billing(codes=(BilledCode(codes[0] if session.muscles <= 2 else codes[1]),), source=rule.source)
    if rule.scheme == Scheme.JOINT:
        code = codes[1] if session.guidance == "ultrasound" else codes[0]
        return Billing(codes=(BilledCode(code, modifier),), source=rule.source)
    if rule.without_imaging and session.guidance not in IMAGING:
        return Billing(
            codes=(BilledCode(rule.without_imaging, modifier),),
            verify=f"without CT or fluoroscopy ({session.guidance}): CPT directs {rule.without_imaging}",
            source=rule.source,
        )
    return Billing(codes=(BilledCode(codes[0], modifier),), source=rule.source)


def bill(session: Session) -> Billing:
    """The codes this record bills, or the catalog's text and why a person must choose."""
    rule = RULES.get(session.type_code)
    if rule is None:
        return _refer(session, "no coding rule for this procedure type")
    if None in rule.codes:
        return _other(session, rule)
    return _spinal(session, rule)
