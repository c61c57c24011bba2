"""The dashboard's outcome tables: responders, NRS change and follow-up completion (domain.md §5).

A procedure's response is read from its recorded follow-ups 2–6 weeks after it (days_after 14–42, so
the "2 weeks" and "6 weeks" calls), taking the best of them: the highest relief and the lowest NRS.
Each table is one grouped query; the per-procedure values are correlated subqueries inside it.
"""

from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import ExpressionWrapper

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
from outcomes.models import FollowUp, FollowUpStatus
from outcomes.scoring import MODERATE_PCT, NRS_POINTS, RESPONDER_PCT
from procedures.exposure import Region
from procedures.models import Procedure, ProcedureSite

REGION_LETTERS = {Region.CERVICOTHORACIC.value: ("C", "T"), Region.LUMBOSACRAL.value: ("L", "S")}
FAMILY = "procedure_type__family"


def procedures_in(criteria: Criteria) -> QuerySet[Procedure]:
    """The procedures every procedure metric counts: not voided, in the date range, matching the filters.

    A region matches a procedure with at least one spinal level there (C/T or L/S); procedures at named
    sites only (a knee) have no region and drop out once a region is chosen.
    """
    procedures = Procedure.objects.valid().filter(
        performed_at__gte=criteria.starts_at, performed_at__lt=criteria.ends_before
    )
    if criteria.physician is not None:
        procedures = procedures.filter(performed_by=criteria.physician)
    if criteria.family:
        procedures = procedures.filter(procedure_type__family=criteria.family)
    if criteria.region:
        in_region = Q()
        for letter in REGION_LETTERS[criteria.region]:
            in_region |= Q(level__startswith=letter)
        procedures = procedures.filter(Exists(ProcedureSite.objects.filter(in_region, procedure=OuterRef("pk"))))
    return procedures.order_by()


def _with_response(procedures: QuerySet[Procedure]) -> QuerySet[Procedure]:
    # The kept best response (outcomes.models.ProcedureResponse): plain joined columns, not a subquery per row.
    return procedures.alias(
        followed_up=F("outcome_response__procedure"),
        best_relief=F("outcome_response__best_relief"),
        best_nrs=F("outcome_response__best_nrs"),
    ).alias(nrs_drop=ExpressionWrapper(F("nrs_pre") - F("best_nrs"), output_field=IntegerField()))


# Per group: how many had a 2–6 week follow-up, how many responded, and the NRS sums for the means.
RESPONSE_COUNTS = {
    "n": Count("pk", filter=Q(followed_up__isnull=False)),
    "relief50": Count("pk", filter=Q(best_relief__gte=RESPONDER_PCT)),
    "relief30": Count("pk", filter=Q(best_relief__gte=MODERATE_PCT)),
    "nrs_n": Count("pk", filter=Q(nrs_drop__isnull=False)),
    "nrs2": Count("pk", filter=Q(nrs_drop__gte=NRS_POINTS)),
    "drop_sum": Sum("nrs_drop"),
    "pre_sum": Sum("nrs_pre", filter=Q(nrs_drop__isnull=False)),
    "after_sum": Sum("best_nrs", filter=Q(nrs_drop__isnull=False)),
}
COUNT_KEYS = list(RESPONSE_COUNTS)


def _responses(criteria: Criteria, *group: str) -> list[dict[str, Any]]:
    return list(_with_response(procedures_in(criteria)).values(*group).annotate(**RESPONSE_COUNTS).order_by(*group))


def _responder_cells(row: dict[str, Any]) -> list[str | int]:
    return [row["n"], rate(row["relief50"], row["n"]), rate(row["relief30"], row["n"]), rate(row["nrs2"], row["nrs_n"])]


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
            Dataset("≥ 50% relief", [rate_value(r["relief50"], r["n"]) for r in rows]),
            Dataset("≥ 30% relief", [rate_value(r["relief30"], r["n"]) for r in rows]),
            Dataset("NRS down ≥ 2", [rate_value(r["nrs2"], r["nrs_n"]) for r in rows]),
        ],
        horizontal=horizontal,
        percent=True,
    )


def _totals(label: str, rows: list[dict[str, Any]]) -> list[list[str | int]]:
    return [[label, *_responder_cells(summed(rows, *COUNT_KEYS))]] if rows else []


def responders_by_family(criteria: Criteria) -> Table:
    rows = by_family(_responses(criteria, FAMILY))
    labels = [family_label(r[FAMILY]) for r in rows]
    return Table(
        slug="responders-by-family",
        title="Responder rate by family",
        note=RESPONDER_NOTE,
        columns=["Family", *RESPONDER_COLUMNS],
        rows=[[label, *_responder_cells(r)] for label, r in zip(labels, rows, strict=True)],
        totals=_totals("All families", rows),
        chart=_responder_chart(labels, rows),
        wide=True,
    )


def responders_by_physician(criteria: Criteria) -> Table:
    names = ("performed_by__first_name", "performed_by__last_name", "performed_by__username")
    rows = _responses(criteria, *names, "performed_by")
    labels = [person(*(r[key] for key in names)) for r in rows]
    return Table(
        slug="responders-by-physician",
        title="Responder rate by physician",
        note=RESPONDER_NOTE,
        columns=["Physician", *RESPONDER_COLUMNS],
        rows=[[label, *_responder_cells(r)] for label, r in zip(labels, rows, strict=True)],
        totals=_totals("All physicians", rows),
        # Physicians are few: bars across, so one physician is not one wide lonely group.
        chart=_responder_chart(labels, rows, horizontal=True),
        wide=True,
    )


def _nrs_cells(label: str, row: dict[str, Any]) -> list[str | int]:
    n = row["nrs_n"]
    return [label, n, mean(row["pre_sum"], n), mean(row["after_sum"], n), mean(row["drop_sum"], n)]


def nrs_change(criteria: Criteria) -> Table:
    rows = [r for r in by_family(_responses(criteria, FAMILY)) if r["nrs_n"]]
    labels = [family_label(r[FAMILY]) for r in rows]
    return Table(
        slug="nrs-change",
        title="Mean NRS change by family",
        note="Pain before the procedure minus the lowest NRS at the 2–6 week follow-up; positive is better.",
        columns=["Family", "Procedures with both scores", "Mean NRS before", "Mean NRS at 2–6 weeks", "Mean change"],
        rows=[_nrs_cells(label, r) for label, r in zip(labels, rows, strict=True)],
        totals=[_nrs_cells("All families", summed(rows, *COUNT_KEYS))] if rows else [],
        chart=Chart(
            labels=labels,
            datasets=[Dataset("Mean NRS change", [mean_value(r["drop_sum"], r["nrs_n"]) for r in rows])],
            horizontal=True,
            value_label="NRS points",
        ),
        empty="No procedure in these filters has a pain score before and at the 2–6 week follow-up.",
    )


def follow_up_completion(criteria: Criteria) -> Table:
    """Recorded ÷ due by today: done, not reached, and still open with the due date passed or today."""
    due = FollowUp.objects.filter(procedure__in=procedures_in(criteria).values("pk")).filter(
        Q(status__in=[FollowUpStatus.DONE, FollowUpStatus.NOT_REACHED])
        | Q(status=FollowUpStatus.DUE, due_on__lte=criteria.today)
    )
    key = f"procedure__{FAMILY}"
    rows = by_family(
        due.values(key)
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(status=FollowUpStatus.DONE)),
            not_reached=Count("pk", filter=Q(status=FollowUpStatus.NOT_REACHED)),
            open=Count("pk", filter=Q(status=FollowUpStatus.DUE)),
        )
        .order_by(),
        key=key,
    )
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
