"""Test data built through the same services the application uses."""

import datetime
from decimal import Decimal
from typing import Any, Unpack

from django.contrib.auth.models import Group, User
from django.utils import timezone

from clinic.roles import Role, sync_roles
from patients import services
from patients.models import Patient, Payer
from procedures import services as procedure_services
from procedures.models import Drug, Procedure, ProcedureType
from procedures.services import MedicationInput, SiteInput


def payer(name: str = "Medicare", key: str = "medicare") -> Payer:
    found, _ = Payer.objects.get_or_create(key=key, defaults={"name": name})
    return found


def patient(**fields: Unpack[services.PatientChanges]) -> Patient:
    values: services.PatientFields = {
        "first_name": "Maria",
        "last_name": "Lopez",
        "date_of_birth": datetime.date(1961, 4, 2),
        "sex": Patient.Sex.FEMALE,
        "phone": "(555) 013-4567",
    }
    values.update(fields)
    # Test patients often share the default name and birth date; the duplicate check has tests of its own.
    return services.patient_register(allow_duplicate=True, **values)


def physician_user(username: str = "dr-demo") -> User:
    if not Group.objects.filter(name=Role.PHYSICIAN.value).exists():
        sync_roles()
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": "Dana", "last_name": "Demo"})
    if created:
        user.groups.add(Group.objects.get(name=Role.PHYSICIAN.value))
    return user


def procedure(
    patient: Patient,
    *,
    on: datetime.date,
    type_code: str = "esi-transforaminal",
    sites: tuple[tuple[str, str], ...] = (("L5-S1", "left"),),
    drugs: tuple[tuple[str, str], ...] = (("Dexamethasone sodium phosphate", "10"),),
    physician: User | None = None,
    override_reason: str = "",
    **fields: Unpack[procedure_services.ProcedureDetails],
) -> Procedure:
    """A procedure logged through the service, at 10:00 clinic time on `on`."""
    doctor = physician or physician_user()
    return procedure_services.procedure_log(
        patient=patient,
        procedure_type=ProcedureType.objects.get(code=type_code),
        recorded_by=doctor,
        performed_by=doctor,
        performed_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(10, 0))),
        sites=[SiteInput(place, side) for place, side in sites],
        medications=[MedicationInput(Drug.objects.get(name=name), Decimal(mg)) for name, mg in drugs],
        override_reason=override_reason,
        **fields,
    )


def esi_entry(patient: Patient, physician: User, **changes: Any) -> dict[str, Any]:
    """The procedure form as a physician fills it now: a bilateral two-level transforaminal ESI with
    dexamethasone 10 mg, consent and time-out ticked."""
    data: dict[str, Any] = {
        "patient": patient.pk,
        "performed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "performed_by": physician.pk,
        "procedure_type": ProcedureType.objects.get(code="esi-transforaminal").pk,
        "guidance": "fluoroscopy",
        "sedation": "local",
        "consent_obtained": "on",
        "time_out_done": "on",
        "site-0-place": "L4-L5",
        "site-0-side": "bilateral",
        "site-1-place": "L5-S1",
        "site-1-side": "bilateral",
        "med-0-drug": Drug.objects.get(name="Dexamethasone sodium phosphate").pk,
        "med-0-dose_mg": "10",
    }
    return data | changes


def one_site(place: str, side: str) -> dict[str, str]:
    """The procedure form's site rows with the first filled and the second left blank: one level or joint."""
    return {"site-0-place": place, "site-0-side": side, "site-1-place": "", "site-1-side": ""}


def near_esi_limit(
    physician: User | None = None,
    drugs: tuple[tuple[str, str], ...] = (("Dexamethasone sodium phosphate", "10"),),
) -> Patient:
    """Walter Kowalski, with lumbar ESIs 150, 100 and 40 days ago: a fourth passes the clinic's 3 per 6 months."""
    walter = patient(first_name="Walter", last_name="Kowalski", payer=payer())
    for days in (150, 100, 40):
        procedure(walter, on=timezone.localdate() - datetime.timedelta(days=days), drugs=drugs, physician=physician)
    return walter
