"""A stimulator patient who agreed to links keeps the trial diary themselves: each morning a link asks about the day
before, answered once, and the daily job that sends the follow-up questionnaires sends these too."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from implants import diary_links, services
from implants.models import DiaryEntry, DiaryLink
from outcomes.links import send_all_links
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def trial_patient(nurse, *, consent: bool = True):
    patient = factories.patient(
        first_name="James",
        last_name="Patel",
        phone="+1 555 013 9876",
        questionnaire_channel="sms" if consent else "call",
        questionnaire_consent=consent,
    )
    pathway = services.pathway_open(patient=patient, device="scs", by=nurse, on=TODAY - 10 * DAY)
    services.pathway_trial(pathway=pathway, start=TODAY - 2 * DAY, end=TODAY + 4 * DAY)
    return pathway


def test_the_daily_job_texts_one_link_about_yesterday_and_a_second_run_sends_nothing(nurse, sms_outbox):
    pathway = trial_patient(nurse)

    call_command("send_follow_up_links")
    assert send_all_links().sent == 0

    [message] = sms_outbox
    yesterday = TODAY - DAY
    assert message.to == "+1 555 013 9876"
    assert f"how was your pain on {yesterday:%A} {yesterday:%B} {yesterday.day}?" in message.body
    assert "stimulator" not in message.body.lower()
    assert DiaryLink.objects.get().day == yesterday
    assert DiaryLink.objects.get().pathway == pathway


def test_the_patient_answers_and_the_day_is_in_the_diary_once(client, nurse, sms_outbox):
    pathway = trial_patient(nurse)
    send_all_links()
    path = re.search(r"/implants/diary/\S+/", sms_outbox[0].body)
    assert path is not None

    page = client.get(path.group())
    assert "Two questions about" in page.content.decode()
    refused = client.post(path.group(), {"nrs": "", "relief_pct": "60"})
    assert "Choose a number from 0 to 10 for your pain." in refused.content.decode()
    client.post(path.group(), {"nrs": "4", "relief_pct": "60", "note": "Walked the dog"})

    entry = DiaryEntry.objects.get()
    assert (entry.day, entry.nrs, entry.relief_pct, entry.by_patient, entry.entered_by) == (
        TODAY - DAY,
        4,
        60,
        True,
        None,
    )
    pathway.refresh_from_db()
    assert (pathway.diary_days, pathway.diary_relief_total) == (1, 60)
    assert "Your diary for that day was received." in client.get(path.group()).content.decode()
    client.post(path.group(), {"nrs": "9", "relief_pct": "0"})
    assert DiaryEntry.objects.count() == 1

    client.force_login(nurse)
    assert "patient’s link" in client.get(reverse("implants:pathway", args=[pathway.pk])).content.decode()


def test_a_day_the_clinic_already_entered_closes_its_link(client, nurse, sms_outbox):
    pathway = trial_patient(nurse)
    send_all_links()
    services.diary_add(pathway=pathway, day=TODAY - DAY, nrs=5, relief_pct=50, by=nurse)
    path = re.search(r"/implants/diary/\S+/", sms_outbox[0].body)
    assert path is not None
    assert "The clinic has already recorded that day." in client.get(path.group()).content.decode()


def test_no_link_without_consent_nor_for_a_day_already_entered(nurse, sms_outbox):
    trial_patient(nurse, consent=False)
    other = trial_patient_with_entry(nurse)
    send_all_links()
    assert sms_outbox == []
    assert not DiaryLink.objects.filter(pathway=other).exists()


def trial_patient_with_entry(nurse):
    patient = factories.patient(
        first_name="Ana",
        last_name="Ruiz",
        phone="+1 555 013 1111",
        questionnaire_channel="sms",
        questionnaire_consent=True,
    )
    pathway = services.pathway_open(patient=patient, device="scs", by=nurse)
    services.pathway_trial(pathway=pathway, start=TODAY - 2 * DAY, end=TODAY)
    services.diary_add(pathway=pathway, day=TODAY - DAY, nrs=5, relief_pct=50, by=nurse)
    return pathway


def test_an_altered_or_made_up_link_is_a_plain_404(client, nurse, sms_outbox):
    trial_patient(nurse)
    send_all_links()
    token = diary_links.token(DiaryLink.objects.get())
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (altered, "made-up", "x" * 300):
        response = client.get(reverse("implants:diary_answer", args=[bad]))
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
        assert "Patel" not in response.content.decode()


def test_an_expired_link_says_so(client, nurse, sms_outbox):
    trial_patient(nurse)
    send_all_links()
    link = DiaryLink.objects.get()
    past = timezone.now() - datetime.timedelta(days=3)
    DiaryLink.objects.filter(pk=link.pk).update(created_at=past, expires_at=past + datetime.timedelta(days=2))
    response = client.get(reverse("implants:diary_answer", args=[diary_links.token(link)]))
    assert "This link has expired" in response.content.decode()
