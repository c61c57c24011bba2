"""The registration form hands the registering and correcting services exactly the fields their signatures name."""

from patients.forms import PatientForm
from patients.services import PatientChanges, PatientFields


def test_the_registration_forms_fields_are_the_ones_the_services_take():
    assert set(PatientForm.Meta.fields) == set(PatientFields.__annotations__)
    assert set(PatientFields.__annotations__) == set(PatientChanges.__annotations__)
    assert PatientFields.__required_keys__ == {"first_name", "last_name", "date_of_birth", "sex"}
