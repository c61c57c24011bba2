"""Ship the procedure and drug catalog (domain.md §1, §3, §6). Safe to re-run: rows are keyed by code/name."""

from decimal import Decimal

from django.db import migrations

# code, name, family, approach, default intent, CPT, spinal level required
PROCEDURE_TYPES = [
    (
        "esi-interlaminar",
        "Interlaminar ESI",
        "esi",
        "interlaminar",
        "therapeutic",
        "62320/62321 (C/T), 62322/62323 (L/S)",
        True,
    ),
    (
        "esi-transforaminal",
        "Transforaminal ESI",
        "esi",
        "transforaminal",
        "therapeutic",
        "64479, +64480 (C/T); 64483, +64484 (L/S)",
        True,
    ),
    ("esi-caudal", "Caudal ESI", "esi", "caudal", "therapeutic", "62322/62323", True),
    (
        "snrb",
        "Selective nerve root block",
        "snrb",
        "transforaminal",
        "diagnostic",
        "64479, +64480 (C/T); 64483, +64484 (L/S)",
        True,
    ),
    (
        "facet-ia",
        "Facet joint injection (intra-articular)",
        "facet",
        "intra_articular",
        "therapeutic",
        "64490, +64491, +64492 (C/T); 64493, +64494, +64495 (L/S)",
        True,
    ),
    (
        "mbb",
        "Medial branch block",
        "mbb",
        "medial_branch",
        "diagnostic",
        "64490, +64491, +64492 (C/T); 64493, +64494, +64495 (L/S)",
        True,
    ),
    (
        "rfa-facet",
        "Radiofrequency ablation, medial branch (facet)",
        "rfa",
        "medial_branch",
        "therapeutic",
        "64633, +64634 (C/T); 64635, +64636 (L/S)",
        True,
    ),
    ("si-injection", "Sacroiliac joint injection", "si_joint", "intra_articular", "therapeutic", "27096", False),
    ("si-block", "Sacroiliac lateral branch block", "si_joint", "lateral_branch", "diagnostic", "64451", False),
    ("si-rfa", "Sacroiliac lateral branch RFA", "si_joint", "lateral_branch", "therapeutic", "64625", False),
    ("tpi", "Trigger point injections", "tpi", "", "therapeutic", "20552 (1–2 muscles), 20553 (3 or more)", False),
    (
        "joint-major",
        "Major joint injection",
        "joint",
        "intra_articular",
        "therapeutic",
        "20610 / 20611 (with ultrasound)",
        False,
    ),
    ("genicular-block", "Genicular nerve block", "peripheral_nerve", "", "diagnostic", "64454", False),
    ("genicular-rfa", "Genicular nerve RFA", "peripheral_nerve", "", "therapeutic", "64624", False),
    ("occipital-block", "Occipital nerve block", "peripheral_nerve", "", "therapeutic", "64405", False),
    ("stellate-block", "Stellate ganglion block", "peripheral_nerve", "", "therapeutic", "64510", False),
    ("cryo", "Cryoneurolysis", "cryo", "percutaneous", "therapeutic", "64640", False),
    ("scs-trial", "Spinal cord stimulator trial", "scs", "percutaneous", "diagnostic", "63650", True),
    (
        "scs-implant",
        "Spinal cord stimulator implant",
        "scs",
        "percutaneous",
        "therapeutic",
        "63650 / 63655, 63685",
        True,
    ),
    ("pump-implant", "Intrathecal pump implant", "pump", "", "therapeutic", "62350, 62362", False),
    ("pump-refill", "Intrathecal pump analysis / refill", "pump", "", "therapeutic", "62367–62369", False),
    ("idet", "Intradiscal therapy (IDET)", "intradiscal", "percutaneous", "therapeutic", "22526", True),
    ("discectomy", "Percutaneous discectomy", "discectomy", "percutaneous", "therapeutic", "62287", True),
    ("hydrodissection", "Nerve hydrodissection", "hydrodissection", "", "therapeutic", "64999", False),
]

STEROID_SOURCE = "FDA prednisolone label ratio; standard equivalence tables (domain.md §3)"
CEILING_SOURCE = "LCD checklist digest: dose ceiling per ESI session"
# name, class, MPE factor, plausible ceiling (mg), particulate, source
DRUGS = [
    ("Methylprednisolone acetate", "corticosteroid", "1.0", "120", True, STEROID_SOURCE),
    ("Triamcinolone acetonide", "corticosteroid", "1.0", "80", True, f"{STEROID_SOURCE}; {CEILING_SOURCE}"),
    ("Dexamethasone sodium phosphate", "corticosteroid", "5.33", "15", False, f"{STEROID_SOURCE}; {CEILING_SOURCE}"),
    (
        "Betamethasone sodium phosphate / acetate",
        "corticosteroid",
        "5.33",
        "12",
        True,
        f"{STEROID_SOURCE} (ASIPP Table 15: 0.6 mg, factor 6.67); {CEILING_SOURCE}",
    ),
    ("Prednisolone", "corticosteroid", "0.8", "80", False, STEROID_SOURCE),
    ("Hydrocortisone", "corticosteroid", "0.2", "200", False, STEROID_SOURCE),
    ("Lidocaine", "local_anaesthetic", None, "300", False, "Maximum dose without epinephrine 4.5 mg/kg, 300 mg"),
    ("Bupivacaine", "local_anaesthetic", None, "175", False, "Maximum single dose 175 mg without epinephrine"),
    ("Ropivacaine", "local_anaesthetic", None, "225", False, "Maximum single dose ~225 mg"),
    ("Iohexol (Omnipaque 240)", "contrast", None, None, False, ""),
    ("Iopamidol (Isovue-M 200)", "contrast", None, None, False, ""),
    ("Gadolinium (gadobutrol)", "contrast", None, None, False, "For patients with iodinated contrast allergy"),
    ("Normal saline", "other", None, None, False, ""),
    ("Clonidine", "other", None, "1", False, ""),
]


def ship_catalog(apps, schema_editor):
    procedure_type = apps.get_model("procedures", "ProcedureType")
    drug = apps.get_model("procedures", "Drug")
    for code, name, family, approach, intent, cpt, spinal in PROCEDURE_TYPES:
        procedure_type.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "family": family,
                "approach": approach,
                "default_intent": intent,
                "cpt_codes": cpt,
                "spinal_level_required": spinal,
            },
        )
    for name, drug_class, factor, ceiling, particulate, source in DRUGS:
        drug.objects.update_or_create(
            name=name,
            defaults={
                "drug_class": drug_class,
                "mpe_factor": Decimal(factor) if factor else None,
                "max_dose_mg": Decimal(ceiling) if ceiling else None,
                "particulate": particulate,
                "source": source,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]

    operations = [migrations.RunPython(ship_catalog, migrations.RunPython.noop)]
