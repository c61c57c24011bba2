"""The check-in tablet: the front desk hands it to a checked-in patient, who answers today's pain and disability;
the tablet then shows nothing but its thank-you until the person who handed it unlocks it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import VisitBaseline
from scheduling import services
from scheduling.models import Appointment
from tests import factories
from tests.conftest import PASSWORD
from tests.permissions import FORBIDDEN, LOGIN, ROLES, check, each_cell, login_as
from tests.scheduling.helpers import at, book, room

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def todays_visit(physician, *, levels: str = "L4-L5, L5-S1", checked_in: bool = True, hour: int = 14) -> Appointment:
    patient = factories.patient(first_name="Ana", last_name="Reyes")
    visit = book(
        patient,
        physician,
        at(TODAY, hour),
        30,
        where=room(),
        visit_type="procedure",
        procedure="esi-transforaminal",
        levels=levels,
        side="bilateral",
    )
    if checked_in:
        services.appointment_set_status(appointment=visit, status="checked_in")
    return visit


def answers(index: str = "odi", **changes: str) -> dict[str, str]:
    return {"nrs": "7", **{f"{index}_{i}": "2" for i in range(1, 11)}} | changes


def hand_over(client, user, visit):
    client.force_login(user)
    return client.post(reverse("outcomes:kiosk_start", args=[visit.pk]))


def test_the_visit_page_offers_the_tablet_once_the_patient_is_checked_in(client, frontdesk, physician):
    visit = todays_visit(physician)
    client.force_login(frontdesk)

    page = client.get(reverse("scheduling:detail", args=[visit.pk])).content.decode()

    assert "Hand the tablet to Ana" in page


def test_a_visit_not_checked_in_is_not_offered_the_tablet(client, frontdesk, physician):
    visit = todays_visit(physician, checked_in=False)
    client.force_login(frontdesk)

    assert "Hand the tablet" not in client.get(reverse("scheduling:detail", args=[visit.pk])).content.decode()
    response = client.post(reverse("outcomes:kiosk_start", args=[visit.pk]), follow=True)
    assert "The tablet is for patients checked in today." in response.content.decode()


def test_the_patient_answers_their_baseline_and_it_is_stored_for_the_visit(client, frontdesk, physician):
    visit = todays_visit(physician)
    hand_over(client, frontdesk, visit)

    page = client.get(reverse("outcomes:kiosk")).content.decode()
    assert "Welcome, Ana R." in page
    assert "Oswestry" in page  # lumbar levels planned
    assert "Reyes" not in page  # not the full name on a shared screen
    response = client.post(reverse("outcomes:kiosk"), answers())

    assert response.status_code == 302
    baseline = VisitBaseline.objects.get(appointment=visit)
    assert (baseline.nrs, baseline.odi_score, baseline.ndi_score, baseline.handed_by) == (7, 40, None, frontdesk)
    assert "Please hand the tablet back" in client.get(reverse("outcomes:kiosk")).content.decode()


def test_a_neck_visit_asks_the_neck_disability_index(client, frontdesk, physician):
    visit = todays_visit(physician, levels="C5-C6")
    hand_over(client, frontdesk, visit)

    client.post(reverse("outcomes:kiosk"), answers("ndi"))

    assert VisitBaseline.objects.get(appointment=visit).ndi_score == 40


def test_a_missing_pain_score_is_asked_again_and_nothing_is_stored(client, frontdesk, physician):
    visit = todays_visit(physician)
    hand_over(client, frontdesk, visit)

    response = client.post(reverse("outcomes:kiosk"), answers(nrs=""))

    assert "Choose a number from 0 to 10 for your pain now." in response.content.decode()
    assert not VisitBaseline.objects.exists()


@pytest.mark.parametrize(
    "page", ["home", "patients:list", "scheduling:day", "outcomes:worklist", "logout", "admin:index"]
)
def test_a_locked_tablet_reaches_no_other_page(client, frontdesk, physician, page):
    visit = todays_visit(physician)
    hand_over(client, frontdesk, visit)

    response = client.get(reverse(page))

    assert response.status_code == 302
    assert response.url == reverse("outcomes:kiosk")


def test_after_answering_the_tablet_stays_locked_until_the_staff_password(client, frontdesk, physician):
    visit = todays_visit(physician)
    hand_over(client, frontdesk, visit)
    client.post(reverse("outcomes:kiosk"), answers())

    wrong = client.post(reverse("outcomes:kiosk_unlock"), {"password": "guess"})
    assert "That is not the password" in wrong.content.decode()
    assert client.get(reverse("home")).url == reverse("outcomes:kiosk")

    unlocked = client.post(reverse("outcomes:kiosk_unlock"), {"password": PASSWORD}, follow=True)

    assert unlocked.redirect_chain[-1][0] == reverse("scheduling:detail", args=[visit.pk])
    assert "Baseline stored for Ana Reyes: NRS 7, ODI 40." in unlocked.content.decode()
    assert client.get(reverse("home")).status_code == 200


def test_a_visit_answers_its_baseline_once(client, frontdesk, physician):
    visit = todays_visit(physician)
    hand_over(client, frontdesk, visit)
    client.post(reverse("outcomes:kiosk"), answers())
    client.post(reverse("outcomes:kiosk_unlock"), {"password": PASSWORD})

    response = hand_over(client, frontdesk, visit)

    assert response.url == reverse("scheduling:detail", args=[visit.pk])
    assert VisitBaseline.objects.count() == 1
    assert client.get(reverse("outcomes:kiosk")).status_code == 404  # the tablet was not locked again


def test_the_kiosk_page_without_a_tablet_handed_over_is_not_found(client, frontdesk):
    client.force_login(frontdesk)

    assert client.get(reverse("outcomes:kiosk")).status_code == 404


def test_roles_without_the_tablet_cannot_hand_it_over(client, administrator, physician):
    visit = todays_visit(physician)

    assert hand_over(client, administrator, visit).status_code == 403


# The tablet's pages by role: handing over (a POST from the visit page), then the questionnaire and its unlock page,
# which answer only on the tablet that was handed over (404 anywhere else).
MATRIX = {
    "post kiosk_start": [LOGIN, FORBIDDEN, 302, 302, 302, FORBIDDEN],
    "get kiosk": [LOGIN, FORBIDDEN, 404, 404, 404, FORBIDDEN],
    "get kiosk_unlock": [LOGIN, FORBIDDEN, 404, 404, 404, FORBIDDEN],
}


@each_cell(MATRIX, key="action")
def test_every_tablet_page_answers_every_role_as_the_matrix_says(client, request, physician, action, role, expected):
    visit = todays_visit(physician)
    login_as(client, request, role)
    method, name = action.split()
    target = reverse(f"outcomes:{name}", args=[visit.pk]) if name == "kiosk_start" else reverse(f"outcomes:{name}")

    check(getattr(client, method)(target), expected)


def test_the_patient_s_questionnaire_link_needs_no_login_for_any_role(client, request):
    for role in ROLES:
        login_as(client, request, role)
        assert client.get(reverse("outcomes:answer", args=["not-a-link"])).status_code == 404


def test_a_tablet_in_a_patient_s_hands_cannot_be_switched_to_another_visit(client, frontdesk, physician):
    visit = todays_visit(physician)
    other = todays_visit(physician, hour=15)
    hand_over(client, frontdesk, visit)

    response = client.post(reverse("outcomes:kiosk_start", args=[other.pk]))

    assert response.url == reverse("outcomes:kiosk")
    assert client.session["kiosk_visit"] == visit.pk
