"""A patient's version (refusing an edit made from a stale form) and the registration form's one-time token."""

from django.db import migrations, models

from clinic.triggers import KeepingSQLiteTriggers


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0004_chart_stamps"),
    ]

    operations = [
        KeepingSQLiteTriggers(
            [
                migrations.AddField(
                    model_name="historicalpatient",
                    name="form_token",
                    field=models.UUIDField(
                        blank=True, editable=False, help_text="The create form's one-time token.", null=True
                    ),
                ),
                migrations.AddField(
                    model_name="historicalpatient",
                    name="version",
                    field=models.PositiveIntegerField(
                        default=1, editable=False, help_text="One more on every saved change."
                    ),
                ),
                migrations.AddField(
                    model_name="patient",
                    name="form_token",
                    field=models.UUIDField(
                        blank=True, editable=False, help_text="The create form's one-time token.", null=True
                    ),
                ),
                migrations.AddField(
                    model_name="patient",
                    name="version",
                    field=models.PositiveIntegerField(
                        default=1, editable=False, help_text="One more on every saved change."
                    ),
                ),
                migrations.AddConstraint(
                    model_name="patient",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("form_token__isnull", False)),
                        fields=("form_token",),
                        name="patient_form_token_unique",
                    ),
                ),
            ]
        ),
    ]
