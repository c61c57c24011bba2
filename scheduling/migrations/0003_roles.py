"""Give the roles their scheduling permissions (clinic.roles.ROLE_PERMISSIONS)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from clinic.roles import sync_roles


def sync(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0002_no_double_booking"), ("procedures", "0004_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
