"""The administrator's lists of tables that grow with the clinic's years count no further than a cap, so a list of
4 million follow-ups opens as fast as one of forty."""

import datetime

import pytest
from django.urls import reverse

from clinic import paging
from clinic.paging import CappedPaginator
from patients.models import Patient
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_three(monkeypatch):
    monkeypatch.setattr(paging, "CAP", 3)


def test_a_table_past_the_cap_is_counted_to_the_cap_and_says_so(cap_of_three):
    for n in range(5):
        factories.patient(last_name=f"Counted{n}")
    paginator = CappedPaginator(Patient.objects.all(), 2)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 2)


def test_a_table_within_the_cap_is_counted_exactly(cap_of_three):
    for n in range(2):
        factories.patient(last_name=f"Counted{n}")
    paginator = CappedPaginator(Patient.objects.all(), 2)
    assert (paginator.count, paginator.capped) == (2, False)


def test_the_admin_list_says_more_than_the_cap_and_how_to_narrow_it(client, administrator, cap_of_three):
    for n in range(5):
        factories.patient(last_name=f"Listed{n}")
    client.force_login(administrator)
    page = client.get(reverse("admin:patients_patient_changelist")).content.decode()
    assert "More than 3 patients: filter or search to narrow them." in page
    searched = client.get(reverse("admin:patients_patient_changelist"), {"q": "Listed"}).content.decode()
    assert "More than 3 results" in searched
    assert "Show counts" not in searched  # facet counts would count the whole table
    narrowed = client.get(reverse("admin:patients_patient_changelist"), {"q": "Listed1"}).content.decode()
    assert "1 patient" in narrowed
    assert "More than" not in narrowed


@pytest.mark.parametrize(
    "page",
    [
        "admin:outcomes_followup_changelist",
        "admin:scheduling_appointment_changelist",
        "admin:procedures_procedure_changelist",
        "admin:scheduling_waitlistentry_changelist",
        "admin:patients_patient_changelist",
    ],
)
def test_every_large_table_list_counts_no_further_than_the_cap(
    client, administrator, page, django_assert_max_num_queries
):
    client.force_login(administrator)
    with django_assert_max_num_queries(12) as queries:
        assert client.get(reverse(page)).status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts
    assert all("LIMIT" in sql.upper() for sql in counts)


def test_the_admin_lists_of_records_find_the_patient_as_the_clinic_search_does(client, administrator):
    jose = factories.patient(first_name="José", last_name="Núñez", mrn="MRN-7731")
    other = factories.patient(first_name="Ana", last_name="Smith")
    factories.procedure(jose, on=datetime.date(2026, 3, 2))
    factories.procedure(other, on=datetime.date(2026, 3, 2))
    client.force_login(administrator)
    procedures = reverse("admin:procedures_procedure_changelist")
    for term in ("nunez", "jose nunez", "7731"):
        page = client.get(procedures, {"q": term}).content.decode()
        assert "1 procedure" in page, term
        assert "Núñez" in page
        assert "Smith" not in page
    assert "0 procedures" in client.get(procedures, {"q": "nobody"}).content.decode()
