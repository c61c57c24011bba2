"""Recording a follow-up call: NRS and relief on the baseline's scale, the ODI or NDI the levels call for,
errors at the field, one recording only, and closing a call as not reached."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.audit import history_entries
from outcomes.models import FollowUp, FollowUpStatus
from outcomes.questionnaires import NDI, ODI, QUESTIONNAIRES
from tests import factories
from tests.permissions import FORBIDDEN, LOGIN, OK, ROLES, check, login_as

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CERVICAL = {
    "type_code": "esi-interlaminar",
    "sites": (("C5-C6", "midline"),),
    "drugs": (("Triamcinolone acetonide", "40"),),
}


def follow_up(**fields) -> FollowUp:
    """The 2-week follow-up of an ESI done two weeks ago (a lumbar transforaminal one unless told)."""
    procedure = factories.procedure(factories.patient(), on=TODAY - datetime.timedelta(days=14), **fields)
    return FollowUp.objects.get(procedure=procedure, label="2 weeks")


def url(item: FollowUp) -> str:
    return reverse("outcomes:record", args=[item.pk])


def answers(prefix: str, points: list[int | None]) -> dict[str, str]:
    return {f"{prefix}_{n}": "" if p is None else str(p) for n, p in enumerate(points, start=1)}


CALL = {"method": "phone", "nrs": "3", "relief_pct": "60", "relief_days": "", "pgic": "2", "new_complications": ""}


def test_a_nurse_records_nrs_relief_and_the_odi_for_a_lumbar_esi(client, nurse):
    item = follow_up(nrs_pre=7)
    client.force_login(nurse)
    # Nine sections answered, sex life skipped: 20 points of 45 possible = 44.4, so 44.
    odi = answers("odi", [2, 3, 1, 4, 2, 3, 2, None, 1, 2])
    response = client.post(url(item), CALL | odi, follow=True)
    assert response.redirect_chain == [(reverse("outcomes:worklist"), 302)]
    item.refresh_from_db()
    assert item.status == FollowUpStatus.DONE
    assert (item.nrs, item.relief_pct, item.relief_days, item.pgic, item.method) == (3, 60, None, 2, "phone")
    assert item.odi_answers == [2, 3, 1, 4, 2, 3, 2, None, 1, 2]
    assert item.odi_score == 44
    assert item.ndi_answers is None
    assert item.recorded_by == nurse
    assert item.recorded_at is not None
    name = item.procedure.patient.full_name
    assert f"Recorded 2 weeks follow-up for {name}: NRS 3, 60% relief, ODI 44." in response.content.decode()


def test_a_lumbar_esi_asks_the_odi_and_not_the_ndi(client, nurse):
    client.force_login(nurse)
    response = client.get(url(follow_up()))
    fields = response.context["form"].fields
    assert {f"odi_{n}" for n in range(1, 11)} <= set(fields)
    assert not any(name.startswith("ndi_") for name in fields)
    assert "Oswestry Disability Index" in response.content.decode()


def test_a_cervical_esi_asks_the_ndi_and_not_the_odi(client, nurse):
    client.force_login(nurse)
    response = client.get(url(follow_up(**CERVICAL)))
    fields = response.context["form"].fields
    assert {f"ndi_{n}" for n in range(1, 11)} <= set(fields)
    assert not any(name.startswith("odi_") for name in fields)
    html = response.content.decode()
    assert "Neck Disability Index" in html
    assert "Oswestry" not in html
    assert "<legend" in html
    assert "5. Headaches" in html


def test_a_cervical_recording_stores_the_ndi_score(client, nurse):
    item = follow_up(**CERVICAL)
    client.force_login(nurse)
    client.post(url(item), CALL | answers("ndi", [1] * 10))
    item.refresh_from_db()
    assert (item.ndi_score, item.odi_score) == (20, None)


def test_a_knee_injection_asks_no_questionnaire(client, nurse):
    client.force_login(nurse)
    item = follow_up(type_code="joint-major", sites=(("knee", "right"),))
    fields = client.get(url(item)).context["form"].fields
    assert not any(name.startswith(("odi_", "ndi_")) for name in fields)


def test_the_page_shows_the_procedure_its_baseline_and_the_other_follow_ups(client, nurse):
    item = follow_up(nrs_pre=8, nrs_post=2, relief_post_pct=75)
    client.force_login(nurse)
    response = client.get(url(item))
    html = response.content.decode()
    assert "Transforaminal ESI" in html
    assert "L5-S1 left" in html
    assert "NRS 8" in html
    assert "2/10" in html
    assert "75%" in html
    assert [o.label for o in response.context["others"]] == ["6 weeks", "3 months"]
    assert "autofocus" in str(response.context["form"]["nrs"])
    assert 'inputmode="numeric"' in str(response.context["form"]["nrs"])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nrs", "11", "NRS runs from 0 to 10."),
        ("relief_pct", "150", "Relief runs from 0 to 100."),
        ("relief_days", "-1", "Days cannot be negative."),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_saved(client, nurse, field, value, message):
    item = follow_up()
    client.force_login(nurse)
    response = client.post(url(item), CALL | {field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}"' in html
    assert "is-invalid" in str(html.split(f'id="id_{field}"')[0].rsplit("<input", 1)[1])
    item.refresh_from_db()
    assert item.status == FollowUpStatus.DUE
    assert item.nrs is None
    assert item.history.count() == 1


def test_the_audit_history_keeps_the_recording_and_who_made_it(client, nurse):
    item = follow_up()
    client.force_login(nurse)
    client.post(url(item), CALL)
    item.refresh_from_db()
    latest = history_entries(item)[0]
    assert (latest.what, latest.who) == ("Changed", "Nora")
    changes = {c.field: (c.old, c.new) for c in latest.changes}
    assert changes["Pain now (NRS 0–10)"] == ("—", "3")
    assert changes["Status"] == ("Due", "Done")


def test_a_recorded_follow_up_is_shown_read_only_and_not_recorded_again(client, nurse, physician):
    item = follow_up()
    client.force_login(nurse)
    client.post(url(item), CALL | answers("odi", [1] * 10))
    client.force_login(physician)
    response = client.get(url(item))
    assert response.context["form"] is None
    html = response.content.decode()
    assert "Recorded by Nora" in html
    assert "20</strong>/100" in html
    response = client.post(url(item), CALL | {"nrs": "9"})
    assert "Already closed by Nora: it was not recorded again." in response.content.decode()
    assert response.context["form"]["nrs"].value() == "9"
    item.refresh_from_db()
    assert (item.nrs, item.recorded_by) == (3, nurse)


def test_after_saving_it_goes_to_next_when_that_stays_on_the_site(client, nurse):
    client.force_login(nurse)
    chart = "/patients/1/"
    response = client.post(f"{url(follow_up())}?next={chart}", CALL)
    assert response.url == chart
    response = client.post(f"{url(follow_up())}?next=https://evil.example/", CALL)
    assert response.url == reverse("outcomes:worklist")


def test_not_reached_closes_the_follow_up_with_the_note(client, nurse):
    item = follow_up()
    client.force_login(nurse)
    response = client.post(reverse("outcomes:not_reached", args=[item.pk]), {"note": "Voicemail full"}, follow=True)
    assert response.redirect_chain == [(reverse("outcomes:worklist"), 302)]
    assert "as not reached" in response.content.decode()
    item.refresh_from_db()
    assert (item.status, item.note, item.recorded_by) == (FollowUpStatus.NOT_REACHED, "Voicemail full", nurse)


def test_the_questionnaires_have_ten_sections_of_six_answers():
    assert [q.abbreviation for q in QUESTIONNAIRES] == ["ODI", "NDI"]
    for questionnaire in (ODI, NDI):
        assert len(questionnaire.sections) == 10
        assert all(len(section.answers) == 6 for section in questionnaire.sections)


# page -> expected outcome per role, in ROLES order: anonymous, no role, front desk, nurse, physician, admin
MATRIX = {
    ("get", "worklist"): [LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    ("get", "record"): [LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN],
    ("post", "record"): [LOGIN, FORBIDDEN, FORBIDDEN, 302, 302, FORBIDDEN],
    ("post", "not_reached"): [LOGIN, FORBIDDEN, FORBIDDEN, 302, 302, FORBIDDEN],
}


@pytest.mark.parametrize("action", MATRIX, ids=["-".join(a) for a in MATRIX])
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_every_follow_up_page_answers_every_role_as_the_matrix_says(client, request, action, role_index):
    item = follow_up()
    login_as(client, request, ROLES[role_index])
    method, name = action
    target = reverse("outcomes:worklist") if name == "worklist" else reverse(f"outcomes:{name}", args=[item.pk])
    check(getattr(client, method)(target, CALL), MATRIX[action][role_index])
    item.refresh_from_db()
    if MATRIX[action][role_index] != 302:
        assert item.status == FollowUpStatus.DUE
