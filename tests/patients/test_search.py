import datetime

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def jose():
    return factories.patient(
        first_name="José",
        last_name="Núñez",
        date_of_birth=datetime.date(1958, 7, 14),
        phone="(555) 201-3344",
        mrn="MR-4411",
    )


@pytest.fixture
def others():
    return [
        factories.patient(first_name="Joseph", last_name="Smith", date_of_birth=datetime.date(1980, 1, 2)),
        factories.patient(first_name="Ana", last_name="Nunes", date_of_birth=datetime.date(1958, 7, 14)),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "Núñez",
        "nunez",
        "NUNEZ JOSE",
        "jose nunez",
        "Núñez, José",
        "MR-4411",
        "mr-4411",
        "1958-07-14 nunez",
        "07/14/1958 jose",
        "555-201-3344",
        "2013344",
        "(555) 201 3344",
    ],
)
def test_the_search_box_finds_a_patient_however_they_are_typed(client, frontdesk, jose, others, query):
    client.force_login(frontdesk)
    response = client.get(reverse("patients:list"), {"q": query})
    assert list(response.context["page"]) == [jose]


def test_a_birth_date_alone_lists_everyone_born_that_day(client, frontdesk, jose, others):
    client.force_login(frontdesk)
    response = client.get(reverse("patients:list"), {"q": "1958-07-14"})
    assert {p.last_name for p in response.context["page"]} == {"Núñez", "Nunes"}


def test_htmx_typing_gets_only_the_results_fragment(client, frontdesk, jose):
    client.force_login(frontdesk)
    response = client.get(reverse("patients:list"), {"q": "nunez"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Núñez" in html
    assert "<nav" not in html


def test_the_list_is_paginated(client, frontdesk):
    for n in range(30):
        factories.patient(first_name=f"Pat{n}", last_name="Many", date_of_birth=datetime.date(1950, 1, 1 + n % 28))
    client.force_login(frontdesk)
    first = client.get(reverse("patients:list"))
    second = client.get(reverse("patients:list"), {"page": 2})
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 5


def test_the_list_runs_the_same_number_of_queries_for_5_or_60_patients(
    client, frontdesk, django_assert_max_num_queries
):
    client.force_login(frontdesk)
    for n in range(5):
        factories.patient(first_name=f"A{n}", payer=factories.payer())
    with django_assert_max_num_queries(7) as few:
        client.get(reverse("patients:list"))
    for n in range(55):
        factories.patient(first_name=f"B{n}", payer=factories.payer())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("patients:list"), {"q": "lopez"})
