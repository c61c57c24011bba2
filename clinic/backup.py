"""Backing up the whole database to one file and restoring it: `manage.py backup` and `manage.py restore`.

PostgreSQL goes through its own tools, `pg_dump --format=custom` and `pg_restore --clean --single-transaction`, so
a backup holds everything the migrations made (the extensions, constraints, triggers and sequences included) and a
restore either replaces every table's rows or, on any error, changes nothing. SQLite uses its online backup API,
which copies a consistent snapshot while the clinic keeps working, and copies it back the same way.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient


def backup(connection: BaseDatabaseWrapper, target: Path) -> None:
    if target.exists():
        raise CommandError(f"{target} already exists: a backup never overwrites another one.")
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", f"--file={target}", "--dbname", _name(connection)], connection)
    elif connection.vendor == "sqlite":
        _sqlite_copy(_name(connection), str(target))
    else:
        raise CommandError(f"No backup for the {connection.vendor} database.")


def restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    if not source.is_file():
        raise CommandError(f"{source} is not a file.")
    # The restore replaces tables under this process's feet: no open transaction of ours may hold them.
    connection.close()
    if connection.vendor == "postgresql":
        _run(["pg_restore", "--list", str(source)], connection, quiet=True)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--dbname",
                _name(connection),
                str(source),
            ],
            connection,
        )
    elif connection.vendor == "sqlite":
        _check_sqlite_backup(source)
        _sqlite_copy(str(source), _name(connection))
    else:
        raise CommandError(f"No restore for the {connection.vendor} database.")


def _name(connection: BaseDatabaseWrapper) -> str:
    return str(connection.settings_dict["NAME"])


def _run(command: list[str], connection: BaseDatabaseWrapper, *, quiet: bool = False) -> None:
    if shutil.which(command[0]) is None:
        raise CommandError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    result = subprocess.run(command, env=_postgres_env(connection.settings_dict), capture_output=True, text=True)
    if result.returncode != 0:
        what = "not a PostgreSQL backup" if quiet else f"{command[0]} failed"
        raise CommandError(f"{what}: {result.stderr.strip()}")


def _postgres_env(settings: dict[str, Any]) -> dict[str, str]:
    """Where and as whom to connect, as libpq reads it: Django's own psql client supplies the password, SSL and
    service settings; the host, port and user are added here."""
    _args, env = DatabaseClient.settings_to_cmd_args_env(settings, [])
    merged = {**os.environ, **(env or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings.get(key):
            merged[variable] = str(settings[key])
    return merged


def _sqlite_copy(source: str, target: str) -> None:
    with closing(sqlite3.connect(source, timeout=20)) as read, closing(sqlite3.connect(target, timeout=20)) as write:
        read.backup(write)


def _check_sqlite_backup(source: Path) -> None:
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_file:
            backup_file.execute("SELECT 1 FROM django_migrations LIMIT 1").fetchall()
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{source} is not a Pinpoint SQLite backup ({error}).") from error
