"""The read-access log (`clinic.access`), and administrators' permission to read it."""

import django.db.models.deletion
import django.utils.timezone
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from clinic.roles import sync_roles


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0003_staff_names_stamp"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The roles are synced whole: every app whose permissions the matrix names must be there first.
        ("outcomes", "0003_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccessLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("ip", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address")),
                ("user_agent", models.CharField(blank=True, max_length=300)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("chart", "Chart"),
                            ("history", "Chart history"),
                            ("procedure", "Procedure"),
                            ("follow_up", "Follow-up"),
                            ("export", "CSV export"),
                        ],
                        max_length=12,
                    ),
                ),
                ("patient_id", models.BigIntegerField(blank=True, null=True)),
                ("object_id", models.BigIntegerField(blank=True, null=True)),
                ("path", models.CharField(max_length=500)),
                (
                    "user",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "access log entry",
                "verbose_name_plural": "access log",
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["patient_id", "at"], name="access_log_patient_idx"),
                    models.Index(fields=["user", "at"], name="access_log_user_idx"),
                    models.Index(fields=["at"], name="access_log_at_idx"),
                ],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
