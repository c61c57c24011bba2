"""Each patient's chart stamp: a value that database triggers renew, in the writing transaction, whenever any record
shown on the patient's chart is written (the patient, their procedures with sites and drugs, calls and visits).

The chart keeps the HTML of its heavier panels under the patient's stamp (`clinic.panels`), so a chart opened again
with nothing of the patient's changed is served from that HTML. The triggers are written by the migrations of the
apps that own the tables, through `ChartStampTriggers`: a write by a service, the admin, a migration or plain SQL
renews the stamp alike. A stamp value is never repeated (the reference stamps' sequence on PostgreSQL, 63 random
bits on SQLite); a patient with no stamp row yet (records loaded in bulk) gets one with a new value when read.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation

from clinic import reference
from clinic.models import ReferenceStamp
from clinic.reference import SEQUENCE, fresh_value
from patients.models import ChartStamp, Patient

TABLE = "patients_chartstamp"
FUNCTION = "patients_chart_stamp_renew"
T = TypeVar("T")

# What the limit checks read of the patients a process checked last (their recorded history, their documented
# responses), each under the stamps it was read under: the live check runs on every keystroke of one patient's
# entry, and a booking checks its patient several times.
KEPT_ENTRIES = 512
_kept: OrderedDict[tuple[int, str], tuple[tuple[int, ...], object]] = OrderedDict()
_lock = threading.Lock()


def current(patient_id: int, references: Sequence[str] = ()) -> tuple[int, ...] | None:
    """The patient's stamp now, followed by the values of these reference stamps, in one query; None for no such
    patient. A patient without a stamp yet gets one with a new value (as does a missing reference stamp)."""
    names = ", ".join(["%s"] * len(references)) or "NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, value FROM {ReferenceStamp._meta.db_table} WHERE name IN ({names}) "
            f"UNION ALL SELECT '', value FROM {ChartStamp._meta.db_table} WHERE patient_id = %s",
            [*references, patient_id],
        )
        found: dict[str, int] = dict(cursor.fetchall())
    if "" not in found:
        if not Patient.objects.filter(pk=patient_id).exists():
            return None
        found[""] = ChartStamp.objects.get_or_create(patient_id=patient_id, defaults={"value": fresh_value()})[0].value
    if any(name not in found for name in references):
        found.update(zip(references, reference.stamps(references), strict=True))
    return (found[""], *(found[name] for name in references))


def kept(patient_id: int, name: str, load: Callable[[], T], references: Sequence[str] = ()) -> T | None:
    """`load()`'s result as of the patient's chart stamp and these reference stamps now: the copy kept under them
    (one query), else loaded and kept; None for no such patient. `name` tells apart what is kept of one patient.
    The copy is shared by every caller in the process: keep frozen values, or hand out copies of it.

    As with the reference stamps, a copy loaded in a transaction that then rolls back carries stamps no committed
    state will have, and a copy loaded after a write committed is kept under that write's stamp or a later one."""
    stamps = current(patient_id, references)
    if stamps is None:
        return None
    key = (patient_id, name)
    held = _kept.get(key)
    if held is not None and held[0] == stamps:
        return held[1]  # type: ignore[return-value]
    value = load()
    with _lock:
        _kept[key] = (stamps, value)
        _kept.move_to_end(key)
        while len(_kept) > KEPT_ENTRIES:
            _kept.popitem(last=False)
    return value


class ChartStampFunction(Operation):
    """PostgreSQL: the function every chart-stamp trigger calls with the patient's id (nothing on SQLite)."""

    reversible = True

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE FUNCTION {FUNCTION}(patient bigint) RETURNS void LANGUAGE sql AS $$ "
                f"INSERT INTO {TABLE} (patient_id, value) SELECT patient, nextval('{SEQUENCE}') "
                "WHERE patient IS NOT NULL ON CONFLICT (patient_id) DO UPDATE SET value = EXCLUDED.value $$"
            )

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(bigint)")

    def describe(self) -> str:
        return "Chart stamps' renewing function"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__qualname__, [], {}


class ChartStampTriggers(Operation):
    """Triggers renewing the chart stamp of the patient a row of `table` belongs to, on every insert, update and
    delete. `patient` is SQL giving the patient's id from the row, named `ROW` (e.g. "ROW.patient_id", or a lookup
    through the row's procedure); an update renews the stamps of the patient before and after."""

    reversible = True

    def __init__(self, table: str, patient: str) -> None:
        self.table, self.patient = table, patient

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        install(schema_editor, self.table, self.patient)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        remove(schema_editor, self.table)

    def describe(self) -> str:
        return f"Triggers renewing the chart stamp on writes to {self.table}"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__qualname__, [self.table, self.patient], {}


def install(schema_editor: BaseDatabaseSchemaEditor, table: str, patient: str) -> None:
    old, new = patient.replace("ROW.", "OLD."), patient.replace("ROW.", "NEW.")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE FUNCTION {table}_chart_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "DECLARE before bigint; after bigint; BEGIN "
            f"IF TG_OP <> 'INSERT' THEN before := {old}; END IF; "
            f"IF TG_OP <> 'DELETE' THEN after := {new}; END IF; "
            f"PERFORM {FUNCTION}(after); "
            f"IF before IS DISTINCT FROM after THEN PERFORM {FUNCTION}(before); END IF; "
            "RETURN NULL; END $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_chart_stamp AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_chart_stamp()"
        )
        return
    for event, rows in (("INSERT", [new]), ("UPDATE", [old, new]), ("DELETE", [old])):
        # SQLite has no sequences: 63 random bits, as the reference stamps (abs() would overflow on one value).
        renew = " ".join(
            f"INSERT INTO {TABLE} (patient_id, value) SELECT p, random() & 9223372036854775807 "
            f"FROM (SELECT {row} AS p) WHERE p IS NOT NULL "
            "ON CONFLICT (patient_id) DO UPDATE SET value = excluded.value;"
            for row in rows
        )
        name = f"{table}_chart_stamp_{event.lower()}"
        schema_editor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {renew} END")


def remove(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_chart_stamp ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_chart_stamp()")
        return
    for event in ("insert", "update", "delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_chart_stamp_{event}")
