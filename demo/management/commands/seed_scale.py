from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from demo.clinic import PASSWORD
from demo.seeder import CatalogIncomplete, NotEmpty, seed_scale


class Command(BaseCommand):
    help = (
        "Fill an empty database with a clinic at scale: 30 physicians at four sites, N patients and ten years of "
        "procedures, follow-ups and appointments ending today, with the next weeks booked. Deterministic for a "
        "given --seed and day (only today's visits move along with the clock). Refuses a database that already "
        "has patients, procedures, appointments or follow-ups. Rows are written in bulk (COPY on PostgreSQL), so "
        "the audit-history tables get no rows for them: the seeded records have no change history. Staff logins "
        f"are the demo's (frontdesk, nurse, physician, admin, …) plus more of each role, all with the password "
        f"{PASSWORD!r}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, default=200_000, help="How many patients (default 200000).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args: Any, **options: Any) -> None:
        patients: int = options["patients"]
        if patients < 1:
            raise CommandError("--patients must be at least 1.")
        self.stdout.write(f"Seeding {patients:,} patients on {connection.vendor} (seed {options['seed']})…")
        try:
            summary = seed_scale(
                patients=patients, seed=options["seed"], stream=self.stderr, progress=not options["no_progress"]
            )
        except NotEmpty as error:
            raise CommandError(
                f"This database already has {error}. seed_scale fills an empty clinic only: point DATABASE_URL at "
                "a new database (createdb, then manage.py migrate), or empty this one with manage.py flush."
            ) from error
        except CatalogIncomplete as error:
            raise CommandError(str(error)) from error
        for name, seconds in summary.phases:
            self.stdout.write(f"  {name:<24} {seconds:8.1f} s")
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<24} {count:>12,}")
        self.stdout.write(
            self.style.SUCCESS(f"Seeded in {summary.seconds:.1f} s. Logins use the password {PASSWORD!r}.")
        )
