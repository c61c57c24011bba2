"""On PostgreSQL, a trigram index on the folded search key.

The search box matches any part of a name, MRN or phone number (`search_key LIKE '%term%'`), which no
b-tree can answer: every search read the whole registry. pg_trgm's GIN index answers it for terms of
three characters or more. SQLite has neither, so both operations do nothing there; the index is kept out
of the model's state (and so out of `Patient.Meta.indexes`), which would otherwise have SQLite build it
whenever it rebuilds the table.
"""

from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class TrigramExtensionOnPostgreSQL(TrigramExtension):
    """pg_trgm on PostgreSQL, nothing elsewhere: Django's operation skips other databases forwards only."""

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """An index only PostgreSQL can build: created there, skipped elsewhere, absent from the model state."""

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(to_state.apps.get_model(app_label, self.model_name), self.index)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(from_state.apps.get_model(app_label, self.model_name), self.index)


class Migration(migrations.Migration):
    dependencies = [("patients", "0001_initial")]

    operations = [
        TrigramExtensionOnPostgreSQL(),
        AddIndexOnPostgreSQL(
            "patient",
            GinIndex(fields=["search_key"], opclasses=["gin_trgm_ops"], name="patient_search_trgm_idx"),
        ),
    ]
