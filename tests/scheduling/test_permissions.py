"""The booking pages, visited as every role: front desk, nurses and physicians book; administrators look."""

import pytest
from django.urls import reverse

from tests import factories
from tests.permissions import FORBIDDEN, LOGIN, OK, check, each_cell, login_as
from tests.scheduling.helpers import at, book, next_weekday, room

pytestmark = pytest.mark.django_db

# page -> expected outcome per role: anonymous, no role, front desk, nurse, physician, administrator
PAGES = {
    "new": [LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN],
    "patient_search": [LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN],
    "detail": [LOGIN, FORBIDDEN, OK, OK, OK, OK],
    "move": [LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN],
    "cancel": [LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN],
    # Opening the procedure form from a visit is logging: physicians only.
    "log": [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 302, FORBIDDEN],
}
ACTIONS = {
    "status": [LOGIN, FORBIDDEN, 302, 302, 302, FORBIDDEN],
    # The live limit check of the booking form: whoever books sees what the booking would pass.
    "check": [LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN],
}


@pytest.fixture
def visit(physician):
    return book(
        factories.patient(),
        physician,
        at(next_weekday(), 9),
        30,
        where=room(),
        visit_type="procedure",
        procedure="si-injection",
    )


def url(name: str, visit) -> str:
    if name == "check":
        return reverse("scheduling:check")
    if name in {"new", "patient_search"}:
        return f"{reverse(f'scheduling:{name}')}?q=lopez"
    return reverse(f"scheduling:{name}", args=[visit.pk])


@each_cell(PAGES)
def test_every_booking_page_answers_every_role_as_the_matrix_says(client, request, visit, page, role, expected):
    login_as(client, request, role)
    check(client.get(url(page, visit)), expected)


@each_cell(ACTIONS, key="action")
def test_every_booking_action_answers_every_role_as_the_matrix_says(client, request, visit, action, role, expected):
    login_as(client, request, role)
    check(client.post(url(action, visit), {"status": "confirmed"}), expected)
