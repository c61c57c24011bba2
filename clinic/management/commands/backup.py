"""Write the whole database to one file: see clinic/backup.py and the README's "Backup and restore"."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from clinic import backup


class Command(BaseCommand):
    help = "Back up the database to a new file (pg_dump's custom format on PostgreSQL, a copy of the file on SQLite)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The backup to write; it must not exist yet.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        backup.backup(connections[options["database"]], options["file"])
        self.stdout.write(f"Backed up to {options['file']}.")
