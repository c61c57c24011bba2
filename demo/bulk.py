"""Writing millions of rows: PostgreSQL COPY when available, bulk_create everywhere else.

Rows are tuples of plain Python values in the order of a `Table`'s columns, so one generator feeds both
writers. The COPY writer formats them as COPY text itself; the other builds model instances and lets
Django convert them. Neither calls `save()`: no audit-history rows are written for bulk rows.

`relaxed_constraints` drops a table's secondary indexes and constraints for the load and recreates them
afterwards from PostgreSQL's own definitions, inside the same transaction. Recreating them checks every
row: a unique, check or foreign-key constraint the data broke fails the load, which then rolls back whole.
Exclusion constraints (no overlapping visits) stay in place and check each row as it is copied: rebuilt
afterwards, their GiST indexes took 320 of the 405 s the rebuild took at 200,000 patients, one after the
other on one core, while kept during the load they grow on the database's core as the seeder generates
rows on the other (the whole seeding went from 885 to 672 s).
"""

import datetime
import decimal
import io
import json
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.management.color import no_style
from django.db import connection, models


@dataclass(frozen=True, eq=False)
class Table:
    """A model's columns as the rows give them, plus columns every row shares. Compared by identity."""

    model: type[models.Model]
    columns: tuple[str, ...]  # attnames: "patient_id", not "patient"
    constants: Mapping[str, object] = field(default_factory=dict)

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    def row(self, **values: object) -> tuple[object, ...]:
        """Values named by column, in the columns' order: a row cannot drift from the columns it is written under."""
        if len(values) != len(self.columns):
            missing, extra = set(self.columns) - set(values), set(values) - set(self.columns)
            raise ValueError(f"{self.db_table}: missing {sorted(missing)}, not columns {sorted(extra)}.")
        return tuple([values[name] for name in self.columns])

    def db_columns(self) -> list[str]:
        by_attname = {f.attname: f.column for f in self.model._meta.concrete_fields}
        return [by_attname[name] for name in (*self.columns, *self.constants)]


class Writer(Protocol):
    def add(self, table: Table, row: tuple[Any, ...]) -> None: ...

    def flush(self) -> None:
        """Write everything added so far."""

    def close(self) -> None:
        """Flush, and stop any helper thread; safe to call twice."""


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _text(value: str) -> str:
    # Nearly every value is plain printable text; escape only the few that are not (addresses have newlines).
    return value if value.isprintable() and "\\" not in value else _escaped(value)


_FORMATS: dict[type, Callable[[Any], str]] = {
    str: _text,
    int: str,
    bool: lambda value: "t" if value else "f",
    type(None): lambda _value: "\\N",
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    decimal.Decimal: str,
    list: lambda value: _text(json.dumps(value)),
}


def _format_of(kind: type) -> Callable[[Any], str]:
    """The format of a type not listed, by its nearest listed base (TextChoices members are str), remembered."""
    base = next((b for b in kind.__mro__ if b in _FORMATS), None)
    if base is None:
        raise TypeError(f"No COPY format for {kind.__name__}.")
    _FORMATS[kind] = _FORMATS[base]
    return _FORMATS[kind]


def copy_text(value: object) -> str:
    """One value in PostgreSQL's COPY text format."""
    kind = type(value)
    return (_FORMATS.get(kind) or _format_of(kind))(value)


class CopyWriter:
    """Buffers each table's rows as COPY text; a helper thread sends full buffers while rows are generated.

    The thread uses the same database connection, hence the same transaction: the main thread only adds rows
    (no queries) until `flush()` has waited for the thread. PostgreSQL parses a buffer on one core while Python
    builds the next on the other.
    """

    def __init__(self, flush_bytes: int = 4 << 20) -> None:
        self.flush_bytes = flush_bytes
        self.buffers: dict[Table, list[str]] = {}
        self.sizes: dict[Table, int] = {}
        self.suffixes: dict[Table, str] = {}
        self.json_columns: dict[Table, list[int]] = {}
        self.queue: queue.Queue[tuple[str, str] | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        connection.ensure_connection()
        self.raw = connection.connection
        self.thread = threading.Thread(target=self._copy_loop, name="copy", daemon=True)
        self.thread.start()

    def _start_table(self, table: Table) -> list[str]:
        self.sizes[table] = 0
        self.suffixes[table] = "".join(f"\t{copy_text(value)}" for value in table.constants.values()) + "\n"
        json_fields = {f.attname for f in table.model._meta.concrete_fields if isinstance(f, models.JSONField)}
        self.json_columns[table] = [i for i, name in enumerate(table.columns) if name in json_fields]
        buffer = self.buffers[table] = []
        return buffer

    def add(self, table: Table, row: tuple[Any, ...]) -> None:
        buffer = self.buffers.get(table) or self._start_table(table)
        if self.json_columns[table]:
            values = list(row)
            for i in self.json_columns[table]:
                if values[i] is not None:
                    values[i] = json.dumps(values[i])
            row = tuple(values)
        # Fast path: str() is COPY's text for every type generated (booleans read as True/False); anything that
        # would need escaping takes the careful path.
        line = "\t".join(["\\N" if value is None else str(value) for value in row])
        # The only backslashes are the NULL markers' and the only tabs the separators; else escape properly.
        if "\n" in line or "\r" in line or line.count("\\") != row.count(None) or line.count("\t") != len(row) - 1:
            line = "\t".join([copy_text(value) for value in row])
        line += self.suffixes[table]
        buffer.append(line)
        self.sizes[table] += len(line)
        if self.sizes[table] >= self.flush_bytes:
            self._send(table)

    def _send(self, table: Table) -> None:
        lines = self.buffers.get(table)
        if not lines:
            return
        columns = ", ".join(connection.ops.quote_name(name) for name in table.db_columns())
        sql = f"COPY {connection.ops.quote_name(table.db_table)} ({columns}) FROM STDIN"
        self._check()
        self.queue.put((sql, "".join(lines)))
        lines.clear()
        self.sizes[table] = 0

    def _copy_loop(self) -> None:
        while (item := self.queue.get()) is not None:
            try:
                if self.error is None:
                    with self.raw.cursor() as cursor:
                        cursor.copy_expert(item[0], io.StringIO(item[1]))
            except BaseException as error:  # handed to the main thread, which raises it
                self.error = error
            finally:
                self.queue.task_done()
        self.queue.task_done()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def flush(self) -> None:
        for table in self.buffers:
            self._send(table)
        self.queue.join()
        self._check()

    def close(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        self._check()


class BulkCreateWriter:
    """Any database: model instances, inserted with bulk_create in batches."""

    def __init__(self, batch_size: int = 2000) -> None:
        self.batch_size = batch_size
        self.pending: dict[Table, list[models.Model]] = {}

    def add(self, table: Table, row: tuple[Any, ...]) -> None:
        instance = table.model(**dict(zip(table.columns, row, strict=True)), **table.constants)
        pending = self.pending.setdefault(table, [])
        pending.append(instance)
        if len(pending) >= self.batch_size * 5:
            self._send(table)

    def _send(self, table: Table) -> None:
        pending = self.pending.get(table)
        if pending:
            with _given_timestamps(table.model):
                table.model._default_manager.bulk_create(pending, batch_size=self.batch_size)
            pending.clear()

    def flush(self) -> None:
        # Django declares foreign keys deferrable: they are checked at commit, so the order does not matter.
        for table in self.pending:
            self._send(table)

    def close(self) -> None:
        self.flush()


@contextmanager
def _given_timestamps(model: type[models.Model]) -> Iterator[None]:
    """bulk_create stamps auto_now_add fields with the current time; seeded rows carry their own."""
    stamped = [f for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    for f in stamped:
        f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f in stamped:
            f.auto_now_add = True  # type: ignore[attr-defined]


def writer_for_connection() -> Writer:
    return CopyWriter() if connection.vendor == "postgresql" else BulkCreateWriter()


def _secondary_definitions(table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, definition) of the table's constraints other than its primary key and its exclusion constraints
    (which stay, see above), and of the indexes that back no constraint, as PostgreSQL would recreate them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype NOT IN ('p', 'x') ORDER BY contype, conname",
            [table],
        )
        constraints = [(name, definition) for name, definition in cursor.fetchall()]
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid) ORDER BY 1",
            [table],
        )
        indexes = [(name, definition) for name, definition in cursor.fetchall()]
    return constraints, indexes


@contextmanager
def relaxed_constraints(tables: Sequence[str], report: Callable[[str], None]) -> Iterator[None]:
    """PostgreSQL only: load without secondary indexes and constraints, then put every one back.

    Must run inside a transaction (the caller's atomic block): if a constraint fails when it is put back,
    the whole load rolls back and the tables keep their indexes and constraints.
    """
    saved = {table: _secondary_definitions(table) for table in tables}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, (constraints, indexes) in saved.items():
            for name, _definition in constraints:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        # Index builds sort in memory; the server default (64 MB) spills millions of rows to disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for table, (constraints, indexes) in saved.items():
            report(f"indexes and constraints of {table}")
            for _name, definition in indexes:
                cursor.execute(definition)
            # Unique constraints build their indexes; foreign keys are checked against them.
            for name, definition in constraints:
                cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
            cursor.execute(f"ANALYZE {quote(table)}")


@contextmanager
def paused_triggers(tables: Sequence[str]) -> Iterator[None]:
    """PostgreSQL only: the load writes without the tables' own triggers (the patients' chart stamps, a row-level
    upsert for each of millions of rows), which are back on afterwards. Bulk-loaded patients have no chart stamp
    yet; the first look at a chart gives its patient one (`patients.chart_stamp`)."""
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            # Rows written in this transaction leave deferred foreign-key checks pending, and PostgreSQL alters no
            # table with pending trigger events: the checks run now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER USER")


def reset_sequences(models_: Sequence[type[models.Model]]) -> None:
    """Point each table's id sequence past the ids written explicitly (PostgreSQL; SQLite tracks it itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
