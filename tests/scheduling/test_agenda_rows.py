"""The day's list rows are written in Python (`{% agenda_rows %}`): exactly what the row template wrote."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from scheduling import calendar, services
from scheduling.models import Appointment
from tests import factories
from tests.scheduling.helpers import at, book, next_weekday, room

pytestmark = pytest.mark.django_db

DAY = next_weekday()

# The row as `scheduling/_agenda_row.html` wrote it before the tag did, included once per row.
TEMPLATE_ROW = Template(
    "{% for row in rows %}{% with a=row.appointment %}"
    '<tr id="appt-{{ a.pk }}" class="status-{{ a.status }}{% if not a.holds_slot %} agenda-freed{% endif %}">\n'
    '  <td class="text-nowrap fw-semibold">{{ a.local_start|time:"H:i" }}<div class="small fw-normal '
    'text-secondary">{{ a.minutes }} min</div></td>\n'
    '  <td><a href="{{ row.chart_url }}">{{ a.patient.last_name }}, {{ a.patient.first_name }}</a>'
    '<div class="small text-secondary">MRN {{ a.patient.mrn }}</div></td>\n'
    '  <td class="text-nowrap">{{ a.patient.phone|default:"—" }}</td>\n'
    '  <td class="text-nowrap">{{ a.physician_name }}</td>\n'
    '  <td class="text-nowrap">{{ a.room|default:"—" }}</td>\n'
    '  <td><a href="{{ row.url }}">{{ a.get_visit_type_display }}</a>{% if a.planned_summary %}<div class="small">'
    '{{ a.planned_summary }}</div>{% endif %}{% if a.passes_limit %} <span class="badge text-bg-danger" '
    'title="{{ a.limit_flag }}">limit</span>{% if a.limit_override_reason %}<div class="small text-danger">'
    "Booked past the limit: {{ a.limit_override_reason }}</div>{% endif %}{% endif %}</td>\n"
    '  <td class="text-nowrap"><span class="badge status-badge status-{{ a.status }}">{{ a.get_status_display }}'
    '</span>{% if a.status == "checked_in" and a.checked_in_at %}<div class="small text-secondary">since '
    '{{ a.checked_in_at|time:"H:i" }}</div>{% endif %}{% if problem %}<div class="small text-danger" '
    'role="alert">{{ problem }}</div>{% endif %}</td>\n'
    "  {% if can_change %}\n"
    '  <td class="text-end no-print">\n'
    "    {% with step=a.next_step %}{% if step %}\n"
    '    <form method="post" action="{{ row.status_url }}" hx-post="{{ row.status_url }}" '
    'hx-target="#appt-{{ a.pk }}" hx-swap="outerHTML">\n'
    "      {% csrf_token %}\n"
    '      <input type="hidden" name="next" value="{{ back }}">\n'
    '      <input type="hidden" name="status" value="{{ step.0 }}">\n'
    "      <button class=\"btn btn-sm {% if step.0 == 'checked_in' %}btn-primary{% elif step.0 == 'in_room' %}"
    'btn-info{% else %}btn-success{% endif %} text-nowrap" type="submit" aria-label="{{ step.1 }}: '
    '{{ a.patient.full_name }}">{{ step.1 }}</button>\n'
    "    </form>\n"
    "    {% endif %}{% endwith %}\n"
    "  </td>\n"
    "  {% endif %}\n"
    "</tr>{% endwith %}\n{% endfor %}"
)
TAG = Template("{% load schedule_list %}{% agenda_rows rows can_change back problem %}")


@pytest.fixture
def day_of_visits(physician):
    """A visit at each step of the day, with words the HTML must escape and a flagged, planned injection."""
    suite = room()
    flagged = book(
        factories.patient(first_name="O'Hara", last_name="<Smith> & Co", phone=""),
        physician,
        at(DAY, 8),
        30,
        where=suite,
        visit_type="procedure",
        procedure="esi-transforaminal",
        levels="L5-S1, L4-L5",
        side="left",
    )
    Appointment.objects.filter(pk=flagged.pk).update(
        limit_would_pass=True, limit_summary='ESI sessions: "4 of 3"\n<b>', limit_override_reason="Severe & worse"
    )
    waiting, in_room, done, gone = (
        book(factories.patient(first_name=f"P{n}"), physician, at(DAY, 9 + n)) for n in range(4)
    )
    services.appointment_set_status(appointment=waiting, status="checked_in")
    for visit, steps in ((in_room, ["checked_in", "in_room"]), (done, ["checked_in", "in_room", "completed"])):
        for step in steps:
            services.appointment_set_status(appointment=visit, status=step)
    services.appointment_cancel(appointment=gone, reason="Unwell")
    return list(Appointment.objects.on_day(DAY).with_shared_details().order_by("starts_at"))


@pytest.mark.parametrize("can_change", [True, False])
@pytest.mark.parametrize("problem", ["", "A completed visit cannot become <in room> & more."])
def test_the_agenda_rows_tag_writes_what_the_row_template_wrote(day_of_visits, can_change, problem):
    request = RequestFactory().get("/")
    context = {
        "rows": calendar.agenda_rows(day_of_visits),
        "can_change": can_change,
        "back": f"{reverse('scheduling:agenda')}?date={DAY}&show=all&page=2",
        "problem": problem,
        "csrf_token": "t0ken",
        "request": request,
    }
    written = TAG.render(Context(context))
    assert written == TEMPLATE_ROW.render(Context(context))
    assert written.count("<tr ") == 5
    assert "&lt;Smith&gt; &amp; Co, O&#x27;Hara" in written
    assert 'title="ESI sessions: &quot;4 of 3&quot;\n&lt;b&gt;\nBooked anyway: Severe &amp; worse">limit' in written
    assert '<div class="small text-secondary">since ' in written
    assert written.count('name="status"') == (3 if can_change else 0)  # none once completed or cancelled
    assert ('name="csrfmiddlewaretoken" value="t0ken"' in written) is can_change
