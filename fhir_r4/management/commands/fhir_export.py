"""Run the bulk exports that are waiting: those whose process ended before they finished (a restart, a recycled
worker: their heartbeat stopped) and any still queued. Each starts over and writes its files afresh; clients
polling its status see it running again. `--job <id>` runs that one export, whatever its state.

Run it after a deployment, or from cron every few minutes where exports should never wait on a person:
`*/5 * * * * cd /srv/pinpoint && .venv/bin/python manage.py fhir_export`.
"""

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fhir_r4 import export
from fhir_r4.models import ExportJob


class Command(BaseCommand):
    help = "Run the FHIR bulk exports that stalled or are still queued (or one, with --job)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--job", type=uuid.UUID, help="The export's id (its _jobId).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["job"]:
            jobs = list(ExportJob.objects.filter(pk=options["job"]))
            if not jobs:
                raise CommandError(f"No export has the id {options['job']}.")
        else:
            waiting = ExportJob.objects.filter(state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING])
            jobs = [job for job in waiting.order_by("requested_at") if export.is_stalled(job)]
        for job in jobs:
            export.run(job.pk)
            job.refresh_from_db()
            self.stdout.write(f"{job.pk}: {job.state}, {job.written} resources.")
        if not jobs:
            self.stdout.write("No export is waiting.")
