"""Setting up, checking, renewing and removing a user's second step. Every write to their devices is here.

A user has at most one confirmed authenticator (a TOTP device) and, with it, one set of recovery codes (a static
device whose tokens are deleted as they are used). Both devices throttle wrong codes themselves (django-otp's
growing delay after each failure, kept on the device): that limit holds across addresses and new password logins,
which the per-address login lockout does not.
"""

import re
from base64 import b32encode
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# An authenticator shows six digits; a recovery code is eight letters and digits (StaticToken.random_token).
_AUTHENTICATOR_CODE = re.compile(r"\d{6}")


WRONG = "That code is not right."


class CodeRefused(Exception):
    """A code that did not verify, with what to tell the user."""


@dataclass(frozen=True)
class Enrolment:
    """An authenticator being set up: the secret as a person types it, and the link a QR code carries."""

    device_id: int
    secret: str
    config_url: str


def authenticator_enrol(*, user: User) -> Enrolment:
    """The unconfirmed authenticator being set up: the same secret on every look until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    secret = b32encode(device.bin_key).decode()
    return Enrolment(
        device_id=device.pk,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        config_url=device.config_url,
    )


def authenticator_preset(*, user: User, key: bytes) -> bool:
    """Give the user a confirmed authenticator with a known key (the demo logins'); False if they have one."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return False
    TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, key=key.hex(), confirmed=True)
    return True


def authenticator_confirm(*, user: User, code: str) -> tuple[Device, list[str]]:
    """Confirm the pending authenticator with a code it shows; returns it and the new recovery codes."""
    codes: list[str] = []
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            refusal: str | None = "An authenticator is already set up for this account."
        elif device is None:
            refusal = "Start again: the setup was not found."
        else:
            refusal = _verify(device, code)
        if refusal is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            # A half-finished setup in another tab must not leave a second secret behind.
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _recovery_codes_replace(user)
    # Raised after the transaction, so the device's count of wrong codes is kept.
    if refusal is not None:
        raise CodeRefused(refusal)
    return device, codes


def code_check(*, user: User, code: str) -> Device:
    """The device that accepts this code (an authenticator code or an unused recovery code), or CodeRefused."""
    code = _normalise(code)
    model = TOTPDevice if _AUTHENTICATOR_CODE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        # Locked, so two requests cannot both spend one recovery code or slip past the throttle together.
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        refusal = WRONG if device is None else _verify(device, code)
    if refusal is not None:
        raise CodeRefused(refusal)
    return device


def recovery_codes_renew(*, user: User, code: str) -> list[str]:
    """New recovery codes in place of the old ones, for a user who gives a current code."""
    code_check(user=user, code=code)
    with transaction.atomic():
        return _recovery_codes_replace(user)


def authenticator_remove(*, user: User, code: str) -> None:
    """Remove the user's authenticator and recovery codes, for a user who gives a current code."""
    code_check(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def recovery_codes_left(*, user: User) -> int:
    left: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return left


def _verify(device: Device, code: str) -> str | None:
    """None if the device accepts the code, else why not. Each device counts its own failures (django-otp)."""
    allowed, detail = device.verify_is_allowed()
    if not allowed:
        until = (detail or {}).get("locked_until")
        when = f" after {timezone.localtime(until):%H:%M:%S}" if until else " later"
        return f"Too many wrong codes: try again{when}."
    return None if device.verify_token(_normalise(code)) else WRONG


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=token) for token in codes])
    return codes


def _normalise(code: str) -> str:
    # People copy codes with spaces or dashes, and recovery codes are stored in lower case.
    return re.sub(r"[\s-]", "", code).lower()
