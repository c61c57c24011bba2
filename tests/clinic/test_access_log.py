"""The read-access log: who opened which patient's chart, procedure, follow-up call or export, when and from where;
administrators read it on the chart ("who looked at this chart"), page through it and export it."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic.models import AccessLog
from outcomes.models import FollowUp
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chromium/131"


@pytest.fixture
def patient():
    return factories.patient(first_name="Ana", last_name="Reyes")


@pytest.fixture
def esi(patient):
    return factories.procedure(patient, on=TODAY - datetime.timedelta(days=40))


def test_opening_a_chart_records_who_when_and_from_where(client, physician, patient):
    client.force_login(physician)
    before = timezone.now()
    client.get(patient.get_absolute_url(), REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT=BROWSER)
    entry = AccessLog.objects.get()
    assert (entry.user, entry.kind, entry.patient_id) == (physician, "chart", patient.pk)
    assert (entry.ip, entry.user_agent, entry.path) == ("10.1.2.3", BROWSER, patient.get_absolute_url())
    assert before <= entry.at <= timezone.now()


def test_a_chart_view_costs_one_insert_whatever_the_chart_shows(client, physician, patient, esi):
    client.force_login(physician)
    with CaptureQueriesContext(connection) as page:
        client.get(patient.get_absolute_url())
    writes = [q["sql"] for q in page.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert len(writes) == 1
    assert AccessLog._meta.db_table in writes[0]


def test_a_procedure_a_follow_up_call_and_a_dashboard_export_are_logged(client, physician, patient, esi):
    client.force_login(physician)
    follow_up = FollowUp.objects.filter(procedure=esi).earliest("due_on")
    client.get(esi.get_absolute_url())
    client.get(reverse("outcomes:record", args=[follow_up.pk]))
    client.get(reverse("outcomes:export", args=["complications"]))
    logged = list(AccessLog.objects.order_by("id").values_list("kind", "patient_id", "object_id"))
    assert logged == [
        ("procedure", patient.pk, esi.pk),
        ("follow_up", patient.pk, follow_up.pk),
        ("export", None, None),
    ]


def test_an_administrator_sees_who_looked_at_the_chart_with_a_link_to_the_patients_log(
    client, physician, administrator, patient
):
    client.force_login(physician)
    client.get(patient.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    client.force_login(administrator)
    page = client.get(patient.get_absolute_url()).content.decode()
    assert "Who looked at this chart" in page
    assert "Paul · Chart" in page
    assert "10.1.2.3" in page
    assert f'href="{reverse("access_log")}?patient={patient.pk}"' in page


def test_clinical_staff_neither_see_who_looked_nor_read_the_log(client, physician, patient):
    client.force_login(physician)
    assert "Who looked at this chart" not in client.get(patient.get_absolute_url()).content.decode()
    assert client.get(reverse("access_log")).status_code == 403
    assert client.get(reverse("access_log_csv")).status_code == 403


def _logged(user: User, patient_id: int | None, at: datetime.datetime) -> AccessLog:
    return AccessLog.objects.create(user=user, kind="chart", patient_id=patient_id, path="/patients/", at=at)


def test_the_log_filters_by_date_user_and_patient_and_pages_without_counting(
    client, physician, nurse, administrator, django_assert_max_num_queries
):
    noon = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(12)))
    for n in range(120):
        _logged(physician, 7, noon - datetime.timedelta(minutes=n))
    _logged(nurse, 7, noon)
    _logged(physician, 8, noon)
    _logged(physician, 7, noon - datetime.timedelta(days=3))
    client.force_login(administrator)
    query = {"user": physician.pk, "patient": 7, "date_from": TODAY.isoformat(), "date_to": TODAY.isoformat()}
    with django_assert_max_num_queries(8) as first:
        response = client.get(reverse("access_log"), query)
    assert not [q for q in first.captured_queries if "COUNT(" in q["sql"].upper()]
    shown = response.context["page"].entries
    assert len(shown) == 100
    assert {(e.user_id, e.patient_id) for e in shown} == {(physician.pk, 7)}
    older = client.get(reverse("access_log"), query | {"before": response.context["page"].older})
    rest = older.context["page"].entries
    assert len(rest) == 20
    assert older.context["page"].older is None
    assert not {e.pk for e in shown} & {e.pk for e in rest}


def test_the_log_exports_as_csv_with_its_filters_and_the_export_is_logged_too(client, physician, nurse, administrator):
    noon = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(12)))
    _logged(physician, 7, noon)
    _logged(nurse, 7, noon)
    client.force_login(administrator)
    response = client.get(reverse("access_log_csv"), {"user": nurse.pk})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["at", "user", "username"]
    assert [row[2] for row in rows[1:]] == ["nora"]
    assert rows[1][0] == f"{timezone.localtime(noon):%Y-%m-%d %H:%M:%S}"
    assert AccessLog.objects.filter(user=administrator, kind="export").count() == 1


def test_no_one_adds_changes_or_deletes_a_log_entry_in_the_admin(client, physician, administrator):
    entry = _logged(physician, 7, timezone.now())
    client.force_login(administrator)
    assert client.get(reverse("admin:clinic_accesslog_changelist")).status_code == 200
    assert client.get(reverse("admin:clinic_accesslog_add")).status_code == 403
    assert client.post(reverse("admin:clinic_accesslog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:clinic_accesslog_change", args=[entry.pk]), {"path": "/elsewhere/"})
    entry.refresh_from_db()
    assert entry.path == "/patients/"


def test_behind_a_proxy_the_client_address_it_forwarded_is_recorded(client, physician, patient, settings):
    settings.PROXY_COUNT = 1
    client.force_login(physician)
    # The leftmost address is whatever the client claimed; the proxy appended the one it saw.
    client.get(patient.get_absolute_url(), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.9.8.7")
    assert AccessLog.objects.get().ip == "10.9.8.7"
