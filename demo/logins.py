"""The demo's staff logins, shared by the small demo (`seed_demo`) and the clinic at scale (`seed_scale`)."""

from collections.abc import Mapping

from django.contrib.auth.models import Group, User

from clinic.roles import Role

DEMO_PASSWORD = "pinpoint-demo"
DEMO_USERS = [
    ("frontdesk", "Fiona", "Desk", Role.FRONT_DESK),
    ("nurse", "Nora", "Reyes", Role.NURSE),
    ("physician", "Paul", "Ibarra", Role.PHYSICIAN),
    ("drchen", "Hannah", "Chen", Role.PHYSICIAN),
    ("drokafor", "Emeka", "Okafor", Role.PHYSICIAN),
    ("admin", "Ada", "Minter", Role.ADMINISTRATOR),
]
# The demo logins whose role needs two-step login share this published authenticator key, so anyone trying the
# demo can add it to an authenticator app (or `oathtool --totp -b KEY`). Like the demo password, it is public.
DEMO_AUTHENTICATOR_KEY = b"pinpoint-demo-secret"


def staff_login(
    username: str, first: str, last: str, role: Role, *, password: str, groups: Mapping[str, Group]
) -> User:
    """The login, made with the hashed `password` and the role's group if it is not there yet; one already there is
    left as it is (the demo may be seeded again over a database whose staff changed their passwords or roles)."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            # Administrators manage accounts and configuration in the admin site.
            "is_staff": role is Role.ADMINISTRATOR,
            "password": password,
        },
    )
    if created:
        user.groups.add(groups[role.value])
    return user


def role_groups() -> dict[str, Group]:
    return {group.name: group for group in Group.objects.all()}
