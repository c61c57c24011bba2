"""A posted room, procedure type, drug or physician is found in the copy of the choices each process keeps under
the table's stamp: no query of its own, and never a choice that a write, however made, has closed or removed."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from clinic import reference
from procedures.forms import MedicationForm, ProcedureForm
from procedures.models import Drug, ProcedureType
from scheduling.forms import SlotForm
from scheduling.models import Room

pytestmark = pytest.mark.django_db


def room_field():
    return SlotForm().fields["room"]


def refused(field, value) -> bool:
    with pytest.raises(ValidationError) as refusal:
        field.clean(value)
    return refusal.value.messages == ["Select a valid choice. That choice is not one of the available choices."]


def test_a_room_is_found_with_no_query_of_its_own_once_the_stamps_are_read(django_assert_num_queries):
    suite = Room.objects.create(name="Suite 1", kind=Room.Kind.PROCEDURE_SUITE)
    room_field().clean(str(suite.pk))  # the first form loads the copy
    # The stamps, read once for everything the request keeps.
    with reference.read_together(), django_assert_num_queries(1):
        assert room_field().clean(str(suite.pk)) == suite
        assert SlotForm().fields["room"].clean(suite.pk) == suite


def test_a_room_closed_or_opened_by_any_write_is_read_by_the_next_form():
    suite = Room.objects.create(name="Suite 1", kind=Room.Kind.PROCEDURE_SUITE)
    assert room_field().clean(str(suite.pk)) == suite
    Room.objects.filter(pk=suite.pk).update(active=False)
    assert refused(room_field(), str(suite.pk))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO scheduling_room (name, kind, fluoroscopy, active) VALUES ('Exam 9', 'exam_room', %s, %s)",
            [False, True],
        )
    assert room_field().clean(str(Room.objects.get(name="Exam 9").pk)).name == "Exam 9"


@pytest.mark.parametrize("value", ["abc", "1.5", "99999", "1\x00", "-1", ["1"]])
def test_a_value_that_names_no_open_room_is_refused_beside_the_field(value):
    Room.objects.create(name="Suite 1", kind=Room.Kind.PROCEDURE_SUITE)
    assert refused(room_field(), value)


def test_no_room_is_no_room():
    assert room_field().clean("") is None


def test_a_procedure_type_or_drug_withdrawn_is_refused_by_the_next_entry(physician):
    esi = ProcedureType.objects.get(code="esi-transforaminal")
    dexamethasone = Drug.objects.get(name="Dexamethasone sodium phosphate")
    assert ProcedureForm(user=physician).fields["procedure_type"].clean(str(esi.pk)) == esi
    assert MedicationForm().fields["drug"].clean(str(dexamethasone.pk)) == dexamethasone
    ProcedureType.objects.filter(pk=esi.pk).update(active=False)
    Drug.objects.filter(pk=dexamethasone.pk).update(active=False)
    assert refused(ProcedureForm(user=physician).fields["procedure_type"], str(esi.pk))
    assert refused(MedicationForm().fields["drug"], str(dexamethasone.pk))


def test_contrast_is_not_a_medication_choice():
    contrast = Drug.objects.filter(drug_class=Drug.DrugClass.CONTRAST, active=True).first()
    assert contrast is not None
    assert refused(MedicationForm().fields["drug"], str(contrast.pk))


def physician_field(**options):
    from clinic.staff import PhysicianChoiceField

    return PhysicianChoiceField(**options)


def test_a_physician_is_found_with_no_query_of_its_own_once_the_stamps_are_read(physician, django_assert_num_queries):
    physician_field().clean(str(physician.pk))
    with reference.read_together(), django_assert_num_queries(1):
        assert physician_field().clean(str(physician.pk)) == physician
        assert SlotForm().fields["physician"].clean(physician.pk) == physician


def test_a_physician_deactivated_given_another_role_or_made_an_integration_account_is_refused_at_once(
    physician, make_user
):
    from django.contrib.auth.models import Group

    from clinic.roles import Role

    assert physician_field().clean(str(physician.pk)) == physician
    physician.groups.set([Group.objects.get(name=Role.NURSE.value)])
    assert refused(physician_field(), str(physician.pk))
    physician.groups.set([Group.objects.get(name=Role.PHYSICIAN.value)])
    assert physician_field().clean(str(physician.pk)) == physician
    User = type(physician)
    User.objects.filter(pk=physician.pk).update(is_active=False)
    assert refused(physician_field(), str(physician.pk))
    assert physician_field(include_inactive=True).clean(str(physician.pk)).pk == physician.pk
    User.objects.filter(pk=physician.pk).update(is_active=True)
    physician.refresh_from_db()
    physician.set_unusable_password()
    physician.save()
    assert refused(physician_field(), str(physician.pk))
    newcomer = make_user("nadia", Role.PHYSICIAN)
    assert physician_field().clean(str(newcomer.pk)) == newcomer


def test_a_login_leaves_the_kept_physicians_standing(client, physician, django_assert_num_queries):
    physician_field().clean(str(physician.pk))
    client.force_login(physician)  # sets last_login
    with django_assert_num_queries(1):
        assert physician_field().clean(str(physician.pk)) == physician


def test_a_renamed_physician_is_named_anew(physician):
    type(physician).objects.filter(pk=physician.pk).update(last_name="Ibarra")
    assert physician_field().clean(str(physician.pk)).last_name == "Ibarra"


def test_a_field_given_its_own_physicians_reads_them(physician, make_user, django_assert_num_queries):
    from clinic.staff import physicians

    other = make_user("olga", None)
    field = physician_field(queryset=physicians())
    assert refused(field, str(other.pk))
    with django_assert_num_queries(1):
        assert field.clean(str(physician.pk)) == physician
