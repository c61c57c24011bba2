"""Two nurses call one patient about one follow-up: the second recording is refused with who recorded what and
when, and what the second nurse typed is still in the form."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.roles import Role
from outcomes.models import FollowUp
from tests import factories
from tests.posting import opened_by, saved_by

pytestmark = pytest.mark.django_db

CALL = {"method": "phone", "relief_pct": "60", "relief_days": "", "pgic": "2", "new_complications": ""}


@pytest.fixture
def item() -> FollowUp:
    procedure = factories.procedure(factories.patient(), on=timezone.localdate() - datetime.timedelta(days=14))
    return FollowUp.objects.get(procedure=procedure, label="2 weeks")


def opened(client, user, item: FollowUp) -> dict[str, Any]:
    return opened_by(client, user, reverse("outcomes:record", args=[item.pk]))


def test_the_second_of_two_recordings_opened_together_is_refused_naming_who_recorded_what(
    client, nurse, make_user, item
):
    colleague = make_user("rita", Role.NURSE)
    first, second = opened(client, nurse, item), opened(client, colleague, item)
    saved_by(client, nurse, reverse("outcomes:record", args=[item.pk]), first | CALL | {"nrs": "3"})
    response = saved_by(client, colleague, reverse("outcomes:record", args=[item.pk]), second | CALL | {"nrs": "5"})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    when = timezone.localtime(item.history.latest().history_date)
    assert errors[0].startswith(f"Changed by Nora at {when:%H:%M} since you opened it")
    assert "Status: Due → Done" in errors
    assert "Pain now (NRS 0–10): — → 3" in errors
    assert response.context["form"]["nrs"].value() == "5"
    item.refresh_from_db()
    assert (item.nrs, item.version) == (3, 2)
