from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clinic.paging import LargeTableAdmin
from patients.models import Patient, Payer


@admin.register(Payer)
class PayerAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["name", "key", "active"]
    list_filter = ["active"]
    search_fields = ["name", "key"]


@admin.register(Patient)
class PatientAdmin(LargeTableAdmin, SimpleHistoryAdmin):  # type: ignore[misc]
    """Read-only here: patient records change through the clinic's own pages, which keep the search key."""

    list_display = ["last_name", "first_name", "mrn", "date_of_birth", "payer", "archived_at"]
    list_filter = ["payer", "archived_at"]
    search_fields = ["last_name", "first_name", "mrn"]
    list_select_related = ["payer"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
