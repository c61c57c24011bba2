"""Give the roles their outcomes permissions (clinic.roles.ROLE_PERMISSIONS)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from clinic.roles import sync_roles


def sync(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0002_defaults"), ("scheduling", "0003_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
