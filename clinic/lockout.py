"""Login lockout with two limits: one account from one address, and one address across every account.

django-axes compares every lockout parameter with the one AXES_FAILURE_LIMIT. A guesser who tries a few
passwords on each of many accounts stays under a per-account limit, and a per-address limit as low as the
per-account one would lock a whole clinic out (its workstations often share one public address) after a few
typing slips. So the address gets its own, higher limit: LOGIN_ADDRESS_FAILURE_LIMIT.
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address, any username, within the cool-off time."""
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class ClinicLockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler; an address past its own limit counts as the account limit reached.

    Success still resets only the account's own failures from that address (AXES_LOCKOUT_PARAMETERS), so
    a guesser holding one valid login cannot wipe the address's count by signing in.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        if address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, int(get_failure_limit(request, credentials)))
        return failures
