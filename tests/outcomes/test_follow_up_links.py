"""Patients who agreed to links answer their follow-ups themselves: one link when a follow-up falls due, sent by
email or text, a reminder once, answered once, and nothing for anyone else."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from outcomes import links
from outcomes.models import FollowUp, FollowUpLink, FollowUpStatus, Method
from outcomes.services import PatientAnswers
from patients.models import Patient
from procedures.services import procedure_void
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FAR_AWAY = TODAY + datetime.timedelta(days=365)


def due_today(channel: str = "email", *, first_name: str = "Rosa") -> FollowUp:
    """A lumbar ESI a fortnight ago whose 2-week follow-up is due today; its other follow-ups later."""
    contact = {"email": "rosa@example.org"} if channel == "email" else {"phone": "+1 555 013 4567"}
    consent = {"questionnaire_channel": channel, "questionnaire_consent": channel != "call"}
    person = factories.patient(first_name=first_name, **(contact | consent))  # type: ignore[arg-type]
    procedure = factories.procedure(person, on=TODAY - datetime.timedelta(days=14))
    FollowUp.objects.filter(procedure=procedure).update(due_on=FAR_AWAY)
    FollowUp.objects.filter(procedure=procedure, label="2 weeks").update(due_on=TODAY)
    return FollowUp.objects.get(procedure=procedure, label="2 weeks")


def link_path(follow_up: FollowUp) -> str:
    return reverse("outcomes:answer", args=[links.token(FollowUpLink.objects.get(follow_up=follow_up))])


def answers(**changes: str) -> dict[str, str]:
    """A patient's answers: pain 3, 60% better, much improved, and the Oswestry index all answered 1."""
    return {
        "nrs": "3",
        "relief_pct": "60",
        "pgic": "2",
        "relief_days": "",
        **{f"odi_{i}": "1" for i in range(1, 11)},
    } | (changes)


def test_a_patient_who_chose_email_is_sent_one_link_when_the_follow_up_falls_due():
    follow_up = due_today("email")

    report = links.send_due_links()

    assert (report.sent, report.reminded, report.failed) == (1, 0, [])
    [message] = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert link_path(follow_up) in message.body
    performed = timezone.localdate(follow_up.procedure.performed_at)
    assert f"procedure on {performed:%B} {performed.day}" in message.body
    # The message names no diagnosis, procedure or level: an email can be read over a shoulder. (The link's random
    # token is left out of what is read: it may spell anything.)
    words = str(message.body).replace(links.url(FollowUpLink.objects.get(follow_up=follow_up)), "")
    assert "ESI" not in words
    assert "L5" not in words
    assert "epidural" not in words.lower()


def test_the_send_job_run_twice_sends_nothing_the_second_time(capsys):
    due_today("email")
    due_today("sms", first_name="Ines")

    call_command("send_follow_up_links")
    call_command("send_follow_up_links")

    assert len(mail.outbox) == 1
    from clinic import sms

    assert len(sms.outbox) == 1
    assert capsys.readouterr().out.splitlines() == [
        "Sent 2 link(s) and 0 reminder(s).",
        "Sent 0 link(s) and 0 reminder(s).",
    ]


def test_a_text_message_goes_to_the_mobile_number_through_the_sms_backend(sms_outbox):
    follow_up = due_today("sms")

    links.send_due_links()

    [text] = sms_outbox
    assert text.to == "+1 555 013 4567"
    assert link_path(follow_up) in text.body
    assert mail.outbox == []


def test_patients_who_want_a_call_or_whose_procedure_was_voided_get_no_link(physician):
    due_today("call")
    voided = due_today("email", first_name="Vera")
    procedure_void(procedure=voided.procedure, reason="Wrong patient", by=physician)

    assert links.send_due_links().sent == 0
    assert FollowUpLink.objects.count() == 0


def test_a_backlog_older_than_a_link_lives_is_left_to_the_nurses(settings):
    follow_up = due_today("email")
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=TODAY - datetime.timedelta(days=8))
    settings.FOLLOW_UP_LINK_DAYS = 7

    assert links.send_due_links().sent == 0


def test_one_reminder_goes_out_days_after_an_unanswered_link_and_only_one(settings):
    settings.FOLLOW_UP_REMINDER_DAYS = 3
    due_today("email")
    now = timezone.now()
    links.send_due_links(now)

    assert links.send_due_links(now + datetime.timedelta(days=2)).reminded == 0
    assert links.send_due_links(now + datetime.timedelta(days=3)).reminded == 1
    assert links.send_due_links(now + datetime.timedelta(days=4)).reminded == 0
    assert len(mail.outbox) == 2
    assert mail.outbox[1].body.startswith("A reminder: how is your pain")


def test_a_message_that_failed_to_send_is_sent_by_the_next_run(settings):
    follow_up = due_today("sms")
    settings.SMS_BACKEND = "tests.outcomes.test_follow_up_links.BrokenBackend"

    report = links.send_due_links()

    assert report.sent == 0
    assert len(report.failed) == 1
    assert FollowUpLink.objects.get(follow_up=follow_up).sent_at is None
    settings.SMS_BACKEND = "clinic.sms.LocmemBackend"
    assert links.send_due_links().sent == 1


class BrokenBackend:
    def send(self, message: object) -> None:
        raise ConnectionError("provider unreachable")


def test_the_job_fails_loudly_when_a_message_was_not_sent(settings):
    due_today("sms")
    settings.SMS_BACKEND = "tests.outcomes.test_follow_up_links.BrokenBackend"

    with pytest.raises(CommandError, match=r"1 message\(s\) not sent: link .*provider unreachable"):
        call_command("send_follow_up_links")


def test_the_patient_opens_the_link_and_sees_their_own_questionnaire_in_plain_words(client):
    follow_up = due_today("email")
    links.send_due_links()

    page = client.get(link_path(follow_up)).content.decode()

    assert "How bad is your pain right now?" in page
    assert "Oswestry" in page  # a lumbar procedure: the low-back index
    assert "Neck Disability" not in page
    # No login, no menu, no other patient: the page holds only this questionnaire.
    assert "Log out" not in page
    assert "Patients" not in page
    assert "Lopez" not in page
    assert FollowUpLink.objects.get(follow_up=follow_up).opened_at is not None


def test_the_answers_land_on_the_follow_up_as_patient_reported_with_the_time(client, nurse):
    follow_up = due_today("email")
    links.send_due_links()
    path = link_path(follow_up)

    response = client.post(path, answers(new_complications="Sore for two days"))

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE
    assert follow_up.method == Method.LINK
    assert follow_up.recorded_by is None
    assert (follow_up.nrs, follow_up.relief_pct, follow_up.pgic, follow_up.odi_score) == (3, 60, 2, 20)
    assert follow_up.new_complications == "Sore for two days"
    assert follow_up.recorded_at is not None
    assert abs(follow_up.recorded_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert follow_up.history.first().history_change_reason == "Answered by the patient through a link"
    assert "Your answers were received" in client.get(path).content.decode()


def test_a_used_link_cannot_answer_again(client):
    follow_up = due_today("email")
    links.send_due_links()
    path = link_path(follow_up)
    client.post(path, answers())

    again = client.post(path, answers(nrs="9"))

    assert "Your answers were received" in again.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.nrs == 3


def test_an_expired_link_says_so_and_the_nurse_calls_instead(client, settings):
    follow_up = due_today("email")
    links.send_due_links()
    FollowUpLink.objects.update(
        created_at=timezone.now() - datetime.timedelta(days=8),
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )

    page = client.get(link_path(follow_up)).content.decode()

    assert "This link has expired" in page
    assert "Oswestry" not in page


@pytest.mark.parametrize("change", ["last character", "another link's id", "garbage"])
def test_a_tampered_link_says_it_does_not_work_and_reveals_nothing(client, change):
    follow_up = due_today("email")
    links.send_due_links()
    real = links.token(FollowUpLink.objects.get(follow_up=follow_up))
    token = {
        "last character": real[:-1] + ("A" if real[-1] != "A" else "B"),
        "another link's id": real.replace(real.split(":")[0], "WzIsInh4Il0"),
        "garbage": "x" * 500,
    }[change]

    response = client.get(reverse("outcomes:answer", args=[token]))

    assert response.status_code == 404
    page = response.content.decode()
    assert "This link does not work" in page
    assert "Rosa" not in page
    assert "procedure on" not in page


def test_a_missing_answer_is_asked_again_beside_the_question_and_nothing_is_saved(client):
    follow_up = due_today("email")
    links.send_due_links()

    response = client.post(link_path(follow_up), answers(nrs="", relief_days="-4"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose a number from 0 to 10 for your pain now." in page
    assert "The days cannot be negative." in page
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DUE


def test_a_follow_up_the_nurse_recorded_first_closes_its_link(client, nurse):
    from outcomes.services import followup_record

    follow_up = due_today("email")
    links.send_due_links()
    followup_record(follow_up=follow_up, recorded_by=nurse, nrs=4, relief_pct=50, method="phone")

    page = client.get(link_path(follow_up)).content.decode()

    assert "The clinic has already recorded this follow-up" in page


def test_answering_twice_at_once_records_once():
    follow_up = due_today("email")
    links.send_due_links()
    link = FollowUpLink.objects.get(follow_up=follow_up)
    given: PatientAnswers = {"nrs": 3, "relief_pct": 60, "pgic": 2}
    links.link_answer(link=link, answers=given, now=timezone.now())

    with pytest.raises(ValidationError, match="already answered"):
        links.link_answer(link=link, answers=given, now=timezone.now())


def test_a_follow_up_has_one_link_in_the_database_too():
    follow_up = due_today("email")
    links.send_due_links()
    link = FollowUpLink.objects.get(follow_up=follow_up)

    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpLink.objects.create(
            follow_up=follow_up, channel="email", sent_to="x@example.org", nonce="n", expires_at=link.expires_at
        )


def test_a_link_channel_needs_consent_and_an_address_in_the_database_too():
    patient = factories.patient()

    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.filter(pk=patient.pk).update(questionnaire_channel="email", questionnaire_consent=True)


def test_the_worklist_shows_each_call_s_link_and_the_calls_patients_answered(client, nurse):
    sent = due_today("email", first_name="Sara")
    answered = due_today("email", first_name="Alma")
    phoned = due_today("call", first_name="Carl")
    links.send_due_links()
    client.post(link_path(answered), answers())
    client.force_login(nurse)

    response = client.get(reverse("outcomes:worklist"))

    calls = {call.follow_up.pk: call for s in response.context["sections"] for g in s.groups for call in g.calls}
    assert answered.pk not in calls  # closed by the patient: no call to make
    assert calls[sent.pk].link_status[0].startswith("Link sent by email")
    assert calls[phoned.pk].link_status == ("", "")
    assert [f.pk for f in response.context["answered"]] == [answered.pk]
    page = response.content.decode()
    assert "Answered by patients" in page
    assert "Alma" in page


def test_a_link_left_unanswered_until_it_expires_asks_for_a_call(client, nurse):
    follow_up = due_today("email")
    links.send_due_links()
    FollowUpLink.objects.update(
        created_at=timezone.now() - datetime.timedelta(days=8), expires_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(nurse)

    response = client.get(reverse("outcomes:worklist"))

    [call] = [c for s in response.context["sections"] for g in s.groups for c in g.calls if c.follow_up == follow_up]
    assert call.link_status == ("Link unanswered: needs a call", "warning")


def test_the_dashboard_shows_how_many_links_each_channel_got_answered(client, physician):
    first = due_today("email", first_name="Eva")
    due_today("email", first_name="Emma")
    due_today("sms", first_name="Sol")
    links.send_due_links()
    client.post(link_path(first), answers())
    FollowUpLink.objects.filter(channel="sms").update(
        created_at=timezone.now() - datetime.timedelta(days=8), expires_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(physician)

    table = next(
        t for t in client.get(reverse("outcomes:dashboard")).context["tables"] if t.slug == "questionnaire-links"
    )

    assert table.rows == [["Email", 2, "50% (1/2)", 0], ["Text message", 1, "0% (0/1)", 1]]
    assert table.totals == [["All links", 3, "33% (1/3)", 1]]
