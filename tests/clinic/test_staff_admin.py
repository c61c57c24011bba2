"""Staff accounts and roles in the admin: staff administration is its own permission, nobody grants superuser
through the web or changes their own access, and a password an administrator sets is replaced at the next login."""

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from clinic.models import PasswordReset
from clinic.roles import ROLE_PERMISSIONS, Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-reset-phrase-17"
OWN_PASSWORD = "my-own-chosen-phrase-29"


def change_url(user: User) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user: User) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def account_form(user: User, **changes: Any) -> dict[str, Any]:
    """The account page as a browser posts it, with every access field a user might try to send."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": "09:00:00",
    }
    for flag in ("is_active", "is_staff"):
        if getattr(user, flag):
            data[flag] = "on"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def roles(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def group(role: Role) -> int:
    return Group.objects.get(name=role.value).pk


@pytest.fixture
def superuser(make_user):
    return make_user("root", None, is_staff=True, is_superuser=True)


def test_an_administrator_cannot_make_themselves_superuser_or_change_their_own_roles(client, administrator):
    client.force_login(administrator)
    every_role = [group(role) for role in Role]
    data = account_form(administrator, is_superuser="on", groups=every_role, first_name="Adaline")
    response = client.post(change_url(administrator), data)
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.first_name == "Adaline"
    assert not administrator.is_superuser
    assert roles(administrator) == {Role.ADMINISTRATOR.value}


def test_an_administrator_cannot_turn_off_their_own_staff_or_active_flags(client, administrator):
    client.force_login(administrator)
    client.post(change_url(administrator), account_form(administrator, is_staff=None, is_active=None))
    administrator.refresh_from_db()
    assert administrator.is_staff
    assert administrator.is_active


def test_nobody_grants_superuser_through_the_web(client, administrator, superuser, nurse):
    for persona in (administrator, superuser):
        client.force_login(persona)
        assert client.post(change_url(nurse), account_form(nurse, is_superuser="on")).status_code == 302
        nurse.refresh_from_db()
        assert not nurse.is_superuser


def test_an_administrator_gives_another_user_a_role_and_the_history_keeps_who_did_it(client, administrator, nurse):
    client.force_login(administrator)
    response = client.post(change_url(nurse), account_form(nurse, groups=[group(Role.PHYSICIAN)]))
    assert response.status_code == 302
    assert roles(nurse) == {Role.PHYSICIAN.value}
    latest = nurse.history.latest()
    assert latest.history_user == administrator
    assert [g.group.name for g in latest.groups.all()] == [Role.PHYSICIAN.value]
    assert client.get(reverse("admin:auth_user_history", args=[nurse.pk])).status_code == 200


def test_an_accounts_history_cannot_be_posted_back(client, administrator, nurse):
    client.force_login(administrator)
    client.post(change_url(nurse), account_form(nurse, groups=[group(Role.PHYSICIAN)]))
    first = nurse.history.earliest()
    url = reverse("admin:auth_user_simple_history", args=[nurse.pk, first.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, account_form(nurse, groups=[group(Role.NURSE)])).status_code == 403
    assert roles(nurse) == {Role.PHYSICIAN.value}


def test_logging_in_adds_nothing_to_the_accounts_history(client, nurse):
    before = nurse.history.count()
    client.post(reverse("login"), {"username": "nora", "password": PASSWORD})
    assert nurse.history.count() == before


def test_roles_are_read_only_in_the_admin(client, administrator):
    client.force_login(administrator)
    role = Group.objects.get(name=Role.ADMINISTRATOR.value)
    url = reverse("admin:auth_group_change", args=[role.pk])
    assert client.get(url).status_code == 200
    every_permission = list(Permission.objects.values_list("pk", flat=True))
    assert client.post(url, {"name": role.name, "permissions": every_permission}).status_code == 403
    assert role.permissions.count() == len(ROLE_PERMISSIONS[Role.ADMINISTRATOR])


def test_staff_administration_is_its_own_permission(client, make_user):
    assert "clinic.administer_staff" in ROLE_PERMISSIONS[Role.ADMINISTRATOR]
    assert not any(p.startswith("auth.") for perms in ROLE_PERMISSIONS.values() for p in perms)
    # Django's own user permissions open nothing: they would let an account's editor grant anything.
    editor = make_user("editor", None, is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    client.force_login(editor)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.post(change_url(editor), account_form(editor, is_superuser="on")).status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser


def test_an_administrator_cannot_change_or_reset_a_superusers_account(client, administrator, superuser):
    client.force_login(administrator)
    assert client.post(change_url(superuser), account_form(superuser, first_name="Taken")).status_code == 403
    assert (
        client.post(password_url(superuser), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 403
    )
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)
    assert superuser.first_name == "Root"


def test_an_administrator_resets_their_own_password_only_on_their_own_password_page(client, administrator):
    client.force_login(administrator)
    response = client.post(password_url(administrator), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("password_change")
    administrator.refresh_from_db()
    assert administrator.check_password(PASSWORD)


def reset(client, administrator, user: User) -> None:
    client.force_login(administrator)
    response = client.post(password_url(user), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    client.logout()


def test_a_reset_is_audited_with_who_reset_it_and_without_the_hash(client, administrator, nurse):
    reset(client, administrator, nurse)
    recorded = PasswordReset.objects.get(user=nurse)
    assert (recorded.reset_by, recorded.changed_at) == (administrator, None)
    latest = nurse.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (administrator, "Password reset by an administrator")
    assert "password" not in {field.name for field in type(latest)._meta.fields}
    client.force_login(administrator)
    assert client.get(reverse("admin:clinic_passwordreset_changelist")).status_code == 200


def test_after_a_reset_the_user_must_choose_their_own_password_before_any_page(client, administrator, nurse):
    reset(client, administrator, nurse)
    response = client.post(reverse("login"), {"username": "nora", "password": NEW_PASSWORD})
    assert response.url == reverse("password_change")
    assert client.get(reverse("home")).url == reverse("password_change")
    assert client.get(reverse("patients:list")).url == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "Your password was set by an administrator" in page

    keeping = {"old_password": NEW_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert "Choose a new password" in client.post(reverse("password_change"), keeping).content.decode()
    assert client.get(reverse("home")).status_code == 302

    choosing = {"old_password": NEW_PASSWORD, "new_password1": OWN_PASSWORD, "new_password2": OWN_PASSWORD}
    assert client.post(reverse("password_change"), choosing).url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert PasswordReset.objects.get(user=nurse).changed_at is not None


def test_the_admin_sign_in_is_the_clinics_own(client, administrator, nurse):
    reset(client, administrator, nurse)
    response = client.get("/admin/login/?next=/admin/")
    assert response.url == f"{reverse('login')}?next=%2Fadmin%2F"


def test_a_new_accounts_first_password_is_replaced_at_its_first_login(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "newnurse", "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    created = User.objects.get(username="newnurse")
    assert PasswordReset.objects.get(user=created).reset_by == administrator
    assert created.history.get().history_user == administrator  # type: ignore[attr-defined]
