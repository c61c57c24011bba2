"""Follow-up questionnaires the patients answer themselves: a link by email or text message, no call.

A follow-up of a patient who agreed to links (`Patient.questionnaire_channel`) gets one link when it falls due;
`send_due_links` sends those and one reminder, and is run daily by the clinic's scheduler
(`manage.py send_follow_up_links`). A run is safe to repeat and to overlap with another: each link is written
once (one per follow-up, a unique key), and each message is sent under a lock on its link's row that says whether it
went out (`sent_at`, `reminded_at`), so a second run finds nothing left to send. A message whose sending failed
leaves its row unsent and is tried again by the next run.

The link itself is the row's id and a random nonce signed with the site's secret (`django.core.signing`): it
cannot be guessed, and one altered by a single character is refused. It works once, until `expires_at`.
"""

import datetime
import enum
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from clinic.sms import send_sms
from outcomes.models import FollowUp, FollowUpLink, FollowUpStatus
from outcomes.services import PatientAnswers, followup_record_by_patient
from patients.models import Channel

logger = logging.getLogger(__name__)

SALT = "outcomes.follow-up-link"
# Rows a run takes of each kind; a larger day is finished by the next run (the send is idempotent).
BATCH = 2000


class State(enum.Enum):
    OPEN = "open"
    ANSWERED = "answered"
    EXPIRED = "expired"
    CLOSED = "closed"  # the clinic recorded the follow-up another way, or the procedure was voided
    INVALID = "invalid"


@dataclass
class Opened:
    state: State
    link: FollowUpLink | None = None


@dataclass
class RunReport:
    sent: int = 0
    reminded: int = 0
    failed: list[str] = field(default_factory=list)


def token(link: FollowUpLink) -> str:
    # No timestamp in it: the same link is sent again as the reminder; the row holds when it expires.
    return signing.Signer(salt=SALT).sign_object([link.pk, link.nonce])


def url(link: FollowUpLink) -> str:
    return f"{settings.SITE_URL}{reverse('outcomes:answer', args=[token(link)])}"


def signed_row(text: str, salt: str) -> tuple[int, str] | None:
    """The row id and nonce a link's token carries, or None when this site did not sign it with this salt. The
    caller compares the nonce with the row's (`constant_time_compare`): a link whose row was re-keyed is refused."""
    try:
        pk, nonce = signing.Signer(salt=salt).unsign_object(text)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(nonce, str):
        return None
    return pk, nonce


def open_link(text: str, now: datetime.datetime) -> Opened:
    """The link a token names and whether it can still be answered. Anything not signed by this site, not
    naming a link, or naming it with another nonce is INVALID; none of them says which."""
    signed = signed_row(text, SALT)
    if signed is None:
        return Opened(State.INVALID)
    link = FollowUpLink.objects.select_related("follow_up__procedure__patient").filter(pk=signed[0]).first()
    if link is None or not constant_time_compare(link.nonce, signed[1]):
        return Opened(State.INVALID)
    if link.answered_at is not None:
        return Opened(State.ANSWERED, link)
    if link.follow_up.is_closed:
        return Opened(State.CLOSED, link)
    if link.is_expired(now):
        return Opened(State.EXPIRED, link)
    return Opened(State.OPEN, link)


def link_mark_opened(link: FollowUpLink, now: datetime.datetime) -> None:
    """The first time the patient opened it: the worklist says "opened" rather than only "sent"."""
    if link.opened_at is None:
        FollowUpLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=now)


@transaction.atomic
def link_answer(*, link: FollowUpLink, answers: PatientAnswers, now: datetime.datetime) -> FollowUp:
    """Record the patient's answers on the follow-up, once: a second submit (another tab, a double tap) is refused."""
    locked = FollowUpLink.objects.select_for_update().get(pk=link.pk)
    if locked.answered_at is not None:
        raise ValidationError("This questionnaire was already answered.")
    if locked.is_expired(now):
        raise ValidationError("This link has expired.")
    follow_up = followup_record_by_patient(follow_up=link.follow_up, answered_at=now, answers=answers)
    locked.answered_at = now
    locked._change_reason = "Answered by the patient"  # type: ignore[attr-defined]
    locked.save(update_fields=["answered_at"])
    return follow_up


def due_for_a_link(today: datetime.date, within_days: int | None = None) -> QuerySet[FollowUp]:
    """Open follow-ups due by today, of patients who chose links, with none yet. Only those due within the days a
    link lives: a clinic that starts sending does not mail its whole backlog of overdue calls."""
    oldest = today - datetime.timedelta(days=settings.FOLLOW_UP_LINK_DAYS if within_days is None else within_days)
    return FollowUp.objects.open().filter(
        due_on__range=(oldest, today),
        link__isnull=True,
        procedure__voided_at__isnull=True,
        procedure__patient__archived_at__isnull=True,
        procedure__patient__questionnaire_channel__in=[Channel.EMAIL, Channel.SMS],
        procedure__patient__questionnaire_consent=True,
    )


# The daily links of the apps above (a stimulator trial's diary), sent by the same job after the follow-ups'.
_daily_senders: list[Callable[[datetime.datetime], RunReport]] = []


def register_daily_sender(sender: Callable[[datetime.datetime], RunReport]) -> None:
    if sender not in _daily_senders:
        _daily_senders.append(sender)


def send_all_links(now: datetime.datetime | None = None) -> RunReport:
    """The daily job: the follow-ups' links and reminders, then every registered sender's, in one report."""
    now = now or timezone.now()
    report = send_due_links(now)
    for sender in _daily_senders:
        theirs = sender(now)
        report.sent += theirs.sent
        report.reminded += theirs.reminded
        report.failed += theirs.failed
    return report


def send_due_links(now: datetime.datetime | None = None) -> RunReport:
    """Write the links that fell due, send every link not yet sent, and remind once; see the module's contract."""
    now = now or timezone.now()
    report = RunReport()
    due = due_for_a_link(timezone.localdate(now)).order_by("due_on", "pk").select_related("procedure__patient")
    for follow_up in due[:BATCH]:
        link_write(follow_up, now=now)
    unsent = FollowUpLink.objects.filter(sent_at__isnull=True, answered_at__isnull=True, expires_at__gt=now)
    for link_id in unsent.filter(follow_up__status=FollowUpStatus.DUE).values_list("pk", flat=True)[:BATCH]:
        _deliver(link_id, now, reminder=False, report=report)
    remind_before = now - datetime.timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS)
    to_remind = FollowUpLink.objects.live(now).filter(
        reminded_at__isnull=True, sent_at__lte=remind_before, follow_up__status=FollowUpStatus.DUE
    )
    for link_id in to_remind.values_list("pk", flat=True)[:BATCH]:
        _deliver(link_id, now, reminder=True, report=report)
    return report


def link_write(follow_up: FollowUp, *, now: datetime.datetime) -> FollowUpLink | None:
    """The follow-up's one link, addressed as the patient's chart says now; None if another run wrote it first."""
    patient = follow_up.procedure.patient
    try:
        with transaction.atomic():
            return FollowUpLink.objects.create(
                follow_up=follow_up,
                channel=patient.questionnaire_channel,
                sent_to=patient.email if patient.questionnaire_channel == Channel.EMAIL else patient.phone,
                nonce=secrets.token_urlsafe(16),
                created_at=now,
                expires_at=now + datetime.timedelta(days=settings.FOLLOW_UP_LINK_DAYS),
            )
    except IntegrityError:  # the unique follow-up: another run wrote this link first
        return None


def _deliver(link_id: int, now: datetime.datetime, *, reminder: bool, report: RunReport) -> None:
    """Send one message under its link's row lock, marking it sent in the same transaction; a failure to send
    rolls the mark back and is reported."""
    stamp = "reminded_at" if reminder else "sent_at"
    try:
        with transaction.atomic():
            # Re-read under the lock: a run that sent it meanwhile has set the stamp, and this one finds nothing.
            link = (
                FollowUpLink.objects.select_for_update(skip_locked=True)
                .select_related("follow_up__procedure")
                .filter(Q(pk=link_id), Q(**{f"{stamp}__isnull": True}), answered_at__isnull=True)
                .first()
            )
            if link is None:
                return
            _send(link, reminder=reminder)
            setattr(link, stamp, now)
            link._change_reason = "Reminder sent" if reminder else "Sent"  # type: ignore[attr-defined]
            link.save(update_fields=[stamp])
    except Exception as error:  # a provider's failure must not stop the other patients' messages
        logger.exception("Follow-up link %s was not sent", link_id)
        report.failed.append(f"link {link_id}: {error}")
        return
    if reminder:
        report.reminded += 1
    else:
        report.sent += 1


def _send(link: FollowUpLink, *, reminder: bool) -> None:
    """The message says whose clinic, which procedure date and until when; never a diagnosis or a procedure name."""
    clinic = settings.CLINIC_NAME
    performed = timezone.localtime(link.follow_up.procedure.performed_at)
    until = timezone.localtime(link.expires_at)
    opening = "A reminder: how" if reminder else "How"
    text = (
        f"{opening} is your pain since your procedure on {performed:%B} {performed.day}? "
        f"Please answer a few short questions for {clinic}: {url(link)} "
        f"(this link works once, until {until:%B} {until.day})."
    )
    if link.channel == Channel.EMAIL:
        subject = f"{clinic}: how are you since your procedure?"
        body = f"{text}\n\nIf you would rather talk to a nurse, call the clinic and we will call you back.\n"
        send_mail(subject, body, None, [link.sent_to])
    else:
        send_sms(link.sent_to, text)


def call_status(link: FollowUpLink | None, now: datetime.datetime) -> tuple[str, str]:
    """What the worklist says of a call's link, and a Bootstrap colour for it."""
    if link is None:
        return "", ""
    how = link.get_channel_display().replace(" link", "").lower()
    if link.sent_at is None:
        return f"{how} link not sent yet", "secondary"
    if link.needs_a_call(now):
        return "Link unanswered: needs a call", "warning"
    sent = timezone.localtime(link.sent_at)
    words = f"Link sent by {how} {sent:%a} {sent.day} {sent:%b}"
    if link.reminded_at:
        words += ", reminded"
    if link.opened_at:
        words += ", opened"
    return words, "info"
