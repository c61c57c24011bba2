"""When a follow-up is due: the interval's days on the clinic's calendar, off a weekend onto the Monday after.

Every procedure here is logged through the service on the evening of the day it was done, with "today"
frozen there, so the dates below hold whatever day the suite runs on.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from outcomes.models import FollowUpInterval
from outcomes.services import followup_record
from procedures.models import Drug, Procedure
from procedures.services import MedicationInput, SiteInput, procedure_update
from tests import factories
from tests.clock import clinic_time, on_clinic_day

pytestmark = pytest.mark.django_db

D = datetime.date
RFA = {"type_code": "rfa-facet", "sites": (("L4-L5", "bilateral"),), "drugs": ()}
MBB = {"type_code": "mbb", "sites": (("L4-L5", "bilateral"),), "drugs": (("Bupivacaine", "5"),)}


def logged(on: datetime.date, **kind) -> Procedure:
    """A procedure done at 10:00 on `on` and logged that evening."""
    with on_clinic_day(on, hour=18):
        return factories.procedure(factories.patient(), on=on, **kind)


def due_dates(procedure: Procedure) -> dict[str, datetime.date]:
    return {f.label: f.due_on for f in procedure.follow_ups.all()}


def interval(family: str, label: str) -> FollowUpInterval:
    return FollowUpInterval.objects.get(family=family, label=label)


# Counting days across month ends, a leap day and a year end.


def test_two_weeks_after_the_15th_of_february_in_a_leap_year_is_the_29th():
    assert due_dates(logged(D(2028, 2, 15))) == {
        "2 weeks": D(2028, 2, 29),
        "6 weeks": D(2028, 3, 28),
        "3 months": D(2028, 5, 16),
    }


def test_in_a_common_year_two_weeks_after_the_15th_of_february_is_the_1st_of_march():
    assert due_dates(logged(D(2027, 2, 15)))["2 weeks"] == D(2027, 3, 1)


def test_three_months_is_91_days_so_from_the_30th_of_november_it_is_the_1st_of_march_not_a_30th_of_february():
    assert due_dates(logged(D(2026, 11, 30)))["3 months"] == D(2027, 3, 1)


def test_a_follow_up_crosses_the_year_end():
    assert due_dates(logged(D(2026, 12, 21))) == {
        "2 weeks": D(2027, 1, 4),
        "6 weeks": D(2027, 2, 1),
        "3 months": D(2027, 3, 22),
    }


def test_twelve_months_is_365_days_so_across_a_leap_day_it_falls_a_calendar_day_early():
    assert due_dates(logged(D(2027, 3, 1), **RFA))["12 months"] == D(2028, 2, 29)


# Weekends: the clinic calls on weekdays.


def test_intervals_in_whole_weeks_keep_a_weekday_procedures_weekday():
    dates = due_dates(logged(D(2026, 12, 4), **RFA))  # a Friday
    assert {label: day.strftime("%a") for label, day in dates.items() if label != "12 months"} == {
        "2 weeks": "Fri",
        "6 weeks": "Fri",
        "3 months": "Fri",
        "6 months": "Fri",
    }


def test_twelve_months_after_a_friday_lands_on_a_saturday_and_is_due_the_monday_after():
    assert due_dates(logged(D(2026, 12, 4), **RFA))["12 months"] == D(2027, 12, 6)


def test_a_saturday_due_date_at_a_month_end_moves_into_the_next_month():
    # Done on a Saturday, so two weeks later is Saturday 28 February.
    assert due_dates(logged(D(2026, 2, 14)))["2 weeks"] == D(2026, 3, 2)


def test_a_saturday_due_date_moves_over_the_autumn_clock_change_to_monday():
    # Saturday 31 October; the clocks go back on Sunday 1 November.
    assert due_dates(logged(D(2026, 10, 17)))["2 weeks"] == D(2026, 11, 2)


def test_a_sunday_due_date_moves_to_the_next_day():
    # A diagnostic block on the spring-forward Sunday: its anaesthetic window ends that day.
    assert due_dates(logged(D(2026, 3, 8), **MBB)) == {"Anaesthetic window": D(2026, 3, 9)}


def test_the_monday_after_the_last_saturday_of_february_is_the_1st_of_march_or_in_a_leap_year_the_28th():
    assert due_dates(logged(D(2027, 2, 13)))["2 weeks"] == D(2027, 3, 1)  # from Saturday 27 February
    assert due_dates(logged(D(2028, 2, 12)))["2 weeks"] == D(2028, 2, 28)  # from Saturday 26 February


# Daylight saving: days are days on the clinic's calendar; hours are time elapsed.


@pytest.mark.parametrize(
    ("performed", "due"),
    [
        (clinic_time(D(2026, 3, 3), 23, 30), D(2026, 3, 17)),  # the clocks spring forward in between
        (clinic_time(D(2026, 10, 20), 0, 30), D(2026, 11, 3)),  # the clocks go back in between
    ],
    ids=["spring", "autumn"],
)
def test_two_weeks_is_fourteen_clinic_days_whatever_zone_the_moment_is_written_in(performed, due):
    two_weeks = interval("esi", "2 weeks")
    assert two_weeks.due_on(performed) == due
    # The same moment as the database hands it back, in UTC: a clock change must not move it a day.
    assert two_weeks.due_on(performed.astimezone(datetime.UTC)) == due


def test_two_weeks_after_a_procedure_before_the_clocks_change_is_two_calendar_weeks_later():
    assert due_dates(logged(D(2026, 3, 2)))["2 weeks"] == D(2026, 3, 16)
    assert due_dates(logged(D(2026, 10, 26)))["2 weeks"] == D(2026, 11, 9)


def test_an_anaesthetic_window_that_runs_past_midnight_is_due_the_next_day():
    window = interval("mbb", "Anaesthetic window")
    assert window.due_on(clinic_time(D(2026, 3, 3), 17, 59)) == D(2026, 3, 3)
    assert window.due_on(clinic_time(D(2026, 3, 3), 18, 0)) == D(2026, 3, 4)
    # A Friday evening block's window ends on Saturday: Monday.
    assert window.due_on(clinic_time(D(2026, 3, 6), 19, 0)) == D(2026, 3, 9)


# The worklist reads "today" from the clinic's calendar.


def sections_on(client, user, today: datetime.date) -> dict[str, list[int]]:
    """Section key -> days from today of each call listed, as the worklist shows it on that day."""
    with on_clinic_day(today):
        client.force_login(user)
        response = client.get(reverse("outcomes:worklist"))
    return {
        section.key: [call.days for group in section.groups for call in group.calls]
        for section in response.context["sections"]
    }


def test_a_call_moved_off_a_weekend_is_upcoming_that_weekend_due_on_monday_and_overdue_on_tuesday(client, nurse):
    logged(D(2026, 2, 14))  # two weeks later is Saturday 28 February: due Monday 2 March
    assert sections_on(client, nurse, D(2026, 2, 28)) == {"today": [], "overdue": [], "upcoming": [2]}
    assert sections_on(client, nurse, D(2026, 3, 1)) == {"today": [], "overdue": [], "upcoming": [1]}
    assert sections_on(client, nurse, D(2026, 3, 2)) == {"today": [0], "overdue": [], "upcoming": []}
    assert sections_on(client, nurse, D(2026, 3, 3)) == {"today": [], "overdue": [-1], "upcoming": []}


# A correction of the procedure's date moves the calls still to make; calls already made stay as recorded.


def test_correcting_the_date_moves_the_calls_still_to_make_and_keeps_the_ones_made():
    procedure = logged(D(2027, 2, 15))  # a Monday: 2 weeks is 1 March, 6 weeks is 29 March
    two_weeks = procedure.follow_ups.get(label="2 weeks")
    with on_clinic_day(D(2027, 3, 1), hour=12):
        followup_record(follow_up=two_weeks, recorded_by=procedure.performed_by, relief_pct=50, nrs=3, method="phone")
        procedure_update(
            procedure=procedure,
            sites=[SiteInput("L5-S1", "left")],
            medications=[MedicationInput(Drug.objects.get(name="Dexamethasone sodium phosphate"), Decimal(10))],
            performed_at=clinic_time(D(2027, 2, 12), 10),  # the Friday before
        )
    dates = due_dates(procedure)
    assert dates["2 weeks"] == D(2027, 3, 1)  # made on that day: it stays
    assert dates["6 weeks"] == D(2027, 3, 26)  # three days earlier, a Friday


def test_a_call_moved_onto_a_weekend_is_due_the_monday_after():
    procedure = logged(D(2027, 2, 15))
    with on_clinic_day(D(2027, 2, 20), hour=12):
        procedure_update(
            procedure=procedure,
            sites=[SiteInput("L5-S1", "left")],
            medications=[MedicationInput(Drug.objects.get(name="Dexamethasone sodium phosphate"), Decimal(10))],
            performed_at=clinic_time(D(2027, 2, 20), 10),  # a Saturday: 2 weeks after is a Saturday
        )
    assert due_dates(procedure)["2 weeks"] == D(2027, 3, 8)


def test_a_call_moved_off_a_weekend_is_counted_again_from_the_new_date():
    procedure = logged(D(2027, 2, 20))  # a Saturday: 2 weeks is Saturday 6 March, so due Monday 8 March
    with on_clinic_day(D(2027, 2, 22), hour=12):
        procedure_update(
            procedure=procedure,
            sites=[SiteInput("L5-S1", "left")],
            medications=[MedicationInput(Drug.objects.get(name="Dexamethasone sodium phosphate"), Decimal(10))],
            performed_at=clinic_time(D(2027, 2, 22), 10),  # the Monday after: 2 weeks is Monday 8 March
        )
    assert due_dates(procedure)["2 weeks"] == D(2027, 3, 8)
