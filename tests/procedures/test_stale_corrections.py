"""Two physicians correct one procedure at once: the second correction is refused with the first one's change;
and a double-clicked "Save procedure" logs one record."""

import datetime
from functools import partial
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.roles import Role
from procedures import services
from procedures.models import Procedure
from tests import factories
from tests.posting import as_posted, at_once, saved_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient():
    return factories.patient(payer=factories.payer())


def opened_correction(client, user, procedure: Procedure) -> dict[str, Any]:
    """The correction form as shown: the record, its sites and its drugs."""
    client.force_login(user)
    entry = client.get(reverse("procedures:edit", args=[procedure.pk])).context["entry"]
    return entry_as_posted(entry) | {"patient": procedure.patient_id}


def entry_as_posted(entry) -> dict[str, Any]:
    data = as_posted(entry.form)
    for part in [*entry.site_forms, *entry.medication_forms]:
        data |= as_posted(part)
    return data


def correct(client, user, procedure: Procedure, data: dict[str, Any]):
    return saved_by(client, user, reverse("procedures:edit", args=[procedure.pk]), data)


def test_the_second_of_two_corrections_opened_together_is_refused_with_the_first_ones_change(
    client, physician, make_user, patient
):
    colleague = make_user("chen", Role.PHYSICIAN)
    procedure = factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=3), nrs_pre=6)
    pain_fix, note_fix = (
        opened_correction(client, physician, procedure),
        opened_correction(client, colleague, procedure),
    )
    assert correct(client, physician, procedure, pain_fix | {"nrs_pre": "8"}).status_code == 302
    response = correct(client, colleague, procedure, note_fix | {"note": "Tolerated well"})
    assert response.status_code == 200
    entry = response.context["entry"]
    form = entry.form
    when = timezone.localtime(procedure.history.latest().history_date)
    assert form.non_field_errors()[0].startswith(f"Changed by Paul at {when:%H:%M} since you opened it")
    assert "Pain before (NRS 0–10): 6 → 8" in form.non_field_errors()
    assert form["note"].value() == "Tolerated well"
    procedure.refresh_from_db()
    assert (procedure.nrs_pre, procedure.note) == (8, "")
    assert correct(client, colleague, procedure, entry_as_posted(entry) | {"patient": patient.pk}).status_code == 302
    procedure.refresh_from_db()
    assert (procedure.nrs_pre, procedure.note, procedure.version) == (8, "Tolerated well", 3)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shipped_data")
def test_two_corrections_saved_at_the_same_moment_from_one_version_let_exactly_one_through(physician):
    patient = factories.patient()
    procedure = factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=3), physician=physician)
    sites = [services.SiteInput(s.place, s.side) for s in procedure.sites.all()]
    medications = [services.MedicationInput(m.drug, m.dose_mg) for m in procedure.medications.all()]

    def correction(**change):
        return lambda: services.procedure_update(
            procedure=Procedure.objects.get(pk=procedure.pk),
            sites=sites,
            medications=medications,
            opened_version=1,
            **change,
        )

    outcomes = at_once([correction(nrs_pre=8), correction(note="Tolerated well")])
    assert sorted(isinstance(outcome, Procedure) for outcome in outcomes) == [False, True]
    assert "since you opened it" in " ".join(next(o for o in outcomes if not isinstance(o, Procedure)).messages)
    assert Procedure.objects.get().version == 2


def new_entry(client, user, patient) -> dict[str, Any]:
    client.force_login(user)
    entry = client.get(f"{reverse('procedures:new')}?patient={patient.pk}").context["entry"]
    return factories.esi_entry(patient, user, form_token=entry.form["form_token"].value())


def test_a_double_clicked_save_procedure_logs_one_record_and_both_posts_lead_to_it(client, physician, patient):
    data = new_entry(client, physician, patient)
    url = f"{reverse('procedures:new')}?patient={patient.pk}"
    first, second = client.post(url, data), client.post(url, data)
    procedure = Procedure.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == procedure.get_absolute_url()


def test_two_entry_forms_log_two_records(client, physician, patient):
    url = f"{reverse('procedures:new')}?patient={patient.pk}"
    client.post(url, new_entry(client, physician, patient))
    client.post(url, new_entry(client, physician, patient) | {"performed_at": "2026-01-05T09:00"})
    assert Procedure.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shipped_data")
def test_one_entry_form_posted_twice_at_the_same_moment_logs_one_record(physician):
    patient = factories.patient()
    desks = [Client(), Client()]
    for desk in desks:
        desk.force_login(physician)
    data = new_entry(desks[0], physician, patient)
    url = f"{reverse('procedures:new')}?patient={patient.pk}"
    responses = at_once([partial(desk.post, url, data) for desk in desks])
    procedure = Procedure.objects.get()
    assert {(r.status_code, r.url) for r in responses} == {(302, procedure.get_absolute_url())}
