"""Daily: bring the kept standing limits up to today. Safe to run twice, or to miss a day.

Run it from cron or a systemd timer after midnight, e.g. `5 0 * * * cd /srv/pinpoint && .venv/bin/python
manage.py refresh_standing_limits`. The pages also catch up on their own, so a missed night is only slower.
"""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django.utils import timezone

from procedures import standing
from procedures.models import LimitRule

# A rule that started or ended this recently may flag anyone: recompute everyone.
RULE_CHANGE_DAYS = 7


class Command(BaseCommand):
    help = "Recompute the standing limits whose date has come (or everyone's with --all, or after a rule's dates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Recompute every patient's standing.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        recent = today - datetime.timedelta(days=RULE_CHANGE_DAYS)
        boundary = LimitRule.objects.filter(
            Q(effective_from__gt=recent, effective_from__lte=today)
            | Q(effective_to__gte=recent, effective_to__lt=today)
        )
        if options["all"] or boundary.exists():
            standing.refresh_all(today)
            self.stdout.write("Recomputed every patient's standing limits.")
        else:
            count = standing.refresh_due(today)
            self.stdout.write(f"Recomputed the standing limits of {count} patient{'s' if count != 1 else ''}.")
