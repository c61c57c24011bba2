"""The dashboard's procedure measures, kept summed per month so a year of a large clinic is read in milliseconds.

Every measure is a count or a sum, so it adds up across groups. `measured` gives each procedure's share as
annotations and `SUMS` sums them; the same two fill a month's `MonthlyOutcome` rows and count the days a
range takes from months that are not whole (this month so far), so the kept rows and a live count cannot
differ in what they count. `totals` adds both up for the dashboard's filters and grouping.

Each write to a procedure or its follow-ups marks the procedure's month stale in its own transaction
(`month_changed`); the next read recomputes stale months before using them. A range that ends today reads
this month from its kept rows too, as nothing was performed after today.
"""

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from clinic.planner import planned_for_lookups
from outcomes.filters import Criteria
from outcomes.models import FollowUp, FollowUpStatus, MonthlyOutcome, SummarizedMonth
from outcomes.scoring import MODERATE_PCT, NRS_POINTS, RESPONDER_PCT
from procedures.exposure import Region, month_shift
from procedures.models import Guidance, Procedure, ProcedureSite

# The spinal levels of each region, by their first letter.
REGION_LETTERS = {Region.CERVICOTHORACIC.value: ("C", "T"), Region.LUMBOSACRAL.value: ("L", "S")}
# The grouping a kept row is made of; the dashboard groups further by any of these and their relations.
KEY = ("month", "physician", "procedure_type", "regions")
REGION_BIT = 2  # in `regions`: 1 cervicothoracic, 2 lumbosacral
# A procedure's physician is `performed_by` on the record and `physician` on the kept row.
LIVE_NAMES = {"physician": "performed_by"}
FOREIGN_KEYS = {"physician", "procedure_type"}


def _at_levels_in(region: str) -> Q:
    """A site at a spinal level in the region (C or T, L or S)."""
    letters = Q()
    for letter in REGION_LETTERS[region]:
        letters |= Q(level__startswith=letter)
    return letters


def _in_region(region: str, procedure: str = "pk") -> Exists:
    return Exists(ProcedureSite.objects.filter(_at_levels_in(region), procedure=OuterRef(procedure)))


def matching(criteria: Criteria, through: str = "") -> list[Q | Exists]:
    """The filters every procedure metric counts by: not voided, in the date range, matching the filters.

    `through` names the procedure from another model ("procedure" from a follow-up), so those rows are
    filtered by a plain join rather than a list of procedures. A region matches a procedure with at least
    one spinal level there (C/T or L/S); procedures at named sites only (a knee) drop out once one is chosen.
    """
    at = f"{through}__" if through else ""
    found: list[Q | Exists] = [
        Q(**{f"{at}voided_at__isnull": True}),
        Q(**{f"{at}performed_at__gte": criteria.starts_at, f"{at}performed_at__lt": criteria.ends_before}),
    ]
    if criteria.physician is not None:
        found.append(Q(**{f"{at}performed_by": criteria.physician}))
    if criteria.family:
        found.append(Q(**{f"{at}procedure_type__family": criteria.family}))
    if criteria.region:
        found.append(_in_region(criteria.region, through or "pk"))
    return found


def procedures_in(criteria: Criteria) -> QuerySet[Procedure]:
    """The procedures the metrics count (`matching`)."""
    return Procedure.objects.filter(*matching(criteria)).order_by()


def _closed_follow_ups(status: FollowUpStatus) -> Subquery:
    closed = (
        FollowUp.objects.filter(procedure=OuterRef("pk"), status=status)
        .order_by()
        .values("procedure")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(closed, output_field=IntegerField())


def _regions() -> Coalesce:
    """The procedure's spinal regions in one look at its sites: 1 for a C or T level, 2 for an L or S
    level, 3 for both, 0 for none (a knee)."""
    cervicothoracic = _at_levels_in(Region.CERVICOTHORACIC.value)
    lumbosacral = _at_levels_in(Region.LUMBOSACRAL.value)
    mask = (
        ProcedureSite.objects.filter(procedure=OuterRef("pk"))
        .order_by()
        .values("procedure")
        .annotate(
            mask=Max(Case(When(cervicothoracic, then=1), default=0))
            + Max(Case(When(lumbosacral, then=REGION_BIT), default=0))
        )
        .values("mask")
    )
    return Coalesce(Subquery(mask, output_field=IntegerField()), Value(0))


def measured(procedures: QuerySet[Procedure]) -> QuerySet[Procedure]:
    """Each procedure's share of the measures, and the key of the kept row it adds to."""
    return (
        procedures.alias(
            # The kept best response (outcomes.models.ProcedureResponse): joined columns, not a subquery a row.
            responded=F("outcome_response__procedure"),
            best_relief=F("outcome_response__best_relief"),
            best_nrs=F("outcome_response__best_nrs"),
            done=_closed_follow_ups(FollowUpStatus.DONE),
            not_reached=_closed_follow_ups(FollowUpStatus.NOT_REACHED),
        )
        .alias(nrs_drop=ExpressionWrapper(F("nrs_pre") - F("best_nrs"), output_field=IntegerField()))
        .annotate(
            # The month in the clinic's time zone (the active one), as on the procedure record.
            month=TruncMonth("performed_at", output_field=DateField()),
            regions=_regions(),
        )
    )


def _zero_if_none(total: Sum) -> Coalesce:
    return Coalesce(total, Value(0), output_field=IntegerField())


# Per group. "followed_up": procedures with a 2–6 week follow-up recorded; the rates count among those.
SUMS = {
    "procedures": Count("pk"),
    "complicated": Count("pk", filter=~Q(complications="")),
    "fluoroscopy": Count("pk", filter=Q(guidance=Guidance.FLUOROSCOPY)),
    "followed_up": Count("pk", filter=Q(responded__isnull=False)),
    "relief50": Count("pk", filter=Q(best_relief__gte=RESPONDER_PCT)),
    "relief30": Count("pk", filter=Q(best_relief__gte=MODERATE_PCT)),
    "nrs_n": Count("pk", filter=Q(nrs_drop__isnull=False)),
    "nrs2": Count("pk", filter=Q(nrs_drop__gte=NRS_POINTS)),
    "drop_sum": _zero_if_none(Sum("nrs_drop")),
    "pre_sum": _zero_if_none(Sum("nrs_pre", filter=Q(nrs_drop__isnull=False))),
    "after_sum": _zero_if_none(Sum("best_nrs", filter=Q(nrs_drop__isnull=False))),
    "follow_ups_done": _zero_if_none(Sum("done")),
    "follow_ups_not_reached": _zero_if_none(Sum("not_reached")),
}
MEASURES = tuple(SUMS)


def _first_of_month(moment: datetime.datetime | datetime.date) -> datetime.date:
    day = timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment
    return day.replace(day=1)


def _last_day(month: datetime.date) -> datetime.date:
    return month_shift(month, 1) - datetime.timedelta(days=1)


def month_changed(*moments: datetime.datetime | datetime.date) -> None:
    """A procedure performed at these moments (or its follow-ups) changed: its kept month is stale.

    Called inside the writing transaction, so the mark commits with the change. A recompute that holds the
    month's lock makes this wait and then mark it stale again, so a change is never lost to a recompute.
    """
    SummarizedMonth.objects.filter(month__in={_first_of_month(moment) for moment in moments}).update(fresh=False)


def procedure_changed(procedure: Procedure, performed_before: datetime.datetime) -> None:
    """The hook procedures call after a log, a correction or a void (with the date it had before)."""
    month_changed(procedure.performed_at, performed_before)


@transaction.atomic
def month_refresh(month: datetime.date) -> None:
    """Recompute one month's kept rows from its procedures, unless another request just did."""
    SummarizedMonth.objects.get_or_create(month=month)
    marker = SummarizedMonth.objects.select_for_update().get(month=month)
    if marker.fresh:
        return
    MonthlyOutcome.objects.filter(month=month).delete()
    whole_month = Criteria(date_from=month, date_to=_last_day(month))
    MonthlyOutcome.objects.bulk_create(_kept_row(row) for row in _counted(whole_month, KEY))
    marker.fresh = True
    marker.save(update_fields=["fresh"])


def _kept_row(row: dict[str, Any]) -> MonthlyOutcome:
    regions = row.pop("regions")
    return MonthlyOutcome(
        **{f"{name}_id" if name in FOREIGN_KEYS else name: value for name, value in row.items()},
        cervicothoracic=bool(regions & 1),
        lumbosacral=bool(regions & REGION_BIT),
    )


def months_refresh(months: Iterable[datetime.date]) -> None:
    months = list(months)
    fresh = set(SummarizedMonth.objects.filter(month__in=months, fresh=True).values_list("month", flat=True))
    for month in months:
        if month not in fresh:
            month_refresh(month)


def refresh_all() -> int:
    """Compute every month from the first procedure to the last (after a bulk load); returns how many."""
    dates = Procedure.objects.order_by("performed_at").values_list("performed_at", flat=True)
    first, last = dates.first(), dates.last()
    if first is None or last is None:
        return 0
    months = split(_first_of_month(first), timezone.localdate(last), end_month_whole=True).months
    months_refresh(months)
    return len(months)


def forget_all() -> None:
    """Every month to be recomputed when next read: after a bulk load, or a change of the clinic's time zone."""
    SummarizedMonth.objects.update(fresh=False)


@dataclasses.dataclass(frozen=True)
class Split:
    """A date range as whole past months, read from the kept rows, and the days around them, counted live."""

    months: list[datetime.date]
    edges: list[tuple[datetime.date, datetime.date]]


def split(start: datetime.date, end: datetime.date, *, end_month_whole: bool = False) -> Split:
    """The whole months within [start, end], and the days before and after them.

    `end_month_whole`: nothing was performed in end's month after end (as when the range ends today), so that
    month's kept rows hold exactly the range's part of it and it counts as whole.
    """
    first = start if start.day == 1 else month_shift(start.replace(day=1), 1)
    months: list[datetime.date] = []
    month = first
    while _last_day(month) <= end or (end_month_whole and month <= end):
        months.append(month)
        month = month_shift(month, 1)
    if not months:
        return Split([], [(start, end)])
    edges = []
    if start < months[0]:
        edges.append((start, months[0] - datetime.timedelta(days=1)))
    after = _last_day(months[-1]) + datetime.timedelta(days=1)
    if after <= end:
        edges.append((after, end))
    return Split(months, edges)


def _nothing_later_in_month(day: datetime.date) -> bool:
    """No procedure counts in day's month after day (one look at the date index)."""
    rest = Criteria(date_from=day + datetime.timedelta(days=1), date_to=_last_day(day))
    return rest.date_from > rest.date_to or not procedures_in(rest).exists()


def _kept(criteria: Criteria, months: list[datetime.date]) -> QuerySet[MonthlyOutcome]:
    rows = MonthlyOutcome.objects.filter(month__gte=months[0], month__lte=months[-1])
    if criteria.physician is not None:
        rows = rows.filter(physician=criteria.physician)
    if criteria.family:
        rows = rows.filter(procedure_type__family=criteria.family)
    if criteria.region:
        rows = rows.filter(**{criteria.region: True})
    return rows.order_by()


def _live_name(name: str) -> str:
    head, _, rest = name.partition("__")
    return LIVE_NAMES.get(head, head) + (f"__{rest}" if rest else "")


def totals(criteria: Criteria, group: Sequence[str], *, live: bool = False) -> list[dict[str, Any]]:
    """The measures summed per group (names as on `MonthlyOutcome`, e.g. "procedure_type__family", "month",
    "physician__last_name") over the criteria. `live=True` counts every day from the procedures: the
    fresh evaluation the kept rows are checked against."""
    remembered = ("totals", tuple(group), live)
    if remembered not in criteria.read:
        criteria.read[remembered] = _totals(criteria, group, live)
    return [dict(row) for row in criteria.read[remembered]]


def _totals(criteria: Criteria, group: Sequence[str], live: bool) -> list[dict[str, Any]]:
    if live:
        parts = Split([], [(criteria.date_from, criteria.date_to)])
    else:
        whole = _nothing_later_in_month(criteria.date_to)
        parts = split(criteria.date_from, criteria.date_to, end_month_whole=whole)
    found: list[dict[str, Any]] = []
    if parts.months:
        months_refresh(parts.months)
        found += _kept(criteria, parts.months).values(*group).annotate(**{m: Sum(m) for m in MEASURES})
    for start, end in parts.edges:
        found += _counted(dataclasses.replace(criteria, date_from=start, date_to=end, read={}), group)
    return _merged(found, group)


def _counted(criteria: Criteria, group: Sequence[str]) -> list[dict[str, Any]]:
    """The measures per group counted from the procedures themselves, under the kept rows' names."""
    live_group = [_live_name(name) for name in group]
    rows = measured(procedures_in(criteria)).values(*live_group).annotate(**SUMS).values(*live_group, *MEASURES)
    # A month is ~15,000 procedures among millions, each looked up in its sites, response and calls.
    with planned_for_lookups():
        return [
            {name: row[live] for name, live in zip(group, live_group, strict=True)} | {m: row[m] for m in MEASURES}
            for row in rows
        ]


def _merged(rows: list[dict[str, Any]], group: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of one group from several parts added up: a handful of grouped rows, never the records."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[name] for name in group)
        if key not in merged:
            merged[key] = {name: row[name] for name in group} | dict.fromkeys(MEASURES, 0)
        for measure in MEASURES:
            merged[key][measure] += row[measure] or 0
    return list(merged.values())
