"""The dashboard's kept monthly sums: they always agree with counting the procedures afresh.

Whatever is kept must never disagree with the records. Random histories are counted both ways, before
and after the changes that touch a past month: a late entry, a correction that moves a procedure to
another month or region, a void, and follow-ups closed weeks later.
"""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from clinic.roles import Role
from outcomes import monthly
from outcomes.filters import Criteria
from outcomes.models import FollowUp, FollowUpStatus, MonthlyOutcome, SummarizedMonth
from outcomes.services import followup_mark_not_reached, followup_record
from procedures.exposure import Region
from procedures.services import SiteInput, procedure_update, procedure_void
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
KINDS = [
    ("esi-transforaminal", (("L5-S1", "left"),)),
    ("esi-interlaminar", (("C7-T1", "midline"),)),
    ("facet-ia", (("L4-L5", "bilateral"), ("C5-C6", "left"))),
    ("joint-major", (("knee", "right"),)),
]
GROUPINGS = [
    ["month", "procedure_type__family"],
    ["procedure_type__family"],
    ["physician__last_name", "physician"],
    ["procedure_type", "procedure_type__name"],
]


def history(rng: random.Random, physicians, count: int):
    """`count` procedures over the last 14 months, a third of their 2-week calls answered, a third not."""
    made = []
    for n in range(count):
        type_code, sites = rng.choice(KINDS)
        procedure = factories.procedure(
            factories.patient(first_name=f"P{n}"),
            on=TODAY - datetime.timedelta(days=rng.randrange(0, 420)),
            type_code=type_code,
            sites=sites,
            physician=rng.choice(physicians),
            nrs_pre=rng.choice([None, 5, 8]),
            complications=rng.choice(["", "", "vasovagal"]),
            fluoro_time_s=Decimal(rng.randrange(5, 90)),
        )
        close(rng, procedure)
        made.append(procedure)
    return made


def close(rng: random.Random, procedure) -> None:
    call = FollowUp.objects.filter(procedure=procedure, status=FollowUpStatus.DUE).order_by("due_on").first()
    if call is None:
        return
    outcome = rng.randrange(3)
    if outcome == 0:
        followup_record(
            follow_up=call,
            recorded_by=procedure.performed_by,
            relief_pct=rng.choice([0, 30, 60, 90]),
            nrs=rng.randrange(0, 9),
            method="phone",
        )
    elif outcome == 1:
        followup_mark_not_reached(follow_up=call, recorded_by=procedure.performed_by)


def criteria_to_check(physicians) -> list[Criteria]:
    year_ago = TODAY - datetime.timedelta(days=365)
    return [
        Criteria(date_from=TODAY.replace(day=1) - datetime.timedelta(days=400), date_to=TODAY, today=TODAY),
        Criteria(date_from=year_ago, date_to=TODAY - datetime.timedelta(days=20), today=TODAY),
        Criteria(date_from=year_ago, date_to=TODAY, physician=physicians[1], family="esi", today=TODAY),
        Criteria(date_from=year_ago, date_to=TODAY, region=Region.CERVICOTHORACIC.value, today=TODAY),
        Criteria(date_from=year_ago, date_to=TODAY, region=Region.LUMBOSACRAL.value, today=TODAY),
    ]


def assert_kept_agrees(physicians) -> None:
    for criteria in criteria_to_check(physicians):
        for group in GROUPINGS:
            kept = sorted(monthly.totals(criteria, group), key=repr)
            fresh = sorted(monthly.totals(criteria, group, live=True), key=repr)
            assert kept == fresh, (criteria.describe(), group)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kept_sums_agree_with_a_fresh_count_through_late_entries_corrections_and_voids(seed, physician, make_user):
    rng = random.Random(seed)
    physicians = [physician, make_user(f"hana{seed}", Role.PHYSICIAN)]
    procedures = history(rng, physicians, 30)
    assert_kept_agrees(physicians)
    assert MonthlyOutcome.objects.exists()

    # A late entry for a month already summed, calls closed weeks later, a void, and corrections that
    # move a procedure to another month and another region.
    late = factories.procedure(
        factories.patient(first_name="Late"),
        on=TODAY - datetime.timedelta(days=200),
        physician=physicians[1],
        nrs_pre=9,
    )
    close(rng, late)
    for procedure in rng.sample(procedures, 8):
        close(rng, procedure)
    procedure_void(procedure=procedures[0], by=physician, reason="Entered for the wrong patient")
    moved = procedures[1]
    procedure_update(
        procedure=moved,
        sites=[SiteInput("C6-C7", "left")],
        medications=[],
        performed_at=moved.performed_at - datetime.timedelta(days=45),
    )
    assert_kept_agrees(physicians)


def test_a_change_to_a_summed_month_shows_on_the_next_look(physician):
    start = (TODAY.replace(day=1) - datetime.timedelta(days=70)).replace(day=1)

    def procedures_counted() -> int:  # a look at the dashboard: criteria are made anew for each request
        criteria = Criteria(date_from=start, date_to=TODAY, today=TODAY)
        return sum(row["procedures"] for row in monthly.totals(criteria, ["month"]))

    factories.procedure(factories.patient(), on=start + datetime.timedelta(days=3), physician=physician)
    assert procedures_counted() == 1
    assert SummarizedMonth.objects.get(month=start).fresh

    factories.procedure(factories.patient(), on=start + datetime.timedelta(days=9), physician=physician)
    assert not SummarizedMonth.objects.get(month=start).fresh
    assert procedures_counted() == 2


@pytest.mark.parametrize(
    ("start", "end", "end_month_whole", "months", "edges"),
    [
        # The default range when nothing was performed after today: twelve kept months.
        ("2026-01-01", "2026-12-05", True, ("2026-01-01", "2026-12-01"), []),
        # ...and when something was (a procedure entered for tomorrow): this month so far counted live.
        ("2026-01-01", "2026-12-05", False, ("2026-01-01", "2026-11-01"), [("2026-12-01", "2026-12-05")]),
        # Mid-month edges on both sides.
        (
            "2026-01-15",
            "2026-04-10",
            False,
            ("2026-02-01", "2026-03-01"),
            [("2026-01-15", "2026-01-31"), ("2026-04-01", "2026-04-10")],
        ),
        # A leap February is whole when the range ends on the 29th.
        ("2028-02-01", "2028-02-29", False, ("2028-02-01", "2028-02-01"), []),
        # Across a year end.
        ("2026-11-01", "2027-01-31", False, ("2026-11-01", "2027-01-01"), []),
        # No whole month: all live.
        ("2026-03-05", "2026-03-20", False, None, [("2026-03-05", "2026-03-20")]),
    ],
)
def test_a_range_is_read_as_whole_months_and_live_edges(start, end, end_month_whole, months, edges):
    day = datetime.date.fromisoformat
    parts = monthly.split(day(start), day(end), end_month_whole=end_month_whole)
    if months is None:
        assert parts.months == []
    else:
        assert (parts.months[0], parts.months[-1]) == (day(months[0]), day(months[1]))
    assert parts.edges == [(day(a), day(b)) for a, b in edges]
