"""Date the shipped rule sets: the day Pinpoint first shipped their limits (procedures migration 0003), as read
then from the sources domain.md §2 and §3 cite. A clinic that checks a set against a revised source records the
new day in the admin. Safe to re-run: sets are keyed by name, and only the shipped ones are dated here (any other
set got the day its fields were added, migration 0012)."""

import datetime

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SHIPPED_ON = datetime.date(2026, 11, 21)
RULE_SETS = ["Clinic default", "Cumulative steroid caps", "Medicare LCD", "BCBS Florida", "eviCore"]


def date_rule_sets(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rule_set = apps.get_model("procedures", "RuleSet")
    rule_set.objects.filter(name__in=RULE_SETS).update(effective_from=SHIPPED_ON, source_date=SHIPPED_ON)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0012_rule_set_dates")]

    operations = [migrations.RunPython(date_rule_sets, migrations.RunPython.noop)]
