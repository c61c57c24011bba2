"""Query plans for the few reports that look up thousands of rows by key among millions (PostgreSQL only).

PostgreSQL's default costs assume a disk that seeks: they take thousands of index lookups for slower than
reading a whole table or a year of it and hashing it, which is several times slower on a database that is
cached and on SSD, as a clinic's is. The settings hold inside the block only: set with SET LOCAL and put
back to their defaults when it ends, as the block may be part of a larger transaction. On SQLite they do
nothing.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from django.db import connection, transaction

# As for an SSD-backed, cached database; compiling (JIT) a report's query costs more than running it.
LOOKUP_COSTS = (("random_page_cost", "1.1"), ("jit", "off"))
# Key lookups however the planner weighs them; parallel workers only add start-up time to a few thousand.
KEY_LOOKUPS_ONLY = (("enable_hashjoin", "off"), ("enable_mergejoin", "off"), ("max_parallel_workers_per_gather", "0"))


@contextmanager
def planned_for_lookups(*settings: tuple[str, str]) -> Iterator[None]:
    """Run the queries inside with `LOOKUP_COSTS` and any further settings."""
    if connection.vendor != "postgresql":
        yield
        return
    chosen = (*LOOKUP_COSTS, *settings)
    # Inside a caller's transaction the settings would outlive the block: put them back at its end. On its
    # own, the block is the transaction, and they end with it.
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET LOCAL {name} = {value}" for name, value in chosen))  # one round trip
        try:
            yield
        finally:
            if nested:
                cursor.execute("; ".join(f"SET LOCAL {name} TO DEFAULT" for name, _value in chosen))


def by_key_lookups() -> AbstractContextManager[None]:
    """For a query from a few thousand rows to the records they name: look each up by its key."""
    return planned_for_lookups(*KEY_LOOKUPS_ONLY)
