"""The import tests' shared pieces: the demo clinic's physicians, the sample's day, a valid row to spoil."""

import csv
import datetime
import io
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from clinic.roles import Role
from imports import columns, services
from imports.models import ProcedureLogImport
from imports.rows import Checked
from tests.clock import on_clinic_day

HEADERS = ["Date", "MRN", "First name", "Last name", "DOB", "Procedure", "Levels", "Side", "Drug", "Dose", "Physician"]
# The committed sample ends on this day; on the next its stories are at and over their limits.
SAMPLE_END = datetime.date(2026, 11, 30)


@pytest.fixture
def doctors(make_user: Callable[..., User]) -> dict[str, User]:
    """The demo clinic's physicians, named as `seed_demo` names them."""
    found = {}
    for username, first, last in (
        ("physician", "Paul", "Ibarra"),
        ("drchen", "Hannah", "Chen"),
        ("drokafor", "Emeka", "Okafor"),
    ):
        user = make_user(username, Role.PHYSICIAN)
        user.first_name, user.last_name = first, last
        user.save()
        found[username] = user
    return found


@pytest.fixture
def sample_day():
    """The day after the committed sample's last procedure."""
    with on_clinic_day(SAMPLE_END + datetime.timedelta(days=1)):
        yield


def row(**changes: str) -> dict[str, str]:
    """A row a clinic's log could hold: Maria Lopez's left L4-L5 transforaminal ESI 30 days ago."""
    day = timezone.localdate() - datetime.timedelta(days=30)
    values = {
        "Date": day.isoformat(),
        "MRN": "E500001",
        "First name": "Maria",
        "Last name": "Lopez",
        "DOB": "1961-04-02",
        "Procedure": "esi-transforaminal",
        "Levels": "L4-L5",
        "Side": "left",
        "Drug": "Dexamethasone",
        "Dose": "10",
        "Physician": "Paul Ibarra",
    }
    return values | changes


def csv_of(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def uploaded(content: bytes, by: User, name: str = "log.csv") -> ProcedureLogImport:
    """Uploaded and mapped as the mapping page guesses."""
    run = services.import_upload(file_name=name, content=content, uploaded_by=by)
    services.import_map(run=run, mapping=columns.guess(services.import_table(run).headers), default_physician=None)
    return run


def checked(rows: list[dict[str, str]], by: User) -> Checked:
    return services.import_check(uploaded(csv_of(rows), by))
