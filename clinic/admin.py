"""The read-access log, read-only: nobody adds, changes or deletes an entry, administrators included."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from clinic.models import AccessLog
from clinic.paging import LargeTableAdmin


@admin.register(AccessLog)
class AccessLogAdmin(LargeTableAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "user", "kind", "patient_id", "object_id", "path", "ip")
    list_filter = ("kind",)
    list_select_related = ("user",)
    readonly_fields = ("at", "user", "ip", "user_agent", "kind", "patient_id", "object_id", "path")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
