"""Send the questionnaire links that fell due, and their reminders: run daily by cron or a systemd timer.

Safe to run twice, or two at once (outcomes/links.py); README "Sending questionnaire links" shows the schedule.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from outcomes.links import send_due_links


class Command(BaseCommand):
    help = "Send today's follow-up questionnaire links and reminders (safe to run more than once)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = send_due_links()
        self.stdout.write(f"Sent {report.sent} link(s) and {report.reminded} reminder(s).")
        if report.failed:
            # A non-zero exit makes cron mail it and systemd mark the run failed; the next run tries them again.
            raise CommandError(f"{len(report.failed)} message(s) not sent: " + "; ".join(report.failed[:20]))
