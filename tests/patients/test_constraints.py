"""The rules hold in the database too, for writes that never pass through a form."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from patients import services
from patients.models import Patient
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "change",
    [
        {"weight_kg": Decimal("0")},
        {"weight_kg": Decimal("999")},
        {"date_of_birth": datetime.date(1800, 1, 1)},
        {"last_name": ""},
        {"sex": "Q"},
        {"mrn": ""},
    ],
)
def test_the_database_refuses_implausible_values(change):
    patient = factories.patient()
    for field, value in change.items():
        setattr(patient, field, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        patient.save()


def test_the_database_refuses_an_archive_without_a_reason():
    patient = factories.patient()
    patient.archived_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        patient.save()


def test_the_database_refuses_a_second_patient_with_the_same_mrn():
    factories.patient(mrn="X1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.create(
            mrn="X1", first_name="A", last_name="B", date_of_birth=datetime.date(1970, 1, 1), sex="F"
        )


def test_a_failed_registration_leaves_nothing_behind():
    factories.patient(mrn="X1")
    with pytest.raises(Exception):  # noqa: B017, PT011 - the MRN clash surfaces as a ValidationError
        services.patient_register(
            mrn="X1", first_name="A", last_name="B", date_of_birth=datetime.date(1970, 1, 1), sex="F"
        )
    assert Patient.objects.count() == 1
    assert Patient.history.count() == 1


def test_generated_mrns_skip_past_typed_ones_that_look_generated():
    factories.patient(mrn="1000005")
    assert factories.patient(first_name="Next").mrn == "1000006"
