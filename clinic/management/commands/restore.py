"""Replace the database's contents with a backup's: see clinic/backup.py and the README's "Backup and restore"."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from clinic import backup


class Command(BaseCommand):
    help = "Restore a backup made by `backup`, replacing every record in the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A file written by `manage.py backup`.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask for confirmation."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        if options["interactive"]:
            answer = input(
                f"Every record in {connection.settings_dict['NAME']} will be replaced by the backup's.\n"
                "Type 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        backup.restore(connection, options["file"])
        self.stdout.write(f"Restored {options['file']}.")
