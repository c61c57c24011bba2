"""The follow-ups' part of the home page: the calls due, counted up to a limit."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from outcomes.models import FollowUp

# The calls-due badge counts this far, then says "999+": a large clinic's backlog runs to tens of thousands of
# calls, and counting them all cost more than the rest of the page.
CALLS_COUNTED = 999


def calls_due_context(request: HttpRequest) -> dict[str, Any]:
    due = FollowUp.objects.open().filter(due_on__lte=timezone.localdate()).order_by()
    return {"calls_due": due[: CALLS_COUNTED + 1].count(), "calls_counted": CALLS_COUNTED}
