"""The front desk's warning before booking, as a pure function of the authorizations held (no database)."""

import datetime

from authorizations.rules import Held, booking_warnings

ON = datetime.date(2027, 2, 1)


def held(**changes: object) -> Held:
    values: dict[str, object] = {
        "number": "BCB-1",
        "status": "approved",
        "requested_on": datetime.date(2026, 11, 1),
        "decided_on": datetime.date(2026, 11, 5),
        "valid_from": datetime.date(2026, 11, 5),
        "valid_to": datetime.date(2027, 3, 1),
        "units_approved": 3,
        "units_used": 1,
        "units_booked": 0,
    }
    return Held(**(values | changes))  # type: ignore[arg-type]


def warn(*authorizations: Held, required: bool = True) -> list[str]:
    return booking_warnings(
        payer="BCBS FL", family="Radiofrequency ablation", required=required, on=ON, held=authorizations
    )


def test_a_payer_that_requires_none_gets_no_warning() -> None:
    assert warn(required=False) == []


def test_an_authorization_in_force_with_a_unit_left_is_enough() -> None:
    assert warn(held()) == []


def test_none_on_file_names_the_payer_and_the_family() -> None:
    assert warn() == [
        "BCBS FL requires prior authorization for Radiofrequency ablation; none is on file for this procedure."
    ]


def test_one_that_expires_before_the_visit_says_when_and_what_is_left() -> None:
    [warning] = warn(held(valid_to=datetime.date(2027, 1, 31), units_used=2))
    assert warning.startswith(
        "BCBS FL authorization BCB-1 expires on 2027-01-31, before this visit on 2027-02-01 (1 of 3"
    )


def test_one_used_up_by_the_visit_counts_the_visits_booked_before_it() -> None:
    [warning] = warn(held(units_used=2, units_booked=1))
    assert warning == (
        "BCBS FL authorization BCB-1 will be used up by 2027-02-01: 2 of 3 units used and 1 booked before this visit."
    )


def test_the_last_day_of_an_authorization_is_still_in_force() -> None:
    assert warn(held(valid_to=ON)) == []


def test_a_request_not_answered_and_a_denial_are_said_as_such() -> None:
    assert warn(held(status="requested", valid_from=None, valid_to=None)) == [
        "BCBS FL authorization requested on 2026-11-01 is not approved yet."
    ]
    assert warn(held(status="denied")) == ["BCBS FL denied the authorization on 2026-11-05."]
