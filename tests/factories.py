"""Test data built through the same services the application uses."""

import datetime
from typing import Any

from patients import services
from patients.models import Patient, Payer


def payer(name: str = "Medicare", key: str = "medicare") -> Payer:
    found, _ = Payer.objects.get_or_create(key=key, defaults={"name": name})
    return found


def patient(**fields: Any) -> Patient:
    values: dict[str, Any] = {
        "first_name": "Maria",
        "last_name": "Lopez",
        "date_of_birth": datetime.date(1961, 4, 2),
        "sex": Patient.Sex.FEMALE,
        "phone": "(555) 013-4567",
    }
    values.update(fields)
    return services.patient_register(**values)
