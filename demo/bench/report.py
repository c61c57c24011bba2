"""The benchmark's results as a Markdown page: the machine, the data, the method, and one row per page."""

import datetime
import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.db import connection

from demo.bench.pages import BOOKING_CHECK, LOGIN, ROLE_NAMES, Subjects
from demo.bench.runner import SQL_SAMPLES, Timing

BOOKING_WITH_CHECK = "15 ms + the limit check"
THROUGHPUT_GOAL = 0.5


@dataclass
class Run:
    day: datetime.date
    patients_label: str
    counts: dict[str, int]
    subjects: Subjects
    timings: list[Timing]
    requests: int
    warmup: int
    workers: int
    conn_max_age: str
    chart_rps: float
    login_rps: float
    clients: int
    seeded: str = ""  # how the data got there, when this run seeded it
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)  # load averages when the timing started
    commit: str = ""
    notes: list[str] = field(default_factory=list)


def label(patients: int) -> str:
    return f"{patients // 1000}k" if patients >= 1000 and patients % 1000 == 0 else str(patients)


def _read(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[-1].split("=", 1)[-1].strip().strip('"')
    except OSError:
        pass
    return "unknown"


def machine() -> str:
    memory = _read("/proc/meminfo", "MemTotal")
    gigabytes = f"{int(memory.split()[0]) / 1024**2:.0f} GB RAM" if memory != "unknown" else "RAM unknown"
    database = connection.vendor
    if database == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    return (
        f"{_read('/proc/cpuinfo', 'model name')}, {os.cpu_count()} cores, {gigabytes}; "
        f"{_read('/etc/os-release', 'PRETTY_NAME')}; Python {platform.python_version()}, "
        f"Django {django.get_version()}, {database}"
    )


def database_size() -> str:
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return f" Database size {cursor.fetchone()[0]}."


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def judge(timing: Timing, timings: Sequence[Timing]) -> tuple[str, str]:
    """(goal, result) for one row. Goals without a percentile are p50 goals."""
    page = timing.page
    if timing.error:
        return _goal_text(timing, timings), "error"
    if page.goal_p50 is None and page.goal_p95 is None:
        return page.goal_note or "—", "—"
    goal_p50 = page.goal_p50
    if page.goal_note == BOOKING_WITH_CHECK:
        check = next((t.p50 for t in timings if t.page.name == BOOKING_CHECK), None)
        goal_p50 = (goal_p50 or 0) + (check or 0)
    passed = (
        (goal_p50 is None or (timing.p50 or 0) <= goal_p50)
        and (page.goal_p95 is None or (timing.p95 or 0) <= page.goal_p95)
        and (page.goal_sql_ratio is None or (timing.p50 or 0) <= page.goal_sql_ratio * (timing.sql_ms or 0))
    )
    return _goal_text(timing, timings), "pass" if passed else "**fail**"


def _goal_text(timing: Timing, timings: Sequence[Timing]) -> str:
    page = timing.page
    if page.goal_note == BOOKING_WITH_CHECK:
        check = next((t.p50 for t in timings if t.page.name == BOOKING_CHECK), None)
        return f"p50 ≤ 15 + {ms(check)} ms (the check)"
    parts = []
    if page.goal_p50 is not None:
        parts.append(f"p50 ≤ {page.goal_p50:g} ms")
    if page.goal_p95 is not None:
        parts.append(f"p95 ≤ {page.goal_p95:g} ms")
    if page.goal_sql_ratio is not None:
        parts.append(f"p50 ≤ {page.goal_sql_ratio:g} × its SQL")
    return ", ".join(parts) or page.goal_note or "—"


def table(run: Run) -> list[str]:
    lines = [
        "| page | as | p50 ms | p95 ms | p50 ÷ login | n | queries | SQL ms | goal | result |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    # The login page is the machine's own yardstick (a request with no query): machines here serve it in 2.7 to
    # 7 ms, so a page's multiple of it compares runs on different machines where the milliseconds cannot.
    login = next((t.p50 for t in run.timings if t.page.name == LOGIN), None)
    for timing in run.timings:
        goal, result = judge(timing, run.timings)
        queries = "—" if timing.queries is None else str(timing.queries)
        times = f"{timing.p50 / login:.1f}×" if login and timing.p50 is not None else "—"
        lines.append(
            f"| {timing.page.name} | {ROLE_NAMES[timing.page.role]} | {ms(timing.p50)} | {ms(timing.p95)} | "
            f"{times} | {len(timing.samples)} | {queries} | {ms(timing.sql_ms)} | {goal} | {result} |"
        )
    ratio = run.chart_rps / run.login_rps if run.login_rps else 0.0
    verdict = "pass" if ratio >= THROUGHPUT_GOAL else "**fail**"
    lines.append(
        f"| chart throughput ÷ login page throughput | Physician | {run.chart_rps:,.1f} req/s | "
        f"{run.login_rps:,.1f} req/s | | | | | ≥ {THROUGHPUT_GOAL:.0%} | {ratio:.1%}: {verdict} |"
    )
    return lines


def markdown(run: Run) -> str:
    s = run.subjects
    counts = ", ".join(f"{count:,} {name}" for name, count in run.counts.items())
    errors = [t for t in run.timings if t.error]
    text = [
        f"# Page benchmark, {run.day.isoformat()}, {run.patients_label} patients",
        "",
        f"**Code.** Commit {run.commit}.",
        "",
        f"**Machine.** {machine()}. gunicorn with {run.workers} sync workers on 127.0.0.1, DEBUG=0, "
        f"DB_CONN_MAX_AGE={run.conn_max_age} (as `.env.example` sets for production). Load average when the "
        f"timing started: {run.load[0]:.1f} / {run.load[1]:.1f} / {run.load[2]:.1f} (1 / 5 / 15 min); anything "
        "above 0 is other work sharing the two cores.",
        "",
        f"**Data.** {counts}.{database_size()}{(' ' + run.seeded) if run.seeded else ''}",
        "",
        f"**Subjects.** Heaviest chart: patient {s.heavy.pk} (MRN {s.heavy.mrn}) with {s.heavy_procedures} "
        f"procedures. Busiest weekday of the last four weeks: {s.busy_day:%a %Y-%m-%d}, {s.busy_visits} visits. "
        f"Searches: MRN {s.mrn} and “nguy”. Bookings: {s.booking_start:%a %Y-%m-%d %H:%M}, "
        f"{s.booking_physician.get_full_name()}, {s.booking_room}.",
        "",
        "**Method.** One client, one request at a time, over HTTP: "
        f"{run.warmup} untimed warm-up requests, then {run.requests} timed ones per page (fewer where a page is "
        "so slow that the run would take hours: see n). p50 and p95 are the client's wall time in milliseconds. "
        "Queries are counted by sending the same request twice through Django's test Client in the benchmark's "
        "own process and counting the second one's statements with a database execute wrapper (the first may load "
        "the reference data each process keeps, as the warm-up requests do), so the server being timed runs exactly "
        "the production settings, with no debug cursor or extra middleware. SQL ms is the time those statements "
        f"took, the median of {SQL_SAMPLES} such requests. Goals without a percentile are p50 goals. "
        "Each booking is cancelled right after it is timed (its slot is free again for the next request) and "
        "the benchmark's cancelled bookings are deleted at the end, so the schedule does not grow. "
        f"Throughput: {run.clients} concurrent clients, each on its own connection after its warm-up requests, "
        "requests per second over four times the timed requests.",
        "",
        *table(run),
        "",
    ]
    if errors:
        text += ["**Errors.**", ""] + [f"- {t.page.name}: {t.error}" for t in errors] + [""]
    if run.notes:
        text += ["**Notes.**", ""] + [f"- {note}" for note in run.notes] + [""]
    return "\n".join(text)
