"""The repeat-RFA rule's second half (domain.md §4): diagnostic blocks are redone when the last RFA was more than
two years ago. It renews the shipped RFA candidacy rule rather than adding a second one, so the chart keeps one
"RFA candidate" line that says which blocks count. Safe to re-run, and an administrator's own values are kept:
only a rule still as shipped is changed."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

CODE = "rfa-candidacy"
SHIPPED_NAME = "RFA candidacy: two positive medial branch blocks"
SHIPPED_SOURCE = "LCD L38803 family: two diagnostic MBBs, each ≥ 80% relief, ≥ 2 weeks apart"
NAME = "RFA candidacy: two positive medial branch blocks, redone when the last RFA is over two years old"
SOURCE = (
    "LCD L38803 family: two diagnostic MBBs, each ≥ 80% relief, ≥ 2 weeks apart; "
    "redo the diagnostic blocks if the last RFA was more than 2 years ago"
)
MONTHS = 24


def renew(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rule = apps.get_model("outcomes", "OutcomeRule")
    rule.objects.filter(code=CODE, renew_after_months=0, source=SHIPPED_SOURCE).update(
        renew_after_months=MONTHS, source=SOURCE
    )
    rule.objects.filter(code=CODE, name=SHIPPED_NAME).update(name=NAME)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0016_outcome_rules_renew_after_months")]

    operations = [migrations.RunPython(renew, migrations.RunPython.noop)]
