"""Keeping the registry's rows in name order on disk, so a name search reads a few pages rather than one a match.

A search like "nguy" matches thousands of patients at a large clinic (every Nguyen), and it reads every match to
count them and sort the first page by name. PostgreSQL fetches each from the table's pages, which are in the
order the patients were registered: 3,500 Nguyens sat on 2,800 different pages. `CLUSTER` rewrites the table in
the order of the name index, putting them on about 130. New registrations go at the end, so the order slowly
wears off; `manage.py order_registry` restores it, nightly (it holds the table's lock for a few seconds at
200,000 patients, so run it when the clinic is closed). SQLite keeps rows in id order and is left as it is.
"""

from django.db import connection

from patients.models import Patient

NAME_INDEX = "patient_name_idx"


def order_registry_by_name() -> bool:
    """Rewrite the patients table in name order, then refresh its statistics and visibility map; False where the
    database has no such thing (SQLite). Outside a transaction: VACUUM cannot run inside one."""
    if connection.vendor != "postgresql":
        return False
    table = connection.ops.quote_name(Patient._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"CLUSTER {table} USING {connection.ops.quote_name(NAME_INDEX)}")
        # The rewritten table has no visibility map yet: index-only scans would read the table again.
        cursor.execute(f"VACUUM (ANALYZE) {table}")
    return True
