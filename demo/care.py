"""What the scale clinic does: each kind of procedure as it is booked and logged, and the episodes of care
that string them together.

The demo clinic's vocabulary (procedures.demo) is the base: its doses, diagnoses and notes. This adds the
families the demo leaves out (caudal and cervical ESIs, nerve root blocks, cervical facets, SI blocks and
ablation, hip and shoulder joints, occipital and stellate blocks, cryoneurolysis, SCS implants, intrathecal
pumps, intradiscal therapy, discectomy and hydrodissection), so every family appears in proportion.

Levels and sides are valid for the family: an interlaminar or caudal ESI is one level at the midline, a
transforaminal ESI one or two levels, a medial branch block the two levels of one facet joint, and named-site
procedures (sacroiliac joint, knee, trigger points, nerves) carry no spinal level.
"""

from dataclasses import dataclass, replace

from procedures.demo import CONTRAST, DEFAULT_NOTE, DIAGNOSES, DOSES, NO_CONTRAST_REASON, NOTES

# (drug as named in the shipped catalog, mg, mL): the demo's doses plus the ones the added families use.
ALL_DOSES: dict[str, tuple[str, str, str]] = {
    **DOSES,
    "beta6": ("Betamethasone sodium phosphate / acetate", "6", "1.0"),
    "dex4-ml": ("Dexamethasone sodium phosphate", "4", "1.0"),
    "ropi-02": ("Ropivacaine", "10", "5.0"),
    "lido-local": ("Lidocaine", "20", "2.0"),
}
CONTRAST_AGENT = CONTRAST


@dataclass(frozen=True)
class Kind:
    """One kind of procedure: the catalog type it is logged as, and how the clinic usually does it.

    Text fields hold space-separated choices; a repeated word weighs more. In `places`, "+" joins the levels
    of one session and "_" stands for a space in a named site.
    """

    type_code: str
    minutes: int
    places: str
    sides: str
    steroids: str  # dose keys, "-" for none
    anaesthetics: str
    guidance: str
    fluoro_s: tuple[int, int]
    contrast: bool
    sedation: str
    diagnoses: tuple[str, ...]
    reason: str
    note: str = DEFAULT_NOTE
    no_contrast_reason: str = ""


# Cervical facets are blocked and ablated as the lumbar ones are, at other levels and for other diagnoses: the
# cervical kinds below are these with only what differs.
LUMBAR_MBB = Kind(
    "mbb",
    15,
    "L3-L4+L4-L5 L4-L5+L5-S1 L4-L5+L5-S1",
    "bilateral bilateral left right",
    "-",
    "bupi-05",
    "fluoroscopy",
    (30, 90),
    True,
    "local",
    DIAGNOSES["mbb"],
    "Axial low back pain: diagnostic medial branch block",
    NOTES["mbb"],
)
LUMBAR_RFA = Kind(
    "rfa-facet",
    30,
    "L3-L4+L4-L5 L4-L5+L5-S1",
    "bilateral right left",
    "-",
    "lido-2",
    "fluoroscopy",
    (45, 90),
    False,
    "local minimal minimal",
    DIAGNOSES["rfa"],
    "Facet RFA after two positive blocks",
    NOTES["rfa"],
    NO_CONTRAST_REASON["rfa"],
)

KINDS: dict[str, Kind] = {
    "tfesi": Kind(
        "esi-transforaminal",
        15,
        "L4-L5 L5-S1 L5-S1 L4-L5+L5-S1 L3-L4+L4-L5 L3-L4",
        "left right left right bilateral",
        "dex10 dex10 dex10 dex4",
        "lido-1 bupi-025",
        "fluoroscopy",
        (15, 60),
        True,
        "local local local minimal",
        DIAGNOSES["tfesi"],
        "Lumbar radiculopathy",
    ),
    "ilesi": Kind(
        "esi-interlaminar",
        15,
        "L5-S1 L5-S1 L4-L5 L3-L4",
        "midline",
        "dex10 tri40 tri80 mp40 mp80 beta6",
        "lido-1 bupi-025",
        "fluoroscopy",
        (10, 45),
        True,
        "local local local minimal",
        DIAGNOSES["ilesi"],
        "Lumbar spinal stenosis with neurogenic claudication",
    ),
    "cesi": Kind(
        "esi-interlaminar",
        15,
        "C7-T1 C7-T1 C6-C7 C5-C6",
        "midline",
        "dex10 tri40 mp40",
        "lido-1",
        "fluoroscopy",
        (15, 60),
        True,
        "local local minimal",
        DIAGNOSES["cesi"],
        "Cervical radiculopathy",
    ),
    "caudal": Kind(
        "esi-caudal",
        15,
        "L5-S1",
        "midline",
        "tri80 mp80 dex10",
        "lido-1",
        "fluoroscopy",
        (10, 40),
        True,
        "local local minimal",
        ("M96.1", "M96.1, M54.16", "M48.062"),
        "Post-laminectomy syndrome with leg pain",
        "Caudal approach through the sacral hiatus; epidurogram showed spread to L5-S1.",
    ),
    "snrb": Kind(
        "snrb",
        15,
        "L4-L5 L5-S1 L5-S1 L3-L4",
        "left right",
        "- - dex4",
        "bupi-05",
        "fluoroscopy",
        (15, 45),
        True,
        "local",
        ("M54.16", "M54.17", "M51.16"),
        "Diagnostic nerve root block before surgical referral",
        "Concordant radicular pain reproduced; relief to be recorded over the next 6 hours.",
    ),
    "mbb": LUMBAR_MBB,
    "cmbb": replace(
        LUMBAR_MBB,
        places="C3-C4+C4-C5 C4-C5+C5-C6 C5-C6+C6-C7",
        sides="bilateral left right",
        diagnoses=("M47.812", "M47.812, M54.2"),
        reason="Axial neck pain: diagnostic medial branch block",
    ),
    "rfa": LUMBAR_RFA,
    "crfa": replace(
        LUMBAR_RFA,
        places="C3-C4+C4-C5 C4-C5+C5-C6",
        sides="right left",
        sedation="local minimal",
        diagnoses=("M47.812",),
        reason="Cervical facet RFA after two positive blocks",
    ),
    "facet": Kind(
        "facet-ia",
        15,
        "L4-L5 L5-S1 L4-L5+L5-S1",
        "bilateral left right",
        "tri40 mp40",
        "bupi-025",
        "fluoroscopy",
        (20, 60),
        True,
        "local local minimal",
        DIAGNOSES["facet"],
        "Lumbar facet arthropathy",
    ),
    "si": Kind(
        "si-injection",
        15,
        "sacroiliac_joint",
        "left right left right bilateral",
        "tri40 tri40 mp40",
        "bupi-025",
        "fluoroscopy",
        (10, 40),
        True,
        "local",
        DIAGNOSES["si"],
        "Sacroiliac joint pain",
    ),
    "siblock": Kind(
        "si-block",
        15,
        "sacroiliac_joint",
        "left right",
        "-",
        "bupi-05",
        "fluoroscopy",
        (20, 50),
        False,
        "local",
        ("M46.1",),
        "Lateral branch block before SI ablation",
        "Lateral branches S1-S3 blocked; relief to be recorded over the next 6 hours.",
        "Lateral branch block: needle position confirmed on fluoroscopy",
    ),
    "sirfa": Kind(
        "si-rfa",
        30,
        "sacroiliac_joint",
        "left right",
        "-",
        "lido-2",
        "fluoroscopy",
        (45, 90),
        False,
        "local minimal",
        ("M46.1",),
        "SI lateral branch RFA after a positive block",
        "Lateral branches S1-S3 lesioned at 80 °C for 90 s after sensory testing.",
        "Placement confirmed by sensory stimulation",
    ),
    "tpi": Kind(
        "tpi",
        15,
        "trigger_points",
        "bilateral left right midline",
        "- - tri20",
        "lido-tpi",
        "none none ultrasound",
        (0, 0),
        False,
        "local",
        DIAGNOSES["tpi"],
        "Myofascial pain",
        NOTES["tpi"],
    ),
    "knee": Kind(
        "joint-major",
        15,
        "knee",
        "left right",
        "tri40",
        "bupi-joint",
        "ultrasound ultrasound none",
        (0, 0),
        False,
        "local",
        ("{knee}",),
        "Knee osteoarthritis",
    ),
    "hip": Kind(
        "joint-major",
        15,
        "hip",
        "left right",
        "tri40 mp40",
        "bupi-joint",
        "ultrasound fluoroscopy",
        (10, 30),
        False,
        "local",
        ("M16.11", "M16.12", "M70.61"),
        "Hip osteoarthritis",
        DEFAULT_NOTE,
        "Ultrasound-confirmed spread; contrast not needed",
    ),
    "shoulder": Kind(
        "joint-major",
        15,
        "shoulder",
        "left right",
        "tri40",
        "bupi-joint",
        "ultrasound",
        (0, 0),
        False,
        "local",
        ("M75.41", "M75.42", "M19.011"),
        "Shoulder pain",
    ),
    "genicular": Kind(
        "genicular-block",
        15,
        "genicular_nerves",
        "left right",
        "- tri40",
        "bupi-05",
        "ultrasound fluoroscopy",
        (15, 40),
        False,
        "local",
        ("{knee}",),
        "Knee pain: diagnostic genicular nerve block",
        NOTES["genicular"],
        "Landmark and ultrasound guidance",
    ),
    "genrfa": Kind(
        "genicular-rfa",
        30,
        "genicular_nerves",
        "left right",
        "-",
        "lido-2",
        "fluoroscopy",
        (30, 70),
        False,
        "local minimal",
        ("{knee}",),
        "Genicular RFA after a positive block",
        "Superomedial, superolateral and inferomedial genicular nerves lesioned at 80 °C for 90 s.",
        "Placement confirmed by sensory and motor stimulation",
    ),
    "occipital": Kind(
        "occipital-block",
        15,
        "greater_occipital_nerve",
        "bilateral left right",
        "tri40 - dex4-ml",
        "bupi-05",
        "none ultrasound",
        (0, 0),
        False,
        "local",
        ("M54.81", "G44.209"),
        "Occipital neuralgia",
    ),
    "stellate": Kind(
        "stellate-block",
        15,
        "stellate_ganglion",
        "left right",
        "-",
        "ropi-02",
        "ultrasound",
        (0, 0),
        False,
        "local",
        ("G90.511", "G90.512"),
        "Complex regional pain syndrome of the upper limb",
    ),
    "cryo": Kind(
        "cryo",
        30,
        "genicular_nerves",
        "left right",
        "-",
        "lido-1",
        "ultrasound",
        (0, 0),
        False,
        "local",
        ("{knee}",),
        "Cryoneurolysis for knee pain",
        "Three cryolesions per nerve under ultrasound. Follow-up in 2 weeks.",
    ),
    "scstrial": Kind(
        "scs-trial",
        45,
        "T8-T9 T9-T10",
        "midline",
        "-",
        "lido-scs",
        "fluoroscopy",
        (60, 120),
        False,
        "moderate",
        DIAGNOSES["scs"],
        "Spinal cord stimulator trial",
        NOTES["scs"],
        NO_CONTRAST_REASON["scs"],
    ),
    "scsimplant": Kind(
        "scs-implant",
        60,
        "T8-T9",
        "midline",
        "-",
        "lido-scs",
        "fluoroscopy",
        (60, 150),
        False,
        "moderate deep",
        DIAGNOSES["scs"],
        "Spinal cord stimulator implant after a successful trial",
        "Permanent leads at T8 and generator in the right flank. Wound check in 10 days.",
        NO_CONTRAST_REASON["scs"],
    ),
    "pumpimplant": Kind(
        "pump-implant",
        60,
        "other",
        "midline",
        "-",
        "lido-scs",
        "fluoroscopy",
        (30, 90),
        False,
        "deep",
        ("G89.4", "M96.1, G89.4"),
        "Intrathecal pump implant",
        "Catheter tip at T10; pump in the left lower abdomen. Reservoir filled; refill due in 6 weeks.",
        "Catheter position confirmed on fluoroscopy",
    ),
    "pumprefill": Kind(
        "pump-refill",
        15,
        "other",
        "midline",
        "-",
        "lido-local",
        "none none ultrasound",
        (0, 0),
        False,
        "local",
        ("G89.4", "Z45.49"),
        "Intrathecal pump refill",
        "Reservoir refilled and interrogated; alarm date reset. Next refill in 6–8 weeks.",
    ),
    "idet": Kind(
        "idet",
        30,
        "L4-L5 L5-S1",
        "midline",
        "-",
        "lido-1",
        "fluoroscopy",
        (60, 150),
        True,
        "minimal moderate",
        ("M51.36", "M51.37"),
        "Discogenic low back pain",
        "Catheter placed along the posterior annulus and heated per protocol.",
    ),
    "discectomy": Kind(
        "discectomy",
        30,
        "L4-L5 L5-S1",
        "left right",
        "- dex4",
        "lido-1",
        "fluoroscopy",
        (60, 150),
        True,
        "moderate",
        ("M51.16", "M51.17"),
        "Contained disc herniation with radiculopathy",
    ),
    "hydro": Kind(
        "hydrodissection",
        15,
        "peripheral_nerve",
        "left right",
        "- dex4",
        "lido-1",
        "ultrasound",
        (0, 0),
        False,
        "local",
        ("G56.01", "G56.02", "G57.31"),
        "Peripheral nerve entrapment",
    ),
}
# Peak relief needed before the next step happens: a repeat needs a response (≥ 50%, the LCD's repeat rule),
# an ablation two ≥ 80% medial branch blocks, an SI ablation a ≥ 75% block, an SCS implant a ≥ 50% trial.
RESPONSE = 50
BLOCK_POSITIVE = 80
SI_BLOCK_POSITIVE = 75


@dataclass(frozen=True)
class Step:
    kind: str  # a key of KINDS, or "same" for the previous step's kind and sites
    after_days: tuple[int, int]
    chance: float
    needs_relief: int = 0  # the previous step's peak relief (%) needed to go on
    repeats: bool = False  # do this step again (after the same gap) while the chance holds


def _steps(*steps: Step) -> tuple[Step, ...]:
    return steps


def _series(kind: str, gap: tuple[int, int], *chances: float) -> tuple[Step, ...]:
    """A first injection, then repeats for responders."""
    return (Step(kind, (0, 0), 1.0), *(Step("same", gap, chance, RESPONSE) for chance in chances))


# Episodes of care: (weight, steps). Weights are per episode; the proportions of procedures follow from them
# and the steps' chances: ESIs first, then facet and medial branch blocks, ablations, SI joints, trigger points.
EPISODES: dict[str, tuple[float, tuple[Step, ...]]] = {
    "lumbar-tf": (21, _series("tfesi", (42, 120), 0.65, 0.45, 0.3)),
    "lumbar-il": (12, _series("ilesi", (60, 150), 0.6, 0.4)),
    "caudal": (3, _series("caudal", (60, 150), 0.5)),
    "cervical": (6, _series("cesi", (60, 150), 0.55, 0.35)),
    "root-block": (
        3,
        _steps(Step("snrb", (0, 0), 1.0), Step("tfesi", (14, 42), 0.7), Step("same", (60, 120), 0.45, RESPONSE)),
    ),
    "lumbar-rfa": (
        11,
        _steps(
            Step("mbb", (0, 0), 1.0),
            Step("same", (14, 28), 0.95, BLOCK_POSITIVE),
            Step("rfa", (14, 42), 0.95, BLOCK_POSITIVE),
            Step("same", (200, 420), 0.5, RESPONSE, repeats=True),
        ),
    ),
    "cervical-rfa": (
        3,
        _steps(
            Step("cmbb", (0, 0), 1.0),
            Step("same", (14, 28), 0.95, BLOCK_POSITIVE),
            Step("crfa", (14, 42), 0.9, BLOCK_POSITIVE),
            Step("same", (200, 420), 0.45, RESPONSE, repeats=True),
        ),
    ),
    "facet": (5, _series("facet", (90, 150), 0.55, 0.4)),
    "si": (8, _series("si", (90, 180), 0.55, 0.4)),
    "si-rfa": (
        2,
        _steps(Step("siblock", (0, 0), 1.0), Step("sirfa", (14, 42), 0.85, SI_BLOCK_POSITIVE)),
    ),
    "myofascial": (9, _series("tpi", (42, 90), 0.6, 0.45)),
    "knee": (5, _series("knee", (90, 150), 0.6, 0.45)),
    "hip": (2.5, _series("hip", (90, 150), 0.5)),
    "shoulder": (2, _series("shoulder", (90, 150), 0.4)),
    "genicular": (
        3,
        _steps(Step("genicular", (0, 0), 1.0), Step("genrfa", (14, 42), 0.7, RESPONSE)),
    ),
    "occipital": (3.5, _series("occipital", (60, 120), 0.6, 0.45)),
    "stellate": (1, _series("stellate", (7, 21), 0.6, 0.5)),
    "cryo": (1.2, _series("cryo", (120, 240), 0.4)),
    "scs": (1.2, _steps(Step("scstrial", (0, 0), 1.0), Step("scsimplant", (30, 60), 0.7, RESPONSE))),
    "idet": (0.5, _steps(Step("idet", (0, 0), 1.0))),
    "discectomy": (0.4, _steps(Step("discectomy", (0, 0), 1.0))),
    "hydro": (1.2, _series("hydro", (42, 120), 0.4)),
}
# A few patients live with an intrathecal pump: an implant, then a refill every six to ten weeks for years.
# They are the charts with the longest histories.
PUMP = _steps(Step("pumpimplant", (0, 0), 1.0), Step("pumprefill", (42, 70), 0.985, repeats=True))
PUMP_SHARE = 0.003
