"""A physician logs what was done, right after the procedure; bad input gets a message at the field."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.models import Drug, Procedure, ProcedureType
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient():
    return factories.patient(payer=factories.payer())


def entry(patient, physician, **changes):
    """A fully documented entry: the basic ESI plus the room details a physician records."""
    details = {
        "fluoro_time_s": "24.5",
        "med-0-volume_ml": "1",
        "med-1-drug": Drug.objects.get(name="Lidocaine").pk,
        "med-1-dose_mg": "20",
        "nrs_pre": "7",
        "nrs_post": "3",
        "diagnoses": "m54.16, M51.16",
        "consent_obtained": "on",
        "time_out_done": "on",
    }
    return factories.esi_entry(patient, physician, **(details | changes))


def log(client, patient, data):
    return client.post(f"{reverse('procedures:new')}?patient={patient.pk}", data)


def test_a_physician_logs_a_multilevel_procedure_and_sees_it_confirmed(client, physician, patient):
    client.force_login(physician)
    response = log(client, patient, entry(patient, physician))
    procedure = Procedure.objects.get()
    assert response.status_code == 302
    assert response.url == procedure.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Logged Transforaminal ESI for Maria Lopez." in page
    assert procedure.site_summary == "L4-L5, L5-S1 bilateral"
    assert procedure.levels == ["L4-L5", "L5-S1"]
    assert procedure.steroid_mpe == Decimal("53.3")
    assert procedure.diagnoses == "M54.16, M51.16"
    assert procedure.recorded_by == physician


def test_intent_and_approach_default_to_the_procedure_types(client, physician, patient):
    client.force_login(physician)
    log(client, patient, entry(patient, physician))
    procedure = Procedure.objects.get()
    assert (procedure.intent, procedure.approach) == ("therapeutic", "transforaminal")


def test_the_form_starts_with_now_and_the_logged_in_physician(client, physician, patient):
    client.force_login(physician)
    form = client.get(f"{reverse('procedures:new')}?patient={patient.pk}").context["entry"].form
    assert form.initial["performed_by"] == physician.pk
    assert abs(form.initial["performed_at"] - timezone.now()) < datetime.timedelta(minutes=2)


def test_the_performing_physician_must_be_a_physician(client, physician, nurse, patient):
    client.force_login(physician)
    response = log(client, patient, entry(patient, physician, performed_by=nurse.pk))
    assert "performed_by" in response.context["entry"].form.errors
    assert not Procedure.objects.exists()


@pytest.mark.parametrize(
    ("changes", "where", "message"),
    [
        ({"nrs_pre": "11"}, "nrs_pre", "less than or equal to 10"),
        ({"nrs_post": "-1"}, "nrs_post", "greater than or equal to 0"),
        ({"relief_post_pct": "120"}, "relief_post_pct", "less than or equal to 100"),
        ({"performed_at": "2999-01-01T10:00"}, "performed_at", "cannot be in the future"),
        ({"diagnoses": "back pain"}, "diagnoses", "Not an ICD-10 code"),
        ({"guidance": "ultrasound"}, "fluoro_time_s", "Only with fluoroscopy guidance."),
        ({"contrast_volume_ml": "2"}, "contrast_agent", "Choose the contrast agent."),
    ],
)
def test_bad_record_fields_get_a_message_at_the_field_and_nothing_is_saved(
    client, physician, patient, changes, where, message
):
    client.force_login(physician)
    response = log(client, patient, entry(patient, physician, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["entry"].form.errors[where])
    assert not Procedure.objects.exists()


@pytest.mark.parametrize(
    ("dose", "message"),
    [
        ("0", "The dose must be more than 0 mg."),
        ("-4", "The dose must be more than 0 mg."),
        ("40", "Above the plausible ceiling for Dexamethasone sodium phosphate: 15 mg per procedure."),
    ],
)
def test_an_implausible_dose_gets_a_message_beside_the_dose(client, physician, patient, dose, message):
    client.force_login(physician)
    response = log(client, patient, entry(patient, physician, **{"med-0-dose_mg": dose}))
    assert response.context["entry"].medication_forms[0].errors["dose_mg"] == [message]
    assert not Procedure.objects.exists()


def test_a_spinal_procedure_without_a_level_is_refused(client, physician, patient):
    client.force_login(physician)
    data = entry(patient, physician, **{"site-0-place": "site:knee"})
    del data["site-1-place"], data["site-1-side"]
    response = log(client, patient, data)
    assert response.context["entry"].site_error == "Transforaminal ESI needs at least one spinal level."
    assert "Transforaminal ESI needs at least one spinal level." in response.content.decode()
    assert not Procedure.objects.exists()


def test_a_level_without_a_side_is_refused_at_the_side(client, physician, patient):
    client.force_login(physician)
    response = log(client, patient, entry(patient, physician, **{"site-1-side": ""}))
    assert response.context["entry"].site_forms[1].errors["side"] == ["Choose the side."]


def test_the_same_level_twice_is_refused(client, physician, patient):
    client.force_login(physician)
    response = log(client, patient, entry(patient, physician, **{"site-1-place": "L4-L5"}))
    assert "Each level or site once" in response.context["entry"].site_error


def test_a_knee_injection_needs_no_spinal_level(client, physician, patient):
    client.force_login(physician)
    data = entry(
        patient,
        physician,
        procedure_type=ProcedureType.objects.get(code="joint-major").pk,
        guidance="ultrasound",
        fluoro_time_s="",
        **factories.one_site("site:knee", "right"),
    )
    assert log(client, patient, data).status_code == 302
    assert Procedure.objects.get().site_summary == "Knee right"


def test_logging_is_in_the_audit_history_with_its_sites_and_drugs(client, physician, patient):
    client.force_login(physician)
    log(client, patient, entry(patient, physician))
    procedure = Procedure.objects.get()
    assert procedure.history.get().history_user == physician
    assert procedure.sites.model.history.count() == 2
    assert procedure.medications.model.history.count() == 2


def test_a_correction_keeps_the_old_values_in_the_history(client, physician, administrator, patient):
    procedure = factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=3), nrs_pre=6)
    client.force_login(physician)
    data = entry(patient, physician, nrs_pre="8", performed_at=procedure.performed_at.strftime("%Y-%m-%dT%H:%M"))
    response = client.post(reverse("procedures:edit", args=[procedure.pk]), data)
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.nrs_pre == 8
    assert procedure.site_summary == "L4-L5, L5-S1 bilateral"
    client.force_login(administrator)
    history = client.get(procedure.get_absolute_url()).context["history"]
    assert ("Pain before (NRS 0–10)", "6", "8") in {(c.field, c.old, c.new) for c in history[0].changes}


def test_voiding_needs_a_reason_keeps_the_record_and_stops_it_counting(client, physician, patient):
    procedure = factories.procedure(patient, on=timezone.localdate())
    client.force_login(physician)
    client.post(reverse("procedures:void", args=[procedure.pk]), {"reason": " "})
    procedure.refresh_from_db()
    assert not procedure.is_voided
    client.post(reverse("procedures:void", args=[procedure.pk]), {"reason": "Logged for the wrong patient"})
    procedure.refresh_from_db()
    assert procedure.is_voided
    assert procedure.void_reason == "Logged for the wrong patient"
    assert Procedure.objects.valid().count() == 0
    assert Procedure.objects.count() == 1
    chart = client.get(patient.get_absolute_url()).content.decode()
    assert "text-decoration-line-through" in chart


def test_a_voided_procedure_cannot_be_corrected(client, physician, patient):
    procedure = factories.procedure(patient, on=timezone.localdate())
    client.force_login(physician)
    client.post(reverse("procedures:void", args=[procedure.pk]), {"reason": "Duplicate entry"})
    response = client.get(reverse("procedures:edit", args=[procedure.pk]))
    assert response.status_code == 302


def test_an_archived_patient_gets_no_new_procedures(client, physician, patient):
    client.force_login(physician)
    client.post(reverse("patients:archive", args=[patient.pk]), {"reason": "Moved away"})
    response = log(client, patient, entry(patient, physician))
    assert response.status_code == 302
    assert not Procedure.objects.exists()


def test_the_history_names_people_and_choices_not_database_ids(client, physician, administrator, patient, make_user):
    from clinic.roles import Role

    procedure = factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=1), physician=physician)
    colleague = make_user("rosa", Role.PHYSICIAN)
    client.force_login(physician)
    data = entry(
        patient,
        physician,
        performed_by=colleague.pk,
        sedation="moderate",
        performed_at=procedure.performed_at.strftime("%Y-%m-%dT%H:%M"),
    )
    client.post(reverse("procedures:edit", args=[procedure.pk]), data)
    client.force_login(administrator)
    changes = client.get(procedure.get_absolute_url()).context["history"][0].changes
    assert ("Performing physician", "Paul", "Rosa") in {(c.field, c.old, c.new) for c in changes}
    assert ("Sedation", "Local anaesthetic only", "Moderate (conscious)") in {(c.field, c.old, c.new) for c in changes}
