"""Reads of patients' records through FHIR, in the same read-access log the pages write (`clinic.access`).

A read or a page of search results records one row per patient whose records it showed, of the kind the pages
use for that record (chart, procedure, follow-up), in one INSERT. Appointments and practitioners are not a
patient's clinical record: the schedule's pages record no reads, and neither does FHIR for them.
"""

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from clinic.access import client_ip
from clinic.models import AccessLog
from fhir_r4.types import Source


def log_reads(request: HttpRequest, rows: Iterable[tuple[Source, Any]]) -> None:
    if not request.user.is_authenticated:
        return
    read = {(source.access, source.patient_of(row)) for source, row in rows if source.access is not None}
    if not read:
        return
    ip, agent, path = client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300], request.get_full_path()[:500]
    AccessLog.objects.bulk_create(
        AccessLog(user_id=request.user.pk, ip=ip, user_agent=agent, kind=kind, patient_id=patient, path=path)
        for kind, patient in sorted(read, key=lambda pair: (pair[0], pair[1] or 0))
    )
