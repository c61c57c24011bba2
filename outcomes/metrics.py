"""The outcomes dashboard's tables, each aggregated in the database in a fixed number of queries.

Every table comes from one builder here, called by the page and by the CSV export alike. Counts and sums
come from the monthly kept rows (outcomes.monthly); medians, overrides and appointments are grouped in SQL
from their records. Python only shapes the handful of grouped rows, so neither the query count nor the
work grows with the records. Voided procedures never count.
"""

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Q, QuerySet

from outcomes import monthly, response_tables
from outcomes.filters import Criteria
from outcomes.metric_tables import (
    NO_VALUE,
    Chart,
    Dataset,
    Table,
    by_family,
    family_label,
    months,
    number,
    person,
    rate,
    rate_value,
    summed,
)
from outcomes.monthly import procedures_in
from procedures import standing
from procedures.models import Guidance, LimitRule, Procedure
from scheduling.models import Appointment, Status

Builder = Callable[[Criteria], Table]


def procedures_by_month(criteria: Criteria) -> Table:
    grouped = [
        {**row, "n": row["procedures"]}
        for row in monthly.totals(criteria, ["month", "procedure_type__family"])
        if row["procedures"]
    ]
    families = list(dict.fromkeys(row["procedure_type__family"] for row in by_family(grouped)))
    counts = {(row["month"], row["procedure_type__family"]): row["n"] for row in grouped}
    month_list = months(criteria.date_from, criteria.date_to) if grouped else []
    rows: list[list[str | int]] = []
    for month in month_list:
        cells = [counts.get((month, family), 0) for family in families]
        rows.append([f"{month:%Y-%m}", *cells, sum(cells)])
    totals = summed([{f: counts.get((m, f), 0) for f in families} for m in month_list], *families)
    chart = Chart(
        labels=[f"{month:%b %Y}" for month in month_list],
        datasets=[Dataset(family_label(f), [counts.get((m, f), 0) for m in month_list]) for f in families],
        stacked=True,
        value_label="Procedures",
    )
    return Table(
        slug="procedures-by-month",
        title="Procedures per month by family",
        columns=["Month", *[family_label(f) for f in families], "Total"],
        rows=rows,
        totals=[["Total", *[totals[f] for f in families], sum(totals.values())]] if rows else [],
        chart=chart,
        wide=True,
    )


def complications(criteria: Criteria) -> Table:
    grouped = by_family(
        [{**row, "n": row["procedures"]} for row in monthly.totals(criteria, ["procedure_type__family"])]
    )
    total = summed(grouped, "n", "complicated")
    return Table(
        slug="complications",
        title="Complication rate by family",
        note="Procedures with at least one complication recorded, of all procedures.",
        columns=["Family", "Procedures", "With a complication"],
        rows=[[family_label(r["procedure_type__family"]), r["n"], rate(r["complicated"], r["n"])] for r in grouped],
        totals=[["All families", total["n"], rate(total["complicated"], total["n"])]] if grouped else [],
        chart=Chart(
            labels=[family_label(r["procedure_type__family"]) for r in grouped],
            datasets=[Dataset("Complication rate", [rate_value(r["complicated"], r["n"]) for r in grouped])],
            horizontal=True,
            percent=True,
            full_scale=False,
        ),
    )


def _medians(procedures: QuerySet[Procedure], *columns: str) -> dict[str, dict[int, Decimal]]:
    """The median of each column per procedure type, over the fluoroscopy-guided procedures with a value.

    Counted per distinct value, then the middle one or two found by running totals over those counts: the
    values have a fixed resolution (0.1 s, 0.01 mGy), so there are a few thousand of them however many
    procedures there are, and only the middles leave the database. Portable SQL (window functions).
    """
    guided = procedures.filter(guidance=Guidance.FLUOROSCOPY).order_by()
    found: dict[str, dict[int, Decimal]] = {}
    for column in columns:
        # No condition on the column and COUNT(*), so this reads the covering index of guided procedures alone.
        counted = guided.values_list("procedure_type", column).annotate(n=Count("*"))
        sql, params = counted.query.sql_with_params()
        middles: dict[int, list[Decimal]] = defaultdict(list)
        with connection.cursor() as cursor:
            # The grouped query names its columns procedure_type, the column, and n.
            cursor.execute(
                "SELECT procedure_type, value FROM ("
                f" SELECT procedure_type, {column} AS value, n,"
                f"  SUM(n) OVER (PARTITION BY procedure_type ORDER BY {column}) AS upto,"
                "  SUM(n) OVER (PARTITION BY procedure_type) AS total"
                f" FROM ({sql}) AS counted WHERE {column} IS NOT NULL"
                ") AS running"
                # The values covering the middle positions, (total + 1) // 2 and total // 2 + 1 (the same one when
                # the total is odd), without division: SUM is numeric in PostgreSQL and integer in SQLite.
                " WHERE 2 * upto >= total AND 2 * (upto - n) <= total",
                params,
            )
            for type_id, value in cursor.fetchall():
                middles[type_id].append(Decimal(value))
        found[column] = {type_id: sum(pair, Decimal(0)) / len(pair) for type_id, pair in middles.items()}
    return found


def fluoroscopy(criteria: Criteria) -> Table:
    procedures = procedures_in(criteria)
    group = ["procedure_type", "procedure_type__name", "procedure_type__family"]
    grouped = sorted(
        ({**row, "n": row["procedures"], "fluoro": row["fluoroscopy"]} for row in monthly.totals(criteria, group)),
        key=lambda row: (row["procedure_type__name"], row["procedure_type"]),
    )
    medians = _medians(procedures, "fluoro_time_s", "air_kerma_mgy") if grouped else {}
    times, kerma = medians.get("fluoro_time_s", {}), medians.get("air_kerma_mgy", {})
    return Table(
        slug="fluoroscopy",
        title="Fluoroscopy use and dose by procedure type",
        note="Medians over the fluoroscopy-guided procedures with the value recorded.",
        columns=[
            "Procedure type",
            "Family",
            "Procedures",
            "Under fluoroscopy",
            "Median fluoroscopy time (s)",
            "Median air kerma (mGy)",
        ],
        rows=[
            [
                r["procedure_type__name"],
                family_label(r["procedure_type__family"]),
                r["n"],
                rate(r["fluoro"], r["n"]),
                number(times.get(r["procedure_type"]), 1),
                number(kerma.get(r["procedure_type"]), 2),
            ]
            for r in grouped
        ],
        chart=Chart(
            labels=[r["procedure_type__name"] for r in grouped],
            datasets=[
                Dataset(
                    "Median fluoroscopy time",
                    [float(times[r["procedure_type"]]) if r["procedure_type"] in times else None for r in grouped],
                )
            ],
            horizontal=True,
            value_label="Median fluoroscopy time (s)",
        ),
        wide=True,
        label_columns=2,
    )


def _override_counts(criteria: Criteria) -> tuple[dict[str, int], int]:
    """Procedures saved past each hard limit, and past any. Grouped by the stored code list, then split:
    a handful of distinct lists, however many procedures."""
    counts: dict[str, int] = defaultdict(int)
    grouped = list(
        procedures_in(criteria)
        .exclude(overridden_rules="")
        .values("overridden_rules")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in grouped:
        for code in row["overridden_rules"].split(","):
            if code.strip():
                counts[code.strip()] += row["n"]
    return counts, sum(row["n"] for row in grouped)


def limit_overrides(criteria: Criteria) -> Table:
    overridden, any_override = _override_counts(criteria)
    standing_rows = standing.flagged_rows(criteria.today)
    patients_by_rule = dict(
        standing_rows.order_by()
        .values("rule__code")
        .annotate(n=Count("patient", distinct=True))
        .values_list("rule__code", "n")
    )
    flagged_patients = standing_rows.order_by().values("patient").distinct().count()
    codes = sorted(set(overridden) | set(patients_by_rule))
    names = dict(LimitRule.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    return Table(
        slug="limit-overrides",
        title="Limit overrides and flags",
        note=(
            "Overrides: procedures in the filtered range saved past a hard limit with a reason. "
            "At or over now: patients at or over a standing limit today, whole clinic, whatever the filters."
        ),
        columns=["Rule code", "Rule", "Saved with an override", "Patients at or over now"],
        rows=[
            [code, names.get(code, NO_VALUE), overridden.get(code, 0), patients_by_rule.get(code, 0)] for code in codes
        ],
        totals=[["Any rule", "", any_override, flagged_patients]] if codes else [],
        empty="No overrides in this range, and no patient at or over a limit today.",
        label_columns=2,
    )


def appointments(criteria: Criteria) -> Table:
    visits = Appointment.objects.filter(starts_at__gte=criteria.starts_at, starts_at__lt=criteria.ends_before)
    if criteria.physician is not None:
        visits = visits.filter(physician=criteria.physician)
    # Grouped by the physician's key alone and counting no column but the status, so a year of visits is read
    # from the start-time index alone; the few physicians' names are read after.
    counted = (
        visits.values("physician")
        .annotate(
            n=Count("*"),
            no_show=Count("status", filter=Q(status=Status.NO_SHOW)),
            cancelled=Count("status", filter=Q(status=Status.CANCELLED)),
        )
        .order_by()
    )
    by_physician = {row["physician"]: row for row in counted}
    physicians = User.objects.filter(pk__in=by_physician).order_by("last_name", "first_name", "username")
    grouped = [by_physician[physician.pk] for physician in physicians]
    names = [person(physician.first_name, physician.last_name, physician.username) for physician in physicians]
    total = summed(grouped, "n", "no_show", "cancelled")
    return Table(
        slug="appointments",
        title="No-shows and cancellations by physician",
        note="All appointments starting in the date range; the physician filter applies, the others do not.",
        columns=["Physician", "Appointments", "No-show rate", "Cancellation rate"],
        rows=[
            [name, r["n"], rate(r["no_show"], r["n"]), rate(r["cancelled"], r["n"])]
            for name, r in zip(names, grouped, strict=True)
        ],
        totals=[
            ["All physicians", total["n"], rate(total["no_show"], total["n"]), rate(total["cancelled"], total["n"])]
        ]
        if grouped
        else [],
        chart=Chart(
            labels=names,
            datasets=[
                Dataset("No-show", [rate_value(r["no_show"], r["n"]) for r in grouped]),
                Dataset("Cancelled", [rate_value(r["cancelled"], r["n"]) for r in grouped]),
            ],
            percent=True,
            full_scale=False,
        ),
        empty="No appointments match these filters.",
    )


# The page shows the tables in this order; the export names them by these slugs.
BUILDERS: dict[str, Builder] = {
    "procedures-by-month": procedures_by_month,
    "responders-by-family": response_tables.responders_by_family,
    "responders-by-physician": response_tables.responders_by_physician,
    # Half-width tables in pairs, side by side on a wide screen.
    "nrs-change": response_tables.nrs_change,
    "complications": complications,
    "follow-up-completion": response_tables.follow_up_completion,
    "questionnaire-links": response_tables.questionnaire_links,
    "fluoroscopy": fluoroscopy,
    "limit-overrides": limit_overrides,
    "appointments": appointments,
}


def build(slug: str, criteria: Criteria) -> Table | None:
    builder = BUILDERS.get(slug)
    return builder(criteria) if builder else None


def build_all(criteria: Criteria) -> list[Table]:
    return [builder(criteria) for builder in BUILDERS.values()]
