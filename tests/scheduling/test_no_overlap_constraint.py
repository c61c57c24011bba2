"""The no-double-booking constraints as the model declares them: the freed statuses from `FREEING_STATUSES`, the
same objects PostgreSQL holds since migration 0002, and nothing at all on SQLite."""

import re

import pytest
from django.db import connection

from scheduling.constraints import PostgreSQLExclusionConstraint
from scheduling.models import FREEING_STATUSES, Appointment

pytestmark = pytest.mark.django_db

NAMES = ["appointment_physician_no_overlap", "appointment_room_no_overlap", "appointment_patient_no_overlap"]


def declared() -> list[PostgreSQLExclusionConstraint]:
    return [c for c in Appointment._meta.constraints if isinstance(c, PostgreSQLExclusionConstraint)]


def definition(name: str) -> tuple[str, list[str]]:
    """What PostgreSQL says the constraint is: its EXCLUDE clause, and the statuses its WHERE leaves out.

    The statuses are compared, not the WHERE's text: PostgreSQL writes 0002's `status NOT IN (…)` as
    `status <> ALL (…)`, and Django's `NOT (status IN (…))` as `NOT (status = ANY (…))`: one condition.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [name])
        row = cursor.fetchone()
    assert row is not None, f"no constraint {name}"
    exclude, _, where = str(row[0]).partition(" WHERE ")
    assert "NOT (" in where or "<> ALL" in where
    return exclude, sorted(re.findall(r"'(\w+)'::character varying", where))


def test_each_of_physician_room_and_patient_has_one_and_a_freed_visit_holds_nothing():
    assert [c.name for c in declared()] == NAMES
    for constraint in declared():
        assert constraint.condition is not None
        assert constraint.condition.negated
        assert constraint.condition.children == [("status__in", sorted(FREEING_STATUSES))]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's side: PostgreSQL keeps the constraints.")
def test_on_sqlite_the_constraints_create_drop_and_check_nothing():
    # Not entered: SQLite's editor refuses to open inside the test's transaction, and asking for SQL needs no more.
    editor = connection.SchemaEditorClass(connection, collect_sql=True)
    for constraint in declared():
        assert constraint.create_sql(Appointment, editor) == ""
        assert constraint.remove_sql(Appointment, editor) == ""
        assert constraint.constraint_sql(Appointment, editor) == ""
        constraint.validate(Appointment, Appointment())  # no range query sent to a database without ranges


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Exclusion constraints exist only on PostgreSQL.")
def test_on_postgresql_the_declared_constraints_are_the_ones_migration_0002_created():
    # Each declared constraint built again under another name (the test's transaction drops it) reads the same.
    with connection.schema_editor() as editor:
        for constraint in declared():
            _path, args, kwargs = constraint.deconstruct()
            editor.add_constraint(Appointment, PostgreSQLExclusionConstraint(*args, **kwargs | {"name": "twin"}))
            assert definition("twin") == definition(constraint.name)
            editor.execute(f"ALTER TABLE {Appointment._meta.db_table} DROP CONSTRAINT twin")
