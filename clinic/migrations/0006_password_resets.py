"""Password resets, and staff administration as a permission of its own (clinic.roles.ROLE_PERMISSIONS)."""

import django.db.models.deletion
import django.utils.timezone
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from clinic.roles import sync_roles


def update_roles(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0005_staff_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PasswordReset",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reset_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "changed_at",
                    models.DateTimeField(blank=True, help_text="When the user chose their own password.", null=True),
                ),
                (
                    "reset_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="password_resets",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "permissions": [
                    ("administer_staff", "Can administer staff accounts: roles, access and password resets")
                ],
                "default_permissions": (),
            },
        ),
        migrations.RunPython(update_roles, migrations.RunPython.noop),
    ]
