"""Where a page goes back to after a write: the `next` it was given, if that is a page of this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, fallback: str) -> str:
    """`next` from the form or the query if it is a path on this site, else `fallback`.

    Only an absolute path is taken: "foo" or "javascript:…" would be read relative to the page or run,
    and Django's `redirect("foo")` looks "foo" up as a view name and fails after the write has committed.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback
