"""The no-double-booking constraints, declared on `Appointment` and kept by PostgreSQL alone.

An exclusion constraint on the time range refuses a second visit that overlaps one holding the same physician, room
or patient, even when two bookings commit at the same moment. SQLite has no exclusion constraints: there the
booking transaction (IMMEDIATE, so writers queue) refuses the overlap instead, and these constraints create,
drop and check nothing.
"""

from collections.abc import Iterable

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Func, Model, Q


class TsTzRange(Func):
    """`tstzrange(starts, ends, '[)')`: a visit holds its start and frees its end for the next one."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def _on_postgresql(schema_editor: BaseDatabaseSchemaEditor | None) -> bool:
    return schema_editor is not None and schema_editor.connection.vendor == "postgresql"


class PostgreSQLExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that other databases skip rather than refuse."""

    def constraint_sql(self, model: type[Model] | None, schema_editor: BaseDatabaseSchemaEditor | None) -> str:
        return super().constraint_sql(model, schema_editor) if _on_postgresql(schema_editor) else ""

    def create_sql(self, model: type[Model] | None, schema_editor: BaseDatabaseSchemaEditor | None) -> str:
        return super().create_sql(model, schema_editor) if _on_postgresql(schema_editor) else ""

    def remove_sql(self, model: type[Model] | None, schema_editor: BaseDatabaseSchemaEditor | None) -> str:
        return super().remove_sql(model, schema_editor) if _on_postgresql(schema_editor) else ""

    def validate(
        self, model: type[Model], instance: Model, exclude: Iterable[str] | None = None, using: str = DEFAULT_DB_ALIAS
    ) -> None:
        # The check is a query with PostgreSQL's range operators, which SQLite cannot run.
        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)


def no_overlap(name: str, column: str, freeing: Iterable[str]) -> PostgreSQLExclusionConstraint:
    """No two visits holding their slot (a status not in `freeing`) share `column` over overlapping times."""
    return PostgreSQLExclusionConstraint(
        name=name,
        expressions=[
            (column, RangeOperators.EQUAL),
            (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
        ],
        # Sorted plain strings: the migration state compares them, so their order and type must not drift.
        condition=~Q(status__in=sorted(str(status) for status in freeing)),
    )
