"""A procedure's version (refusing a correction made from a stale form) and the entry form's one-time token."""

from django.conf import settings
from django.db import migrations, models

from clinic.triggers import KeepingSQLiteTriggers


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0005_versions_and_form_tokens"),
        ("procedures", "0010_chart_stamps"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        KeepingSQLiteTriggers(
            [
                migrations.AddField(
                    model_name="historicalprocedure",
                    name="form_token",
                    field=models.UUIDField(
                        blank=True, editable=False, help_text="The create form's one-time token.", null=True
                    ),
                ),
                migrations.AddField(
                    model_name="historicalprocedure",
                    name="version",
                    field=models.PositiveIntegerField(
                        default=1, editable=False, help_text="One more on every saved change."
                    ),
                ),
                migrations.AddField(
                    model_name="procedure",
                    name="form_token",
                    field=models.UUIDField(
                        blank=True, editable=False, help_text="The create form's one-time token.", null=True
                    ),
                ),
                migrations.AddField(
                    model_name="procedure",
                    name="version",
                    field=models.PositiveIntegerField(
                        default=1, editable=False, help_text="One more on every saved change."
                    ),
                ),
                migrations.AddConstraint(
                    model_name="procedure",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("form_token__isnull", False)),
                        fields=("form_token",),
                        name="procedure_form_token_unique",
                    ),
                ),
            ]
        ),
    ]
