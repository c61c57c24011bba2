"""Write a sample procedure log to import: `manage.py make_import_sample --rows 5000 --out /tmp/log.xlsx`."""

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from imports import samples


class Command(BaseCommand):
    help = "Write a sample procedure log (CSV or XLSX, by the file's extension) for the import page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=50, help="How many procedures (default 50).")
        parser.add_argument("--out", type=Path, required=True, help="The file to write: .csv or .xlsx.")
        parser.add_argument(
            "--end", type=datetime.date.fromisoformat, default=None, help="The last date in the log (default today)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Another seed gives other patients and dates.")

    def handle(self, *args: Any, rows: int, out: Path, end: datetime.date | None, seed: int, **options: Any) -> None:
        log = samples.procedure_log(rows, end=end or timezone.localdate(), seed=seed)
        content = samples.as_xlsx(log) if out.suffix.casefold() == ".xlsx" else samples.as_csv(log)
        out.write_bytes(content)
        self.stdout.write(f"Wrote {len(log)} procedures to {out}.")
