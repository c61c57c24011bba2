"""A migration operation for the triggers the chart and reference stamps rely on (`patients.chart_stamp`,
`clinic.reference`)."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db.migrations.operations.base import Operation


class KeepingSQLiteTriggers(Operation):
    """Run `operations` with SQLite's triggers set aside, then put them back as they were.

    SQLite adds a NOT NULL column by rebuilding the table: the rebuilt table loses its own triggers, and a
    trigger on another table that reads it stops the rebuild ("no such table"). PostgreSQL alters in place:
    there the operations simply run.
    """

    reversible = True

    def __init__(self, operations: Sequence[Operation]) -> None:
        self.operations = list(operations)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__qualname__, [self.operations], {}

    def state_forwards(self, app_label: str, state: Any) -> None:
        for operation in self.operations:
            operation.state_forwards(app_label, state)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        with _set_aside(schema_editor):
            for operation in self.operations:
                after = from_state.clone()
                operation.state_forwards(app_label, after)
                operation.database_forwards(app_label, schema_editor, from_state, after)
                from_state = after

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        states = [from_state]
        for operation in self.operations[:-1]:
            state = states[-1].clone()
            operation.state_forwards(app_label, state)
            states.append(state)
        with _set_aside(schema_editor):
            later = to_state
            for operation, earlier in reversed(list(zip(self.operations, states, strict=True))):
                operation.database_backwards(app_label, schema_editor, later, earlier)
                later = earlier

    def describe(self) -> str:
        return f"{len(self.operations)} operations, SQLite's triggers set aside meanwhile"


@contextmanager
def _set_aside(schema_editor: Any) -> Iterator[None]:
    if schema_editor.connection.vendor != "sqlite":
        yield
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        saved = list(cursor.fetchall())
    for name, _sql in saved:
        schema_editor.execute(f'DROP TRIGGER "{name}"')
    yield
    for _name, sql in saved:
        schema_editor.execute(sql)
