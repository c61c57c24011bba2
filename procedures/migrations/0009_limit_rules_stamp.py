"""Triggers that renew the limit rules' stamp on any write to the tables the engine's rule sets are read from
(`procedures.limits.load_rule_sets`, kept between requests by `clinic.reference`)."""

from django.db import migrations

from clinic import reference

STAMP = "limit rules"
TABLES = ("procedures_ruleset", "procedures_limitrule", "procedures_ruleset_payers", "patients_payer")


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_reference_stamps"),
        ("procedures", "0008_dashboard_indexes"),
    ]

    operations = [reference.StampTriggers(STAMP, TABLES)]
