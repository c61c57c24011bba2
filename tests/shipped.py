"""What the data migrations ship (roles, catalog, rules), put back after a transactional test's flush."""

from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython

PROJECT_APPS = {"clinic", "patients", "procedures", "scheduling", "outcomes", "authorizations", "implants"}


def replay_data_migrations() -> None:
    """Data migrations are written to be safe to re-run, so replaying them, in migration order, restores exactly the
    shipped data."""
    graph = MigrationLoader(connection).graph
    # Each plan lists dependencies first, so their union keeps every migration after those it needs.
    plan = list(dict.fromkeys(key for leaf in graph.leaf_nodes() for key in graph.forwards_plan(leaf)))
    for key in plan:
        if key[0] in PROJECT_APPS:
            for operation in graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    # Our data migrations use only apps.get_model: the live registry, no schema editor.
                    operation.code(apps, None)  # type: ignore[arg-type]
