"""Each row of the search results: who the patient is, how to reach them, who pays, and what to be careful of."""

import datetime
import re

import pytest
from django.core.paginator import Page
from django.template.loader import render_to_string
from django.urls import reverse

from patients import services
from patients.models import Found, Patient
from patients.views import PAGE_SIZE, FoundPaginator
from tests import factories
from tests.clock import on_clinic_day

pytestmark = pytest.mark.django_db


def _row(html: str, mrn: str) -> str:
    rows: list[str] = re.findall(r"<tr>.*?</tr>", html, re.S)
    (row,) = [row for row in rows if f"<td>{mrn}</td>" in row]
    return row


def test_a_row_links_the_name_to_the_chart_and_shows_birth_date_with_age_phone_payer_and_safety(client, frontdesk):
    patient = factories.patient(
        first_name="Aoife",
        last_name="O'Brien <Jr>",
        date_of_birth=datetime.date(1960, 3, 1),
        phone="(555) 201-3344",
        mrn="MR-1",
        payer=factories.payer("Blue Cross & Blue Shield", "bcbs"),
        anticoagulant=True,
        anticoagulant_detail="Apixaban",
        contrast_allergy=True,
    )
    client.force_login(frontdesk)
    with on_clinic_day(datetime.date(2026, 2, 28)):
        html = client.get(reverse("patients:list"), {"q": "MR-1"}).content.decode()
    row = _row(html, "MR-1")
    chart = reverse("patients:chart", args=[patient.pk])
    assert f'<a href="{chart}">O&#x27;Brien &lt;Jr&gt;, Aoife</a>' in row
    # The day before the birthday: still 65.
    assert '1960-03-01 <span class="text-secondary">(65)</span>' in row
    assert "(555) 201-3344" in row
    assert "<td>Blue Cross &amp; Blue Shield</td>" in row
    assert re.findall(r'text-bg-warning me-1">([^<]+)<', row) == ["Anticoagulant", "Contrast allergy"]
    assert "archived" not in row


def test_a_row_without_phone_or_payer_shows_a_dash_and_an_archived_patient_is_marked(client, frontdesk):
    patient = factories.patient(first_name="Lee", last_name="Park", phone="", mrn="MR-2")
    services.patient_archive(patient=patient, reason="Moved away")
    client.force_login(frontdesk)
    html = client.get(reverse("patients:list"), {"q": "MR-2", "archived": "1"}).content.decode()
    row = _row(html, "MR-2")
    assert row.count("<td>—</td>") + row.count('<td class="text-nowrap">—</td>') == 2
    assert '<span class="badge text-bg-secondary">archived</span>' in row
    assert "text-bg-warning" not in row


@pytest.mark.parametrize(
    ("matches", "said"),
    [(3509, "3,509 patients matching “nguy”"), (5001, "More than 5,000 patients match “nguy”")],
)
def test_a_count_in_the_thousands_is_written_with_a_separator(matches, said):
    paginator = FoundPaginator(Patient.objects.none(), "nguy", PAGE_SIZE)
    paginator.found = Found([], matches, 5000)
    html = render_to_string("patients/_results.html", {"page": Page([], 1, paginator), "rows": [], "query": "nguy"})
    assert said in html
