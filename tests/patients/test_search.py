import datetime

import pytest
from django.db import connection
from django.urls import reverse

from patients import models
from patients.models import COUNT_LIMIT, SORT_LIMIT, Patient, Payer
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


def test_a_search_with_few_matches_reads_its_page_and_count_in_one_query_and_one_with_many_walks_the_name_order(
    monkeypatch, django_assert_num_queries
):
    """Few: the page's patients, their payers and the count in one query. Many: the walk by name."""
    payer = Payer.objects.create(name="Acme Health", key="acme")
    for n in range(3):
        factories.patient(first_name=f"Pat{n}", last_name="Zed", payer=payer if n == 0 else None)
    with django_assert_num_queries(1) as few_queries:
        few = Patient.objects.find("zed", size=2)
        assert [(p.first_name, p.payer) for p in few.patients] == [("Pat0", payer), ("Pat1", None)]
        assert few.patients[0].date_of_birth.year > 1900  # a date, as the ORM converts it on every database
    assert (few.matches, few.limit, few.capped) == (3, SORT_LIMIT, False)
    assert "COUNT(*) OVER ()" in few_queries.captured_queries[0]["sql"]
    monkeypatch.setattr(models, "SORT_LIMIT", 2)
    many = Patient.objects.find("zed", size=25)
    assert (many.matches, many.capped) == (3, True)
    assert [p.first_name for p in many.patients] == ["Pat0", "Pat1", "Pat2"]


def test_many_matches_late_in_the_alphabet_are_sorted_and_counted_rather_than_walked_to(monkeypatch):
    """Walking the names from "A" to the Smiths read most of the registry: the walk stops at WALK_LIMIT names."""
    monkeypatch.setattr(models, "SORT_LIMIT", 2)
    monkeypatch.setattr(models, "WALK_LIMIT", 2)
    for last_name in ("Abbott", "Baker", "Carter", "Dunn"):
        factories.patient(first_name="Pat", last_name=last_name)
    for first_name in ("Zoe", "Amy", "Max"):
        factories.patient(first_name=first_name, last_name="Smith")
    late = Patient.objects.find("smith", size=2)
    assert (late.matches, late.capped) == (3, False)
    assert [p.first_name for p in late.patients] == ["Amy", "Max"]
    early = Patient.objects.find("pat", size=2)
    assert (early.matches, early.capped) == (3, True)
    assert [p.last_name for p in early.patients] == ["Abbott", "Baker"]


def test_short_terms_are_counted_less_far(monkeypatch):
    """A term under three characters cannot use the trigram index: counting its matches reads the table."""
    find = Patient.objects.find
    assert find("ze", size=1).limit == find("", size=1).limit == COUNT_LIMIT < SORT_LIMIT
    assert find("zed 1958-07-14", size=1).limit == find("1958-07-14", size=1).limit == SORT_LIMIT


def test_each_page_of_a_search_continues_by_name_after_the_typed_mrn(client, frontdesk):
    factories.patient(first_name="Zed", last_name="Zimmer", mrn="9990")
    for n in range(27):
        factories.patient(first_name=f"Pat{n:02}", last_name="Abbott", mrn=f"{n}9990")
    client.force_login(frontdesk)
    first = client.get(reverse("patients:list"), {"q": "9990"}).context["page"]
    second = client.get(reverse("patients:list"), {"q": "9990", "page": 2}).context["page"]
    assert [p.last_name for p in first][:2] == ["Zimmer", "Abbott"]
    assert [p.first_name for p in first][1:] == [f"Pat{n:02}" for n in range(24)]
    assert [p.first_name for p in second] == ["Pat24", "Pat25", "Pat26"]
    assert (first.paginator.count, first.paginator.num_pages, second.number) == (28, 2, 2)


def test_a_page_past_the_last_shows_the_last_and_one_not_a_number_the_first(client, frontdesk):
    for n in range(30):
        factories.patient(first_name=f"Pat{n:02}", last_name="Many")
    client.force_login(frontdesk)
    past = client.get(reverse("patients:list"), {"q": "many", "page": 9})
    assert (past.context["page"].number, [p.first_name for p in past.context["page"]]) == (
        2,
        [f"Pat{n}" for n in range(25, 30)],
    )
    assert "30 patients matching “many”" in past.content.decode()
    assert client.get(reverse("patients:list"), {"q": "many", "page": "x"}).context["page"].number == 1
