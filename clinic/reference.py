"""Reference data read on nearly every clinical page (limit rule sets, outcome rules), kept in each process.

The live limit check runs on every keystroke and the chart on every visit; both read the same few rules, which
an administrator edits a few times a year. Each kind of reference data has a stamp row (`ReferenceStamp`) that
database triggers on its tables set to a new value whenever any of them is written: by the admin, a service, a
migration or plain SQL, in the writing transaction. A reader compares one stamp with the one its copy was loaded
under, one primary-key lookup in place of the tables' queries and model building, and loads again on a change.

A stamp value is never repeated (a sequence on PostgreSQL, 63 random bits on SQLite): a copy loaded inside a
transaction that then rolled back carries a stamp no committed state will ever have, so it is never reused.
A stamp row that is missing (a database flushed, as between tests) is put back with a new random value.
"""

import secrets
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation

from clinic.models import ReferenceStamp

T = TypeVar("T")
SEQUENCE = "clinic_reference_stamp_seq"

_copies: dict[str, tuple[int, object]] = {}
_lock = threading.Lock()


class _Together:
    """The stamps as one read found them, for the `read_together` block that made the read."""

    def __init__(self) -> None:
        self.values: dict[str, int] | None = None


_together: ContextVar[_Together | None] = ContextVar("reference_stamps_together", default=None)


@contextmanager
def read_together() -> Iterator[None]:
    """Within the block, `kept` takes every stamp from one read of them all, made at its first use: work that
    consults several kinds of reference data (the live limit check: the limit rules, then the outcome rules) reads
    them in one query instead of one a kind. For reading only: a change made to reference data inside the block
    would not be seen by the block's later reads. A block within another shares the outer one's read."""
    if _together.get() is not None:
        yield
        return
    token = _together.set(_Together())
    try:
        yield
    finally:
        _together.reset(token)


def _stamp(name: str) -> int:
    together = _together.get()
    stamp: int | None
    if together is None:
        stamp = ReferenceStamp.objects.filter(name=name).values_list("value", flat=True).first()
    else:
        if together.values is None:
            together.values = dict(ReferenceStamp.objects.values_list("name", "value"))
        stamp = together.values.get(name)
    if stamp is None:
        stamp = ReferenceStamp.objects.get_or_create(name=name, defaults={"value": fresh_value()})[0].value
        if together is not None and together.values is not None:
            together.values[name] = stamp
    return stamp


def kept(name: str, load: Callable[[], T], *, copy: str = "") -> T:
    """`load()`'s result as of the stamp `name` now has: the copy kept under it, else loaded and kept. `copy` names
    the copy when one stamp keeps several (the procedure types and the drugs, both under "procedure names")."""
    stamp = _stamp(name)
    key = f"{name}: {copy}" if copy else name
    held = _copies.get(key)
    if held is not None and held[0] == stamp:
        return held[1]  # type: ignore[return-value]
    value = load()
    with _lock:
        _copies[key] = (stamp, value)
    return value


def stamps(names: Sequence[str]) -> tuple[int, ...]:
    """The values these stamps have now, in one query (a missing stamp row is put back with a new value)."""
    found = dict(ReferenceStamp.objects.filter(name__in=names).values_list("name", "value"))
    for name in names:
        if name not in found:
            found[name] = ReferenceStamp.objects.get_or_create(name=name, defaults={"value": fresh_value()})[0].value
    return tuple(found[name] for name in names)


def fresh_value() -> int:
    """A value no copy can have been kept under: 63 random bits."""
    return secrets.randbits(63)


# The triggers, written by the migrations of the apps that own the tables (see procedures and outcomes) through
# these operations: schema, not data, so nothing that replays the data migrations runs them again.


class StampFunction(Operation):
    """PostgreSQL: the sequence and trigger function that every stamp's triggers use (nothing on SQLite)."""

    reversible = True

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        install_function(schema_editor)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        remove_function(schema_editor)

    def describe(self) -> str:
        return "Reference stamps' trigger function"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__qualname__, [], {}


class StampTriggers(Operation):
    """The stamp row `name` and the triggers that renew it on any write to `tables`; with `columns`, an update
    renews it only when it sets one of them (a login's `last_login` is no change to the staff's names): one list for
    every table, or a list by table (a table not named there renews it on any update). `trigger` names the
    triggers, `<table>_<trigger>`, for a table that carries another stamp's triggers already."""

    reversible = True

    def __init__(
        self,
        name: str,
        tables: Sequence[str],
        columns: Sequence[str] | Mapping[str, Sequence[str]] = (),
        trigger: str = "stamp",
    ) -> None:
        self.name, self.tables, self.trigger = name, tuple(tables), trigger
        self.columns = {t: tuple(c) for t, c in columns.items()} if isinstance(columns, Mapping) else tuple(columns)

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        install_stamp(schema_editor, self.name, self.tables, self.columns, self.trigger)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        remove_stamp(schema_editor, self.name, self.tables, self.trigger)

    def describe(self) -> str:
        return f"Triggers renewing the {self.name} stamp"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        options: dict[str, Any] = {}
        if self.columns:
            options["columns"] = (
                {t: list(c) for t, c in self.columns.items()} if isinstance(self.columns, dict) else list(self.columns)
            )
        if self.trigger != "stamp":
            options["trigger"] = self.trigger
        return self.__class__.__qualname__, [self.name, list(self.tables)], options


def install_stamp(
    schema_editor: BaseDatabaseSchemaEditor,
    name: str,
    tables: Sequence[str],
    columns: Sequence[str] | Mapping[str, Sequence[str]] = (),
    trigger: str = "stamp",
) -> None:
    """The stamp row `name`, and triggers that renew it on any write to `tables` (updates: of `columns`, if any)."""
    vendor = schema_editor.connection.vendor
    schema_editor.execute("INSERT INTO clinic_referencestamp (name, value) VALUES (%s, %s)", [name, fresh_value()])
    for table in tables:
        watched = columns.get(table, ()) if isinstance(columns, Mapping) else columns
        update = f"UPDATE OF {', '.join(watched)}" if watched else "UPDATE"
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_{trigger} AFTER INSERT OR {update} OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION clinic_reference_stamp('{name}')"
            )
        else:
            for event in ("INSERT", update, "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_{trigger}_{event.split()[0].lower()} AFTER {event} ON {table} "
                    # A random 63-bit value: SQLite has no sequences; abs() would overflow on the one extreme value.
                    f"BEGIN UPDATE clinic_referencestamp SET value = random() & 9223372036854775807 "
                    f"WHERE name = '{name}'; END"
                )


def remove_stamp(
    schema_editor: BaseDatabaseSchemaEditor, name: str, tables: Sequence[str], trigger: str = "stamp"
) -> None:
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger} ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}_{event}")
    schema_editor.execute("DELETE FROM clinic_referencestamp WHERE name = %s", [name])


def install_function(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """PostgreSQL: the sequence and the trigger function every stamp's triggers call with the stamp's name."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE SEQUENCE {SEQUENCE}")
    schema_editor.execute(
        "CREATE FUNCTION clinic_reference_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"UPDATE clinic_referencestamp SET value = nextval('{SEQUENCE}') WHERE name = TG_ARGV[0]; "
        "RETURN NULL; END $$"
    )


def remove_function(schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP FUNCTION IF EXISTS clinic_reference_stamp()")
    schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
