"""A small scale clinic, seeded once per test module through the seeder, and rolled back afterwards."""

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

TINY = 300


@pytest.fixture(scope="module")
def scale(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """What seed_scale printed for a clinic of TINY patients."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_scale", patients=TINY, seed=7, no_progress=True, stdout=out, stderr=io.StringIO())
        yield out.getvalue()
        transaction.set_rollback(True)
