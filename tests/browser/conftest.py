import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython

PROJECT_APPS = {"clinic", "patients", "procedures", "scheduling", "outcomes"}


@pytest.fixture(autouse=True)
def shipped_data(transactional_db: None) -> None:
    """Put back what the data migrations ship (roles, catalog, rules) after a transactional flush.

    Django's serialized rollback cannot be relied on here: Playwright's event loop gives the ORM a
    fresh connection object that may lack the snapshot taken at setup. Data migrations are written to
    be safe to re-run, so replaying them, in migration order, restores exactly the shipped data.
    """
    graph = MigrationLoader(connection).graph
    # Each plan lists dependencies first, so their union keeps every migration after those it needs.
    plan = list(dict.fromkeys(key for leaf in graph.leaf_nodes() for key in graph.forwards_plan(leaf)))
    for key in plan:
        if key[0] in PROJECT_APPS:
            for operation in graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    # Our data migrations use only apps.get_model: the live registry, no schema editor.
                    operation.code(apps, None)  # type: ignore[arg-type]
