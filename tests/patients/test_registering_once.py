"""A registration form creates one chart, however often or however fast it is posted; the possible-duplicate
check holds when ten desks register the same person at the same moment."""

from functools import partial
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from patients.models import Patient
from tests.posting import as_posted, at_once

pytestmark = pytest.mark.django_db

VALID = {"first_name": "José", "last_name": "Núñez", "date_of_birth": "1958-07-14", "sex": "M"}


def new_form(client, user) -> dict[str, Any]:
    """The registration form as it is shown, one-time token and all, filled in."""
    client.force_login(user)
    return as_posted(client.get(reverse("patients:new")).context["form"]) | VALID


def test_the_registration_form_carries_a_new_one_time_token_each_time_it_is_shown(client, frontdesk):
    first, second = new_form(client, frontdesk)["form_token"], new_form(client, frontdesk)["form_token"]
    assert first
    assert first != second


def test_a_double_clicked_registration_creates_one_chart_and_both_posts_lead_to_it(client, frontdesk):
    data = new_form(client, frontdesk)
    first = client.post(reverse("patients:new"), data)
    second = client.post(reverse("patients:new"), data)
    patient = Patient.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == patient.get_absolute_url()


def test_a_form_refused_as_a_possible_duplicate_registers_once_confirmed(client, frontdesk):
    data = new_form(client, frontdesk)
    client.post(reverse("patients:new"), data)
    refused = client.post(reverse("patients:new"), new_form(client, frontdesk))
    assert "already registered" in refused.content.decode()
    confirmed = as_posted(refused.context["form"]) | {"confirm_not_duplicate": "on"}
    assert client.post(reverse("patients:new"), confirmed).status_code == 302
    assert Patient.objects.count() == 2


def _desk(user):
    desk = Client()
    desk.force_login(user)
    return desk


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shipped_data")
def test_ten_desks_registering_one_person_at_once_without_confirming_create_one_chart(frontdesk):
    desks = [_desk(frontdesk) for _ in range(10)]
    forms = [new_form(desk, frontdesk) for desk in desks]
    posts = [partial(desk.post, reverse("patients:new"), form) for desk, form in zip(desks, forms, strict=True)]
    responses = at_once(posts)
    assert Patient.objects.count() == 1
    assert sorted(r.status_code for r in responses) == [200] * 9 + [302]
    assert all("already registered" in r.content.decode() for r in responses if r.status_code == 200)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shipped_data")
def test_one_registration_form_posted_twice_at_the_same_moment_creates_one_chart(frontdesk):
    desks = [_desk(frontdesk) for _ in range(2)]
    data = new_form(desks[0], frontdesk)
    responses = at_once([partial(desk.post, reverse("patients:new"), data) for desk in desks])
    patient = Patient.objects.get()
    assert [r.status_code for r in responses] == [302, 302]
    assert {r.url for r in responses} == {patient.get_absolute_url()}
