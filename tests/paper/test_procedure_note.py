"""The procedure note a physician signs: one page, every fact of the record, and the codes it bills."""

import datetime
from urllib.request import OpenerDirector

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.models import AccessLog
from paper import pdf
from patients import services as patient_services
from procedures import services
from tests import factories
from tests.paper.helpers import A4, LETTER, near, printed

pytestmark = pytest.mark.django_db

BOTH_SIDES = (("L4-L5", "bilateral"), ("L5-S1", "bilateral"))


def _tfesi(**fields):
    patient = factories.patient(first_name="Helen", last_name="Marsh", payer=factories.payer())
    return factories.procedure(
        patient, on=timezone.localdate() - datetime.timedelta(days=1), sites=BOTH_SIDES, **fields
    )


def _note(client, procedure, **query):
    return client.get(reverse("paper:procedure_note", args=[procedure.pk]), query)


def test_a_two_level_bilateral_lumbar_tfesi_bills_64483_50_and_64484_50_on_one_page(client, physician):
    procedure = _tfesi(
        consent_obtained=True, time_out_done=True, diagnoses="M54.16", nrs_pre=7, nrs_post=2, fluoro_time_s=32
    )
    client.force_login(physician)
    note = printed(_note(client, procedure))
    assert len(note.pages) == 1
    text = note.text
    assert "64483-50" in text
    assert "64484-50" in text
    assert "64479" not in text  # the derived codes, not the catalog's list of options
    for fact in ("Marsh, Helen", "1961-04-02", procedure.patient.mrn, "M54.16", "Transforaminal ESI", "L4-L5"):
        assert fact in text
    assert "32.0 s" in text
    assert "Dexamethasone sodium phosphate" in text
    assert "53.3" in text
    assert "Informed consent obtained" in text
    assert "Time-out done" in text
    assert "signature" in text


def test_the_letterhead_comes_from_the_settings(client, physician, settings):
    settings.CLINIC_NAME = "Riverside Spine & Pain"
    settings.CLINIC_ADDRESS = "12 Water Street, Albany, NY 12207"
    settings.CLINIC_PHONE = "(518) 555-0100"
    client.force_login(physician)
    text = printed(_note(client, _tfesi())).text
    assert "Riverside Spine & Pain" in text
    assert "12 Water Street, Albany, NY 12207" in text
    assert "(518) 555-0100" in text


def test_unticked_consent_and_time_out_print_as_not_documented(client, physician):
    client.force_login(physician)
    text = printed(_note(client, _tfesi())).text
    assert "Consent: not documented" in text
    assert "Time-out: not documented" in text


def test_the_safety_facts_come_from_the_patient(client, physician):
    procedure = _tfesi()
    patient_services.patient_update(
        patient=procedure.patient,
        anticoagulant=True,
        anticoagulant_detail="apixaban, held 3 days",
        diabetes=True,
        contrast_allergy=True,
    )
    client.force_login(physician)
    text = printed(_note(client, procedure)).text
    assert "apixaban, held 3 days" in text
    assert "Diabetes Yes" in text.replace("\n", " ")
    assert "Contrast allergy Yes" in text.replace("\n", " ")
    assert "Pregnant or possibly pregnant No" in text.replace("\n", " ")


def test_a_voided_procedure_says_void_and_why(client, physician):
    procedure = _tfesi()
    services.procedure_void(procedure=procedure, by=physician, reason="Logged for the wrong patient")
    client.force_login(physician)
    text = printed(_note(client, procedure)).text
    assert "VOID" in text
    assert "Logged for the wrong patient" in text


def test_a_code_that_cannot_be_derived_prints_the_catalog_and_says_verify(client, physician):
    patient = factories.patient()
    procedure = factories.procedure(
        patient, on=timezone.localdate(), type_code="tpi", sites=(("trigger_points", "left"),), drugs=()
    )
    client.force_login(physician)
    text = printed(_note(client, procedure)).text.replace("\n", " ")
    assert "20552 (1–2 muscles), 20553 (3 or more)" in text
    assert "Verify:" in text


def test_it_prints_at_letter_or_a4(client, physician):
    procedure = _tfesi()
    client.force_login(physician)
    assert near(printed(_note(client, procedure)).sizes[0], LETTER)
    a4 = printed(_note(client, procedure, paper="a4"))
    assert near(a4.sizes[0], A4)
    assert len(a4.pages) == 1


def test_an_unknown_paper_size_is_a_400_that_says_so(client, physician):
    client.force_login(physician)
    response = _note(client, _tfesi(), paper="legal")
    assert response.status_code == 400
    assert "paper" in response.content.decode()


def test_an_unknown_procedure_is_a_404(client, physician):
    client.force_login(physician)
    assert client.get(reverse("paper:procedure_note", args=[999_999])).status_code == 404


def test_printing_the_note_is_logged_as_reading_the_procedure(client, nurse):
    procedure = _tfesi()
    client.force_login(nurse)
    printed(_note(client, procedure))
    entry = AccessLog.objects.get(user=nurse)
    assert (entry.kind, entry.patient_id, entry.object_id) == ("procedure", procedure.patient_id, procedure.pk)
    assert entry.path.endswith("note.pdf")


def test_the_note_runs_a_fixed_number_of_queries(client, physician, django_assert_num_queries):
    procedure = _tfesi(contrast_agent=None)
    client.force_login(physician)
    # session, the user with their permissions (groups and the user's own), the procedure with its parts (3), the
    # access log
    with django_assert_num_queries(6):
        printed(_note(client, procedure))


def test_the_printed_page_fetches_nothing_it_names(tmp_path, monkeypatch, rf):
    secret = tmp_path / "secret.css"
    secret.write_text("p { color: red }")
    html = f'<link rel="stylesheet" href="file://{secret}"><p>x</p><img src="file://{secret}"><img src="data:,x">'
    monkeypatch.setattr(pdf, "render_to_string", lambda *args, **kwargs: html)
    opened: list[object] = []
    monkeypatch.setattr(OpenerDirector, "open", lambda self, *args, **kwargs: opened.append(args))
    assert pdf.pdf_bytes(rf.get("/"), "any.html", {}).startswith(b"%PDF")
    assert opened == []
