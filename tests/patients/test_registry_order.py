"""The nightly `order_registry` keeps the patients table in name order, so a name search reads few pages."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from patients.models import Patient
from tests import factories

NAMES = ["Young", "Abbott", "Nguyen", "Baker", "Nguyen", "Zamora", "Castro"]


def _order_registry() -> str:
    out = io.StringIO()
    call_command("order_registry", stdout=out)
    return out.getvalue()


def _names_as_stored() -> list[str]:
    with connection.cursor() as cursor:
        order = "ctid" if connection.vendor == "postgresql" else "rowid"
        cursor.execute(f"SELECT last_name FROM {Patient._meta.db_table} ORDER BY {order}")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="CLUSTER is PostgreSQL's")
def test_on_postgresql_the_patients_are_rewritten_in_name_order_and_searches_find_the_same():
    for name in NAMES:
        factories.patient(last_name=name, first_name="Ana")
    found_before = [p.pk for p in Patient.objects.find("nguy", size=25).patients]
    assert _names_as_stored() == NAMES

    assert "Patients ordered by name" in _order_registry()

    assert _names_as_stored() == sorted(NAMES)
    assert [p.pk for p in Patient.objects.find("nguy", size=25).patients] == found_before
    with connection.cursor() as cursor:
        cursor.execute("SELECT indisclustered FROM pg_index WHERE indexrelid = 'patient_name_idx'::regclass")
        assert cursor.fetchone() == (True,)
    # Registering goes on as before, and a second run is harmless.
    factories.patient(last_name="Aaron")
    assert "Patients ordered by name" in _order_registry()
    assert _names_as_stored()[0] == "Aaron"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's side")
def test_on_sqlite_the_rows_stay_in_the_order_they_were_written():
    for name in NAMES:
        factories.patient(last_name=name, first_name="Ana")

    assert "Nothing to do" in _order_registry()

    assert _names_as_stored() == NAMES
