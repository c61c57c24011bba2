import datetime

import pytest
from django.db import connection
from django.urls import reverse

from patients import models
from patients.models import COUNT_LIMIT, SORT_LIMIT, Patient
from tests import factories
from tests.work import instances_built

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


def test_the_list_and_a_search_run_the_same_queries_for_5_or_60_patients(
    client, frontdesk, django_assert_max_num_queries
):
    client.force_login(frontdesk)
    for n in range(5):
        factories.patient(first_name=f"A{n}", payer=factories.payer())
    with django_assert_max_num_queries(7) as listing:
        client.get(reverse("patients:list"))
    with django_assert_max_num_queries(7) as searching:
        client.get(reverse("patients:list"), {"q": "lopez"})
    for n in range(55):
        factories.patient(first_name=f"B{n}", payer=factories.payer())
    with django_assert_max_num_queries(len(listing.captured_queries)):
        client.get(reverse("patients:list"))
    with django_assert_max_num_queries(len(searching.captured_queries)):
        client.get(reverse("patients:list"), {"q": "lopez"})


def test_the_list_builds_one_page_of_patients_whatever_the_registry(client, frontdesk):
    client.force_login(frontdesk)
    for n in range(30):
        factories.patient(first_name=f"A{n}")
    with instances_built() as few:
        client.get(reverse("patients:list"), {"q": "lopez"})
    for n in range(30):
        factories.patient(first_name=f"B{n}")
    with instances_built() as many:
        response = client.get(reverse("patients:list"), {"q": "lopez"})
    assert response.context["page"].paginator.count == 60
    assert many[Patient] == few[Patient] == 25


def test_the_patient_whose_mrn_is_typed_comes_first(client, frontdesk):
    factories.patient(first_name="Aaron", last_name="Abbott", mrn="MR-44110")
    factories.patient(first_name="Zed", last_name="Zimmer", mrn="MR-4411")
    client.force_login(frontdesk)
    for typed in ("MR-4411", "mr-4411"):
        assert [p.last_name for p in client.get(reverse("patients:list"), {"q": typed}).context["page"]] == [
            "Zimmer",
            "Abbott",
        ]
    # Without an exact MRN the order is by name.
    assert [p.last_name for p in client.get(reverse("patients:list"), {"q": "mr-441"}).context["page"]] == [
        "Abbott",
        "Zimmer",
    ]


def test_a_birth_date_with_a_name_fragment_lists_only_that_birthday(client, frontdesk, jose, others):
    client.force_login(frontdesk)
    assert list(client.get(reverse("patients:list"), {"q": "nu 1958-07-14"}).context["page"]) == [
        Patient.objects.get(last_name="Nunes"),
        jose,
    ]


def test_past_the_count_limit_the_list_asks_to_narrow_the_search(client, frontdesk, monkeypatch):
    monkeypatch.setattr(models, "COUNT_LIMIT", 3)
    monkeypatch.setattr(models, "SORT_LIMIT", 3)
    for n in range(5):
        factories.patient(first_name=f"Pat{n}", last_name="Many")
    client.force_login(frontdesk)
    response = client.get(reverse("patients:list"), {"q": "many"})
    assert response.context["page"].paginator.capped
    assert "More than 3 patients match “many”: add more of the name" in response.content.decode()
    assert "More than 3 patients: search by name" in client.get(reverse("patients:list")).content.decode()
    monkeypatch.setattr(models, "SORT_LIMIT", 5)
    response = client.get(reverse("patients:list"), {"q": "many"})
    assert not response.context["page"].paginator.capped
    assert "5 patients matching “many”" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_on_postgresql_a_search_term_is_answered_from_the_trigram_index(jose):
    sql, params = Patient.objects.search("nunez").query.sql_with_params()
    with connection.cursor() as cursor:
        # A test's few rows are cheaper read whole: leave the planner only the indexes that can answer the search.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "patient_search_trgm_idx" in plan


def test_a_search_with_few_matches_sorts_them_and_one_with_many_walks_the_name_order(monkeypatch):
    """A sorted expression, not the bare column, while few: PostgreSQL would walk the name index from "A"."""
    for n in range(3):
        factories.patient(first_name=f"Pat{n}", last_name="Zed")
    few = Patient.objects.find("zed")
    assert (few.matches, few.limit, few.capped) == (3, SORT_LIMIT, False)
    assert "COALESCE" in str(few.patients.query)
    monkeypatch.setattr(models, "SORT_LIMIT", 2)
    many = Patient.objects.find("zed")
    assert (many.matches, many.capped) == (3, True)
    assert "COALESCE" not in str(many.patients.query)
    assert [p.first_name for p in many.patients] == ["Pat0", "Pat1", "Pat2"]


def test_short_terms_are_counted_less_far(monkeypatch):
    """A term under three characters cannot use the trigram index: counting its matches reads the table."""
    assert Patient.objects.find("ze").limit == Patient.objects.find("").limit == COUNT_LIMIT < SORT_LIMIT
    assert Patient.objects.find("zed 1958-07-14").limit == Patient.objects.find("1958-07-14").limit == SORT_LIMIT
