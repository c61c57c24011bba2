"""What every admin screen promises, whichever app's records it holds: nothing can be deleted there (records
are retired or voided, and their history kept)."""

from django.db.models import Model
from django.test import Client
from django.urls import reverse


def _admin_url(obj: Model, view: str, *args: object) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=args)


def assert_nothing_can_be_deleted(client: Client, obj: Model) -> None:
    """No delete link on the change page, no bulk delete on the list, and the delete view refuses both ways."""
    assert "deletelink" not in client.get(_admin_url(obj, "change", obj.pk)).content.decode()
    assert "delete_selected" not in client.get(_admin_url(obj, "changelist")).content.decode()
    assert client.get(_admin_url(obj, "delete", obj.pk)).status_code == 403
    assert client.post(_admin_url(obj, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()
