"""Who opened which patient's records, when and from where: the read-access log.

Views that show a chart, a procedure, a follow-up call or an export call `log_access` once per request: one
INSERT, whatever the page shows. The log is append-only (nothing in the application changes or deletes a row)
and grows by millions of rows, so it is read through its indexes (patient + time, user + time, time) and paged
by position (`before` the last row shown) rather than counted.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from clinic.models import AccessLog

Kind = AccessLog.Kind
# The chart's "who looked at this chart" box.
LATEST_ON_CHART = 8
PAGE_SIZE = 100


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from. Behind `PROXY_COUNT` trusted proxies, the address the nearest of them
    was called from (an X-Forwarded-For entry a client wrote itself is further left and never read)."""
    proxies: int = settings.PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies] or None
    return request.META.get("REMOTE_ADDR") or None


def log_access(request: HttpRequest, kind: str, *, patient_id: int | None = None, obj: Model | None = None) -> None:
    """Record that the logged-in user opened this page (one INSERT)."""
    if not request.user.is_authenticated:
        return
    AccessLog.objects.create(
        user_id=request.user.pk,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        kind=kind,
        patient_id=patient_id,
        object_id=obj.pk if obj is not None else None,
        path=request.get_full_path()[:500],
    )


def log_access_to_each(request: HttpRequest, kind: str, patient_ids: Iterable[int]) -> None:
    """Record that the logged-in user opened a page showing each of these patients (a printed day sheet): one row
    per patient, so each chart's "who looked" names it, written in one INSERT."""
    if not request.user.is_authenticated:
        return
    seen = dict.fromkeys(patient_ids)
    entry = {
        "user_id": request.user.pk,
        "ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        "kind": kind,
        "path": request.get_full_path()[:500],
    }
    AccessLog.objects.bulk_create([AccessLog(patient_id=pk, **entry) for pk in seen])


def latest_for_patient(patient_id: int, limit: int = LATEST_ON_CHART) -> list[AccessLog]:
    """The latest views of one patient's records, newest first (one query, from the patient + time index)."""
    return list(AccessLog.objects.filter(patient_id=patient_id).select_related("user").order_by("-at", "-id")[:limit])


class AccessFilter(forms.Form):
    """The log's filters: a date range in the clinic's calendar, a user, a patient (by record number)."""

    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    user = forms.ModelChoiceField(
        User.objects.order_by("last_name", "first_name", "username"), required=False, label="Staff member"
    )
    patient = forms.IntegerField(label="Patient record #", required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def entries(self) -> "QuerySet[AccessLog]":
        """The matching entries, newest first; all of them when the filters are not valid (errors are shown)."""
        rows = AccessLog.objects.select_related("user").order_by("-at", "-id")
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data.get("date_from"):
            rows = rows.filter(at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            rows = rows.filter(at__lt=_start_of(data["date_to"] + datetime.timedelta(days=1)))
        if data.get("user"):
            rows = rows.filter(user=data["user"])
        if data.get("patient"):
            rows = rows.filter(patient_id=data["patient"])
        return rows


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class LogPage:
    entries: list[AccessLog]
    older: str | None  # the `before` of the next page (older entries), None at the end


def page_of(rows: "QuerySet[AccessLog]", before: str, size: int = PAGE_SIZE) -> LogPage:
    """A page of entries older than the `before` position (`"<at ISO>_<id>"` of the last one shown): one query
    that reads size + 1 rows from an index, never a count of the table."""
    position = _position(before)
    if position is not None:
        at, pk = position
        rows = rows.filter(at__lte=at).exclude(at=at, id__gte=pk)
    found = list(rows[: size + 1])
    older = None
    if len(found) > size:
        last = found[size - 1]
        older = f"{last.at.isoformat()}_{last.pk}"
    return LogPage(found[:size], older)


def _position(before: str) -> tuple[datetime.datetime, int] | None:
    at, _, pk = before.rpartition("_")
    try:
        moment = datetime.datetime.fromisoformat(at)
    except ValueError:
        return None
    if not pk.isdigit() or timezone.is_naive(moment):
        return None
    return moment, int(pk)


# Spreadsheets run a cell that starts like a formula (a user agent can say anything); an apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(cell: str) -> str:
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


CSV_HEADER = ["at", "user", "username", "ip", "user agent", "what", "patient record #", "object #", "path"]


def csv_rows(rows: "QuerySet[AccessLog]") -> Iterator[list[str]]:
    """Every matching entry as CSV, in the clinic's time zone, streamed in chunks rather than held in memory."""
    yield CSV_HEADER
    for entry in rows.iterator(chunk_size=2000):
        yield [
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            _text(entry.user.get_full_name()),
            _text(entry.user.username),
            entry.ip or "",
            _text(entry.user_agent),
            entry.get_kind_display(),
            "" if entry.patient_id is None else str(entry.patient_id),
            "" if entry.object_id is None else str(entry.object_id),
            _text(entry.path),
        ]
