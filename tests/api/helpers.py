"""What the API tests share: an integration account with a token, and requests sent as it."""

import datetime
from typing import Any

from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from clinic import tokens
from clinic.roles import Role, sync_roles
from tests import factories


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


def esi_proposal(patient: Any, **changes: Any) -> dict[str, Any]:
    """`factories.esi_entry` as the API takes it: a bilateral two-level transforaminal ESI, dexamethasone 10 mg,
    now, performed by a physician (an integration account names who performed it)."""
    body = {
        "patient": patient.pk,
        "performed_by": factories.physician_user().pk,
        "procedure_type": "esi-transforaminal",
        "performed_at": timezone.localtime().replace(second=0, microsecond=0).isoformat(),
        "sites": [{"place": "L4-L5", "side": "bilateral"}, {"place": "L5-S1", "side": "bilateral"}],
        "medications": [{"drug": "Dexamethasone sodium phosphate", "dose_mg": "10"}],
    }
    return body | changes


def form_entry(patient: Any, physician: User, body: dict[str, Any]) -> dict[str, Any]:
    """The entry form's POST for the same procedure as an API body built by `esi_proposal`."""
    entry = factories.esi_entry(patient, physician)
    entry["performed_at"] = timezone.localtime(datetime.datetime.fromisoformat(body["performed_at"])).strftime(
        "%Y-%m-%dT%H:%M"
    )
    if body.get("override_reason"):
        entry["override_reason"] = body["override_reason"]
    return dict(entry)


def results(check: Any) -> dict[str, list[tuple[str, str]]]:
    """A live check's results as (rule name, explanation) pairs, from the form's check or the API's answer."""
    if isinstance(check, dict):
        return {
            kind: [(r["name"], r["explanation"]) for r in check[kind]] for kind in ("blocking", "warnings", "clear")
        }
    return {
        kind: [(r.rule.name, r.explain()) for r in getattr(check, kind)] for kind in ("blocking", "warnings", "clear")
    }
