"""Demo follow-up results for the procedures the demo clinic logged, so the worklist and the dashboard
tell a story: most calls made, some not reached, a few overdue; responders and non-responders by
family; medial branch blocks that make a patient an RFA candidate, and one that does not.
"""

import datetime
import random

from django.contrib.auth.models import User
from django.utils import timezone

from outcomes import links
from outcomes.models import FollowUp, FollowUpLink, FollowUpStatus
from outcomes.services import PatientAnswers, followup_mark_not_reached, followup_record
from patients.models import Channel
from procedures.models import Procedure
from procedures.spine import region_of

# How likely a procedure of each family is to help a lot (≥ 50%), somewhat, or not at all: a rough
# picture of published response rates, so the dashboard has differences to show.
RESPONSE_ODDS = {
    "esi": (0.55, 0.25),
    "facet": (0.40, 0.30),
    "rfa": (0.65, 0.20),
    "si_joint": (0.50, 0.25),
    "tpi": (0.35, 0.35),
    "joint": (0.50, 0.30),
    "peripheral_nerve": (0.45, 0.30),
    "scs": (0.60, 0.20),
}
# Follow-ups due within this many days are left open: today's and this fortnight's calls still to make.
STILL_OPEN_DAYS = 12
NOT_REACHED = 0.08


def family_relief(rng: random.Random, family: str) -> int:
    """The peak relief (%) a procedure of this family gives the patient, drawn from its response odds.

    The scale clinic's planner draws from the same odds, so both demos show the same differences by family.
    """
    strong, partial = RESPONSE_ODDS.get(family, (0.45, 0.30))
    draw = rng.random()
    if draw < strong:
        return rng.randint(55, 95)
    if draw < strong + partial:
        return rng.randint(30, 50)
    return rng.randint(0, 25)


def _answers(rng: random.Random, relief: int) -> list[int | None]:
    """Ten ODI/NDI sections (0–5): worse disability with less relief, one section sometimes skipped."""
    level = 3.2 - 2.6 * relief / 100
    answers: list[int | None] = [max(0, min(5, round(level + rng.uniform(-1, 1)))) for _ in range(10)]
    if rng.random() < 0.2:
        answers[7] = None  # the sex-life / driving section is the one people most often skip
    return answers


def _call_time(rng: random.Random, follow_up: FollowUp) -> datetime.datetime:
    """The day the call was due (a diagnostic block's window: that evening), during clinic hours."""
    if follow_up.days_after == 0:
        return follow_up.procedure.performed_at + datetime.timedelta(hours=6)
    when = datetime.datetime.combine(follow_up.due_on, datetime.time(rng.randint(9, 15), rng.choice([0, 15, 30, 45])))
    # A call due today was made earlier today, never later than now.
    return min(timezone.make_aware(when), timezone.now())


def _record(rng: random.Random, follow_up: FollowUp, peak: int, nurse: User) -> None:
    procedure = follow_up.procedure
    # Relief builds for a few weeks, then fades for the less lasting responses.
    fade = 1.0 if follow_up.days_after <= 42 else (0.9 if peak >= 55 else 0.6)
    relief = max(0, min(100, round(peak * fade + rng.randint(-8, 8))))
    baseline = procedure.nrs_pre if procedure.nrs_pre is not None else 7
    nrs = max(0, min(10, round(baseline * (1 - relief / 100) + rng.choice([-1, 0, 0, 1]))))
    lasted = rng.randint(20, 70) if follow_up.days_after >= 91 and relief < 50 else None
    regions = {region_of(level) for level in procedure.levels}
    called_at = _call_time(rng, follow_up)
    method = rng.choice(["phone", "phone", "phone", "visit", "portal"])
    answers: PatientAnswers = {
        "nrs": nrs,
        "relief_pct": relief,
        "relief_days": lasted,
        "pgic": 1 if relief >= 70 else 2 if relief >= 50 else 3 if relief >= 30 else rng.choice([4, 4, 5]),
        "odi_answers": _answers(rng, relief) if "lumbosacral" in regions and follow_up.days_after == 42 else None,
        "ndi_answers": _answers(rng, relief) if "cervicothoracic" in regions and follow_up.days_after == 42 else None,
    }
    if _by_link(follow_up):
        _answer_by_link(follow_up, answers, called_at)
    else:
        followup_record(follow_up=follow_up, recorded_by=nurse, called_at=called_at, method=method, **answers)


def _by_link(follow_up: FollowUp) -> bool:
    return follow_up.procedure.patient.questionnaire_channel != Channel.CALL and follow_up.days_after >= 14


def _sent_on_due_date(follow_up: FollowUp) -> datetime.datetime:
    """The morning of the due date, when the clinic's daily run sends the day's links."""
    return timezone.make_aware(datetime.datetime.combine(follow_up.due_on, datetime.time(7, 0)))


def _answer_by_link(follow_up: FollowUp, answers: PatientAnswers, answered_at: datetime.datetime) -> None:
    """A follow-up the patient answered from the link sent that morning (the demo sends no messages)."""
    sent_at = _sent_on_due_date(follow_up)
    link = links.link_write(follow_up, now=sent_at)
    if link is None:
        return
    FollowUpLink.objects.filter(pk=link.pk).update(sent_at=sent_at)
    answered_at = min(max(answered_at, sent_at + datetime.timedelta(hours=2)), timezone.now())
    links.link_answer(link=link, answers=answers, now=answered_at)


def seed_links(today: datetime.date) -> int:
    """Links for the open follow-ups of patients who chose links, as the daily run sent them on each due date:
    this week's still open, older ones expired and waiting for a call. Idempotent; returns how many were written."""
    written = 0
    for follow_up in links.due_for_a_link(today, STILL_OPEN_DAYS).select_related("procedure__patient"):
        sent_at = _sent_on_due_date(follow_up)
        link = links.link_write(follow_up, now=sent_at)
        if link is not None:
            FollowUpLink.objects.filter(pk=link.pk).update(sent_at=sent_at)
            written += 1
    return written


def seed_follow_ups(rng: random.Random, today: datetime.date, nurse: User) -> int:
    """Record results for past follow-ups of the demo procedures; idempotent (nothing if any is recorded)."""
    if FollowUp.objects.filter(status__in=[FollowUpStatus.DONE, FollowUpStatus.NOT_REACHED]).exists():
        return 0
    open_after = today - datetime.timedelta(days=STILL_OPEN_DAYS)
    due = (
        FollowUp.objects.open()
        .filter(due_on__lte=today)
        .select_related("procedure__procedure_type", "procedure__patient")
        .prefetch_related("procedure__sites")
        .order_by("procedure__performed_at", "days_after")
    )
    # Patients who went on to an RFA had positive blocks: their physician went ahead on them.
    ablated = set(Procedure.objects.valid().filter(procedure_type__family="rfa").values_list("patient_id", flat=True))
    peaks: dict[int, int] = {}
    recorded = 0
    for follow_up in due:
        procedure = follow_up.procedure
        left_open = follow_up.due_on > open_after and rng.random() < 0.7
        if _by_link(follow_up) and follow_up.due_on > open_after:
            # Patients with links answer within a day or so; every third leaves it for a call.
            left_open = follow_up.due_on >= today or follow_up.pk % 3 == 0
        if left_open:
            continue
        if rng.random() < NOT_REACHED:
            followup_mark_not_reached(
                follow_up=follow_up,
                recorded_by=nurse,
                note="Two calls, no answer; voicemail left",
                called_at=_call_time(rng, follow_up),
            )
            continue
        if procedure.procedure_type.family == "mbb" and procedure.pk not in peaks:
            positive = procedure.patient_id in ablated
            peaks[procedure.pk] = rng.choice([82, 85, 90, 95] if positive else [85, 60, 40, 90])
        peak = peaks.setdefault(procedure.pk, family_relief(rng, procedure.procedure_type.family))
        _record(rng, follow_up, peak, nurse)
        recorded += 1
    return recorded
