"""The trial diary the patient keeps themselves: each morning of a stimulator trial, and the morning after it ends,
a link by the channel the patient consented to asks about the day before (pain now, relief), so the diary does not
wait for the next visit. Sent by the same daily job as the follow-up questionnaires (`send_follow_up_links`, which
runs the senders registered with `outcomes.links`), and built the same way: one link per trial day (a unique key),
sent under its row's lock, a signed token with a random nonce, answered once, until it expires.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from clinic.sms import send_sms
from implants import rules, services
from implants.models import DiaryEntry, DiaryLink, Pathway
from outcomes.links import RunReport, State, signed_row
from patients.models import Channel

logger = logging.getLogger(__name__)

SALT = "implants.diary-link"
# The patient has the day the link arrives and the next to answer it.
ANSWER_DAYS = 2
BATCH = 2000


@dataclass
class Opened:
    state: State
    link: DiaryLink | None = None


def token(link: DiaryLink) -> str:
    return signing.Signer(salt=SALT).sign_object([link.pk, link.nonce])


def url(link: DiaryLink) -> str:
    return f"{settings.SITE_URL}{reverse('implants:diary_answer', args=[token(link)])}"


def open_link(text: str, now: datetime.datetime) -> Opened:
    """As `outcomes.links.open_link`: INVALID says nothing of why; CLOSED when the day is already in the diary
    (staff entered it from the patient's card) or the pathway was closed."""
    signed = signed_row(text, SALT)
    if signed is None:
        return Opened(State.INVALID)
    link = DiaryLink.objects.select_related("pathway__patient").filter(pk=signed[0]).first()
    if link is None or not constant_time_compare(link.nonce, signed[1]):
        return Opened(State.INVALID)
    if link.answered_at is not None:
        return Opened(State.ANSWERED, link)
    recorded = DiaryEntry.objects.kept().filter(pathway=link.pathway_id, day=link.day).exists()
    if link.pathway.is_closed or recorded:
        return Opened(State.CLOSED, link)
    if now >= link.expires_at:
        return Opened(State.EXPIRED, link)
    return Opened(State.OPEN, link)


@transaction.atomic
def link_answer(*, link: DiaryLink, nrs: int, relief_pct: int, note: str, now: datetime.datetime) -> DiaryEntry:
    locked = DiaryLink.objects.select_for_update().get(pk=link.pk)
    if locked.answered_at is not None:
        raise ValidationError("This diary day was already answered.")
    if now >= locked.expires_at:
        raise ValidationError("This link has expired.")
    entry = services.diary_add(pathway=link.pathway, day=link.day, nrs=nrs, relief_pct=relief_pct, note=note, by=None)
    locked.answered_at = now
    locked._change_reason = "Answered by the patient"  # type: ignore[attr-defined]
    locked.save(update_fields=["answered_at"])
    return entry


def link_mark_opened(link: DiaryLink, now: datetime.datetime) -> None:
    if link.opened_at is None:
        DiaryLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=now)


def due_pathways(today: datetime.date) -> "list[Pathway]":
    """Open stimulator trials that covered yesterday, of patients who consented to links, without yesterday's
    entry or link."""
    yesterday = today - datetime.timedelta(days=1)
    return list(
        Pathway.objects.filter(
            device=rules.SCS,
            closed_on__isnull=True,
            implant__isnull=True,
            trial_start__lte=yesterday,
            trial_end__gte=yesterday,
            patient__archived_at__isnull=True,
            patient__questionnaire_channel__in=[Channel.EMAIL, Channel.SMS],
            patient__questionnaire_consent=True,
        )
        .exclude(diary_links__day=yesterday)
        .exclude(diary__day=yesterday, diary__voided_at__isnull=True)
        .select_related("patient")
        .order_by("pk")[:BATCH]
    )


def send_diary_links(now: datetime.datetime) -> RunReport:
    """Write yesterday's link for each trial that needs one, then send every unsent live link."""
    report = RunReport()
    today = timezone.localdate(now)
    for pathway in due_pathways(today):
        _write(pathway, today - datetime.timedelta(days=1), now)
    unsent = DiaryLink.objects.filter(sent_at__isnull=True, answered_at__isnull=True, expires_at__gt=now)
    for link_id in unsent.values_list("pk", flat=True)[:BATCH]:
        _deliver(link_id, now, report)
    return report


def _write(pathway: Pathway, day: datetime.date, now: datetime.datetime) -> None:
    patient = pathway.patient
    # The link lasts to the end of the clinic's day after the one it arrives on.
    ends = timezone.localdate(now) + datetime.timedelta(days=ANSWER_DAYS)
    expires = timezone.make_aware(datetime.datetime.combine(ends, datetime.time.min))
    try:
        with transaction.atomic():
            DiaryLink.objects.create(
                pathway=pathway,
                day=day,
                channel=patient.questionnaire_channel,
                sent_to=patient.email if patient.questionnaire_channel == Channel.EMAIL else patient.phone,
                nonce=secrets.token_urlsafe(16),
                created_at=now,
                expires_at=expires,
            )
    except IntegrityError:  # another run wrote it first
        return


def _deliver(link_id: int, now: datetime.datetime, report: RunReport) -> None:
    try:
        with transaction.atomic():
            link = (
                DiaryLink.objects.select_for_update(skip_locked=True)
                .filter(pk=link_id, sent_at__isnull=True, answered_at__isnull=True)
                .first()
            )
            if link is None:
                return
            _send(link)
            link.sent_at = now
            link._change_reason = "Sent"  # type: ignore[attr-defined]
            link.save(update_fields=["sent_at"])
    except Exception as error:  # one provider failure must not stop the others; the next run tries again
        logger.exception("Diary link %s was not sent", link_id)
        report.failed.append(f"diary link {link_id}: {error}")
        return
    report.sent += 1


def _send(link: DiaryLink) -> None:
    """The clinic's name and the day asked about; never the device or a diagnosis."""
    clinic = settings.CLINIC_NAME
    text = (
        f"Your trial diary for {clinic}: how was your pain on {link.day:%A} {link.day:%B} {link.day.day}? "
        f"Two quick questions: {url(link)}"
    )
    if link.channel == Channel.EMAIL:
        body = f"{text}\n\nIf something worries you, call the clinic.\n"
        send_mail(f"{clinic}: your trial diary", body, None, [link.sent_to])
    else:
        send_sms(link.sent_to, text)
