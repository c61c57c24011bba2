"""Planner settings for key-lookup reports hold for their own transaction only."""

import pytest
from django.db import connection

from clinic.planner import by_key_lookups

pytestmark = pytest.mark.django_db


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return str(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_key_lookups_are_planned_inside_the_block_and_the_defaults_return_after_it():
    before = setting("enable_hashjoin"), setting("random_page_cost")
    with by_key_lookups():
        assert (setting("enable_hashjoin"), setting("random_page_cost")) == ("off", "1.1")
        assert setting("max_parallel_workers_per_gather") == "0"
    assert (setting("enable_hashjoin"), setting("random_page_cost")) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_the_settings_end_with_the_block_even_inside_a_longer_transaction():
    # Every test runs inside a transaction, as a block called from a service would.
    with by_key_lookups():
        pass
    with by_key_lookups():
        pass
    assert setting("enable_hashjoin") == "on"
