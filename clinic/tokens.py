"""API tokens: how a machine (an EHR interface, a billing export) signs in to the REST API.

A token acts as its owner, an integration account: the account's roles are the token's permissions, through the
same role matrix as every page, and the audit history names the account on every record it writes. An
administrator creates a token in the admin site and sees its secret once; only its SHA-256 is kept, with the first
characters (`prefix`) to find its row and to tell tokens apart. A token is revoked, never deleted.

The secret travels as `Authorization: Bearer <secret>`. Token requests carry no cookie, so they are not subject to
CSRF (a browser cannot be made to send the header); the session authentication keeps its CSRF check.
"""

import datetime
import hashlib
import hmac
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from clinic.models import ApiToken

KEYWORD = "Bearer"
# "pp_" marks a Pinpoint token in a configuration file or a leak scanner; the prefix follows, then the secret.
MARK = "pp_"
PREFIX_LENGTH = 8
# A use is written at most this often: a busy interface must not write a row per request.
TOUCH_EVERY = datetime.timedelta(minutes=1)
NOT_FOR_PEOPLE = (
    "Tokens are for integration accounts, which sign in with tokens only: this account signs in with a password "
    "(and its two-step code), which a token would bypass. Create an account with password-based sign-in disabled "
    "for the integration, give it the roles it needs, and create its token."
)
INVALID = "The token is not valid."
REVOKED = "This token was revoked."
INACTIVE = "This token's account is not active."
NOW_A_PERSON = "This token's account now signs in with a password: tokens are for integration accounts only."


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_owner(owner: User) -> None:
    """Who may hold a token: an active integration account that is not a superuser."""
    if owner.has_usable_password():
        raise ValidationError({"owner": NOT_FOR_PEOPLE})
    if owner.is_superuser:
        raise ValidationError({"owner": "A superuser's account cannot hold a token."})
    if not owner.is_active:
        raise ValidationError({"owner": "This account is not active."})


@transaction.atomic
def token_create(*, name: str, owner: User, created_by: User) -> tuple[ApiToken, str]:
    """A new token for `owner`, and its secret: the only time the secret exists outside the caller's hands."""
    check_owner(owner)
    if not name.strip():
        raise ValidationError({"name": "Say what uses the token."})
    while True:
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    secret = f"{MARK}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(name=name.strip(), owner=owner, prefix=prefix, key_hash=digest(secret), created_by=created_by)
    token._change_reason = f"Created by {created_by.get_username()}"  # type: ignore[attr-defined]
    token.save()
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Refuse the token from now on; the row stays, with who revoked it and when."""
    if token.is_revoked:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token._change_reason = f"Revoked by {by.get_username()}"  # type: ignore[attr-defined]
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def token_touch(token: ApiToken, now: datetime.datetime | None = None) -> None:
    """Note a use, at most once a minute: an UPDATE past the history, which audits changes, not uses."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def token_of(secret: str) -> ApiToken | None:
    """The token this secret is, found by its prefix and compared by hash in constant time; None if none."""
    prefix = secret.removeprefix(MARK).split("_", 1)[0]
    if not secret.startswith(MARK) or len(prefix) != PREFIX_LENGTH:
        return None
    token = ApiToken.objects.select_related("owner").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, digest(secret)):
        return None
    return token


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <secret>`: the request acts as the token's owner. A request without the header is
    left to the session authentication; a wrong, revoked or orphaned token is refused with a 401."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD.lower().encode():
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        try:
            secret = words[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(INVALID) from error
        token = token_of(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID)
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(REVOKED)
        if not token.owner.is_active:
            raise exceptions.AuthenticationFailed(INACTIVE)
        if token.owner.has_usable_password() or token.owner.is_superuser:
            # The account became a person's (or a superuser's) since: its token would bypass the two-step login.
            raise exceptions.AuthenticationFailed(NOW_A_PERSON)
        token_touch(token)
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        # Makes an unauthenticated request a 401 (with this challenge) rather than a 403.
        return f'{KEYWORD} realm="api"'
