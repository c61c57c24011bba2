"""Send the questionnaire links that fell due, their reminders, and the links other apps register (a stimulator
trial's diary): run daily by cron or a systemd timer.

Safe to run twice, or two at once (outcomes/links.py); README "Sending questionnaire links" shows the schedule.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from outcomes.links import send_all_links


class Command(BaseCommand):
    help = "Send today's follow-up questionnaire links and reminders, and trial diary links (safe to run twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = send_all_links()
        self.stdout.write(f"Sent {report.sent} link(s) and {report.reminded} reminder(s).")
        if report.failed:
            # A non-zero exit makes cron mail it and systemd mark the run failed; the next run tries them again.
            raise CommandError(f"{len(report.failed)} message(s) not sent: " + "; ".join(report.failed[:20]))
