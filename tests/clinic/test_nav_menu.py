"""Every page's main menu answers from the viewer's permissions read once (`clinic.context_processors`): each role sees
its own entries, a permission taken away leaves the menu on the next page, and a superuser sees every entry."""

import pytest
from django.contrib.auth.models import Permission

from clinic.roles import Role

pytestmark = pytest.mark.django_db


def menu(client, path: str = "/") -> str:
    page = str(client.get(path).content.decode())
    return page[page.index('<ul class="navbar-nav') : page.index('role="search"')]


def test_each_role_sees_its_own_menu(client, physician, frontdesk, administrator):
    client.force_login(physician)
    assert ">Limit flags</a>" in menu(client)
    assert ">Access log</a>" not in menu(client)
    client.force_login(frontdesk)
    assert ">Limit flags</a>" not in menu(client)
    assert ">Book a visit</a>" in menu(client)
    client.force_login(administrator)
    assert ">Access log</a>" in menu(client)
    assert ">Book a visit</a>" not in menu(client)


def test_the_patient_list_is_marked_only_on_its_own_page(client, frontdesk):
    client.force_login(frontdesk)
    assert 'nav-link active" href="/patients/"' in menu(client, "/patients/")
    assert "active" not in menu(client)


def test_a_permission_taken_away_leaves_the_menu_on_the_next_page(client, make_user):
    user = make_user("dana", Role.FRONT_DESK)
    view = Permission.objects.get(codename="view_appointment")
    user.user_permissions.add(view)
    client.force_login(user)
    assert ">Book a visit</a>" in menu(client)
    user.groups.clear()
    user.user_permissions.clear()
    user.user_permissions.add(Permission.objects.get(codename="view_patient"))
    page = menu(client)
    assert ">Patients</a>" in page
    assert "Schedule</a>" not in page


def test_a_superuser_sees_every_entry(client, make_user):
    client.force_login(make_user("root", None, is_superuser=True, is_staff=True))
    page = menu(client)
    entries = (">Patients</a>", ">Limit flags</a>", ">Outcomes</a>", ">Access log</a>", ">Users &amp; configuration")
    for entry in entries:
        assert entry in page
