"""Time pages served by gunicorn as in production, and count each page's queries in-process.

Timing goes over HTTP to gunicorn on 127.0.0.1 (DEBUG=0, the production settings), one client, one request
at a time. Queries are counted by running the same request once more through Django's test Client inside
this process: the server under test stays exactly as deployed (no extra middleware, no debug cursor slowing
every query), and the count is the view's own.

The count comes from a database execute wrapper rather than CaptureQueriesContext, which reads the debug
query log: that log is cleared when a request starts (a POST's count came out as 0) and keeps at most
9,000 entries, fewer than a page with an N+1 query at 200,000 patients can run.
"""

import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.http.response import HttpResponseBase
from django.test import Client

from demo.bench.pages import BENCH_REASON, Page
from scheduling.models import Appointment

BASE_DIR = Path(settings.BASE_DIR)
LOCATION_PK = re.compile(r"/(\d+)/?$")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Timing:
    page: Page
    samples: list[float]  # milliseconds
    queries: int | None
    error: str = ""
    sql_ms: float | None = None  # in-process (`in_process`)

    @property
    def p50(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(workers: int, environment: Mapping[str, str]) -> Iterator[int]:
    """gunicorn serving the project on a free loopback port with production settings; yields the port."""
    static_root = tempfile.mkdtemp(prefix="pinpoint-bench-static-")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": static_root,
        **environment,
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    # Production serves fingerprinted static files: the templates need the manifest.
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=BASE_DIR)
    port = free_port()
    # A long timeout: a page that takes minutes at scale is measured, not killed.
    command = [sys.executable, "-m", "gunicorn", "clinic.wsgi:application", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "900", "--log-level", "warning"]
    server = subprocess.Popen(
        command,
        env=env,
        cwd=BASE_DIR,
    )
    try:
        _wait_until_up(port, server)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(static_root, ignore_errors=True)


def _wait_until_up(port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            HttpSession(port).request("GET", "/accounts/login/")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


class HttpSession:
    """One browser: cookies kept by hand, the CSRF token sent as the header Django accepts."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)

    def request(
        self, method: str, path: str, data: Mapping[str, str] | None = None, htmx: bool = False
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if method == "POST":
            body = urlencode(data or {})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (http.client.HTTPException, OSError):
            # gunicorn's sync workers close the connection after each response; open a new one and retry once.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, dict(response.getheaders()), content

    def login(self, username: str, password: str) -> None:
        status, _headers, body = self.request("GET", "/accounts/login/")
        token = CSRF_INPUT.search(body.decode())
        if status != 200 or token is None:
            raise RuntimeError(f"The login page answered {status}.")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        status, _headers, _body = self.request("POST", "/accounts/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Could not log in as {username} (status {status}).")


def cancel_over_http(session: HttpSession, headers: Mapping[str, str]) -> None:
    found = LOCATION_PK.search(headers.get("Location", ""))
    if found:
        session.request("POST", f"/schedule/{found.group(1)}/cancel/", {"reason": BENCH_REASON})


def _once(session: HttpSession, page: Page) -> tuple[float, str]:
    """One request: (milliseconds, error or ""). A booking is cancelled at once, untimed."""
    before = time.perf_counter()
    status, headers, body = session.request(page.method, page.path, page.data, page.htmx)
    elapsed = (time.perf_counter() - before) * 1000
    if page.books:
        cancel_over_http(session, headers)
    if status != page.expect:
        return elapsed, f"status {status}: {body[:200].decode(errors='replace')}"
    return elapsed, ""


def time_page(
    session: HttpSession, page: Page, requests: int, warmup: int, max_seconds: float
) -> tuple[list[float], str]:
    """Wall-clock milliseconds per request as the client sees them; stops early past `max_seconds`."""
    warm_until = time.monotonic() + max_seconds / 4
    for _ in range(warmup):
        _elapsed, error = _once(session, page)
        if error:
            return [], error
        if time.monotonic() > warm_until:
            break  # a page that takes minutes is warm after one request
    samples: list[float] = []
    started = time.monotonic()
    while len(samples) < requests:
        elapsed, error = _once(session, page)
        if error:
            return samples, error
        samples.append(elapsed)
        if len(samples) >= 3 and time.monotonic() - started > max_seconds:
            break
    return samples, ""


class QueryCounter:
    """A database execute wrapper that counts every statement, savepoints included, as the debug log would, and
    adds up the time they take."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


# In-process requests whose statements are timed (the first of them is also counted): the median of a few, since
# one request's SQL time swings with whatever else the machine is doing.
SQL_SAMPLES = 3


@dataclass(frozen=True)
class InProcess:
    queries: int
    status: int
    sql_ms: float  # the time a request's statements took: the median of `SQL_SAMPLES` requests


def in_process(page: Page, users: Mapping[str, User]) -> InProcess:
    """A page's queries, status and SQL time through the test Client in this process, after a first request, as
    the timed requests come after their warm-up ones, since the first may load what each process keeps
    (`clinic.reference`)."""
    # A page that fails at scale is reported with its status, not raised.
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    if page.role:
        client.force_login(users[page.role])
    _cancel_booking(client, page, _send(client, page))
    counted: list[tuple[QueryCounter, int]] = []
    for _ in range(SQL_SAMPLES):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = _send(client, page)
        _cancel_booking(client, page, response)
        counted.append((counter, response.status_code))
    first, status = counted[0]
    return InProcess(first.count, status, statistics.median(c.seconds for c, _ in counted) * 1000)


def _send(client: Client, page: Page) -> HttpResponseBase:
    headers = {"HX-Request": "true"} if page.htmx else {}
    if page.method == "POST":
        return client.post(page.path, page.data, headers=headers)
    return client.get(page.path, headers=headers)


def _cancel_booking(client: Client, page: Page, response: HttpResponseBase) -> None:
    found = LOCATION_PK.search(response.headers.get("Location", "")) if page.books else None
    if found:
        client.post(f"/schedule/{found.group(1)}/cancel/", {"reason": BENCH_REASON})


def throughput(
    port: int, session: HttpSession | None, path: str, requests: int, clients: int, warmup: int = 2
) -> float:
    """Requests per second with `clients` concurrent clients (copies of one login, or anonymous), each on its own
    connection. Each client's first `warmup` requests are not timed: a new connection may reach a server worker
    that has not served the page yet, whose first answer (its kept panels, its connection) is not the steady
    state being compared."""
    ready = threading.Barrier(clients + 1)
    done = threading.Barrier(clients + 1)

    def worker(count: int) -> None:
        mine = HttpSession(port)
        if session is not None:
            mine.cookies = dict(session.cookies)
        for _ in range(warmup):
            mine.request("GET", path)
        ready.wait()
        for _ in range(count):
            mine.request("GET", path)
        done.wait()

    threads = [threading.Thread(target=worker, args=(requests // clients,)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    done.wait()
    elapsed = time.perf_counter() - started
    for thread in threads:
        thread.join()
    return (requests // clients) * clients / elapsed


def remove_bench_bookings() -> int:
    """The benchmark's bookings, cancelled as it went: deleted, with their history, so runs leave no trace."""
    appointments = Appointment.objects.filter(reason=BENCH_REASON)
    Appointment.history.filter(reason=BENCH_REASON).delete()
    deleted, _by_model = appointments.delete()
    return deleted
