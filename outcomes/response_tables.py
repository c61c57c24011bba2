"""The dashboard's outcome tables: responders, NRS change and follow-up completion (domain.md §5).

A procedure's response is read from its recorded follow-ups 2–6 weeks after it (days_after 14–42, so
the "2 weeks" and "6 weeks" calls), taking the best of them: the highest relief and the lowest NRS.
The counts come summed per month (outcomes.monthly), so a year's table adds up a few thousand kept rows.
"""

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from clinic.planner import by_key_lookups
from outcomes.filters import Criteria
from outcomes.metric_tables import (
    Chart,
    Dataset,
    Table,
    by_family,
    family_label,
    mean,
    mean_value,
    person,
    rate,
    rate_value,
    summed,
)
from outcomes.models import FollowUp, FollowUpLink, FollowUpStatus
from outcomes.monthly import matching, totals
from patients.models import Channel

FAMILY = "procedure_type__family"
LINK_CHANNELS = [(Channel.EMAIL.value, "Email"), (Channel.SMS.value, "Text message")]
RESPONSE_KEYS = ("followed_up", "relief50", "relief30", "nrs_n", "nrs2", "drop_sum", "pre_sum", "after_sum")


def _responder_cells(row: dict[str, Any]) -> list[str | int]:
    n = row["followed_up"]
    return [n, rate(row["relief50"], n), rate(row["relief30"], n), rate(row["nrs2"], row["nrs_n"])]


RESPONDER_COLUMNS = [
    "With a 2–6 week follow-up",
    "≥ 50% relief (responder)",
    "≥ 30% relief",
    "NRS down ≥ 2 points",
]
RESPONDER_NOTE = (
    "Best recorded relief and lowest NRS at the 2- and 6-week follow-ups (14–42 days). Each rate shows its "
    "count: the NRS rate counts procedures with a pain score before and at follow-up."
)


def _responder_chart(labels: list[str], rows: list[dict[str, Any]], *, horizontal: bool = False) -> Chart:
    return Chart(
        labels=labels,
        datasets=[
            Dataset("≥ 50% relief", [rate_value(r["relief50"], r["followed_up"]) for r in rows]),
            Dataset("≥ 30% relief", [rate_value(r["relief30"], r["followed_up"]) for r in rows]),
            Dataset("NRS down ≥ 2", [rate_value(r["nrs2"], r["nrs_n"]) for r in rows]),
        ],
        horizontal=horizontal,
        percent=True,
    )


def _totals(label: str, rows: list[dict[str, Any]]) -> list[list[str | int]]:
    return [[label, *_responder_cells(summed(rows, *RESPONSE_KEYS))]] if rows else []


def _responder_table(
    grouped_by: str, all_label: str, labels: list[str], rows: list[dict[str, Any]], *, horizontal: bool = False
) -> Table:
    """The responder rates of each group (`labels[i]` names `rows[i]`), their total, and their chart."""
    return Table(
        slug=f"responders-by-{grouped_by}",
        title=f"Responder rate by {grouped_by}",
        note=RESPONDER_NOTE,
        columns=[grouped_by.capitalize(), *RESPONDER_COLUMNS],
        rows=[[label, *_responder_cells(r)] for label, r in zip(labels, rows, strict=True)],
        totals=_totals(all_label, rows),
        chart=_responder_chart(labels, rows, horizontal=horizontal),
        wide=True,
    )


def responders_by_family(criteria: Criteria) -> Table:
    rows = by_family(totals(criteria, [FAMILY]))
    return _responder_table("family", "All families", [family_label(r[FAMILY]) for r in rows], rows)


def responders_by_physician(criteria: Criteria) -> Table:
    names = ("physician__first_name", "physician__last_name", "physician__username")
    order = ("physician__last_name", "physician__first_name", "physician__username")
    rows = sorted(totals(criteria, [*names, "physician"]), key=lambda r: tuple(r[key] or "" for key in order))
    labels = [person(*(r[key] for key in names)) for r in rows]
    # Physicians are few: bars across, so one physician is not one wide lonely group.
    return _responder_table("physician", "All physicians", labels, rows, horizontal=True)


def _nrs_cells(label: str, row: dict[str, Any]) -> list[str | int]:
    n = row["nrs_n"]
    return [label, n, mean(row["pre_sum"], n), mean(row["after_sum"], n), mean(row["drop_sum"], n)]


def nrs_change(criteria: Criteria) -> Table:
    rows = [r for r in by_family(totals(criteria, [FAMILY])) if r["nrs_n"]]
    labels = [family_label(r[FAMILY]) for r in rows]
    return Table(
        slug="nrs-change",
        title="Mean NRS change by family",
        note="Pain before the procedure minus the lowest NRS at the 2–6 week follow-up; positive is better.",
        columns=["Family", "Procedures with both scores", "Mean NRS before", "Mean NRS at 2–6 weeks", "Mean change"],
        rows=[_nrs_cells(label, r) for label, r in zip(labels, rows, strict=True)],
        totals=[_nrs_cells("All families", summed(rows, *RESPONSE_KEYS))] if rows else [],
        chart=Chart(
            labels=labels,
            datasets=[Dataset("Mean NRS change", [mean_value(r["drop_sum"], r["nrs_n"]) for r in rows])],
            horizontal=True,
            value_label="NRS points",
        ),
        empty="No procedure in these filters has a pain score before and at the 2–6 week follow-up.",
    )


def follow_up_completion(criteria: Criteria) -> Table:
    """Recorded ÷ due by today: done, not reached, and still open with the due date passed or today.

    Closed follow-ups are kept counts; the open ones depend on the day, so they are counted from the
    (indexed) open follow-ups each time.
    """
    # A call is never due before its procedure (`followup_reschedule`): the open calls due since the range
    # began are a few thousand, where the open backlog of all time is tens of thousands.
    open_calls = (
        FollowUp.objects.filter(status=FollowUpStatus.DUE, due_on__gte=criteria.date_from, due_on__lte=criteria.today)
        .filter(*matching(criteria, through="procedure"))
        .values_list(f"procedure__{FAMILY}")
        .annotate(n=Count("pk"))
        .order_by()
    )
    with by_key_lookups():
        open_due = dict(open_calls)
    closed = {row[FAMILY]: row for row in totals(criteria, [FAMILY])}
    rows = by_family(
        [
            {
                FAMILY: family,
                "done": closed[family]["follow_ups_done"] if family in closed else 0,
                "not_reached": closed[family]["follow_ups_not_reached"] if family in closed else 0,
                "open": open_due.get(family, 0),
            }
            for family in set(closed) | set(open_due)
        ]
    )
    rows = [row | {"n": row["done"] + row["not_reached"] + row["open"]} for row in rows]
    rows = [row for row in rows if row["n"]]
    key = FAMILY
    total = summed(rows, "n", "done", "not_reached", "open")

    def cells(label: str, r: dict[str, Any]) -> list[str | int]:
        return [label, r["n"], r["done"], r["not_reached"], r["open"], rate(r["done"], r["n"])]

    return Table(
        slug="follow-up-completion",
        title="Follow-up completion by family",
        note="Follow-ups due by today: recorded, not reached, or still open. Completion is recorded ÷ due.",
        columns=["Family", "Due by today", "Recorded", "Not reached", "Still open", "Completion"],
        rows=[cells(family_label(r[key]), r) for r in rows],
        totals=[cells("All families", total)] if rows else [],
        chart=Chart(
            labels=[family_label(r[key]) for r in rows],
            datasets=[Dataset("Completion", [rate_value(r["done"], r["n"]) for r in rows])],
            horizontal=True,
            percent=True,
        ),
        empty="No follow-up of these procedures is due yet.",
        wide=True,
    )


def questionnaire_links(criteria: Criteria) -> Table:
    """How patients answer their links, by channel: sent in the date range, answered, and left for a call."""
    sent = FollowUpLink.objects.filter(sent_at__gte=criteria.starts_at, sent_at__lt=criteria.ends_before)
    if criteria.physician is not None:
        sent = sent.filter(follow_up__procedure__performed_by=criteria.physician)
    if criteria.family:
        sent = sent.filter(follow_up__procedure__procedure_type__family=criteria.family)
    now = timezone.now()
    counted = {
        row["channel"]: row
        for row in sent.values("channel")
        .annotate(
            n=Count("*"),
            answered=Count("answered_at"),
            unanswered=Count("pk", filter=Q(answered_at__isnull=True, expires_at__lte=now)),
        )
        .order_by()
    }
    grouped = [counted[channel] | {"label": label} for channel, label in LINK_CHANNELS if channel in counted]
    total = summed(grouped, "n", "answered", "unanswered")
    return Table(
        slug="questionnaire-links",
        title="Questionnaire links answered, by channel",
        note="Links sent in the date range; the region filter does not apply. Unanswered links expire into a call.",
        columns=["Channel", "Links sent", "Answered", "Expired unanswered"],
        rows=[[r["label"], r["n"], rate(r["answered"], r["n"]), r["unanswered"]] for r in grouped],
        totals=[["All links", total["n"], rate(total["answered"], total["n"]), total["unanswered"]]] if grouped else [],
        chart=Chart(
            labels=[r["label"] for r in grouped],
            datasets=[Dataset("Answered", [rate_value(r["answered"], r["n"]) for r in grouped])],
            horizontal=True,
            percent=True,
        ),
        empty="No questionnaire links were sent in these dates.",
    )
