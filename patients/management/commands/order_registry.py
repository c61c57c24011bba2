"""Nightly: rewrite the patients table in name order (`patients.upkeep`), so name searches stay quick.

Run it from cron when the clinic is closed, e.g. `15 0 * * * cd /srv/pinpoint && .venv/bin/python manage.py
order_registry`: it locks the patients table for the few seconds it takes (5 s at 200,000 patients). Safe to
run twice or to miss a night: a search is only a little slower until the next run.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand

from patients.upkeep import order_registry_by_name


class Command(BaseCommand):
    help = "Rewrite the patients table in name order (PostgreSQL CLUSTER) so name searches read few pages."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if order_registry_by_name():
            self.stdout.write(f"Patients ordered by name in {time.monotonic() - started:.1f} s.")
        else:
            self.stdout.write("Nothing to do: this database keeps rows in the order they were written.")
