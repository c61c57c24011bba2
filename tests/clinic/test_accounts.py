import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from patients.models import Patient
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_user_logs_in_and_lands_on_the_home_page_for_their_role(client, frontdesk):
    response = client.post(reverse("login"), {"username": "fiona", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    html = response.content.decode()
    assert "Front desk" in html
    assert "Register a new patient" in html
    assert "Latest changes to patient records" not in html


def test_the_administrator_home_shows_recent_changes_and_configuration(client, administrator):
    client.force_login(administrator)
    html = client.get(reverse("home")).content.decode()
    assert "Latest changes to patient records" in html
    assert "Staff accounts and roles" in html
    assert "Register a new patient" not in html


def test_repeated_failed_logins_lock_the_username_out(client, frontdesk):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "fiona", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "fiona", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


def test_logging_out_takes_a_post(client, frontdesk):
    client.force_login(frontdesk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_seed_demo_creates_the_logins_and_patients_and_a_second_run_changes_nothing():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (User.objects.count(), Patient.objects.count(), Patient.history.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == (User.objects.count(), Patient.objects.count(), Patient.history.count())
    assert counts[1] == 50
    admin = User.objects.get(username="admin")
    assert admin.check_password("pinpoint-demo")
    assert admin.is_staff
    assert not admin.is_superuser
    assert set(User.objects.values_list("username", flat=True)) == {
        "frontdesk",
        "nurse",
        "physician",
        "drchen",
        "drokafor",
        "admin",
    }


def test_the_app_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "clinic.settings", "DEBUG": "0", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_a_user_changes_their_password_and_is_told_so(client, nurse):
    client.force_login(nurse)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-long-phrase-42", "new_password2": "a-new-long-phrase-42"},
        follow=True,
    )
    assert "Your password was changed." in response.content.decode()
    nurse.refresh_from_db()
    assert nurse.check_password("a-new-long-phrase-42")


def test_the_administrator_home_runs_a_constant_number_of_queries(client, administrator, django_assert_max_num_queries):
    from tests import factories

    client.force_login(administrator)
    factories.patient()
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("home"))
    for n in range(20):
        factories.patient(first_name=f"P{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))
