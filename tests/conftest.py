"""Personas per role, factories, and the browser set-up shared by every test."""

import datetime
import io
import os
import shutil
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from _pytest.nodeid import coerce_node_id
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import transaction
from pytest_django.plugin import blocking_manager_key

from clinic import sms
from clinic.roles import Role, sync_roles
from tests.clock import on_clinic_day
from tests.shipped import replay_data_migrations

# Playwright's sync API runs an event loop in the test thread; the ORM calls made there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"
# Production's default for MFA_REQUIRED_ROLES (tests/clinic/test_two_step.py checks that it is the default).
PRODUCTION_MFA_ROLES = ["physician", "administrator"]


def pytest_configure(config: pytest.Config) -> None:
    # The default hasher costs ~0.5 s per user; tests do not need it to be slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Across the suite, personas log in with force_login or a password alone; no role must set up an
    # authenticator first. The two-step tests turn enforcement back on as configured (`two_step_enforced`).
    settings.MFA_REQUIRED_ROLES = []
    _travel_to_pinpoint_today(config)


def _travel_to_pinpoint_today(config: pytest.Config) -> None:
    """The whole session runs on a clinic day at 10:30 clinic time, the clock ticking on from there.

    The day is today's (as the clinic's calendar reads it) unless PINPOINT_TODAY=2026-03-08 names another, so
    date bugs show on any day (`make test-dates`). The time of day is pinned always: a test that logs a procedure
    "today at 10:00" must not meet a future time when the suite runs at seven in the morning. Tests that freeze
    time themselves nest inside this travel and return to it afterwards.
    """
    named = os.environ.get("PINPOINT_TODAY")
    today = (
        datetime.date.fromisoformat(named)
        if named
        else datetime.datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    )
    traveller = on_clinic_day(today)
    traveller.start()
    config.add_cleanup(traveller.stop)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # schemathesis names each API operation's test "name[GET /path]" but gives them all the function's node id;
    # pytest-xdist hands tests to its workers by node id, so all but one operation would never run.
    for item in items:
        label = getattr(item, "operation_label", None)
        if label and not item.nodeid.endswith("]"):
            item._id = coerce_node_id(f"{item.nodeid}[{label}]")
    seen = Counter(item.nodeid for item in items)
    if twice := [nodeid for nodeid, count in seen.items() if count > 1]:
        raise pytest.UsageError(f"Tests share a node id, so a parallel run would skip all but one: {twice}")
    # Browser tests last: fast tests report first, and the live server (with its request threads'
    # database sessions) only starts once the rest of the suite is done.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def _flushes(item: pytest.Item) -> bool:
    """Whether the test runs outside a rolled-back transaction, so pytest-django empties every table after it."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(fixtures)
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A test that emptied the tables puts the shipped data back for the tests after it.

    Run in one process, pytest-django orders such tests after the others; spread over workers a test file at a
    time, the next file on the same worker may be any, and it expects what the migrations ship.
    """
    result = yield
    if nextitem is not None and _flushes(item):
        with item.config.stash[blocking_manager_key].unblock():
            replay_data_migrations()
    return result


@pytest.fixture(autouse=True)
def sms_outbox(settings: Any) -> Iterator[list[sms.TextMessage]]:
    """Text messages kept in memory, like Django's test email outbox."""
    settings.SMS_BACKEND = "clinic.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def two_step_enforced(settings: Any) -> None:
    """Two-step login required of the roles production requires it of, through the same middleware and pages."""
    settings.MFA_REQUIRED_ROLES = PRODUCTION_MFA_ROLES


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, role: Role | None, **extra: Any) -> User:
        # Browser tests flush the database between tests, taking the migrated groups with it.
        if not Group.objects.filter(name=Role.FRONT_DESK.value).exists():
            sync_roles()
        user = User.objects.create_user(username=username, password=PASSWORD, first_name=username.title(), **extra)
        if role is not None:
            user.groups.add(Group.objects.get(name=role.value))
        return user

    return make


@pytest.fixture
def frontdesk(make_user: Callable[..., User]) -> User:
    return make_user("fiona", Role.FRONT_DESK)


@pytest.fixture
def nurse(make_user: Callable[..., User]) -> User:
    return make_user("nora", Role.NURSE)


@pytest.fixture
def physician(make_user: Callable[..., User]) -> User:
    return make_user("paul", Role.PHYSICIAN)


@pytest.fixture
def administrator(make_user: Callable[..., User]) -> User:
    return make_user("ada", Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def norole(make_user: Callable[..., User]) -> User:
    """A logged-in account that has been given no role yet."""
    return make_user("newhire", None)


def seed_demo() -> str:
    """Run the demo seeding as `make run` does; returns what it printed."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo clinic, seeded once per test module (it takes seconds) and rolled back afterwards.

    Each test still runs in its own savepoint inside this transaction, so nothing a test does leaks.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_demo()
        transaction.set_rollback(True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def shipped_data(transactional_db: None) -> None:
    """Put back what the data migrations ship (roles, catalog, rules) after a transactional flush.

    Django's serialized rollback cannot be relied on here: Playwright's event loop gives the ORM a
    fresh connection object that may lack the snapshot taken at setup (`tests.shipped`).
    """
    replay_data_migrations()
