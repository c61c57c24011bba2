"""The printed papers, asked for as every role: the note as the procedure's page, the day sheet as the day view."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.permissions import FORBIDDEN, LOGIN, OK, check, each_cell, login_as

pytestmark = pytest.mark.django_db

# page -> expected outcome per role, in ROLES order: anonymous, no role, front desk, nurse, physician, admin
PAGES = {
    "procedure_note": [LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "day_sheet": [LOGIN, FORBIDDEN, OK, OK, OK, OK],
}


def _url(page: str) -> str:
    if page == "procedure_note":
        procedure = factories.procedure(factories.patient(), on=timezone.localdate() - datetime.timedelta(days=2))
        return reverse("paper:procedure_note", args=[procedure.pk])
    doctor = factories.physician_user()
    return f"{reverse('paper:day_sheet')}?day={timezone.localdate():%Y-%m-%d}&physician={doctor.pk}"


@each_cell(PAGES)
def test_every_paper_answers_every_role_as_the_matrix_says(client, request, page, role, expected):
    url = _url(page)
    login_as(client, request, role)
    response = client.get(url)
    check(response, expected)
    if expected == OK:
        assert response["Content-Type"] == "application/pdf"
