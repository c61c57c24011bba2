"""Two-step login: who must set it up, the code after the password, recovery codes, and turning it off.

Enforcement runs as production runs it (`two_step_enforced`: physicians and administrators must enrol); users log
in through the login page with their password, and codes come from the secret the enrolment page shows.
"""

import datetime
import re
import subprocess
import sys
from base64 import b32decode

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.mfa.policy import required_roles
from clinic.roles import Role
from demo.logins import DEMO_PASSWORD
from tests.conftest import PASSWORD, PRODUCTION_MFA_ROLES, seed_demo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_step_enforced")]

ENROL, VERIFY = reverse("mfa:enrol"), reverse("mfa:verify")


def log_in(client: Client, user: User) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password is accepted"


def code_from(secret: str) -> str:
    """What an authenticator app shows now for the secret the enrolment page printed."""
    return f"{totp(b32decode(secret.replace(' ', ''))):06d}"


def next_code_time() -> time_machine.travel:
    """Forty seconds on: a code already used is refused, so a second code is the authenticator's next one."""
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=40), tick=True)


def enrol(client: Client) -> tuple[str, list[str]]:
    """Set up an authenticator through the pages; returns its secret and the recovery codes shown."""
    page = client.get(ENROL)
    secret = page.context["secret"]
    response = client.post(ENROL, {"code": code_from(secret)}, follow=True)
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    return secret, codes


def test_production_requires_two_step_of_physicians_and_administrators_unless_configured():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s;"
            " print(','.join(s.MFA_REQUIRED_ROLES))",
        ],
        env={"DJANGO_SETTINGS_MODULE": "clinic.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().split(",") == PRODUCTION_MFA_ROLES
    assert required_roles(PRODUCTION_MFA_ROLES) == frozenset({Role.PHYSICIAN, Role.ADMINISTRATOR})
    assert required_roles(["all"]) is None
    assert required_roles(["Front desk", "nurse"]) == frozenset({Role.FRONT_DESK, Role.NURSE})
    with pytest.raises(ImproperlyConfigured, match="unknown doctor"):
        required_roles(["doctor"])


@pytest.mark.parametrize(
    ("role", "must_enrol"),
    [("frontdesk", False), ("nurse", False), ("physician", True), ("administrator", True)],
)
def test_physicians_and_administrators_must_set_up_an_authenticator_before_any_page(client, request, role, must_enrol):
    log_in(client, request.getfixturevalue(role))
    for page in (reverse("home"), reverse("patients:list"), reverse("password_change")):
        response = client.get(page)
        if must_enrol:
            assert response.status_code == 302
            assert response.url == f"{ENROL}?next={page.replace('/', '%2F')}"
        else:
            assert response.status_code in (200, 403)


def test_the_admin_site_also_waits_for_the_second_step(client, administrator):
    log_in(client, administrator)
    for page in (reverse("admin:index"), reverse("admin:auth_user_changelist")):
        response = client.get(page)
        assert response.status_code == 302
        assert response.url.startswith(ENROL)
    enrol(client)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_a_setting_requires_it_of_every_account(client, settings, nurse):
    settings.MFA_REQUIRED_ROLES = ["all"]
    log_in(client, nurse)
    assert client.get(reverse("home")).url.startswith(ENROL)


def test_enrolment_shows_a_qr_code_and_the_secret_then_ten_recovery_codes_once(client, physician):
    log_in(client, physician)
    page = client.get(ENROL)
    html = page.content.decode()
    assert "<svg" in html
    assert 'aria-label="QR code for your authenticator app"' in html
    secret = page.context["secret"]
    assert secret in html
    assert client.get(ENROL).context["secret"] == secret, "the same secret until it is confirmed"

    response = client.post(ENROL, {"code": code_from(secret), "next": reverse("patients:list")})
    assert response.status_code == 302
    codes_page = client.get(response.url)
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page.content.decode())
    assert len(codes) == 10
    assert f'href="{reverse("patients:list")}"' in codes_page.content.decode()
    assert client.get(reverse("mfa:codes")).url == reverse("mfa:account"), "shown once"
    assert client.get(reverse("patients:list")).status_code == 200
    assert TOTPDevice.objects.get(user=physician).confirmed


def test_a_wrong_code_at_enrolment_says_so_beside_the_field_and_enrols_nothing(client, physician):
    log_in(client, physician)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["That code is not right."]
    assert not TOTPDevice.objects.filter(user=physician, confirmed=True).exists()
    assert client.get(reverse("home")).url.startswith(ENROL)


def test_a_user_with_an_authenticator_is_asked_for_its_code_after_the_password(client, nurse):
    log_in(client, nurse)
    client.get(reverse("mfa:account"))
    secret, _codes = enrol(client)
    client.post(reverse("logout"))

    log_in(client, nurse)
    for page in (reverse("home"), reverse("mfa:account"), reverse("admin:index")):
        assert client.get(page).url.startswith(VERIFY)
    response = client.post(f"{VERIFY}?next=/patients/", {"code": "123456"})
    assert response.context["form"].errors["code"] == ["That code is not right."]
    with next_code_time():
        response = client.post(f"{VERIFY}?next=/patients/", {"code": code_from(secret)})
    assert response.url == "/patients/"
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_lets_a_user_in_once(client, physician):
    log_in(client, physician)
    _secret, codes = enrol(client)
    client.post(reverse("logout"))

    log_in(client, physician)
    response = client.post(VERIFY, {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "You used a recovery code: 9 left." in response.content.decode()
    client.post(reverse("logout"))

    log_in(client, physician)
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.context["form"].errors["code"] == ["That code is not right."]
    assert client.get(reverse("home")).url.startswith(VERIFY)


def test_wrong_codes_count_toward_the_login_lockout(client, physician):
    log_in(client, physician)
    enrol(client)
    client.post(reverse("logout"))
    log_in(client, physician)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # Past the authenticator's own growing delay, so each try is judged as a wrong code.
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=attempt), tick=True):
            response = client.post(VERIFY, {"code": "000000"})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert client.get(reverse("home")).url.startswith(reverse("login")), "logged out"
    response = client.post(reverse("login"), {"username": physician.username, "password": PASSWORD})
    assert response.status_code == 429


def test_a_user_who_owes_a_code_cannot_set_up_another_authenticator(client, physician):
    log_in(client, physician)
    enrol(client)
    client.post(reverse("logout"))
    log_in(client, physician)
    assert client.get(ENROL).url == reverse("mfa:account")
    client.post(ENROL, {"code": "123456"})
    assert TOTPDevice.objects.filter(user=physician).count() == 1


def test_removing_the_authenticator_takes_a_current_code(client, physician):
    log_in(client, physician)
    secret, _codes = enrol(client)
    response = client.post(reverse("mfa:remove"), {"remove-code": "000000"})
    assert response.context["remove_form"].errors["code"] == ["That code is not right."]
    assert TOTPDevice.objects.filter(user=physician).exists()

    with next_code_time():
        response = client.post(reverse("mfa:remove"), {"remove-code": code_from(secret)})
    assert response.url == reverse("mfa:account")
    assert not TOTPDevice.objects.filter(user=physician).exists()
    assert not StaticToken.objects.filter(device__user=physician).exists()
    # A physician must have one: every page sends them to set it up again.
    assert client.get(reverse("home")).url.startswith(ENROL)


def test_new_recovery_codes_replace_the_old_ones(client, nurse):
    log_in(client, nurse)
    _secret, old = enrol(client)
    response = client.post(reverse("mfa:renew"), {"renew-code": old[0]}, follow=True)
    new = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(new) == 10
    assert set(StaticToken.objects.filter(device__user=nurse).values_list("token", flat=True)) == set(new)


def test_the_demo_gives_its_physicians_and_administrator_a_published_authenticator_key(client):
    output = seed_demo()
    assert "Two-step login for physician, drchen, drokafor, admin" in output
    found = re.search(r"authenticator key ([A-Z2-7]+)", output)
    assert found
    key = found.group(1)
    admin = User.objects.get(username="admin")
    response = client.post(reverse("login"), {"username": "admin", "password": DEMO_PASSWORD})
    assert client.get(response.url).url.startswith(VERIFY)
    assert client.post(VERIFY, {"code": code_from(key)}).url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert not TOTPDevice.objects.filter(user__username="nurse").exists()
    assert TOTPDevice.objects.get(user=admin).confirmed


def test_a_physician_whose_password_was_reset_sets_up_the_second_step_then_chooses_a_password(
    client, administrator, physician
):
    """Both owed at once: the second step first (who they are), then their own password, then the clinic."""
    new, own = "a-long-reset-phrase-17", "my-own-chosen-phrase-29"
    admin_client = Client()
    enrolled_admin = administrator
    admin_client.force_login(enrolled_admin)
    TOTPDevice.objects.create(user=enrolled_admin, name="phone", confirmed=True)  # the administrator has theirs
    session = admin_client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=enrolled_admin).persistent_id
    session.save()
    url = reverse("admin:auth_user_password_change", args=[physician.pk])
    assert admin_client.post(url, {"password1": new, "password2": new}).status_code == 302

    response = client.post(reverse("login"), {"username": physician.username, "password": new}, follow=True)
    assert response.redirect_chain[-1][0].startswith(ENROL)
    enrol(client)
    assert client.get(reverse("home")).url == reverse("password_change")
    choosing = {"old_password": new, "new_password1": own, "new_password2": own}
    assert client.post(reverse("password_change"), choosing).url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
