"""On PostgreSQL, make overlapping bookings impossible in the database itself.

Exclusion constraints on the time range (btree_gist) refuse a second appointment that overlaps one
holding the same physician, room or patient, even when two bookings commit at the same moment. SQLite
has no such constraint; there the booking transaction (IMMEDIATE, so writers queue) checks instead.
"""

from typing import Any

from django.db import migrations

# constraint name -> the column that must not be double-booked
EXCLUSIONS = {
    "appointment_physician_no_overlap": "physician_id",
    "appointment_room_no_overlap": "room_id",
    "appointment_patient_no_overlap": "patient_id",
}


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """SQL that only PostgreSQL understands; other databases skip it."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [
        RunSQLOnPostgreSQL("CREATE EXTENSION IF NOT EXISTS btree_gist", migrations.RunSQL.noop),
        *(
            RunSQLOnPostgreSQL(
                f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {name} EXCLUDE USING gist "
                f"({column} WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
                "WHERE (status NOT IN ('cancelled', 'no_show'))",
                f"ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS {name}",
            )
            for name, column in EXCLUSIONS.items()
        ),
    ]
