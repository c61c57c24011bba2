"""Give administrators the import's permissions (clinic.roles.ROLE_PERMISSIONS)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from clinic.roles import sync_roles


def sync(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_procedure_log_import"),
        ("clinic", "0006_password_resets"),
        ("outcomes", "0012_follow_up_versions"),
        ("procedures", "0011_versions_and_form_tokens"),
        ("scheduling", "0008_no_overlap_declared"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
