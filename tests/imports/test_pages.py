"""The import's pages: only administrators reach them; each step says what is wrong in plain words."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports import progress, reading
from imports.models import ProcedureLogImport
from procedures.models import Procedure
from tests.imports.helpers import csv_of, row, uploaded
from tests.permissions import FORBIDDEN, LOGIN, OK, check, each_cell, login_as

pytestmark = pytest.mark.django_db

# page -> outcome per role (anonymous, no role, front desk, nurse, physician, administrator)
PAGES = {
    "imports:upload": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "imports:columns": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "imports:preview": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "imports:result": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 302],
    "imports:progress": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 302],
}
ACTIONS = {"imports:start": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 302]}


def _at(name: str, run: ProcedureLogImport) -> str:
    return f"{reverse(name)}?run={run.pk}"


@each_cell(PAGES)
def test_every_import_page_answers_every_role_as_the_matrix_says(
    client, request, administrator, doctors, page, role, expected
):
    run = uploaded(csv_of([row()]), administrator)
    login_as(client, request, role)
    check(client.get(_at(page, run)), expected)


@each_cell(ACTIONS, key="action")
def test_only_an_administrator_starts_an_import(client, request, administrator, doctors, action, role, expected):
    run = uploaded(csv_of([row()]), administrator)
    login_as(client, request, role)
    check(client.post(_at(action, run)), expected)
    assert Procedure.objects.count() == (1 if role == "administrator" else 0)


def test_an_upload_not_named_is_not_found(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("imports:preview"), {"run": "12a"}).status_code == 404
    assert client.get(reverse("imports:preview"), {"run": "999"}).status_code == 404


def _upload(client, name: str, content: bytes):
    return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, content)})


def test_an_upload_goes_to_the_columns_with_the_file_s_headers_listed_and_guessed(client, administrator, doctors):
    client.force_login(administrator)
    response = _upload(client, "log.csv", csv_of([row()]))
    run = ProcedureLogImport.objects.get()
    assert response.url == _at("imports:columns", run)
    page = client.get(response.url).content.decode()
    for header in ("Date", "MRN", "DOB", "Physician"):
        assert f'<option value="{header}"' in page
    assert '<option value="DOB" selected>' in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("log.txt", b"a,b\n1,2\n", "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
        ("log.xls", b"\xd0\xcf\x11\xe0", "Old Excel files (.xls) cannot be read: save the sheet as .xlsx or CSV."),
        ("log.xlsx", b"not a workbook", "The file is not an Excel workbook (.xlsx) that can be read."),
        ("log.csv", b"", "The submitted file is empty."),
        ("log.csv", b"Date,MRN\n", "The file has a header row but no procedures under it."),
        ("log.csv", b"Date,Date\n1,2\n", "Two columns have the same name (Date): rename one and upload again."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_plain_words(client, administrator, name, content, message):
    client.force_login(administrator)
    response = _upload(client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProcedureLogImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_its_size(client, administrator, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    client.force_login(administrator)
    response = _upload(client, "log.csv", b"Date,MRN\n" + b"2025-01-01,1\n" * 20)
    assert "the largest accepted is 10 MB" in response.content.decode()


def test_the_columns_form_says_which_fields_are_missing(client, administrator, doctors):
    run = uploaded(csv_of([row()]), administrator)
    client.force_login(administrator)
    response = client.post(_at("imports:columns", run), {"date": "Date", "drug": "Drug", "levels": "Date"})
    page = response.content.decode()
    assert "Choose the column that holds the procedure." in page
    assert "Choose the MRN column, or the first name, last name and date of birth columns." in page
    assert "Choose the dose (mg) column too, or neither." in page
    assert "Choose the physician column, or the physician for every row." in page
    assert "“Date” is already the date column." in page


def test_the_preview_lists_problems_and_offers_no_import_while_there_are_any(client, administrator, doctors):
    run = uploaded(csv_of([row(), row(Levels="L45")]), administrator)
    client.force_login(administrator)
    page = client.get(_at("imports:preview", run)).content.decode()
    assert "row 3: &#x27;L45&#x27; is not a level" in page
    assert 'id="count-ready">1<' in page
    assert 'id="count-problems">1<' in page
    assert "imports/start" not in page
    response = client.post(_at("imports:start", run))
    assert response.url == _at("imports:preview", run)
    assert Procedure.objects.count() == 0


def test_an_import_ends_on_a_confirmation_with_counts_and_the_flags_page(client, administrator, doctors):
    run = uploaded(csv_of([row()]), administrator)
    client.force_login(administrator)
    response = client.post(_at("imports:start", run), follow=True)
    page = response.content.decode()
    assert "Imported 1 procedure" in page
    assert "1 new patient registered" in page
    assert reverse("procedures:flags") in page


def test_the_progress_bar_shows_how_far_the_import_has_got(client, administrator, doctors):
    run = uploaded(csv_of([row()]), administrator)
    ProcedureLogImport.objects.filter(pk=run.pk).update(status=ProcedureLogImport.Status.IMPORTING)
    progress.write(run.pk, 1200, 5000, "importing")
    client.force_login(administrator)
    page = client.get(_at("imports:progress", run), headers={"HX-Request": "true"}).content.decode()
    assert "Imported 1200 of 5000 procedures" in page
    assert 'aria-valuenow="24"' in page
    assert 'hx-trigger="every 1s"' in page


def test_the_progress_bar_turns_into_the_result_once_the_import_ends(client, administrator, doctors):
    run = uploaded(csv_of([row()]), administrator)
    client.force_login(administrator)
    client.post(_at("imports:start", run))
    response = client.get(_at("imports:progress", run), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == _at("imports:result", run)


def test_the_upload_page_lists_earlier_uploads_in_a_fixed_number_of_queries(
    client, administrator, doctors, django_assert_max_num_queries
):
    for _ in range(3):
        uploaded(csv_of([row()]), administrator)
    client.force_login(administrator)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("imports:upload"))
    for _ in range(5):
        uploaded(csv_of([row()]), administrator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("imports:upload")).content.decode()
    assert page.count("log.csv") == 8
