"""A follow-up's version: a call recorded from a stale form is refused with what changed."""

from django.db import migrations, models

from clinic.triggers import KeepingSQLiteTriggers


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0011_chart_stamps"),
    ]

    operations = [
        KeepingSQLiteTriggers(
            [
                migrations.AddField(
                    model_name="followup",
                    name="version",
                    field=models.PositiveIntegerField(
                        default=1, editable=False, help_text="One more on every saved change."
                    ),
                ),
                migrations.AddField(
                    model_name="historicalfollowup",
                    name="version",
                    field=models.PositiveIntegerField(
                        default=1, editable=False, help_text="One more on every saved change."
                    ),
                ),
            ]
        ),
    ]
