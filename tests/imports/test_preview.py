"""The preview checks every row before anything is written, and says each problem with its row number."""

import datetime

import pytest
from django.utils import timezone

from patients.services import patient_archive
from procedures.models import Procedure
from tests import factories
from tests.imports.helpers import checked, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def maria():
    return factories.patient(mrn="E500001")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"Levels": "L45"}, "row 2: 'L45' is not a level"),
        ({"Levels": ""}, "row 2: no level or site"),
        ({"Side": "up"}, "row 2: 'up' is not a side (left, right, bilateral or midline)"),
        ({"Physician": "Dr Smith"}, "row 2: physician 'Dr Smith' is not a physician here"),
        ({"Procedure": "Epidural"}, "row 2: 'Epidural' is not a procedure type here (use its code or name)"),
        ({"Date": "14/03/2025"}, "row 2: '14/03/2025' is not a date (write it as 2025-03-14 or 03/14/2025)"),
        ({"Date": "2099-01-01"}, "row 2: The date and time cannot be in the future"),
        ({"Date": "1950-01-01"}, "row 2: The date cannot be before the patient's date of birth (1961-04-02)"),
        ({"Drug": "Aspirin"}, "row 2: drug 'Aspirin' is not in the drug catalog"),
        (
            {"Dose": "10 ml"},
            "row 2: dose '10 ml': The dose is in mg, not ml: convert it and enter the number, e.g. 40 or 7.5.",
        ),
        ({"Dose": "0"}, "row 2: dose '0': the dose must be more than 0 mg"),
        (
            {"Dose": "20"},
            "row 2: 20 mg of Dexamethasone sodium phosphate is above its plausible ceiling (15 mg per procedure)",
        ),
        ({"Dose": ""}, "row 2: no dose for Dexamethasone sodium phosphate"),
        ({"Drug": ""}, "row 2: a dose but no drug"),
        ({"Levels": "knee"}, "row 2: Transforaminal ESI needs at least one spinal level"),
        ({"DOB": "1962-04-02"}, "row 2: MRN E500001 is Maria Lopez, born 1961-04-02, not born 1962-04-02"),
        ({"Last name": "Smith"}, "row 2: MRN E500001 is Maria Lopez, not Maria Smith"),
    ],
)
def test_each_kind_of_bad_row_is_named_with_its_row_number_in_plain_words(
    administrator, doctors, maria, changes, problem
):
    found = checked([row(**changes)], administrator)
    assert found.sentences() == [problem]
    assert (len(found.ready), found.rows_with_problems) == (0, 1)


def test_a_patient_not_in_pinpoint_without_a_name_to_register_is_a_problem(administrator, doctors):
    found = checked([row(MRN="0012345", **{"First name": "", "Last name": "", "DOB": ""})], administrator)
    assert found.sentences() == [
        "row 2: no patient with MRN 0012345 (map the first name, last name and birth date columns to register "
        "patients not yet in Pinpoint)"
    ]


def test_an_mrn_not_found_for_someone_registered_under_another_is_a_problem(administrator, doctors, maria):
    found = checked([row(MRN="E999999")], administrator)
    assert found.sentences() == [
        "row 2: no patient with MRN E999999, but Maria Lopez, born 1961-04-02, is registered under MRN E500001: "
        "check the MRN"
    ]


def test_an_archived_patient_is_a_problem(administrator, doctors, maria):
    patient_archive(patient=maria, reason="Moved away")
    assert checked([row()], administrator).sentences() == [
        "row 2: Maria Lopez (MRN E500001) is archived: restore the patient before importing their procedures"
    ]


def test_a_row_repeated_in_the_file_is_a_problem(administrator, doctors, maria):
    found = checked([row(), row(Physician="physician")], administrator)
    assert found.sentences() == ["row 3: the same procedure as row 2: remove one of them"]


def test_one_mrn_for_two_people_in_the_file_is_a_problem(administrator, doctors):
    found = checked([row(MRN="E1"), row(MRN="E1", **{"First name": "Mario"})], administrator)
    assert found.sentences() == [
        "row 3: MRN E1 is Maria Lopez, born 1961-04-02, on an earlier row, and Mario Lopez, born 1961-04-02, here"
    ]


def test_every_problem_of_a_row_is_listed_and_every_row_is_checked(administrator, doctors, maria):
    found = checked([row(Levels="L45", Side="up"), row(), row(Physician="Dr Smith")], administrator)
    assert found.sentences() == [
        "row 2: 'L45' is not a level",
        "row 2: 'up' is not a side (left, right, bilateral or midline)",
        "row 4: physician 'Dr Smith' is not a physician here",
    ]
    assert (len(found.ready), found.rows_with_problems, found.importable) == (1, 2, False)


def test_the_preview_counts_new_patients_once_each(administrator, doctors, maria):
    day = (timezone.localdate() - datetime.timedelta(days=90)).isoformat()
    rows = [
        row(),
        row(MRN="E2", **{"First name": "Ana"}),
        row(MRN="E2", **{"First name": "Ana", "Date": day}),
        row(MRN="", **{"First name": "Bo", "Last name": "Li"}),
    ]
    found = checked(rows, administrator)
    assert found.sentences() == []
    assert (len(found.ready), found.new_patients) == (4, 2)
    assert Procedure.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "sites"),
    [
        ({"Levels": "L4-5, L5-S1", "Side": "B"}, [("L4-L5", "bilateral"), ("L5-S1", "bilateral")]),
        ({"Levels": "l4/l5", "Side": "Right"}, [("L4-L5", "right")]),
        (
            {"Procedure": "Sacroiliac joint injection", "Levels": "SI joint", "Drug": "", "Dose": ""},
            [("sacroiliac_joint", "left")],
        ),
    ],
)
def test_levels_and_sides_are_read_as_clinics_write_them(administrator, doctors, maria, changes, sites):
    (ready,) = checked([row(**changes)], administrator).ready
    assert [(s.place, s.side) for s in ready.sites] == sites


@pytest.mark.parametrize("name", ["Paul Ibarra", "Dr Ibarra", "Dr. Paul Ibarra", "physician", "Ibarra, Paul", "IBARRA"])
def test_a_physician_is_found_by_username_or_name(administrator, doctors, maria, name):
    (ready,) = checked([row(Physician=name)], administrator).ready
    assert ready.physician == doctors["physician"]


def test_a_date_may_be_written_month_first_and_carry_its_time(administrator, doctors, maria):
    day = timezone.localdate() - datetime.timedelta(days=30)
    (ready,) = checked([row(Date=f"{day:%m/%d/%Y} 2:15 PM")], administrator).ready
    assert timezone.localtime(ready.performed_at).replace(tzinfo=None) == datetime.datetime.combine(
        day, datetime.time(14, 15)
    )
