"""Every dashboard metric equals the number worked out by hand from a small clinic built through the services.

The clinic (`clinic_records`): procedures 60 days ago (so the 2- and 6-week follow-ups are due, the 3-month
one not yet), recorded, not reached or left open, plus one voided procedure and one outside the range.

  ESI   E1 paul  L5-S1  NRS 8  2 wk 60% NRS 3, 6 wk 40% NRS 5       best 60%, NRS −5   fluoro 30 s, 5.00 mGy
        E2 paul  L5-S1  NRS 6  2 wk 35% NRS 5 (3 mo 90%: not in the window)  35%, −1   fluoro 40 s, 7.00 mGy
                                                                     complications: dural puncture, other
        E3 paul  L5-S1  NRS 7  2 wk not reached, 6 wk 20% NRS 6      20%, −1           fluoro 10 s, 3.00 mGy
        E4 paul  L5-S1  no NRS 2 wk 80% NRS 2                        80%, no change    fluoro 20 s, no kerma
        E5 hana  C7-T1  NRS 5  2 wk 50% NRS 3 (interlaminar)         50%, −2           fluoro 15.5 s, 2.25 mGy
        E6 paul  L5-S1  nothing recorded                                               fluoroscopy, no time
        E7 paul  voided after its 2 wk 90% NRS 1, complication, 1000 s: never counts
        E0 paul  200 days ago, 2 wk 100%: outside the 90-day range
  Facet F1 hana  L4-L5  NRS 7  2 wk 30% NRS 5                        30%, −2           fluoro 50 s, 9.50 mGy
                                                                     complication: vasovagal
        F2 hana  L4-L5  NRS 6  6 wk 10% NRS 6                        10%, 0            CT
  Joint K1 paul  knee          2 wk not reached                                        ultrasound
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clinic.roles import Role
from outcomes import metrics
from outcomes.filters import Criteria
from outcomes.metric_tables import Cell, Table
from outcomes.models import FollowUp
from outcomes.services import followup_mark_not_reached, followup_record
from procedures.services import procedure_void
from scheduling import services as scheduling
from scheduling.models import Room
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = TODAY - datetime.timedelta(days=60)
LUMBAR, CERVICAL = (("L5-S1", "left"),), (("C7-T1", "midline"),)
FACET, KNEE = (("L4-L5", "bilateral"),), (("knee", "left"),)
ESI, FAC, JOINT = "Epidural steroid injection", "Facet joint injection", "Joint / soft-tissue injection"


def criteria(**filters) -> Criteria:
    return Criteria(date_from=TODAY - datetime.timedelta(days=90), date_to=TODAY, today=TODAY, **filters)


def build(slug: str, chosen: Criteria) -> Table:
    built = metrics.build(slug, chosen)
    assert built is not None
    return built


def table(slug: str, **filters) -> dict[str, list[Cell]]:
    """The table's rows (and totals) by their first cell."""
    built = build(slug, criteria(**filters))
    return {str(row[0]): row[1:] for row in [*built.rows, *built.totals]}


def record(procedure, label: str, relief: int | None, nrs: int | None) -> None:
    follow_up = FollowUp.objects.get(procedure=procedure, label=label)
    followup_record(follow_up=follow_up, recorded_by=procedure.performed_by, relief_pct=relief, nrs=nrs, method="phone")


def not_reached(procedure, label: str) -> None:
    follow_up = FollowUp.objects.get(procedure=procedure, label=label)
    followup_mark_not_reached(follow_up=follow_up, recorded_by=procedure.performed_by)


def logged(name: str, doctor, *, on=DAY, type_code="esi-transforaminal", sites=LUMBAR, **fields):
    return factories.procedure(
        factories.patient(first_name=name), on=on, type_code=type_code, sites=sites, physician=doctor, **fields
    )


@pytest.fixture
def hana(make_user):
    return make_user("hana", Role.PHYSICIAN)


@pytest.fixture
def clinic_records(physician, hana):
    paul = physician
    # Guidance is fluoroscopy unless said otherwise.
    e1 = logged("E1", paul, nrs_pre=8, fluoro_time_s=Decimal(30), air_kerma_mgy=Decimal(5))
    record(e1, "2 weeks", 60, 3)
    record(e1, "6 weeks", 40, 5)
    e2 = logged(
        "E2", paul, nrs_pre=6, fluoro_time_s=Decimal(40), air_kerma_mgy=Decimal(7), complications="dural_puncture,other"
    )
    record(e2, "2 weeks", 35, 5)
    record(e2, "3 months", 90, 1)
    e3 = logged("E3", paul, nrs_pre=7, fluoro_time_s=Decimal(10), air_kerma_mgy=Decimal(3))
    not_reached(e3, "2 weeks")
    record(e3, "6 weeks", 20, 6)
    e4 = logged("E4", paul, fluoro_time_s=Decimal(20))
    record(e4, "2 weeks", 80, 2)
    e5 = logged(
        "E5", hana, type_code="esi-interlaminar", sites=CERVICAL, nrs_pre=5,
        fluoro_time_s=Decimal("15.5"), air_kerma_mgy=Decimal("2.25"),
    )  # fmt: skip
    record(e5, "2 weeks", 50, 3)
    logged("E6", paul)
    e7 = logged("E7", paul, nrs_pre=9, fluoro_time_s=Decimal(1000), complications="bleeding")
    record(e7, "2 weeks", 90, 1)
    procedure_void(procedure=e7, by=paul, reason="Entered on the wrong patient")
    e0 = logged("E0", paul, on=TODAY - datetime.timedelta(days=200), nrs_pre=9)
    record(e0, "2 weeks", 100, 0)
    f1 = logged(
        "F1", hana, type_code="facet-ia", sites=FACET, nrs_pre=7,
        fluoro_time_s=Decimal(50), air_kerma_mgy=Decimal("9.5"), complications="vasovagal",
    )  # fmt: skip
    record(f1, "2 weeks", 30, 5)
    f2 = logged("F2", hana, type_code="facet-ia", sites=FACET, nrs_pre=6, guidance="ct")
    record(f2, "6 weeks", 10, 6)
    k1 = logged(
        "K1",
        paul,
        type_code="joint-major",
        sites=KNEE,
        guidance="ultrasound",
        drugs=(("Triamcinolone acetonide", "40"),),
    )
    not_reached(k1, "2 weeks")


@pytest.mark.usefixtures("clinic_records")
def test_procedures_per_month_count_each_family_in_the_month_they_were_done():
    rows = table("procedures-by-month")
    # ESI E1–E6 (E7 voided, E0 outside the range), facet F1–F2, joint K1, all in DAY's month.
    assert rows[f"{DAY:%Y-%m}"] == [6, 2, 1, 9]
    assert rows["Total"] == [6, 2, 1, 9]
    built = build("procedures-by-month", criteria())
    assert built.columns == ["Month", ESI, FAC, JOINT, "Total"]
    # Every month of the range has a row, empty ones too.
    first = (TODAY - datetime.timedelta(days=90)).replace(day=1)
    assert len(built.rows) == (TODAY.year - first.year) * 12 + TODAY.month - first.month + 1


@pytest.mark.usefixtures("clinic_records")
def test_responder_rates_by_family_read_the_best_follow_up_at_two_to_six_weeks():
    rows = table("responders-by-family")
    # ESI: E1–E5 have a 2–6 week follow-up (E6 none); ≥ 50%: E1 60, E4 80, E5 50 → 3/5; ≥ 30% adds E2 35 → 4/5
    # (E2's 90% at 3 months is outside the window). NRS: E1 −5, E2 −1, E3 −1, E5 −2 (E4 has no baseline) → 2/4.
    assert rows[ESI] == [5, "60% (3/5)", "80% (4/5)", "50% (2/4)"]
    # Facet: F1 30%, F2 10% → none ≥ 50, 1/2 ≥ 30; NRS F1 −2, F2 0 → 1/2.
    assert rows[FAC] == [2, "0% (0/2)", "50% (1/2)", "50% (1/2)"]
    # Joint: K1 was not reached, so nothing to count.
    assert rows[JOINT] == [0, "—", "—", "—"]
    # All: 3/7 = 42.9 → 43%, 5/7 = 71.4 → 71%, 3/6 = 50%.
    assert rows["All families"] == [7, "43% (3/7)", "71% (5/7)", "50% (3/6)"]


@pytest.mark.usefixtures("clinic_records")
def test_responder_rates_by_physician():
    rows = table("responders-by-physician")
    # Hana: E5, F1, F2 → ≥ 50 E5 (1/3); ≥ 30 E5, F1 (2/3); NRS E5 −2, F1 −2, F2 0 → 2/3.
    assert rows["Hana"] == [3, "33% (1/3)", "67% (2/3)", "67% (2/3)"]
    # Paul: E1–E4 (E6, K1 have none) → ≥ 50 E1, E4 (2/4); ≥ 30 E1, E2, E4 (3/4); NRS E1 −5 of E1–E3 → 1/3.
    assert rows["Paul"] == [4, "50% (2/4)", "75% (3/4)", "33% (1/3)"]
    assert rows["All physicians"] == [7, "43% (3/7)", "71% (5/7)", "50% (3/6)"]
    assert list(rows) == ["Hana", "Paul", "All physicians"]


@pytest.mark.usefixtures("clinic_records")
def test_mean_nrs_change_is_baseline_minus_the_lowest_score_at_two_to_six_weeks():
    rows = table("nrs-change")
    # ESI: before 8 + 6 + 7 + 5 = 26 / 4 = 6.5; after 3 + 5 + 6 + 3 = 17 / 4 = 4.25; change 9 / 4 = 2.25.
    assert rows[ESI] == [4, "6.5", "4.3", "2.3"]
    # Facet: before 7 + 6 = 13 / 2; after 5 + 6 = 11 / 2; change 2 / 2.
    assert rows[FAC] == [2, "6.5", "5.5", "1.0"]
    # Joint has no scores, so no row. All: 39 / 6 = 6.5, 28 / 6 = 4.67, 11 / 6 = 1.83.
    assert JOINT not in rows
    assert rows["All families"] == [6, "6.5", "4.7", "1.8"]


@pytest.mark.usefixtures("clinic_records")
def test_follow_up_completion_is_recorded_over_due_by_today():
    rows = table("follow-up-completion")
    # ESI E1–E6: 2 due each (2 and 6 weeks; 3 months not yet) = 12, plus E2's 3 months recorded early = 13.
    # Recorded: E1 ×2, E2 ×2, E3, E4, E5 = 7; not reached: E3; open: E2, E4, E5 at 6 weeks, E6 ×2 = 5.
    assert rows[ESI] == [13, 7, 1, 5, "54% (7/13)"]
    # Facet: F1 2 weeks recorded, 6 weeks open; F2 2 weeks open, 6 weeks recorded.
    assert rows[FAC] == [4, 2, 0, 2, "50% (2/4)"]
    # Joint: K1 2 weeks not reached, 6 weeks open.
    assert rows[JOINT] == [2, 0, 1, 1, "0% (0/2)"]
    assert rows["All families"] == [19, 9, 2, 8, "47% (9/19)"]


@pytest.mark.usefixtures("clinic_records")
def test_fluoroscopy_use_and_median_time_and_air_kerma_per_procedure_type():
    rows = table("fluoroscopy")
    # Transforaminal E1–E4, E6 all under fluoroscopy. Times 10, 20, 30, 40 (E6 none) → (20 + 30) / 2 = 25;
    # kerma 3, 5, 7 (E4 none) → 5. E7's 1000 s is voided.
    assert rows["Transforaminal ESI"] == [ESI, 5, "100% (5/5)", "25.0", "5.00"]
    assert rows["Interlaminar ESI"] == [ESI, 1, "100% (1/1)", "15.5", "2.25"]
    # F2 was under CT: 1 of 2, and only F1's values.
    assert rows["Facet joint injection (intra-articular)"] == [FAC, 2, "50% (1/2)", "50.0", "9.50"]
    assert rows["Major joint injection"] == [JOINT, 1, "0% (0/1)", "—", "—"]


def test_an_odd_number_of_values_has_the_middle_one_as_median(physician):
    for n, seconds in enumerate([50, 10, 30]):
        logged(f"M{n}", physician, fluoro_time_s=Decimal(seconds), air_kerma_mgy=Decimal(seconds) / 10)
    assert table("fluoroscopy")["Transforaminal ESI"] == [ESI, 3, "100% (3/3)", "30.0", "3.00"]


@pytest.mark.usefixtures("clinic_records")
def test_complication_rate_counts_procedures_with_any_complication():
    rows = table("complications")
    # ESI: E2 of E1–E6 (E7 voided) → 1/6 = 16.7 → 17%; facet F1 of 2; joint none; all 2/9 = 22%.
    assert rows[ESI] == [6, "17% (1/6)"]
    assert rows[FAC] == [2, "50% (1/2)"]
    assert rows[JOINT] == [1, "0% (0/1)"]
    assert rows["All families"] == [9, "22% (2/9)"]


@pytest.mark.usefixtures("clinic_records")
def test_the_physician_filter(hana):
    # Hana did E5, F1 and F2.
    assert table("responders-by-family", physician=hana) == {
        ESI: [1, "100% (1/1)", "100% (1/1)", "100% (1/1)"],
        FAC: [2, "0% (0/2)", "50% (1/2)", "50% (1/2)"],
        "All families": [3, "33% (1/3)", "67% (2/3)", "67% (2/3)"],
    }
    assert table("complications", physician=hana)["All families"] == [3, "33% (1/3)"]


@pytest.mark.usefixtures("clinic_records")
def test_the_family_filter():
    assert table("responders-by-family", family="facet") == {
        FAC: [2, "0% (0/2)", "50% (1/2)", "50% (1/2)"],
        "All families": [2, "0% (0/2)", "50% (1/2)", "50% (1/2)"],
    }
    assert list(table("follow-up-completion", family="facet")) == [FAC, "All families"]


@pytest.mark.usefixtures("clinic_records")
def test_the_region_filter_goes_by_the_spinal_levels():
    # Cervical/thoracic: only E5 at C7-T1.
    assert table("responders-by-family", region="cervicothoracic")[ESI] == [1, "100% (1/1)", "100% (1/1)", "100% (1/1)"]
    assert table("complications", region="cervicothoracic") == {ESI: [1, "0% (0/1)"], "All families": [1, "0% (0/1)"]}
    # Lumbar/sacral: E1–E4, E6 and F1–F2; the knee (K1) has no spinal level. ESI ≥ 50: E1, E4 of E1–E4.
    lumbar = table("responders-by-family", region="lumbosacral")
    assert lumbar[ESI] == [4, "50% (2/4)", "75% (3/4)", "33% (1/3)"]
    assert JOINT not in lumbar
    assert table("complications", region="lumbosacral")["All families"] == [7, "29% (2/7)"]


@pytest.mark.usefixtures("clinic_records")
def test_the_date_range():
    # From 300 days back E0 counts too: 2 weeks 100%, NRS 9 → 0.
    wider = build(
        "responders-by-family",
        Criteria(date_from=TODAY - datetime.timedelta(days=300), date_to=TODAY, today=TODAY),
    )
    assert {row[0]: row[1:] for row in wider.rows}[ESI] == [6, "67% (4/6)", "83% (5/6)", "60% (3/5)"]
    # A range that ends before DAY has none of the others.
    earlier = Criteria(date_from=TODAY - datetime.timedelta(days=300), date_to=DAY - datetime.timedelta(days=1))
    assert {row[0]: row[1:] for row in build("complications", earlier).rows} == {ESI: [1, "0% (0/1)"]}


def test_overrides_by_rule_and_patients_at_or_over_a_limit_now(physician):
    def esis(name: str, drug: tuple[str, str], void_last: bool = False) -> None:
        patient = factories.patient(first_name=name)
        for days in (100, 80, 60, 40):
            done = factories.procedure(
                patient, on=TODAY - datetime.timedelta(days=days), drugs=(drug,), physician=physician,
                override_reason="Severe radicular pain; surgery scheduled",
            )  # fmt: skip
        if void_last:
            procedure_void(procedure=done, by=physician, reason="Duplicate entry")

    # Each fourth ESI in 6 months passes clinic-esi-6m (3 per region). B's dexamethasone 10 mg is 53.3 mg MPE,
    # so its fourth also passes steroid-200-12m (213 > 200); A's triamcinolone 40 mg makes 160. C's fourth is
    # voided: its override does not count, and C stands at 3 of 3, at the limit.
    esis("A", ("Triamcinolone acetonide", "40"))
    esis("B", ("Dexamethasone sodium phosphate", "10"))
    esis("C", ("Triamcinolone acetonide", "40"), void_last=True)
    rows = build("limit-overrides", Criteria(date_from=TODAY - datetime.timedelta(days=120), date_to=TODAY))
    assert rows.rows == [
        ["clinic-esi-6m", "ESI sessions per region, 6 months", 2, 3],
        ["steroid-200-12m", "Steroid total, 12 months", 1, 1],
    ]
    assert rows.totals == [["Any rule", "", 2, 3]]
    # Overrides follow the date range; the patients at a limit are today's, whatever the range.
    shorter = build("limit-overrides", Criteria(date_from=TODAY - datetime.timedelta(days=50), date_to=TODAY))
    assert shorter.totals == [["Any rule", "", 2, 3]]
    older = build(
        "limit-overrides",
        Criteria(date_from=TODAY - datetime.timedelta(days=120), date_to=TODAY - datetime.timedelta(days=45)),
    )
    assert older.totals == [["Any rule", "", 0, 3]]


def test_no_show_and_cancellation_rates_by_physician(physician, hana):
    room = Room.objects.create(name="Exam 1", kind=Room.Kind.EXAM_ROOM)
    paul = physician

    def visit(doctor, hour: int, *steps: str, on=DAY):
        start = timezone.make_aware(datetime.datetime.combine(on, datetime.time(hour)))
        appointment = scheduling.appointment_book(
            patient=factories.patient(first_name=f"V{hour}{doctor.username}"),
            slot=scheduling.Slot(
                doctor, room if doctor == paul else None, start, start + datetime.timedelta(minutes=20)
            ),
            visit_type="follow_up",
            booked_by=doctor,
        )
        for step in steps:
            if step == "cancelled":
                scheduling.appointment_cancel(appointment=appointment, reason="Patient unwell")
            else:
                scheduling.appointment_set_status(appointment=appointment, status=step)

    # Paul: a no-show, a cancellation, a completed visit and one still scheduled; Hana: a no-show, a confirmed.
    visit(paul, 9, "no_show")
    visit(paul, 10, "cancelled")
    visit(paul, 11, "checked_in", "in_room", "completed")
    visit(paul, 12)
    visit(hana, 9, "no_show")
    visit(hana, 10, "confirmed")
    visit(paul, 9, "no_show", on=TODAY - datetime.timedelta(days=200))  # outside the range
    assert table("appointments") == {
        "Hana": [2, "50% (1/2)", "0% (0/2)"],
        "Paul": [4, "25% (1/4)", "25% (1/4)"],
        # 2/6 = 33%, 1/6 = 16.7 → 17%.
        "All physicians": [6, "33% (2/6)", "17% (1/6)"],
    }
    assert table("appointments", physician=hana) == {
        "Hana": [2, "50% (1/2)", "0% (0/2)"],
        "All physicians": [2, "50% (1/2)", "0% (0/2)"],
    }
    # Appointments have no family or region: those filters leave them alone.
    assert table("appointments", family="facet", region="lumbosacral")["All physicians"] == [
        6,
        "33% (2/6)",
        "17% (1/6)",
    ]


def test_with_no_data_every_table_is_empty_and_nothing_divides_by_zero():
    for built in metrics.build_all(criteria()):
        assert built.rows == []
        assert built.totals == []
