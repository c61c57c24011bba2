"""Pages of tables too large to count on every view: ten years of a 30-physician group hold 4 million follow-ups,
2 million appointments and 1.5 million procedures, and counting them all took the administrator's lists seconds.

`CappedPaginator` counts no further than `CAP` rows (any `CAP` + 1 rows will do, in no order, so the count stops
early), and says `capped` when there are more: the list then reads "more than 10,000" and pages as far as that;
a filter or a search narrows it to what can be counted.
"""

from functools import cached_property
from typing import Any

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import QuerySet

CAP = 10_000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    @cached_property
    def counted(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return rows.order_by()[: CAP + 1].count()
        return len(rows)

    @cached_property
    def count(self) -> int:
        return min(self.counted, CAP)

    @property
    def capped(self) -> bool:
        return self.counted > CAP


class LargeTableAdmin:
    """For a model admin of a table that grows with the clinic's years: pages counted up to `CAP`, and no second
    count of the whole table beside a filtered one."""

    paginator: Any = CappedPaginator
    show_full_result_count = False
    # Facet counts would count every filter's choices over the whole table.
    show_facets = admin.ShowFacets.NEVER
