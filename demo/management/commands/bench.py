import os
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError, connection
from django.test.utils import override_settings
from django.utils import timezone

from demo.bench import report, runner
from demo.bench.pages import ADMINISTRATOR, CHART, FRONT_DESK, LOGIN, PHYSICIAN, Page, find_subjects, pages
from demo.clinic import PASSWORD
from demo.seeder import COUNTED, seed_scale
from patients.models import Patient


class Command(BaseCommand):
    help = (
        "Time the pages that must stay fast at scale: migrates and seeds the database when it has no patients "
        "(seed_scale), serves it with gunicorn (DEBUG=0) on 127.0.0.1, logs in as a physician, the front desk "
        "and an administrator, times each page and counts its queries, and writes the table to "
        "docs/bench/<date>-<patients>.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, default=200_000, help="Patients to seed into an empty database.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--requests", type=int, default=50, help="Timed requests per page (default 50).")
        parser.add_argument("--warmup", type=int, default=2, help="Untimed requests per page first (default 2).")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")
        parser.add_argument(
            "--max-seconds", type=float, default=120, help="Stop timing a page after this long (at least 3 requests)."
        )
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "bench"), help="Report folder.")
        parser.add_argument("--note", action="append", default=[], help="A line for the report's notes (repeatable).")
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            help="Time only the pages whose name contains this text (repeatable); prints, writes no report.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        _ensure_database()
        call_command("migrate", interactive=False, verbosity=0)
        seeded = ""
        if not Patient.objects.exists():
            self.stdout.write(f"The database is empty: seeding {options['patients']:,} patients…")
            summary = seed_scale(patients=options["patients"], seed=options["seed"], stream=self.stderr)
            phases = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in summary.phases)
            seeded = f"Seeded by this run in {summary.seconds:.0f} s ({phases}; seed_scale --seed {options['seed']})."
        users = {name: User.objects.get(username=name) for name in (PHYSICIAN, FRONT_DESK, ADMINISTRATOR)}
        if not all(user.check_password(PASSWORD) for user in users.values()):
            raise CommandError(f"The {', '.join(users)} logins need the seeded password; seed an empty database.")
        subjects = find_subjects()
        page_list = pages(subjects)
        if options["only"]:
            page_list = [page for page in page_list if any(text in page.name for text in options["only"])]

        self.stdout.write("Counting and timing queries in-process…")
        measured = _in_process(page_list, users)
        conn_max_age = os.environ.get("DB_CONN_MAX_AGE") or "60"
        # The timed logins are password-only: no role is made to set up an authenticator first. The client speaks
        # plain HTTP to gunicorn on loopback, as the TLS proxy in front of it would: no redirect to HTTPS.
        environment = {"DB_CONN_MAX_AGE": conn_max_age, "MFA_REQUIRED_ROLES": "", "SECURE_SSL_REDIRECT": "0"}
        timings = []
        load = os.getloadavg()
        with runner.gunicorn(options["workers"], environment) as port:
            sessions = {ANONYMOUS_KEY: runner.HttpSession(port)}
            for name in users:
                sessions[name] = runner.HttpSession(port)
                sessions[name].login(name, PASSWORD)
            for page, found in zip(page_list, measured, strict=True):
                samples, error = runner.time_page(
                    sessions[page.role or ANONYMOUS_KEY],
                    page,
                    options["requests"],
                    options["warmup"],
                    options["max_seconds"],
                )
                if not error and found.status != page.expect:
                    error = f"in-process status {found.status}"
                timing = runner.Timing(page, samples, found.queries, error, found.sql_ms)
                timings.append(timing)
                self.stdout.write(
                    f"  {page.name:<48} p50 {report.ms(timing.p50):>8} ms  p95 {report.ms(timing.p95):>8} ms  "
                    f"{found.queries} queries, SQL {report.ms(found.sql_ms)} ms{'  ' + error if error else ''}"
                )
            if options["only"]:
                runner.remove_bench_bookings()
                return
            chart = next(p for p in page_list if p.name == CHART)
            clients = options["workers"]
            # A few hundred requests: the ratio of two short runs swings with a single slow request.
            throughput_requests = max(4 * options["requests"], 4 * clients)
            warmup = options["warmup"]
            chart_rps = runner.throughput(port, sessions[PHYSICIAN], chart.path, throughput_requests, clients, warmup)
            login_rps = runner.throughput(
                port, None, next(p for p in page_list if p.name == LOGIN).path, throughput_requests, clients, warmup
            )
        removed = runner.remove_bench_bookings()
        run = report.Run(
            day=timezone.localdate(),
            patients_label=report.label(Patient.objects.count()),
            counts={name: model._default_manager.count() for name, model in COUNTED.items()},
            subjects=subjects,
            timings=timings,
            requests=options["requests"],
            warmup=options["warmup"],
            workers=options["workers"],
            conn_max_age=conn_max_age,
            chart_rps=chart_rps,
            login_rps=login_rps,
            clients=clients,
            seeded=seeded,
            load=load,
            notes=[*options["note"], *([f"Removed the {removed} benchmark bookings afterwards."] if removed else [])],
            commit=_commit(),
        )
        text = report.markdown(run)
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{run.day.isoformat()}-{run.patients_label}.md"
        path.write_text(text)
        self.stdout.write("\n".join(report.table(run)))
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))


ANONYMOUS_KEY = "anonymous"


def _commit() -> str:
    """The code measured: BENCH_COMMIT, else the checkout's commit, marked when files differ from it."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        changes = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip() + (" with uncommitted changes" if changes.stdout.strip() else "")


def _ensure_database() -> None:
    """Create the PostgreSQL database named in DATABASE_URL if it does not exist yet (never drops one)."""
    if connection.vendor != "postgresql":
        return
    try:
        connection.ensure_connection()
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])}")


def _in_process(page_list: list[Page], users: dict[str, User]) -> list[runner.InProcess]:
    # The test Client's host, and plain static storage: the in-process run needs no collected manifest.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        ALLOWED_HOSTS=["127.0.0.1"],
        STORAGES={**settings.STORAGES, "staticfiles": static},
        DEBUG=False,
        MFA_REQUIRED_ROLES=[],
    ):
        return [runner.in_process(page, users) for page in page_list]
