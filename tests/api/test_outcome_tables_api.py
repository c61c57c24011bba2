"""The outcome tables API: the dashboard's own tables, for the dashboard's own filters, with its very numbers."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from clinic.models import AccessLog
from clinic.roles import Role
from outcomes import metrics
from outcomes.filters import DashboardFilter
from tests.outcomes.test_dashboard import clinic, csv_rows, export_url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ALL = reverse("api:outcome-tables")


def table_url(slug: str) -> str:
    return reverse("api:outcome-table", args=[slug])


@pytest.fixture
def hana(make_user):
    return make_user("hana", Role.PHYSICIAN)


@pytest.fixture
def api(physician) -> APIClient:
    client = APIClient()
    client.force_login(physician)
    return client


def as_text(table: dict[str, Any]) -> list[list[str]]:
    """The table as its CSV export writes it: the header, the rows, the totals, every cell as text."""
    return [[str(cell) for cell in row] for row in [table["columns"], *table["rows"], *table["totals"]]]


def test_every_table_has_the_dashboards_numbers_for_the_same_filters(client, api, physician, hana):
    clinic([physician, hana], 3)
    client.force_login(physician)
    queries = [
        {},
        {"date_from": (TODAY - datetime.timedelta(days=200)).isoformat(), "region": "lumbosacral"},
        {"physician": str(hana.pk), "family": "esi"},
    ]
    for query in queries:
        for slug in metrics.BUILDERS:
            response = api.get(table_url(slug), query)
            assert response.status_code == 200, response.json()
            table = response.json()["table"]
            assert as_text(table) == csv_rows(client.get(export_url(slug), query)), (slug, query)
            built = metrics.build(slug, DashboardFilter(query).criteria())
            assert built is not None
            assert (table["rows"], table["totals"]) == (built.rows, built.totals)


def test_the_list_holds_every_table_in_the_dashboards_order_with_its_chart(api, physician, hana):
    clinic([physician, hana], 2)
    body = api.get(ALL, {"physician": hana.pk}).json()
    assert [table["slug"] for table in body["tables"]] == list(metrics.BUILDERS)
    criteria = DashboardFilter({"physician": hana.pk}).criteria()
    assert body["criteria"] == {
        "date_from": criteria.date_from.isoformat(),
        "date_to": criteria.date_to.isoformat(),
        "physician": hana.pk,
        "family": "",
        "region": "",
        "description": criteria.describe(),
    }
    complications = next(table for table in body["tables"] if table["slug"] == "complications")
    built = metrics.build("complications", criteria)
    assert built is not None
    assert built.chart is not None
    assert complications["chart"]["labels"] == built.chart.labels
    assert complications["chart"]["datasets"][0]["data"] == built.chart.datasets[0].data


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "date_to"),
        ({"date_from": "1999-12-31"}, "date_from"),
        ({"date_to": "not a date"}, "date_to"),
        ({"family": "surgery"}, "family"),
        ({"region": "knee"}, "region"),
        ({"physician": "99999999999999999999"}, "physician"),
    ],
)
def test_a_bad_filter_is_refused_where_the_page_would_ignore_it(api, query, field):
    for url in (ALL, table_url("complications")):
        response = api.get(url, query)
        assert response.status_code == 400
        assert field in response.json()["errors"]


def test_a_front_desk_account_is_not_a_physician_filter(api, frontdesk):
    response = api.get(ALL, {"physician": frontdesk.pk})
    assert response.status_code == 400
    assert "physician" in response.json()["errors"]


def test_an_unknown_table_is_not_found_and_the_answer_lists_the_tables(api):
    response = api.get(table_url("revenue"))
    assert response.status_code == 404
    assert "complications" in response.json()["detail"]


def test_reading_the_tables_is_logged_as_an_export(api, physician):
    api.get(ALL)
    api.get(table_url("appointments"))
    assert AccessLog.objects.filter(user=physician, kind=AccessLog.Kind.EXPORT).count() == 2
