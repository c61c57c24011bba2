"""An authorization built through the services, approved as the payer answered."""

import datetime

from django.contrib.auth.models import User

from authorizations.models import Authorization
from authorizations.services import authorization_decide, authorization_request
from patients.models import Patient
from procedures.models import ProcedureType


def approved(
    patient: Patient,
    by: User,
    *,
    types: tuple[str, ...] = ("rfa-facet",),
    region: str = "lumbosacral",
    units: int = 3,
    valid_from: datetime.date,
    valid_to: datetime.date,
    number: str = "BCB-4471",
) -> Authorization:
    authorization = authorization_request(
        patient=patient,
        payer=patient.payer,  # type: ignore[arg-type]
        procedure_types=ProcedureType.objects.filter(code__in=types),
        region=region,
        units_approved=units,
        requested_on=valid_from - datetime.timedelta(days=10),
        by=by,
    )
    return authorization_decide(
        authorization=authorization,
        status="approved",
        number=number,
        valid_from=valid_from,
        valid_to=valid_to,
        decided_on=valid_from,
    )
