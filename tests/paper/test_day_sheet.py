"""The day sheet: one physician's or one room's visits on a day, at Letter or A4, every column on every page."""

import datetime

import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic.models import AccessLog
from paper import views
from scheduling import services
from scheduling.models import Appointment
from tests import factories
from tests.paper.helpers import A4, LETTER, landscape, near, printed
from tests.scheduling.helpers import at, book, next_weekday, room

pytestmark = pytest.mark.django_db

HEADERS = ("Time", "Patient", "DOB", "MRN", "Visit: planned procedure", "Status", "Notes")


@pytest.fixture
def day() -> datetime.date:
    return next_weekday()


def _visits(day: datetime.date, physician, count: int, start: int = 0, where=None) -> list[Appointment]:
    booked = []
    for n in range(start, start + count):
        patient = factories.patient(first_name=f"Ann{n}", last_name="Okafor-Whitfield")
        procedure = n % 2 == 1
        booked.append(
            book(
                patient,
                physician,
                at(day, 7) + datetime.timedelta(minutes=20 * n),
                where=where or room(),
                visit_type="procedure" if procedure else "follow_up",
                procedure="esi-transforaminal" if procedure else "",
                levels="L4-L5, L5-S1" if procedure else "",
                side="bilateral" if procedure else "",
            )
        )
    return booked


def _sheet(client, **query):
    return client.get(reverse("paper:day_sheet"), {key: str(value) for key, value in query.items()})


def test_a_physicians_sheet_lists_the_days_visits_in_time_order(client, frontdesk, day):
    doctor = factories.physician_user()
    visits = _visits(day, doctor, 3)
    client.force_login(frontdesk)
    sheet = printed(_sheet(client, day=day, physician=doctor.pk))
    assert len(sheet.pages) == 1
    text = sheet.text
    assert "Dana Demo" in text
    for header in (*HEADERS, "Room"):
        assert header in text
    assert text.index("Ann0") < text.index("Ann1") < text.index("Ann2")
    assert visits[0].patient.mrn in text
    assert "1961-04-02" in text
    assert "Transforaminal ESI L4-L5, L5-S1 bilateral" in text.replace("\n", " ")
    assert "07:00–07:20" in text


def test_a_rooms_sheet_names_the_physician_instead_of_the_room(client, nurse, day):
    doctor = factories.physician_user()
    suite = room("Suite B")
    _visits(day, doctor, 2, where=suite)
    client.force_login(nurse)
    text = printed(_sheet(client, day=day, room=suite.pk)).text
    assert "Suite B" in text
    assert "Physician" in text
    assert text.count("Dana Demo") == 2


def test_a_cancelled_visit_stays_on_the_sheet_with_its_status(client, physician, day):
    doctor = factories.physician_user()
    visit = _visits(day, doctor, 2)[0]
    services.appointment_cancel(appointment=visit, reason="Patient is unwell")
    client.force_login(physician)
    assert "Cancelled" in printed(_sheet(client, day=day, physician=doctor.pk)).text


@pytest.mark.parametrize(("paper", "size"), [("letter", LETTER), ("a4", A4)])
def test_a_long_day_prints_every_column_on_every_page_at_letter_and_a4(client, physician, day, paper, size):
    doctor = factories.physician_user()
    _visits(day, doctor, 30)
    client.force_login(physician)
    sheet = printed(_sheet(client, day=day, physician=doctor.pk, paper=paper))
    assert len(sheet.pages) >= 2
    for page_size, page in zip(sheet.sizes, sheet.pages, strict=True):
        assert near(page_size, landscape(size))
        for header in (*HEADERS, "Room"):
            assert header in page, (header, page[:200])
    # Every visit once, nothing cut off at a page's edge.
    for n in range(30):
        assert sheet.text.count(f"Ann{n}\n") + sheet.text.count(f"Ann{n} ") >= 1


def test_an_empty_day_prints_a_sheet_that_says_so(client, physician, day):
    client.force_login(physician)
    assert "nothing booked" in printed(_sheet(client, day=day, physician=factories.physician_user().pk)).text


def test_the_sheet_reads_its_visits_at_once_whatever_their_number(client, physician, day, django_assert_num_queries):
    doctor = factories.physician_user()
    _visits(day, doctor, 2)
    client.force_login(physician)
    # session, user with their permissions, the physician asked for, the visits with their patients, rooms and
    # procedures, the access log
    with django_assert_num_queries(5):
        printed(_sheet(client, day=day, physician=doctor.pk))
    _visits(day, doctor, 28, start=2)
    with django_assert_num_queries(5):
        printed(_sheet(client, day=day, physician=doctor.pk))


def test_a_day_of_1100_visits_is_read_in_the_same_queries(
    client, physician, day, monkeypatch, django_assert_num_queries
):
    """The rows are written in bulk (a thousand bookings through the service take minutes) and the sheet's HTML is
    rendered without the PDF step (a minute of layout): what is counted is every row and every name it prints."""
    doctor = factories.physician_user()
    patients = [factories.patient(first_name=f"Bea{n}") for n in range(20)]
    start, suite = at(day, 0), room()
    Appointment.objects.bulk_create(
        Appointment(
            patient=patients[n % len(patients)],
            physician=doctor,
            room=suite,
            starts_at=start + datetime.timedelta(minutes=n),
            ends_at=start + datetime.timedelta(minutes=n + 1),
            visit_type="follow_up",
            booked_by=doctor,
        )
        for n in range(1100)
    )
    rendered: list[str] = []

    def html_only(request, template, context, filename):
        rendered.append(render_to_string(template, context, request=request))
        return HttpResponse(rendered[-1])

    monkeypatch.setattr(views, "pdf_response", html_only)
    client.force_login(physician)
    with django_assert_num_queries(5):
        assert _sheet(client, day=day, physician=doctor.pk).status_code == 200
    assert rendered[0].count("<tr") == 1101


def test_printing_a_sheet_is_logged_as_reading_each_patient_on_it(client, nurse, day):
    doctor = factories.physician_user()
    visits = _visits(day, doctor, 3)
    client.force_login(nurse)
    printed(_sheet(client, day=day, physician=doctor.pk))
    logged = AccessLog.objects.filter(user=nurse, kind="day_sheet")
    assert set(logged.values_list("patient_id", flat=True)) == {v.patient_id for v in visits}
    assert logged.count() == len(visits)


BAD = [
    ({}, "day"),
    ({"day": "2026-02-30", "physician": "1"}, "day"),
    ({"day": "tomorrow", "physician": "1"}, "day"),
    ({"day": "9999-12-31", "physician": "1"}, "Not a day the schedule holds"),
    ({"day": "0001-01-01", "physician": "1"}, "Not a day the schedule holds"),
    ({"day": "2026-03-09"}, "Name one physician"),
    ({"day": "2026-03-09", "physician": "abc"}, "physician"),
    ({"day": "2026-03-09", "physician": "99999999999999999999"}, "physician"),
    ({"day": "2026-03-09", "room": "0"}, "room"),
    ({"day": "2026-03-09", "physician": "{doctor}", "room": "{room}"}, "Name one physician"),
    ({"day": "2026-03-09", "physician": "{nurse}"}, "physician"),
    ({"day": "2026-03-09", "physician": "{doctor}", "paper": "legal"}, "paper"),
]


@pytest.mark.parametrize(("query", "says"), BAD, ids=[str(q) for q, _ in BAD])
def test_a_bad_query_is_a_400_that_says_what_is_wrong(client, physician, nurse, query, says):
    ids = {"doctor": factories.physician_user().pk, "room": room().pk, "nurse": nurse.pk}
    client.force_login(physician)
    response = _sheet(client, **{key: value.format(**ids) for key, value in query.items()})
    assert response.status_code == 400
    assert says in response.content.decode()


TYPED = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "1", "0", "-1", "2026-03-09", "9999-12-31", "0001-01-01", "a4", "letter", "9" * 30]),
)


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(day=TYPED, physician_id=TYPED, room_id=TYPED, paper=TYPED)
def test_no_query_gives_a_server_error(client, physician, day, physician_id, room_id, paper):
    client.force_login(physician)
    query = {"day": day, "physician": physician_id, "room": room_id, "paper": paper}
    assert client.get(reverse("paper:day_sheet"), query).status_code in {200, 400}
