"""A user's permissions and roles: read together once a request, and a change applies on the next request."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection, transaction
from django.urls import reverse

from clinic.roles import Role, user_roles

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The user as the next request loads them."""
    return User.objects.get(pk=user.pk)


def test_a_role_grants_its_permissions_and_a_direct_permission_adds_to_them(make_user):
    nurse = make_user("nina", Role.NURSE)
    nurse.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    nurse = fresh(nurse)
    assert nurse.has_perm("outcomes.view_followup")  # from the nurse role
    assert nurse.has_perm("outcomes.view_dashboard")  # given directly
    assert not nurse.has_perm("procedures.void_procedure")
    assert user_roles(nurse) == [Role.NURSE.value]


def test_permissions_and_roles_cost_one_query_a_request(make_user, django_assert_num_queries):
    user = fresh(make_user("pat", Role.PHYSICIAN))
    with django_assert_num_queries(1):
        assert user.has_perm("procedures.add_procedure")
        assert user.has_perm("outcomes.view_dashboard")
        assert user_roles(user) == [Role.PHYSICIAN.value]


def test_a_role_taken_away_applies_on_the_next_request(make_user):
    user = make_user("pat", Role.PHYSICIAN)
    assert fresh(user).has_perm("procedures.add_procedure")
    user.groups.remove(Group.objects.get(name=Role.PHYSICIAN.value))
    assert not fresh(user).has_perm("procedures.add_procedure")
    assert user_roles(fresh(user)) == []


def test_an_inactive_user_has_no_permissions_and_a_superuser_has_all(make_user):
    gone = make_user("gone", Role.PHYSICIAN, is_active=False)
    assert not fresh(gone).has_perm("procedures.add_procedure")
    root = make_user("root", None, is_superuser=True)
    assert fresh(root).has_perm("procedures.void_procedure")


@pytest.mark.django_db(transaction=True)
def test_the_permission_read_survives_a_new_connection_and_a_rolled_back_transaction(make_user):
    """PostgreSQL keeps the read as a statement prepared on each connection: a new connection prepares it again,
    and a rollback does not take it away."""
    user = make_user("pat", Role.PHYSICIAN)
    assert fresh(user).has_perm("procedures.add_procedure")
    with transaction.atomic():
        assert fresh(user).has_perm("procedures.add_procedure")
        transaction.set_rollback(True)
    assert fresh(user).has_perm("procedures.add_procedure")
    connection.close()
    assert fresh(user).has_perm("procedures.add_procedure")
    user.groups.remove(Group.objects.get(name=Role.PHYSICIAN.value))
    assert not fresh(user).has_perm("procedures.add_procedure")


def test_a_signed_in_page_reads_the_user_with_their_roles_and_a_deactivated_account_is_signed_out(client, make_user):
    user = make_user("pat", Role.PHYSICIAN)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.context["user"].pk == user.pk
    # Built as the ORM builds it: SQLite's dates come back as text, converted.
    assert response.context["user"].date_joined == user.date_joined
    assert user_roles(response.context["user"]) == [Role.PHYSICIAN.value]
    assert response.context["user"].has_perm("procedures.add_procedure")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(reverse("home")).status_code == 302
