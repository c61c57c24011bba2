"""A year of synthetic procedure history for the demo clinic, logged through the same services as real records.

Most patients follow ordinary episodes of care and stay comfortably within every limit. A few, picked by
payer and risk flags, tell the story the flags page and the chart exist for: at a limit, over one with the
physician's reason recorded, over the 200 mg steroid cap, and near the bone-density cap.
"""

import datetime
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients.models import Patient
from procedures.models import Drug, Procedure, ProcedureType
from procedures.services import MedicationInput, SiteInput, procedure_log, procedure_void

# Each kind of procedure the clinic does, one concern per table, all keyed alike. Choices are space-separated
# words, and a repeated word weighs more.


class How(NamedTuple):
    type_code: str
    guidance: str
    fluoro_s: tuple[int, int]
    contrast: bool  # spinal fluoroscopic injections confirm the spread with contrast
    sedation: str


HOW = {
    "tfesi": How("esi-transforaminal", "fluoroscopy", (15, 60), True, "local local local minimal"),
    "ilesi": How("esi-interlaminar", "fluoroscopy", (10, 45), True, "local local local minimal"),
    "cesi": How("esi-interlaminar", "fluoroscopy", (15, 60), True, "local local minimal"),
    "mbb": How("mbb", "fluoroscopy", (30, 90), True, "local"),  # no sedation: it would blur a diagnostic block
    "rfa": How("rfa-facet", "fluoroscopy", (45, 90), False, "local minimal minimal"),
    "facet": How("facet-ia", "fluoroscopy", (20, 60), True, "local local minimal"),
    "si": How("si-injection", "fluoroscopy", (10, 40), True, "local"),
    "tpi": How("tpi", "none none ultrasound", (0, 0), False, "local"),
    "knee": How("joint-major", "ultrasound ultrasound none", (0, 0), False, "local"),
    "genicular": How("genicular-block", "ultrasound fluoroscopy", (15, 40), False, "local"),
    "scs": How("scs-trial", "fluoroscopy", (60, 90), False, "moderate"),
}
# Levels or named sites ("+" joins the levels of one session), then sides.
SITES = {
    "tfesi": ("L4-L5 L5-S1 L5-S1 L4-L5+L5-S1 L3-L4+L4-L5", "left right left right bilateral"),
    "ilesi": ("L5-S1 L5-S1 L4-L5", "midline"),  # interlaminar: one level, never bilateral
    "cesi": ("C7-T1 C7-T1 C6-C7", "midline"),
    "mbb": ("L3-L4+L4-L5 L4-L5+L5-S1", "bilateral bilateral left right"),
    "rfa": ("L4-L5+L5-S1", "bilateral"),
    "facet": ("L4-L5 L5-S1 L4-L5+L5-S1", "bilateral left right"),
    "si": ("sacroiliac_joint", "left right left right bilateral"),
    "tpi": ("trigger_points", "bilateral left right midline"),
    "knee": ("knee", "left right"),
    "genicular": ("genicular_nerves", "left right"),
    "scs": ("T8-T9", "midline"),
}
# Steroid ("-" for none), then local anaesthetic.
MEDICATION = {
    "tfesi": ("dex10 dex10 dex10 dex4", "lido-1 bupi-025"),  # non-particulate for transforaminal (Rathmell 2015)
    "ilesi": ("dex10 tri40 tri80 mp40 mp80", "lido-1 bupi-025"),
    "cesi": ("dex10 tri40 mp40", "lido-1"),
    "mbb": ("-", "bupi-05"),  # diagnostic: anaesthetic only, so the relief means something
    "rfa": ("-", "lido-2"),
    "facet": ("tri40 mp40", "bupi-025"),
    "si": ("tri40", "bupi-025"),
    "tpi": ("- - tri20", "lido-tpi"),
    "knee": ("tri40", "bupi-joint"),
    "genicular": ("- tri40", "bupi-05"),
    "scs": ("-", "lido-scs"),
}
DIAGNOSES = {
    "tfesi": ("M54.16, M51.16", "M54.17, M51.17", "M54.16"),
    "ilesi": ("M48.062", "M48.062, M54.16", "M54.16, M51.16"),
    "cesi": ("M54.12", "M54.12, M54.2"),
    "mbb": ("M47.816", "M47.816, M54.50"),
    "rfa": ("M47.816",),
    "facet": ("M47.816", "M47.816, M54.50"),
    "si": ("M46.1", "M46.1, M54.50"),
    "tpi": ("M79.18", "M79.18, M54.2", "M79.18, M54.50"),
    "knee": ("{knee}",),
    "genicular": ("{knee}",),
    "scs": ("M96.1, M54.16", "M96.1"),
}
KNEE_DX = {"right": "M17.11", "left": "M17.12"}  # primary osteoarthritis of the knee, by side
NOTES = {
    "mbb": "Pain diary given; relief to be recorded over the next 6 hours.",
    "rfa": "Lesions at 80 °C for 90 s after sensory and motor testing. Follow-up in 6 weeks.",
    "tpi": "Four trigger points injected. Home stretching programme reviewed.",
    "genicular": "Superomedial, superolateral and inferomedial genicular nerves blocked. Follow-up in 2 weeks.",
    "scs": "Two percutaneous leads, tips at T8. Seven-day trial; leads out at the next visit.",
}
DEFAULT_NOTE = "Tolerated well; discharged ambulatory. Follow-up in 2 weeks."
NO_CONTRAST_REASON = {
    "rfa": "Placement confirmed by sensory and motor stimulation",
    "scs": "Lead position confirmed on fluoroscopy and paresthesia mapping",
}
# NRS points lost right after: a positive diagnostic block leaves 0-1; an SCS trial helps once programmed.
NRS_DROP = {"mbb": (8, 9), "scs": (1, 3)}

DEX, TRI, MP = "Dexamethasone sodium phosphate", "Triamcinolone acetonide", "Methylprednisolone acetate"
# (drug, mg, mL) as drawn up: dexamethasone 10 mg/mL, triamcinolone and methylprednisolone 40 mg/mL,
# lidocaine 1% = 10 mg/mL and 2% = 20 mg/mL, bupivacaine 0.25% = 2.5 mg/mL and 0.5% = 5 mg/mL.
DOSES = {
    "dex10": (DEX, "10", "1.0"),
    "dex4": (DEX, "4", "0.4"),
    "tri20": (TRI, "20", "0.5"),
    "tri40": (TRI, "40", "1.0"),
    "tri80": (TRI, "80", "2.0"),
    "mp40": (MP, "40", "1.0"),
    "mp80": (MP, "80", "2.0"),
    "lido-1": ("Lidocaine", "20", "2.0"),
    "lido-2": ("Lidocaine", "60", "3.0"),
    "lido-tpi": ("Lidocaine", "50", "5.0"),
    "lido-scs": ("Lidocaine", "100", "10.0"),
    "bupi-025": ("Bupivacaine", "5", "2.0"),
    "bupi-05": ("Bupivacaine", "15", "3.0"),
    "bupi-joint": ("Bupivacaine", "10", "4.0"),
}
CONTRAST = "Iohexol (Omnipaque 240)"

# Episodes of care: how often the clinic sees each (a weight), then steps of (kind, or "same" to repeat the last
# visit; days after the previous visit, min and max; chance). A follow-up happens only if every earlier step did,
# and never today or later.
EPISODES: dict[str, tuple[int, tuple[tuple[str, int, int, float], ...]]] = {
    "lumbar-tf": (30, (("tfesi", 0, 0, 1.0), ("same", 42, 100, 0.6))),
    "lumbar-il": (18, (("ilesi", 0, 0, 1.0), ("same", 60, 120, 0.5))),
    "cervical": (10, (("cesi", 0, 0, 1.0), ("same", 60, 120, 0.5))),
    "facet-rfa": (12, (("mbb", 0, 0, 1.0), ("mbb", 14, 28, 0.9), ("rfa", 14, 42, 0.85))),
    "facet": (8, (("facet", 0, 0, 1.0), ("same", 90, 150, 0.6), ("same", 90, 150, 0.5))),
    "si": (10, (("si", 0, 0, 1.0), ("same", 90, 150, 0.6), ("same", 90, 150, 0.5))),
    "myofascial": (8, (("tpi", 0, 0, 1.0), ("same", 42, 90, 0.6))),
    "knee": (8, (("knee", 0, 0, 1.0), ("same", 90, 150, 0.7), ("same", 90, 150, 0.6))),
    "genicular": (4, (("genicular", 0, 0, 1.0),)),
    "scs": (2, (("scs", 0, 0, 1.0),)),
}
# One lumbar ESI episode a patient: two would put an ordinary patient at the clinic's 3-in-6-months limit.
EXCLUSIVE = {"lumbar-tf": "lumbar-il", "lumbar-il": "lumbar-tf"}
# Ordinary patients stay well under the 200 mg MPE cap, so the flags page shows only the deliberate cases.
ORDINARY_MPE_BUDGET = Decimal(160)

ESI_OVERRIDE = "Severe radicular pain awaiting surgical consult; discussed risks with patient"
STEROID_OVERRIDE = (
    "Severe knee osteoarthritis, total knee arthroplasty scheduled next month; cumulative steroid exposure "
    "discussed with patient and PCP notified"
)


class Step(NamedTuple):
    days_ago: int
    kind: str
    steroid: str
    sites: str  # "L4-L5+L5-S1 left"
    override_reason: str = ""


def _age(patient: Patient, today: datetime.date) -> int:
    return (today - patient.date_of_birth).days // 365


def _medicare(p: Patient, today: datetime.date) -> bool:
    return p.payer is not None and p.payer.key == "medicare" and not p.bone_density_risk and _age(p, today) >= 65


def _commercial(p: Patient, today: datetime.date) -> bool:
    """Insured, not Medicare, and nothing that would complicate a series of injections."""
    plain = not (p.bone_density_risk or p.anticoagulant or p.contrast_allergy or p.diabetes)
    return p.payer is not None and p.payer.key in {"uhc", "bcbs-fl"} and plain


def _bone_risk(p: Patient, today: datetime.date) -> bool:
    return p.bone_density_risk


Fits = Callable[[Patient, datetime.date], bool]


def _story(fits: Fits, *steps: Step) -> tuple[Fits, tuple[Step, ...]]:
    return fits, steps


# Each story goes to the first patient (by MRN) it fits who has no story yet.
STORIES = (
    # At Medicare's 4 lumbar ESIs in 12 months, never more than 2 in any 6; steroid 186.6 mg MPE.
    _story(
        _medicare,
        Step(330, "tfesi", "dex10", "L4-L5+L5-S1 left"),
        Step(240, "ilesi", "tri40", "L5-S1 midline"),
        Step(150, "tfesi", "dex10", "L4-L5+L5-S1 left"),
        Step(45, "ilesi", "mp40", "L5-S1 midline"),
    ),
    # At the clinic default every payer gets: 3 lumbar ESIs within 6 months.
    _story(
        _commercial,
        Step(160, "tfesi", "dex10", "L5-S1 right"),
        Step(100, "tfesi", "dex10", "L5-S1 right"),
        Step(25, "ilesi", "tri40", "L5-S1 midline"),
    ),
    # Over: a fifth lumbar ESI in 12 months for a Medicare patient, with the physician's reason. Steroid stays
    # at 194.6 mg MPE so this chart shows one clear problem.
    _story(
        _medicare,
        Step(345, "ilesi", "mp40", "L5-S1 midline"),
        Step(270, "tfesi", "dex10", "L4-L5+L5-S1 left"),
        Step(185, "ilesi", "tri40", "L5-S1 midline"),
        Step(100, "ilesi", "mp40", "L5-S1 midline"),
        Step(20, "tfesi", "dex4", "L4-L5+L5-S1 left", ESI_OVERRIDE),
    ),
    # Over the 200 mg MPE / 12 months cap (226.6) from two ESIs plus SI and knee steroid: joints count too.
    _story(
        _commercial,
        Step(300, "tfesi", "dex10", "L5-S1 left"),
        Step(230, "si", "tri40", "sacroiliac_joint left"),
        Step(160, "knee", "tri40", "knee right"),
        Step(90, "tfesi", "dex10", "L5-S1 left"),
        Step(30, "knee", "tri40", "knee right", STEROID_OVERRIDE),
    ),
    # Bone-density risk: 386.6 of 400 mg MPE in 3 years, never more than 173.3 in any 12 months.
    _story(
        _bone_risk,
        Step(1030, "ilesi", "tri80", "L5-S1 midline"),
        Step(900, "knee", "tri40", "knee left"),
        Step(780, "tfesi", "dex10", "L4-L5+L5-S1 left"),
        Step(600, "knee", "tri40", "knee left"),
        Step(480, "ilesi", "mp40", "L5-S1 midline"),
        Step(330, "tfesi", "dex10", "L4-L5+L5-S1 left"),
        Step(180, "knee", "tri40", "knee left"),
        Step(60, "si", "tri40", "sacroiliac_joint right"),
    ),
    # Staged RFA, right side then left: at Medicare's 2 facet RFA sessions in 12 months.
    _story(
        _medicare,
        Step(210, "mbb", "-", "L4-L5+L5-S1 bilateral"),
        Step(190, "mbb", "-", "L4-L5+L5-S1 bilateral"),
        Step(160, "rfa", "-", "L4-L5+L5-S1 right"),
        Step(146, "rfa", "-", "L4-L5+L5-S1 left"),
    ),
)

VOIDS = (
    ("other patient", "Entered in error: wrong patient selected"),
    ("duplicate", "Duplicate entry: this session was already recorded"),
    ("other patient", "Entered in error: charted on the wrong patient's record"),
    ("day before", "Entered in error: wrong date of service"),
)


class Visit(NamedTuple):
    on: datetime.date
    kind: str
    sites: tuple[tuple[str, str], ...]  # (level or named site, side)
    steroid: str
    override_reason: str = ""


def _sites(text: str) -> tuple[tuple[str, str], ...]:
    places, side = text.split()
    return tuple((place, side) for place in places.split("+"))


def _clinic_day(day: datetime.date) -> datetime.date:
    """The clinic works weekdays: a weekend date moves back to the Friday, which keeps it in the past."""
    return day - datetime.timedelta(days=max(0, day.weekday() - 4))


def _days_ago(today: datetime.date, days: int) -> datetime.date:
    return _clinic_day(today - datetime.timedelta(days=days))


def _plan_story(steps: tuple[Step, ...], today: datetime.date) -> list[Visit]:
    return [Visit(_days_ago(today, s.days_ago), s.kind, _sites(s.sites), s.steroid, s.override_reason) for s in steps]


def _plan_ordinary(rng: random.Random, today: datetime.date, drugs: dict[str, Drug]) -> list[Visit]:
    """Two to four episodes of care in the last year, kept within the steroid budget."""
    names, weights = list(EPISODES), [weight for weight, _steps in EPISODES.values()]
    chosen: list[str] = []
    wanted = rng.choice([2, 2, 3, 3, 4])
    while len(chosen) < wanted:
        name = rng.choices(names, weights)[0]
        if name not in chosen and EXCLUSIVE.get(name) not in chosen:
            chosen.append(name)
    visits: list[Visit] = []
    for name in chosen:
        day = today - datetime.timedelta(days=rng.randint(10, 340))  # the episode's first visit
        previous: Visit | None = None
        for kind, low, high, chance in EPISODES[name][1]:
            day += datetime.timedelta(days=rng.randint(low, high))
            if rng.random() >= chance or _clinic_day(day) >= today:
                break
            kind = previous.kind if kind == "same" and previous else kind
            places, sides = SITES[kind]
            # Follow-ups treat the same target: repeat injections, and RFA at the levels the blocks tested.
            sites = previous.sites if previous else _sites(f"{rng.choice(places.split())} {rng.choice(sides.split())}")
            previous = Visit(_clinic_day(day), kind, sites, rng.choice(MEDICATION[kind][0].split()))
            visits.append(previous)
    kept: list[Visit] = []
    total = Decimal(0)
    for visit in sorted(visits):
        mpe = _mpe(visit.steroid, drugs)
        if total + mpe <= ORDINARY_MPE_BUDGET and all(v.on != visit.on for v in kept):
            kept.append(visit)
            total += mpe
    return kept


def _mpe(steroid: str, drugs: dict[str, Drug]) -> Decimal:
    if steroid == "-":
        return Decimal(0)
    name, mg, _ml = DOSES[steroid]
    return drugs[name].mpe(Decimal(mg))


def _decimal(rng: random.Random, low: float, high: float, places: str = "0.1") -> Decimal:
    return Decimal(str(rng.uniform(low, high))).quantize(Decimal(places))


def _fields(rng: random.Random, visit: Visit, patient: Patient, drugs: dict[str, Drug]) -> dict[str, Any]:
    """Everything on the form besides sites and drugs, filled in the way the physician would."""
    how = HOW[visit.kind]
    guidance = rng.choice(how.guidance.split())
    fields: dict[str, Any] = {"guidance": guidance, "sedation": rng.choice(how.sedation.split())}
    if guidance == "fluoroscopy":
        seconds = _decimal(rng, *how.fluoro_s)
        kerma = (seconds * _decimal(rng, 0.12, 0.35, "0.01")).quantize(Decimal("0.01"))
        dap = (kerma * _decimal(rng, 0.06, 0.14, "0.01")).quantize(Decimal("0.01"))
        fields |= {"fluoro_time_s": seconds, "air_kerma_mgy": kerma, "dap_gycm2": dap}
        if how.contrast and patient.contrast_allergy:
            fields["no_contrast_reason"] = "Iodinated contrast allergy"
        elif how.contrast:
            fields |= {"contrast_agent": drugs[CONTRAST], "contrast_volume_ml": _decimal(rng, 1, 3)}
        else:
            fields["no_contrast_reason"] = NO_CONTRAST_REASON.get(visit.kind, "")
    pre = rng.randint(5, 9)
    post = max(0, pre - rng.randint(*NRS_DROP.get(visit.kind, (2, 5))))
    start = datetime.datetime.combine(visit.on, datetime.time(7, 30))
    start += datetime.timedelta(minutes=15 * rng.randint(0, 34))  # 07:30 to 16:00
    fields |= {
        "performed_at": timezone.make_aware(start),
        "consent_obtained": True,
        "time_out_done": True,
        "nrs_pre": pre,
        "nrs_post": post,
        "relief_post_pct": round(100 * (pre - post) / pre),
        "diagnoses": rng.choice(DIAGNOSES[visit.kind]).format(knee=KNEE_DX.get(visit.sites[0][1], "M17.0")),
        "note": NOTES.get(visit.kind, DEFAULT_NOTE),
    }
    if rng.random() < 0.03:  # a handful of vasovagal episodes; nothing worse
        fields["complications"] = "vasovagal"
        fields["complication_note"] = "Brief vasovagal episode; resolved supine with oral fluids. Discharged well."
    return fields


@dataclass
class Seeder:
    rng: random.Random
    physician_of: Mapping[Patient, User]
    drugs: dict[str, Drug]
    types: dict[str, ProcedureType]

    def log(self, patient: Patient, visit: Visit) -> Procedure | None:
        """Log one visit, by the patient's physician; None when it would pass a hard limit and the plan gives no
        reason to go ahead."""
        physician = self.physician_of[patient]
        # The draw the history took when one physician did every procedure (a choice among one): kept, so every
        # later draw, and the rest of the demo with it, is what it was.
        self.rng.randrange(1)
        fields = _fields(self.rng, visit, patient, self.drugs)
        doses = [visit.steroid] if visit.steroid != "-" else []
        doses.append(self.rng.choice(MEDICATION[visit.kind][1].split()))
        medications = [
            MedicationInput(self.drugs[DOSES[d][0]], Decimal(DOSES[d][1]), Decimal(DOSES[d][2])) for d in doses
        ]
        try:
            return procedure_log(
                patient=patient,
                procedure_type=self.types[HOW[visit.kind].type_code],
                recorded_by=physician,
                performed_by=physician,
                sites=[SiteInput(place, side) for place, side in visit.sites],
                medications=medications,
                override_reason=visit.override_reason,
                **fields,
            )
        except ValidationError as error:
            if "override_reason" not in error.message_dict:
                raise
            return None

    def void_some(self, patients: list[Patient], logged: list[tuple[Patient, Visit]]) -> int:
        """Records entered in error, then voided, as happens in any clinic."""
        created = 0
        for mistake, reason in VOIDS:
            procedure = None
            # A mistaken entry that would itself pass a hard limit is refused by the service: try another.
            while procedure is None and logged:
                patient, visit = logged.pop(self.rng.randrange(len(logged)))
                if mistake == "other patient":
                    patient = self.rng.choice([p for p in patients if p != patient])
                elif mistake == "day before":
                    visit = visit._replace(on=_clinic_day(visit.on - datetime.timedelta(days=1)))
                procedure = self.log(patient, visit)
            if procedure is not None:
                procedure_void(procedure=procedure, by=procedure.recorded_by, reason=reason)
                created += 1
        return created


def _physician_of(
    patients: Sequence[Patient], stories: Sequence[Patient], physicians: Sequence[User]
) -> dict[Patient, User]:
    """Each patient's physician, who does all their procedures: the first (the demo's main `physician` login) keeps
    the story patients, and the other patients are dealt out in turn to every physician, so the dashboard's "by
    physician" has each of them to compare. No random draw: the rest of the demo stays put."""
    ordinary = [p for p in patients if p not in stories]
    return dict.fromkeys(stories, physicians[0]) | {p: physicians[i % len(physicians)] for i, p in enumerate(ordinary)}


def seed_procedures(rng: random.Random, today: datetime.date, patients: list[Patient], physicians: list[User]) -> int:
    """Log the demo history once, spread over `physicians` (see `_physician_of`); returns how many procedures it
    created (0 when the history is already there)."""
    if Procedure.objects.filter(patient__in=patients).exists():
        return 0
    drugs = {d.name: d for d in Drug.objects.all()}
    plans: dict[Patient, list[Visit]] = {}
    for fits, steps in STORIES:
        patient = next(p for p in patients if p not in plans and fits(p, today))
        plans[patient] = _plan_story(steps, today)
    story_patients = list(plans)
    physician_of = _physician_of(patients, story_patients, physicians)
    seeder = Seeder(rng, physician_of, drugs, {t.code: t for t in ProcedureType.objects.all()})
    for patient in patients:
        if patient not in plans:
            plans[patient] = _plan_ordinary(rng, today, drugs)
    logged: list[tuple[Patient, Visit]] = []
    for patient in patients:
        logged += [(patient, visit) for visit in sorted(plans[patient]) if seeder.log(patient, visit)]
    # Mistakes are made on ordinary patients, so the story charts stay exactly as described above.
    ordinary = [p for p in patients if p not in story_patients]
    return len(logged) + seeder.void_some(ordinary, [(p, v) for p, v in logged if p in ordinary])
