"""What the API tests share: an integration account with a token, and requests sent as it."""

from typing import Any

from django.contrib.auth.models import Group, User
from django.test import Client

from clinic import tokens
from clinic.roles import Role, sync_roles


def integration_account(username: str = "ehr-interface", role: Role = Role.PHYSICIAN) -> User:
    """An account for a machine: no password (it signs in with tokens only), with the role it works as."""
    if not Group.objects.filter(name=role.value).exists():
        sync_roles()
    user = User.objects.create_user(username=username, first_name="EHR", last_name="Interface")
    user.groups.add(Group.objects.get(name=role.value))
    return user


def token_for(owner: User, created_by: User | None = None) -> str:
    """A new token's secret, created as an administrator would."""
    admin = created_by or User.objects.create_user(username=f"admin-of-{owner.username}", password="x-x-x-x")
    _, secret = tokens.token_create(name=f"{owner.username} token", owner=owner, created_by=admin)
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def api_post(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, body, content_type="application/json", headers=headers)


def api_patch(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.patch(url, body, content_type="application/json", headers=headers)
