"""Give the roles the check-in tablet's permissions (clinic.roles.ROLE_PERMISSIONS)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from clinic.roles import sync_roles


def sync(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0014_follow_up_links_and_visit_baselines")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
