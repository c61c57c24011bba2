"""Backup and restore: the demo clinic backed up, wiped and restored comes back row for row, in every table.

The commands run pg_dump and pg_restore against the real server on PostgreSQL (CI runs this file on both
databases), so the seeded rows must be committed: these tests are transactional.
"""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from patients.models import Patient
from tests import factories
from tests.conftest import seed_demo
from tests.shipped import replay_data_migrations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def shipped_data() -> None:
    replay_data_migrations()


def every_table() -> dict[str, list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        contents = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            contents[table] = sorted(cursor.fetchall(), key=repr)
    return contents


def test_a_restored_backup_has_every_tables_rows_as_they_were(tmp_path: Path):
    seed_demo()
    before = every_table()
    assert before["patients_patient"]
    assert before["patients_historicalpatient"]
    backup = tmp_path / "pinpoint.backup"
    call_command("backup", str(backup))

    call_command("flush", interactive=False)
    assert not Patient.objects.exists()
    call_command("restore", str(backup), interactive=False)

    assert every_table() == before
    # The sequences came back too: the next record takes a number of its own.
    assert factories.patient(last_name="After").pk > max(row[0] for row in before["patients_patient"])


def test_a_restore_takes_back_what_was_written_after_the_backup(tmp_path: Path):
    factories.patient(last_name="Before")
    backup = tmp_path / "pinpoint.backup"
    call_command("backup", str(backup))
    factories.patient(last_name="After")
    call_command("restore", str(backup), interactive=False)
    assert list(Patient.objects.values_list("last_name", flat=True)) == ["Before"]


def test_a_backup_never_overwrites_an_existing_file(tmp_path: Path):
    existing = tmp_path / "pinpoint.backup"
    existing.write_text("yesterday's backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing))
    assert existing.read_text() == "yesterday's backup"


def test_a_file_that_is_not_a_backup_is_refused_and_the_database_kept(tmp_path: Path):
    factories.patient(last_name="Kept")
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database")
    with pytest.raises(CommandError, match="not a"):
        call_command("restore", str(not_a_backup), interactive=False)
    assert list(Patient.objects.values_list("last_name", flat=True)) == ["Kept"]
