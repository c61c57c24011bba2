"""A small clinic on the FHIR side: a patient with a procedure, its medications, a recorded follow-up call and a
booked visit; another patient with a voided procedure. Built through the services the pages use."""

import datetime
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from outcomes import services as outcome_services
from outcomes.models import FollowUp
from patients.models import Patient
from procedures import services as procedure_services
from procedures.models import Procedure
from scheduling.models import Appointment, VisitType
from tests import factories
from tests.scheduling.helpers import at, book, next_weekday

BASE = "/fhir/R4/"
ODI = [2, 3, 1, 4, 2, 3, 2, None, 1, 2]


@dataclass
class Clinic:
    maria: Patient
    omar: Patient
    esi: Procedure
    voided: Procedure
    follow_up: FollowUp
    visit: Appointment


@pytest.fixture
def clinic(db: None, physician: User, nurse: User) -> Clinic:
    maria = factories.patient(mrn="MRN-100", email="maria@example.org", address="12 Elm St\nSpringfield")
    omar = factories.patient(first_name="Omar", last_name="Ali", date_of_birth=datetime.date(1970, 5, 6))
    esi = factories.procedure(
        maria,
        on=timezone.localdate() - datetime.timedelta(days=20),
        physician=physician,
        sites=(("L4-L5", "left"), ("L5-S1", "bilateral")),
        drugs=(("Dexamethasone sodium phosphate", "10"), ("Lidocaine", "20")),
        diagnoses="M54.16, M51.16",
        nrs_pre=7,
        nrs_post=2,
        relief_post_pct=80,
    )
    follow_up = FollowUp.objects.filter(procedure=esi).order_by("due_on").first()
    assert follow_up is not None
    follow_up = outcome_services.followup_record(
        follow_up=follow_up, recorded_by=nurse, method="phone", nrs=3, relief_pct=60, pgic=2, odi_answers=ODI
    )
    voided = factories.procedure(
        omar,
        on=timezone.localdate() - datetime.timedelta(days=5),
        physician=physician,
        type_code="mbb",
        sites=(("L3-L4", "right"),),
        nrs_pre=6,
    )
    voided = procedure_services.procedure_void(procedure=voided, by=physician, reason="Wrong patient")
    visit = book(
        maria,
        physician,
        at(next_weekday(), 9),
        visit_type=VisitType.PROCEDURE,
        procedure="esi-transforaminal",
        levels="L4-L5",
        side="left",
    )
    return Clinic(maria, omar, esi, voided, follow_up, visit)


def get_json(client: Client, path: str, data: dict[str, Any] | None = None, **headers: str) -> tuple[int, Any]:
    response = client.get(
        path if path.startswith("http") or path.startswith("/") else BASE + path, data, headers=headers
    )
    return response.status_code, json.loads(response.content) if response.content else None
