"""A rule set's effective-from date and the date of its source."""

import django.utils.timezone
from django.db import migrations, models

from clinic.triggers import KeepingSQLiteTriggers


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0011_versions_and_form_tokens"),
    ]

    operations = [
        KeepingSQLiteTriggers(
            [
                migrations.AddField(
                    model_name="historicalruleset",
                    name="effective_from",
                    field=models.DateField(
                        default=django.utils.timezone.localdate, help_text="The day this set took effect in the clinic."
                    ),
                ),
                migrations.AddField(
                    model_name="historicalruleset",
                    name="source_date",
                    field=models.DateField(
                        default=django.utils.timezone.localdate,
                        help_text="The day its limits were last checked against their sources; check again when one is revised.",
                    ),
                ),
                migrations.AddField(
                    model_name="ruleset",
                    name="effective_from",
                    field=models.DateField(
                        default=django.utils.timezone.localdate, help_text="The day this set took effect in the clinic."
                    ),
                ),
                migrations.AddField(
                    model_name="ruleset",
                    name="source_date",
                    field=models.DateField(
                        default=django.utils.timezone.localdate,
                        help_text="The day its limits were last checked against their sources; check again when one is revised.",
                    ),
                ),
            ]
        ),
    ]
