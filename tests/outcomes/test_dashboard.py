"""The outcomes dashboard page and its CSV exports: who sees them, what they cost, and that they agree."""

import csv
import datetime
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import reset_queries
from django.urls import reverse
from django.utils import timezone

from clinic.roles import Role
from outcomes import metrics
from outcomes.models import FollowUp, FollowUpLink
from outcomes.services import followup_mark_not_reached, followup_record
from scheduling import services as scheduling
from tests import factories
from tests.permissions import FORBIDDEN, LOGIN, OK, check, login_as

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DASHBOARD = reverse("outcomes:dashboard")
SLUGS = list(metrics.BUILDERS)
NOON = datetime.time(12)
# Family, site, guidance: one of each kind of row the tables group by.
KINDS = [
    ("esi-transforaminal", (("L5-S1", "left"),), "fluoroscopy"),
    ("esi-interlaminar", (("C7-T1", "midline"),), "fluoroscopy"),
    ("facet-ia", (("L4-L5", "bilateral"),), "fluoroscopy"),
    ("joint-major", (("knee", "right"),), "ultrasound"),
]


def export_url(slug: str, query: str = "") -> str:
    return reverse("outcomes:export", args=[slug]) + (f"?{query}" if query else "")


class TableRows(HTMLParser):
    """The rows of each `<table data-table=…>` on the page, as the text of their cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.current = self.tables.setdefault(dict(attrs)["data-table"], [])
        elif tag == "tr" and self.current is not None:
            self.current.append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.current is not None:
            self.current[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_tables(response) -> dict[str, list[list[str]]]:
    parser = TableRows()
    parser.feed(response.content.decode())
    return parser.tables


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def clinic(physicians, size: int, start: int = 0) -> None:
    """`size` procedures of each kind per physician, with follow-ups recorded, not reached and left open,
    an override, and appointments of every outcome."""
    for doctor in physicians:
        for n in range(start, start + size):
            day = TODAY - datetime.timedelta(days=30 + 7 * n)
            for type_code, sites, guidance in KINDS:
                procedure = factories.procedure(
                    factories.patient(first_name=f"{doctor.username}{type_code}{n}"),
                    on=day,
                    type_code=type_code,
                    sites=sites,
                    physician=doctor,
                    guidance=guidance,
                    nrs_pre=7,
                    fluoro_time_s=Decimal(20 + n) if guidance == "fluoroscopy" else None,
                    air_kerma_mgy=Decimal(4 + n) if guidance == "fluoroscopy" else None,
                    complications="vasovagal" if n % 3 == 0 else "",
                )
                two_weeks = FollowUp.objects.get(procedure=procedure, label="2 weeks")
                if n % 2:
                    followup_mark_not_reached(follow_up=two_weeks, recorded_by=doctor)
                else:
                    followup_record(
                        follow_up=two_weeks, recorded_by=doctor, relief_pct=20 * (n % 5), nrs=n % 8, method="phone"
                    )
                # The 6-week questionnaire by link, two weeks after the call: answered, expired, or still open.
                sent_at = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=28), NOON))
                FollowUpLink.objects.create(
                    follow_up=FollowUp.objects.get(procedure=procedure, label="6 weeks"),
                    channel="email" if n % 2 else "sms",
                    sent_to="someone@example.org",
                    nonce=f"{doctor.pk}-{n}-{type_code}",
                    created_at=sent_at,
                    sent_at=sent_at,
                    expires_at=sent_at + datetime.timedelta(days=7),
                    answered_at=sent_at + datetime.timedelta(days=1) if n % 3 == 0 else None,
                )
            patient = factories.patient(first_name=f"{doctor.username}-visit{n}")
            start_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9 + n % 8)))
            appointment = scheduling.appointment_book(
                patient=patient,
                slot=scheduling.Slot(doctor, None, start_at, start_at + datetime.timedelta(minutes=20)),
                visit_type="follow_up",
                booked_by=doctor,
            )
            if n % 3 == 1:
                scheduling.appointment_set_status(appointment=appointment, status="no_show")
            elif n % 3 == 2:
                scheduling.appointment_cancel(appointment=appointment, reason="Unwell")
    # Four ESIs in 6 months for one patient: the fourth is saved past clinic-esi-6m.
    repeat = factories.patient(first_name=f"Repeat{start}")
    for days in (100, 80, 60, 40):
        factories.procedure(
            repeat,
            on=TODAY - datetime.timedelta(days=days),
            physician=physicians[0],
            drugs=(("Triamcinolone acetonide", "40"),),
            override_reason="Documented severe radiculopathy",
        )


@pytest.fixture
def hana(make_user):
    return make_user("hana", Role.PHYSICIAN)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("norole", FORBIDDEN),
        ("frontdesk", FORBIDDEN),
        ("nurse", FORBIDDEN),
        ("physician", OK),
        ("administrator", OK),
    ],
)
@pytest.mark.parametrize("url", [DASHBOARD, export_url("complications")])
def test_physicians_and_administrators_see_the_dashboard_and_its_exports(client, request, role, expected, url):
    login_as(client, request, role)
    check(client.get(url), expected)


def test_the_dashboard_does_not_grow_with_the_data(client, physician, hana, django_assert_max_num_queries):
    client.force_login(physician)
    clinic([physician], 1)
    client.get(DASHBOARD)  # the first look sums the past months (outcomes.monthly)
    reset_queries()  # the log holds 9,000 queries; a full one would count none
    with django_assert_max_num_queries(40) as few:
        assert client.get(DASHBOARD).status_code == 200
    queries = len(few)
    clinic([physician, hana], 6, start=1)
    client.get(DASHBOARD)  # sums again the months the new records changed
    reset_queries()
    with django_assert_max_num_queries(queries) as many:
        response = client.get(DASHBOARD)
    assert len(many) == queries
    # The larger clinic did show up: 1 + 6 weeks for Paul, 6 for Hana, of each kind, and the repeats.
    assert page_tables(response)["complications"][-1][1] == str(4 * (1 + 6 + 6) + 8)


def test_each_csv_has_the_rows_of_its_table_on_the_page(client, physician, hana):
    clinic([physician, hana], 3)
    client.force_login(physician)
    query = f"date_from={TODAY - datetime.timedelta(days=200):%Y-%m-%d}&region=lumbosacral"
    tables = page_tables(client.get(f"{DASHBOARD}?{query}"))
    assert sorted(tables) == sorted(SLUGS)
    for slug in SLUGS:
        response = client.get(export_url(slug, query))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert f"{slug}_" in response["Content-Disposition"]
        assert csv_rows(response) == tables[slug], slug
        assert len(tables[slug]) > 1, slug


def test_the_csv_keeps_the_filters(client, physician, hana):
    clinic([physician, hana], 2)
    client.force_login(physician)
    everyone = csv_rows(client.get(export_url("responders-by-physician")))
    only_hana = csv_rows(client.get(export_url("responders-by-physician", f"physician={hana.pk}")))
    assert [row[0] for row in everyone] == ["Physician", "Hana", "Paul", "All physicians"]
    assert [row[0] for row in only_hana] == ["Physician", "Hana", "All physicians"]


def test_every_table_links_its_csv_with_the_querystring(client, physician):
    client.force_login(physician)
    page = client.get(f"{DASHBOARD}?family=esi&region=lumbosacral").content.decode()
    for slug in SLUGS:
        assert f'href="{export_url(slug)}?family=esi&amp;region=lumbosacral"' in page
    assert page.count("Download CSV") == len(SLUGS)


def test_an_unknown_table_is_not_found(client, physician):
    client.force_login(physician)
    assert client.get(export_url("patients")).status_code == 404


def test_the_empty_dashboard_says_so_in_every_table(client, physician):
    client.force_login(physician)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert page_tables(response) == {}
    page = response.content.decode()
    assert page.count('class="alert alert-light border mb-2"') == len(SLUGS)
    assert "No procedures match these filters." in page
    for slug in SLUGS:
        header = csv_rows(client.get(export_url(slug)))
        assert len(header) == 1


def test_the_default_range_is_the_last_twelve_calendar_months(client, physician):
    client.force_login(physician)
    criteria = client.get(DASHBOARD).context["criteria"]
    assert criteria.date_to == TODAY
    assert criteria.date_from.day == 1
    assert (TODAY.year - criteria.date_from.year) * 12 + TODAY.month - criteria.date_from.month == 11


@pytest.mark.parametrize(
    ("query", "ignored"),
    [
        ("date_from=2025-13-45", "Procedure date from"),
        ("date_from=99999-01-01", "Procedure date from"),
        ("date_to=1850-01-01", "Procedure date to"),
        (f"date_from={TODAY:%Y-%m-%d}&date_to=2001-01-01", "Procedure date to"),
        ("date_from=2001-01-01&date_to=2030-01-01", "Procedure date to"),
        ("physician=abc", "Physician"),
        ("physician=999999", "Physician"),
        ("family=dentistry", "Family"),
        ("region=%00", "region"),
    ],
)
def test_a_bad_filter_is_reported_and_ignored(client, physician, query, ignored):
    client.force_login(physician)
    response = client.get(f"{DASHBOARD}?{query}")
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1
    assert shown[0].startswith(f"{ignored}:")
    assert shown[0].endswith("It was ignored.")
    criteria = response.context["criteria"]
    assert criteria.date_from <= criteria.date_to
    assert client.get(export_url("complications", query)).status_code == 200


def test_the_filters_narrow_the_page(client, physician, hana):
    clinic([physician, hana], 2)
    client.force_login(physician)
    response = client.get(f"{DASHBOARD}?physician={hana.pk}&family=facet&region=lumbosacral")
    assert response.context["criteria"].describe().endswith("Hana · Facet joint injection · Lumbar / sacral")
    tables = page_tables(response)
    # Hana's two facet injections, one each in two weeks.
    assert tables["complications"][1:] == [
        ["Facet joint injection", "2", "50% (1/2)"],
        ["All families", "2", "50% (1/2)"],
    ]
    assert [row[0] for row in tables["responders-by-physician"][1:]] == ["Hana", "All physicians"]


def test_the_charts_get_their_numbers_and_chart_js(client, physician):
    clinic([physician], 1)
    client.force_login(physician)
    page = client.get(DASHBOARD).content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert "js/dashboard.js" in page
    assert 'data-chart="procedures-by-month-chart-data"' in page
    assert '<script id="procedures-by-month-chart-data" type="application/json">' in page


def test_spreadsheet_formulas_in_names_are_defused(client, physician, make_user):
    doctor = make_user("formula", Role.PHYSICIAN)
    doctor.first_name = "=HYPERLINK(1)"
    doctor.save()
    clinic([doctor], 1)
    client.force_login(physician)
    rows = csv_rows(client.get(export_url("responders-by-physician")))
    assert rows[1][0] == "'=HYPERLINK(1)"
