"""The report judges each row by its goals: the dashboard's p50 also against its own SQL time."""

import pytest

from demo.bench.pages import Page
from demo.bench.report import judge
from demo.bench.runner import Timing

DASHBOARD = Page("outcomes dashboard", "physician", "/outcomes/", goal_p50=500, goal_sql_ratio=1.5)


def timed(p50: float, sql_ms: float | None) -> Timing:
    return Timing(DASHBOARD, [p50 - 1, p50, p50 + 1], queries=28, sql_ms=sql_ms)


@pytest.mark.parametrize(
    ("p50", "sql_ms", "result"),
    [
        (300, 250, "pass"),
        (300, 200, "pass"),  # exactly 1.5 × its SQL
        (300, 199, "**fail**"),
        (510, 400, "**fail**"),  # within 1.5 × its SQL, over 500 ms
        (300, None, "**fail**"),  # no SQL time measured: the ratio cannot be shown to hold
    ],
)
def test_the_dashboard_passes_only_within_500_ms_and_one_and_a_half_times_its_sql(p50, sql_ms, result):
    timing = timed(p50, sql_ms)
    goal, verdict = judge(timing, [timing])
    assert goal == "p50 ≤ 500 ms, p50 ≤ 1.5 × its SQL"
    assert verdict == result
