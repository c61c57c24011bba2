"""Ship the follow-up schedule (domain.md §5) and the outcome-linked rules (§4). Safe to re-run."""

from django.db import migrations

FAMILIES = [
    "esi",
    "snrb",
    "facet",
    "mbb",
    "rfa",
    "si_joint",
    "tpi",
    "joint",
    "peripheral_nerve",
    "cryo",
    "scs",
    "pump",
    "intradiscal",
    "discectomy",
    "hydrodissection",
]
SCHEDULE = "Default follow-up points, domain.md §5 (IMMPACT; LCD documentation of response)"
DIAGNOSTIC = "Diagnostic blocks: the relief over the anaesthetic's duration (domain.md §5)"

# family, intent, label, days, hours, source
INTERVALS = [
    *[
        (family, "therapeutic", label, days, 0, SCHEDULE)
        for family in FAMILIES
        for label, days in (
            ("2 weeks", 14),
            ("6 weeks", 42),
            ("3 months", 91),
        )
    ],
    *[
        (family, "therapeutic", label, days, 0, SCHEDULE)
        for family in ("rfa", "scs")
        for label, days in (
            ("6 months", 182),
            ("12 months", 365),
        )
    ],
    *[(family, "diagnostic", "Anaesthetic window", 0, 6, DIAGNOSTIC) for family in FAMILIES if family != "scs"],
    ("scs", "diagnostic", "End of trial", 7, 0, "SCS trial outcome decides the implant (BCBS FL MP-328)"),
]

# code, name, kind, target, evidence family, evidence intent, relief %, days, count, gap, source
RULES = [
    (
        "repeat-esi",
        "Repeat ESI needs a documented response",
        "repeat",
        "esi",
        "esi",
        "",
        50,
        90,
        1,
        0,
        "LCD ESI: ≥ 50% improvement sustained ≥ 3 months (eviCore accepts ≥ 2 weeks)",
    ),
    (
        "rfa-candidacy",
        "RFA candidacy: two positive medial branch blocks",
        "candidacy",
        "rfa",
        "mbb",
        "diagnostic",
        80,
        0,
        2,
        14,
        "LCD L38803 family: two diagnostic MBBs, each ≥ 80% relief, ≥ 2 weeks apart",
    ),
    (
        "repeat-rfa",
        "Repeat RFA needs a lasting response",
        "repeat",
        "rfa",
        "rfa",
        "",
        50,
        182,
        1,
        0,
        "LCD L38803 family: ≥ 50% relief for ≥ 6 months",
    ),
    (
        "si-diagnostic",
        "SI diagnostic block positive",
        "diagnostic",
        "si_joint",
        "si_joint",
        "diagnostic",
        75,
        0,
        1,
        0,
        "LCD L39462: SI diagnostic block positive at ≥ 75% relief",
    ),
    (
        "repeat-tpi",
        "Repeat trigger point injections need a response",
        "repeat",
        "tpi",
        "tpi",
        "",
        50,
        42,
        1,
        0,
        "LCD L34211: ≥ 50% relief for ≥ 6 weeks",
    ),
    (
        "scs-implant",
        "SCS implant needs a successful trial",
        "candidacy",
        "scs",
        "scs",
        "diagnostic",
        50,
        0,
        1,
        0,
        "BCBS FL MP-328: trial with ≥ 50% relief",
    ),
]


def ship(apps, schema_editor):
    interval = apps.get_model("outcomes", "FollowUpInterval")
    rule = apps.get_model("outcomes", "OutcomeRule")
    for family, intent, label, days, hours, source in INTERVALS:
        interval.objects.update_or_create(
            family=family,
            intent=intent,
            label=label,
            defaults={"offset_days": days, "offset_hours": hours, "source": source},
        )
    for code, name, kind, target, evidence, intent, relief, days, count, gap, source in RULES:
        rule.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "target_family": target,
                "evidence_family": evidence,
                "evidence_intent": intent,
                "min_relief_pct": relief,
                "min_days": days,
                "min_count": count,
                "min_gap_days": gap,
                "source": source,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
