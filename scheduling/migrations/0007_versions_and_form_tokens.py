"""A visit's version (refusing a move made from a stale form); the booking and waitlist forms' one-time tokens."""

from django.conf import settings
from django.db import migrations, models

from clinic.triggers import KeepingSQLiteTriggers


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0005_versions_and_form_tokens"),
        ("procedures", "0011_versions_and_form_tokens"),
        ("scheduling", "0006_chart_stamps"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        KeepingSQLiteTriggers(
            [
                migrations.AddField(
                    model_name="appointment",
                    name="form_token",
                    field=models.UUIDField(
                        blank=True, editable=False, help_text="The create form's one-time token.", null=True
                    ),
                ),
                migrations.AddField(
                    model_name="appointment",
                    name="version",
                    field=models.PositiveIntegerField(
                        default=1, editable=False, help_text="One more on every saved change."
                    ),
                ),
                migrations.AddField(
                    model_name="historicalappointment",
                    name="form_token",
                    field=models.UUIDField(
                        blank=True, editable=False, help_text="The create form's one-time token.", null=True
                    ),
                ),
                migrations.AddField(
                    model_name="historicalappointment",
                    name="version",
                    field=models.PositiveIntegerField(
                        default=1, editable=False, help_text="One more on every saved change."
                    ),
                ),
                migrations.AddField(
                    model_name="historicalwaitlistentry",
                    name="form_token",
                    field=models.UUIDField(
                        blank=True, editable=False, help_text="The create form's one-time token.", null=True
                    ),
                ),
                migrations.AddField(
                    model_name="waitlistentry",
                    name="form_token",
                    field=models.UUIDField(
                        blank=True, editable=False, help_text="The create form's one-time token.", null=True
                    ),
                ),
                migrations.AddConstraint(
                    model_name="appointment",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("form_token__isnull", False)),
                        fields=("form_token",),
                        name="appointment_form_token_unique",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="waitlistentry",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("form_token__isnull", False)),
                        fields=("form_token",),
                        name="waitlist_form_token_unique",
                    ),
                ),
            ]
        ),
    ]
