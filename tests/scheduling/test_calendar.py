"""The front desk's schedule: the day grid, a physician's or room's week, and the day's list."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from clinic.roles import Role
from procedures.models import ProcedureType
from scheduling import calendar
from scheduling.models import Appointment, Room, TimeOff, VisitType, WorkingHours
from scheduling.services import Slot, appointment_book, appointment_cancel, appointment_set_status
from scheduling.views import calendar as calendar_views
from tests import factories
from tests.clock import on_clinic_day
from tests.permissions import FORBIDDEN, LOGIN, OK, ROLES, check, login_as
from tests.work import instances_built

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)  # a Tuesday


@pytest.fixture(autouse=True)
def _within_a_year_of_these_days():
    """The visits here fall on fixed days of 2026 to 2028, and a visit is booked within a year back of today
    (`clinic.validators.bookable_days`): the clinic's calendar reads a day in reach of all of them."""
    with on_clinic_day(datetime.date(2027, 2, 15)):
        yield


NOON = datetime.time(12)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def book(physician, starts_at, minutes=30, *, room=None, name="Maria", visit_type=VisitType.FOLLOW_UP, **fields):
    return appointment_book(
        patient=factories.patient(first_name=name),
        slot=Slot(physician, room, starts_at, starts_at + datetime.timedelta(minutes=minutes)),
        visit_type=visit_type,
        booked_by=physician,
        **fields,
    )


@pytest.fixture
def ibarra(make_user):
    return make_user("paula", Role.PHYSICIAN, last_name="Ibarra")


@pytest.fixture
def zhou(make_user):
    return make_user("adam", Role.PHYSICIAN, last_name="Zhou")


@pytest.fixture
def suite():
    return Room.objects.create(name="Suite 1", kind=Room.Kind.PROCEDURE_SUITE, fluoroscopy=True)


@pytest.fixture
def exam():
    return Room.objects.create(name="Exam A", kind=Room.Kind.EXAM_ROOM)


def day_page(client, user, day=DAY, **params):
    client.force_login(user)
    response = client.get(reverse("scheduling:day"), {"date": day.isoformat(), **params})
    assert response.status_code == 200
    return response


def test_the_day_view_draws_each_visit_in_its_physicians_column_at_its_rows(client, frontdesk, zhou, ibarra, suite):
    nine = book(ibarra, at(DAY, 9), 30, room=suite, name="Ana")
    quarter_past_ten = book(zhou, at(DAY, 10, 15), 45, name="Ben")
    response = day_page(client, frontdesk)
    grid = response.context["grid"]
    # Columns by last name; rows are 15 minutes from 07:00, so 09:00 is row 9 and 10:15 row 14.
    assert [c.title for c in grid.columns] == ["Paula Ibarra", "Adam Zhou"]
    assert (grid.first, grid.last, grid.rows) == (7 * 60, 18 * 60, 44)
    first, second = grid.columns
    assert [(b.visit.pk, b.row, b.span) for b in first.blocks] == [(nine.pk, 9, 2)]
    assert [(b.visit.pk, b.row, b.span) for b in second.blocks] == [(quarter_past_ten.pk, 14, 3)]
    assert not first.cells[8].free
    assert first.cells[7].free
    html = response.content.decode()
    assert "grid-row: 9 / span 2" in html
    assert "grid-row: 14 / span 3" in html
    assert f'href="{nine.get_absolute_url()}"' in html
    assert "Lopez, Ana" in html
    assert "Suite 1" in html
    assert "Follow-up" in html


def test_a_visit_outside_seven_to_six_widens_the_day(client, frontdesk, ibarra):
    book(ibarra, at(DAY, 18, 30), 45)
    grid = day_page(client, frontdesk).context["grid"]
    assert (grid.first, grid.last) == (7 * 60, 20 * 60)
    assert grid.columns[0].blocks[0].row == 47


def test_the_room_view_has_a_column_per_room_and_names_the_physician(client, nurse, ibarra, suite, exam):
    injection = book(
        ibarra,
        at(DAY, 8),
        room=suite,
        visit_type=VisitType.PROCEDURE,
        procedure_type=ProcedureType.objects.get(code="esi-transforaminal"),
        planned_levels="L5-S1",
        planned_side="left",
    )
    response = day_page(client, nurse, by="room")
    grid = response.context["grid"]
    assert [c.title for c in grid.columns] == ["Exam A", "Suite 1"]
    assert [b.visit.pk for b in grid.columns[1].blocks] == [injection.pk]
    assert grid.columns[0].blocks == []
    html = response.content.decode()
    assert "Paula Ibarra" in html
    assert injection.planned_summary in html
    assert f"?room={suite.pk}&amp;start=2026-03-10T09:00" in html


def test_a_visit_with_a_former_physician_in_a_closed_room_still_has_its_columns(
    client, frontdesk, ibarra, zhou, suite, exam
):
    book(zhou, at(DAY, 9), room=suite, name="Ana")
    zhou.is_active, suite.active = False, False
    zhou.save()
    suite.save()
    by_physician = day_page(client, frontdesk).context["grid"]
    assert [c.title for c in by_physician.columns] == ["Paula Ibarra", "Adam Zhou"]
    assert [b.visit.patient_name for b in by_physician.columns[1].blocks] == ["Lopez, Ana"]
    by_room = day_page(client, frontdesk, by="room")
    assert [c.title for c in by_room.context["grid"].columns] == ["Exam A", "Suite 1"]
    assert "Adam Zhou · 09:00–09:30" in by_room.content.decode()


def test_cancelled_visits_are_not_drawn_and_free_their_slot(client, frontdesk, ibarra):
    appointment_cancel(appointment=book(ibarra, at(DAY, 9)), reason="Patient unwell")
    response = day_page(client, frontdesk)
    column = response.context["grid"].columns[0]
    assert column.blocks == []
    assert column.cells[8].bookable
    assert "Lopez, Maria" not in response.content.decode()


def test_an_empty_slot_links_to_booking_with_the_physician_and_local_start(client, frontdesk, ibarra):
    html = day_page(client, frontdesk).content.decode()
    link = f'href="{reverse("scheduling:new")}?physician={ibarra.pk}&amp;start=2026-03-10T09:15"'
    assert f'{link} aria-label="Book 09:15 with Dr Ibarra"' in html


def test_working_hours_and_days_off_shade_the_grid(client, frontdesk, ibarra, zhou):
    WorkingHours.objects.create(
        physician=ibarra, weekday=DAY.weekday(), starts=datetime.time(8), ends=datetime.time(12)
    )
    TimeOff.objects.create(physician=zhou, starts_on=DAY, ends_on=DAY, reason="Conference")
    grid = day_page(client, frontdesk).context["grid"]
    ibarras, zhous = grid.columns
    working = [c.label for c in ibarras.cells if c.working]
    assert (working[0], working[-1], len(working)) == ("08:00", "11:45", 16)
    assert ibarras.note == "08:00–12:00"
    assert zhous.off
    assert zhous.note == "Off: Conference"
    assert not any(c.working for c in zhous.cells)


@pytest.mark.parametrize("bad", ["2026-02-30", "next tuesday", "0001-01-01", "99999-01-01"])
def test_a_malformed_date_shows_today_with_a_message(client, frontdesk, ibarra, bad):
    client.force_login(frontdesk)
    for name in ("scheduling:day", "scheduling:week", "scheduling:agenda"):
        response = client.get(reverse(name), {"date": bad})
        assert response.status_code == 200
        assert "is not a date like" in response.content.decode()
    assert response.context["day"] == timezone.localdate()


@pytest.mark.parametrize(("day", "utc_hour"), [(datetime.date(2026, 3, 8), 13), (datetime.date(2026, 11, 1), 14)])
def test_on_the_days_the_clocks_change_nine_oclock_is_the_nine_oclock_row(
    client, settings, frontdesk, ibarra, day, utc_hour
):
    settings.TIME_ZONE = "America/New_York"
    nine, afternoon = book(ibarra, at(day, 9), name="Ana"), book(ibarra, at(day, 17), 60, name="Ben")
    assert nine.starts_at.astimezone(datetime.UTC).hour == utc_hour
    response = day_page(client, frontdesk, day=day)
    column = response.context["grid"].columns[0]
    assert [(b.visit.pk, b.row, b.span) for b in column.blocks] == [(nine.pk, 9, 2), (afternoon.pk, 41, 4)]
    assert [c.label for c in column.cells[8:10]] == ["09:00", "09:15"]
    assert f"?physician={ibarra.pk}&amp;start={day}T09:30" in response.content.decode()


def test_a_visit_that_would_pass_a_limit_carries_the_red_badge_with_the_reason(client, nurse, ibarra):
    patient = factories.patient(first_name="Walter", payer=factories.payer())
    for days in (150, 100, 40):
        factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=days), physician=ibarra)
    soon = timezone.localdate() + datetime.timedelta(days=7)
    esi = appointment_book(
        patient=patient,
        slot=Slot(ibarra, None, at(soon, 9), at(soon, 9, 30)),
        visit_type=VisitType.PROCEDURE,
        booked_by=nurse,
        procedure_type=ProcedureType.objects.get(code="esi-transforaminal"),
        planned_levels="L5-S1",
        limit_reason="Physician reviewed the limit with the patient",
    )
    assert esi.limit_would_pass
    badge = f'<span class="badge text-bg-danger" title="{esi.limit_summary.split(":")[0]}'
    client.force_login(nurse)
    for name in ("scheduling:day", "scheduling:agenda"):
        assert badge in client.get(reverse(name), {"date": soon}).content.decode()


def test_the_week_lists_a_physicians_visits_day_by_day_and_marks_a_day_off(client, frontdesk, ibarra, zhou):
    monday = DAY - datetime.timedelta(days=1)
    tuesday, friday = book(ibarra, at(DAY, 9), name="Ana"), book(ibarra, at(monday + datetime.timedelta(4), 14))
    book(zhou, at(DAY, 10), name="Zed")
    TimeOff.objects.create(
        physician=ibarra, starts_on=monday + datetime.timedelta(3), ends_on=monday + datetime.timedelta(3)
    )
    client.force_login(frontdesk)
    response = client.get(reverse("scheduling:week"), {"date": "2026-03-12", "physician": ibarra.pk})
    days = response.context["days"]
    assert [d.day for d in days] == [monday + datetime.timedelta(n) for n in range(7)]
    assert [list(d.visits) for d in days] == [[], [tuesday], [], [], [friday], [], []]
    assert [d.off for d in days] == [False, False, False, True, False, False, False]
    html = response.content.decode()
    assert "Lopez, Ana" in html
    assert "Lopez, Zed" not in html
    assert '<div class="badge text-bg-secondary text-wrap text-start">Off</div>' in html


def test_the_week_shows_a_physician_their_own_and_others_the_first_physician(client, ibarra, zhou, frontdesk):
    client.force_login(zhou)
    assert client.get(reverse("scheduling:week")).context["subject"] == zhou
    client.force_login(frontdesk)
    assert client.get(reverse("scheduling:week")).context["subject"] == ibarra


def test_the_list_shows_every_visit_of_the_day_in_time_order(client, frontdesk, ibarra, zhou):
    late = book(zhou, at(DAY, 11), name="Cleo")
    early = book(ibarra, at(DAY, 8, 30), name="Ana")
    middle = book(ibarra, at(DAY, 10), name="Ben")
    book(ibarra, at(DAY + datetime.timedelta(days=1), 9), name="Tomorrow")
    appointment_set_status(appointment=middle, status="checked_in")
    client.force_login(frontdesk)
    response = client.get(reverse("scheduling:agenda"), {"date": DAY.isoformat()})
    assert response.context["appointments"] == [early, middle, late]
    html = response.content.decode()
    assert re.findall(r'id="appt-(\d+)"', html) == [str(early.pk), str(middle.pk), str(late.pk)]
    assert "(555) 013-4567" in html
    assert f'href="{early.patient.get_absolute_url()}"' in html
    waiting = client.get(reverse("scheduling:agenda"), {"date": DAY.isoformat(), "show": "waiting"})
    assert waiting.context["appointments"] == [middle]
    assert [(c.key, c.count) for c in waiting.context["chips"]] == [("all", 3), ("waiting", 1), ("not_arrived", 2)]


def test_the_check_in_button_posts_to_the_status_url_and_swaps_its_row(client, frontdesk, ibarra):
    visit = book(ibarra, at(DAY, 9))
    client.force_login(frontdesk)
    url = f"{reverse('scheduling:agenda')}?date={DAY}"
    html = client.get(url).content.decode()
    status_url = reverse("scheduling:status", args=[visit.pk])
    assert f'<form method="post" action="{status_url}" hx-post="{status_url}" hx-target="#appt-{visit.pk}"' in html
    assert 'name="status" value="checked_in"' in html
    assert f'name="next" value="{url.replace("&", "&amp;")}"' in html
    assert ">Check in</button>" in html


@pytest.mark.parametrize(("steps", "button"), [(["checked_in"], "In room"), (["checked_in", "in_room"], "Complete")])
def test_the_row_alone_renders_the_next_step_for_the_status_view(client, frontdesk, ibarra, steps, button):
    visit = book(ibarra, at(DAY, 9))
    for step in steps[:-1]:
        appointment_set_status(appointment=visit, status=step)
    client.force_login(frontdesk)
    status_url = reverse("scheduling:status", args=[visit.pk])
    row = client.post(status_url, {"status": steps[-1]}, headers={"HX-Request": "true"}).content.decode()
    assert row.lstrip().startswith(f'<tr id="appt-{visit.pk}"')
    assert f">{button}</button>" in row
    assert f'action="{status_url}" hx-post="{status_url}"' in row
    assert f'name="next" value="{reverse("scheduling:agenda")}?date={DAY}"' in row


def busy_day(physicians, rooms, count, start=0):
    """`count` 20-minute visits shared between the physicians, each in their own room; a few are injections."""
    esi = ProcedureType.objects.get(code="esi-transforaminal")
    for n in range(start, start + count):
        physician, room = physicians[n % 2], rooms[n % 2]
        when = at(DAY, 7) + datetime.timedelta(minutes=20 * (n // 2))
        if n % 5:
            book(physician, when, 20, room=room, name=f"P{n}")
        else:
            book(physician, when, 20, room=room, name=f"P{n}", visit_type=VisitType.PROCEDURE, procedure_type=esi)


@pytest.mark.parametrize(
    "params",
    # The visits, then physicians, rooms, working hours and time off as each page needs them, one query each,
    # on top of five for the request: session, user, two for its permissions, its roles for the menu. The day
    # grid reads its visits with their patients' names and planned procedures, and takes their physicians and
    # rooms from its own two lists; the list reads its visits' physicians, rooms and planned procedures in three
    # more (once each, not per visit), and counts its chips, and with them its pages, in one.
    [
        {"by": "physician", "ceiling": 10},
        {"by": "room", "ceiling": 8},
        {"page": "week", "ceiling": 10},
        {"page": "agenda", "ceiling": 10},
    ],
    ids=["day", "day-by-room", "week", "list"],
)
def test_each_page_runs_the_same_queries_for_three_visits_or_thirty(
    client, frontdesk, ibarra, zhou, suite, exam, django_assert_max_num_queries, params
):
    WorkingHours.objects.create(
        physician=ibarra, weekday=DAY.weekday(), starts=datetime.time(8), ends=datetime.time(17)
    )
    TimeOff.objects.create(physician=zhou, starts_on=DAY, ends_on=DAY)
    page, ceiling = params.pop("page", "day"), params.pop("ceiling")
    name, marker, drawn = {
        "day": ("scheduling:day", 'class="cal-appt ', 30),
        "week": ("scheduling:week", 'class="cal-card ', 15),
        "agenda": ("scheduling:agenda", 'id="appt-', 30),
    }[page]
    url = f"{reverse(name)}?date={DAY}&physician={ibarra.pk}&by={params.get('by', '')}"
    client.force_login(frontdesk)
    busy_day([ibarra, zhou], [suite, exam], 3)
    with django_assert_max_num_queries(ceiling) as few:
        assert client.get(url).status_code == 200
    busy_day([ibarra, zhou], [suite, exam], 27, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.content.decode().count(marker) == drawn


@pytest.mark.parametrize("name", ["scheduling:day", "scheduling:week", "scheduling:agenda"])
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_every_schedule_page_answers_every_role(client, request, ibarra, name, role_index):
    book(ibarra, at(timezone.localdate(), 9))
    login_as(client, request, ROLES[role_index])
    check(client.get(reverse(name)), [LOGIN, FORBIDDEN, OK, OK, OK, OK][role_index])


@pytest.mark.parametrize(("role", "can_act"), [("frontdesk", True), ("nurse", True), ("administrator", False)])
def test_administrators_see_the_schedule_but_cannot_book_or_check_in(client, request, ibarra, role, can_act):
    book(ibarra, at(DAY, 9))
    login_as(client, request, role)
    day = client.get(reverse("scheduling:day"), {"date": DAY}).content.decode()
    agenda = client.get(reverse("scheduling:agenda"), {"date": DAY}).content.decode()
    assert ('class="cal-book"' in day) is can_act
    assert (">Check in</button>" in agenda) is can_act


# The grid reads its visits as plain values and builds no Appointment at all; the list builds its page's.
@pytest.mark.parametrize(("name", "built"), [("scheduling:day", 0), ("scheduling:agenda", 4)])
def test_a_day_builds_that_days_visits_only_however_busy_the_other_days(
    client, frontdesk, ibarra, zhou, suite, exam, name, built
):
    busy_day([ibarra, zhou], [suite, exam], 4)
    url = f"{reverse(name)}?date={DAY}"
    client.force_login(frontdesk)
    with instances_built() as few:
        client.get(url)
    for days in (-7, -1, 1, 7):
        for hour in (8, 9, 10):
            book(ibarra, at(DAY + datetime.timedelta(days=days), hour), room=suite, name=f"Other{days}{hour}")
    with instances_built() as many:
        client.get(url)
    assert many[Appointment] == few[Appointment] == built
    assert many.total == few.total


# The day grid's cells as the template wrote them before `{% slot_cells %}` wrote them in Python.
TEMPLATE_CELLS = Template(
    "{% for cell in column.cells %}"
    '<div class="cal-cell{% if not cell.working %} cal-off{% endif %}{% if cell.on_hour %} cal-hour{% endif %}" '
    'style="grid-row: {{ cell.row }}">{% if can_book and column.pk and cell.bookable %}<a class="cal-book" '
    "href=\"{% url 'scheduling:new' %}?{{ column.param }}={{ column.pk }}&amp;start={{ cell.start }}\" "
    'aria-label="Book {{ cell.label }} {{ column.who }}">+ Book {{ cell.label }}</a>{% endif %}</div>'
    "{% endfor %}"
)


@pytest.mark.parametrize("by", ["physician", "room"])
@pytest.mark.parametrize("can_book", [True, False])
def test_the_slot_cells_tag_writes_what_the_template_wrote(client, frontdesk, ibarra, zhou, suite, by, can_book):
    ibarra.last_name = "O'Brien & Co"  # words the HTML must escape
    ibarra.save()
    WorkingHours.objects.create(physician=ibarra, weekday=DAY.weekday(), starts=NOON.replace(hour=8), ends=NOON)
    TimeOff.objects.create(physician=zhou, starts_on=DAY, ends_on=DAY)
    book(ibarra, at(DAY, 9), 45, room=suite)
    book(zhou, at(DAY, 6, 30), 20)  # before opening and in no room: widens the grid, adds a "No room" column
    grid = day_page(client, frontdesk, by=by).context["grid"]
    tag = Template("{% load schedule_grid %}{% slot_cells column can_book %}")
    written = ""
    for column in grid.columns:
        context = {"column": column, "can_book": can_book}
        written += tag.render(Context(context))
        assert tag.render(Context(context)) == TEMPLATE_CELLS.render(Context(context))
    assert ("Dr O&#x27;Brien &amp; Co" in written) is (can_book and by == "physician")


# The day grid's visits as the template wrote them before `{% visit_blocks %}` wrote them in Python.
TEMPLATE_BLOCKS = Template(
    "{% for block in column.blocks %}{% with a=block.appointment %}\n"
    '    <article class="cal-appt status-{{ a.status }}" style="grid-row: {{ block.row }} / span {{ block.span }}; '
    'grid-column: {{ block.lane }}" data-appointment="{{ a.pk }}">\n'
    '      <div class="cal-line cal-first"><span class="cal-appt-time">{{ block.starts }}</span>'
    '{% if a.passes_limit %}<span class="badge text-bg-danger" title="{{ a.limit_flag }}">limit</span>{% endif %}\n'
    '        <a class="fw-semibold cal-name" href="{{ block.url }}">{{ a.patient.last_name }}, '
    "{{ a.patient.first_name }}</a>\n"
    '        <span class="badge status-badge status-{{ a.status }} ms-auto">{{ a.get_status_display }}</span></div>\n'
    '      <div class="cal-line">{{ a.get_visit_type_display }}{% if a.planned_summary %} · {{ a.planned_summary }}'
    "{% endif %}</div>\n"
    '      <div class="cal-line text-secondary">{% if by == "room" %}{{ a.physician_name }}{% else %}'
    '{{ a.room|default:"No room" }}{% endif %} · {{ block.starts }}–{{ block.ends }}</div>\n'
    "    </article>\n"
    "    {% endwith %}{% endfor %}"
)


def vars_of(block: calendar.Block) -> dict[str, object]:
    return {name: getattr(block, name) for name in ("row", "span", "lane", "url", "starts", "ends")}


@pytest.mark.parametrize("by", ["physician", "room"])
def test_the_visit_blocks_tag_writes_what_the_template_wrote(client, frontdesk, ibarra, zhou, suite, by):
    esi = ProcedureType.objects.get(code="esi-transforaminal")
    flagged = book(ibarra, at(DAY, 9), 45, room=suite, name="O'Hara & <Co>")
    Appointment.objects.filter(pk=flagged.pk).update(
        limit_would_pass=True, limit_summary='ESI sessions: "4 of 3"\n<b>', limit_override_reason="Severe & worsening"
    )
    # Two physicians' visits at once in no room: by room, they share the "No room" column in two lanes.
    book(ibarra, at(DAY, 10), 30, name="Overlapping")
    book(zhou, at(DAY, 10, 15), 30, name="Overlapped")
    book(zhou, at(DAY, 6, 30), 20, visit_type=VisitType.PROCEDURE, procedure_type=esi, planned_levels="L4-L5, L5-S1")
    appointment_cancel(appointment=book(zhou, at(DAY, 11), 20, name="Gone"), reason="Ill")
    grid = day_page(client, frontdesk, by=by).context["grid"]
    tag = Template("{% load schedule_grid %}{% visit_blocks column by %}")
    appointments = Appointment.objects.with_details().in_bulk()
    drawn = lanes = 0
    for column in grid.columns:
        # The template drew each block from the visit's Appointment; the tag, from the grid's plain values.
        blocks = [{**vars_of(block), "appointment": appointments[block.visit.pk]} for block in column.blocks]
        written = TEMPLATE_BLOCKS.render(Context({"column": {"blocks": blocks}, "by": by}))
        assert tag.render(Context({"column": column, "by": by})) == written
        drawn += len(column.blocks)
        lanes = max(lanes, column.lanes)
    assert drawn == 4
    assert lanes == (2 if by == "room" else 1)


# The day's list, a page at a time.


@pytest.fixture
def page_of_four(monkeypatch):
    monkeypatch.setattr(calendar_views, "AGENDA_PAGE", 4)


def listed_times(response) -> list[str]:
    return [f"{a.local_start:%H:%M}" for a in response.context["appointments"]]


def test_the_list_pages_through_a_busy_day_keeping_the_chip(client, frontdesk, ibarra, zhou, suite, exam, page_of_four):
    busy_day([ibarra, zhou], [suite, exam], 10)  # 07:00, 07:00, 07:20, 07:20, … 08:20, 08:20
    client.force_login(frontdesk)
    url = reverse("scheduling:agenda")
    first = client.get(url, {"date": DAY})
    assert listed_times(first) == ["07:00", "07:00", "07:20", "07:20"]
    assert [(c.key, c.count) for c in first.context["chips"]] == [("all", 10), ("waiting", 0), ("not_arrived", 10)]
    html = first.content.decode()
    assert f'href="?date={DAY}&amp;show=all&amp;page=2" rel="next">Later</a>' in html
    assert "Visits 1–4 of 10" in html
    assert listed_times(client.get(url, {"date": DAY, "page": 3})) == ["08:20", "08:20"]
    waiting = client.get(url, {"date": DAY, "show": "not_arrived", "page": 2})
    assert 'href="?date=2026-03-10&amp;show=not_arrived&amp;page=3"' in waiting.content.decode()


def test_today_opens_at_the_page_of_the_visits_not_yet_over(client, frontdesk, ibarra, page_of_four):
    today = timezone.localdate()
    with on_clinic_day(today, 12):
        for n in range(10):  # 20-minute visits from 08:00; at noon the first nine are over
            book(ibarra, at(today, 8) + datetime.timedelta(minutes=25 * n), 20, name=f"P{n}")
        client.force_login(frontdesk)
        response = client.get(reverse("scheduling:agenda"))
    assert response.context["page"].number == 3
    assert listed_times(response) == ["11:20", "11:45"]


def test_the_list_builds_a_pages_worth_of_visits_however_busy_the_day(
    client, frontdesk, ibarra, zhou, suite, exam, page_of_four
):
    busy_day([ibarra, zhou], [suite, exam], 6)
    client.force_login(frontdesk)
    url = f"{reverse('scheduling:agenda')}?date={DAY}"
    with instances_built() as few:
        client.get(url)
    busy_day([ibarra, zhou], [suite, exam], 14, start=6)
    with instances_built() as many:
        client.get(url)
    assert many[Appointment] == few[Appointment] == 4
    assert many.by_model == few.by_model
