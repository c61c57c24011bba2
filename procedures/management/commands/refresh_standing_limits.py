"""Daily: bring the kept standing limits up to today. Safe to run twice, or to miss a day. `--check` compares
them with a fresh evaluation of the engine and fails if any patient differs.

Run it from cron or a systemd timer after midnight, e.g. `5 0 * * * cd /srv/pinpoint && .venv/bin/python
manage.py refresh_standing_limits`. The pages also catch up on their own, so a missed night is only slower.
"""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from procedures import standing
from procedures.models import LimitRule, StandingLimit

# A rule that started or ended this recently may flag anyone: recompute everyone.
RULE_CHANGE_DAYS = 7


class Command(BaseCommand):
    help = "Recompute the standing limits whose date has come (or everyone's with --all, or after a rule's dates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Recompute every patient's standing.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing but the rows due; compare every kept row with a fresh evaluation of the engine.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["check"]:
            self._check(today)
            return
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

    def _check(self, today: datetime.date) -> None:
        differ = standing.disagreements(today)
        flagged = StandingLimit.objects.values("patient_id").distinct().count()
        if not differ:
            self.stdout.write(
                f"The kept standing limits of {flagged:,} flagged patients agree with a fresh evaluation."
            )
            return
        for patient_id, (kept, fresh) in sorted(differ.items())[:20]:
            self.stdout.write(f"patient {patient_id}: kept {sorted(kept)}, fresh {sorted(fresh)}")
        raise CommandError(f"{len(differ):,} patients' kept standing limits differ from a fresh evaluation.")
