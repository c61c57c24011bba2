"""The chart, the flags page and the lists run a fixed number of queries whatever the history length."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procedures.models import Procedure
from tests import factories
from tests.work import instances_built

pytestmark = pytest.mark.django_db

TRIAMCINOLONE = (("Triamcinolone acetonide", "40"),)


def esis(patient, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        factories.procedure(
            patient,
            on=timezone.localdate() - datetime.timedelta(days=20 + 15 * n),
            drugs=TRIAMCINOLONE,
            override_reason="Demonstration of a long history",
        )


def queries_for(client, django_assert_max_num_queries, url: str, ceiling: int) -> int:
    with django_assert_max_num_queries(ceiling) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "page",
    ["chart", "patient_list"],
)
def test_a_patients_pages_do_not_grow_with_their_history(client, physician, django_assert_max_num_queries, page):
    patient = factories.patient(payer=factories.payer())
    url = patient.get_absolute_url() if page == "chart" else reverse("procedures:patient_list", args=[patient.pk])
    client.force_login(physician)
    esis(patient, 2)
    few = queries_for(client, django_assert_max_num_queries, url, 21)
    esis(patient, 18, start=2)
    queries_for(client, django_assert_max_num_queries, url, few)


def test_the_flags_page_does_not_grow_with_the_number_of_patients(client, nurse, django_assert_max_num_queries):
    client.force_login(nurse)
    for n in range(2):
        esis(factories.patient(first_name=f"A{n}"), 3)
    few = queries_for(client, django_assert_max_num_queries, reverse("procedures:flags"), 16)
    assert len(client.get(reverse("procedures:flags")).context["flagged"]) == 2
    for n in range(8):
        esis(factories.patient(first_name=f"B{n}", payer=factories.payer()), 4)
    queries_for(client, django_assert_max_num_queries, reverse("procedures:flags"), few)
    assert len(client.get(reverse("procedures:flags")).context["flagged"]) == 10


def test_the_live_check_does_not_grow_with_the_history(client, physician, django_assert_max_num_queries):
    from procedures.models import ProcedureType

    patient = factories.patient()
    client.force_login(physician)
    data = {
        "patient": patient.pk,
        "performed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "procedure_type": ProcedureType.objects.get(code="esi-interlaminar").pk,
        "site-0-place": "L5-S1",
        "site-0-side": "midline",
    }
    esis(patient, 1)
    # No model validation in the live check: it saves nothing, and saving validates (test_logging).
    with django_assert_max_num_queries(15) as few:
        client.post(reverse("procedures:check"), data)
    esis(patient, 12, start=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.post(reverse("procedures:check"), data)


def test_the_live_check_leaves_model_validation_to_saving_which_still_refuses(client, physician):
    """A negative fluoroscopy time breaks a database constraint that no form field checks: the live check
    (which saves nothing) runs without asking the database about it, and saving is refused as before."""
    patient = factories.patient()
    data = factories.esi_entry(patient, physician, fluoro_time_s="-3")
    client.force_login(physician)
    with CaptureQueriesContext(connection) as live:
        response = client.post(reverse("procedures:check"), data)
    assert response.context["check"] is not None
    assert not [query for query in live.captured_queries if '"_check"' in query["sql"]]
    saved = client.post(f"{reverse('procedures:new')}?patient={patient.pk}", data)
    assert saved.status_code == 200
    assert "procedure_fluoro_time_nonneg" in " ".join(saved.context["entry"].form.non_field_errors())
    assert not Procedure.objects.exists()


def test_the_live_check_builds_the_same_rows_whatever_the_history_before_the_look_back(client, physician):
    patient = factories.patient()
    data = factories.esi_entry(patient, physician)
    client.force_login(physician)
    esis(patient, 3)
    # The process's first check loads the reference data every process keeps (rules, choices): once, not per check.
    client.post(reverse("procedures:check"), data)
    with instances_built() as few:
        client.post(reverse("procedures:check"), data)
    for n in range(8):  # older than any limit's look-back (36 months)
        day = timezone.localdate() - datetime.timedelta(days=4 * 366 + 20 * n)
        factories.procedure(patient, on=day, override_reason="Demonstration of a long history")
    with instances_built() as many:
        client.post(reverse("procedures:check"), data)
    assert many.by_model == few.by_model


def test_the_live_check_reads_the_history_as_values_building_no_records(client, physician):
    """Every keystroke's check reads the patient's history without building its records: the one procedure built
    is the entry being typed."""
    from procedures.models import ProcedureMedication, ProcedureSite

    patient = factories.patient()
    esis(patient, 3)
    client.force_login(physician)
    with instances_built() as built:
        response = client.post(reverse("procedures:check"), factories.esi_entry(patient, physician))
    assert response.context["check"] is not None
    assert (built[Procedure], built[ProcedureSite], built[ProcedureMedication]) == (1, 0, 0)


def test_the_chart_links_each_procedure_reversing_the_link_once(client, physician, monkeypatch):
    from django import urls

    patient = factories.patient()
    esis(patient, 4)
    client.force_login(physician)
    links = [f'href="{procedure.get_absolute_url()}"' for procedure in Procedure.objects.filter(patient=patient)]
    reversed_details = []
    original = urls.reverse

    def counting(viewname, *args, **kwargs):
        if viewname == "procedures:detail":
            reversed_details.append(viewname)
        return original(viewname, *args, **kwargs)

    monkeypatch.setattr("clinic.links.reverse", counting)
    monkeypatch.setattr("procedures.models.records.reverse", counting)
    page = client.get(patient.get_absolute_url()).content.decode()
    assert all(link in page for link in links)
    # Once for the procedures panel, once for the outcomes panel's responses; never once per row.
    assert len(reversed_details) <= 2
