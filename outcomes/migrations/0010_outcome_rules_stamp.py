"""Triggers that renew the outcome rules' stamp on any write to their table (`outcomes.responses.engine_rules`,
kept between requests by `clinic.reference`)."""

from django.db import migrations

from clinic import reference

STAMP = "outcome rules"
TABLES = ("outcomes_outcomerule",)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_reference_stamps"),
        ("outcomes", "0009_cancel_calls_of_voided_procedures"),
    ]

    operations = [reference.StampTriggers(STAMP, TABLES)]
