"""The admin's history pages: read by whoever may view the object, reverted only as a change they may make.

django-simple-history's version page is a form that saves whatever is posted to it, checking only that the user
may *view* the object: an administrator, read-only on clinical records, could post a patient's, a procedure's or
a visit's old version back over the current one, past the services that keep those records consistent. Every
history-keeping admin here derives from `HistoryAdmin`, which answers such a post as the change page would: 403
without the change permission, and otherwise through the change page itself, so a revert is validated and
followed by the admin's after-save work (e.g. recomputing the standing limits after a rule's revert).
`RecordAdmin` is for clinical records: read-only in the admin, history included; they are corrected through the
clinic's own pages and services.
"""

from typing import Any

from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    def may_revert(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(self.has_change_permission(request, obj))

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        # Hides the Revert button; the refusal itself is in history_form_view.
        return not self.may_revert(request, obj)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[no-any-return]
        current = self.get_object(request, unquote(object_id))
        if current is None or not self.may_revert(request, current):
            raise PermissionDenied("Reverting from the history needs the permission to change this record.")
        # The posted form holds the old version's values: applied on the change page's path, they are checked and
        # saved as any other change is, with its history row and the admin's after-save work.
        return self.changeform_view(request, object_id, extra_context=extra_context)  # type: ignore[no-any-return]

    def render_history_view(self, request: HttpRequest, template: str, context: dict[str, Any], **kwargs: Any) -> Any:
        """A version that cannot be reverted is shown as text, as the change page shows a record one may only view."""
        admin_form = context.get("adminform")
        if context.get("revert_disabled") and admin_form is not None:
            fieldsets = list(admin_form.fieldsets)
            context["adminform"] = helpers.AdminForm(
                admin_form.form, fieldsets, {}, readonly_fields=flatten_fieldsets(fieldsets), model_admin=self
            )
        return super().render_history_view(request, template, context, **kwargs)


class ViewOnlyAdmin:
    """For a model admin of rows written only by the clinic's own work (records, audit trails): listed and shown,
    never added, changed or deleted from the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecordAdmin(ViewOnlyAdmin, HistoryAdmin):
    """Clinical records: shown for audit, never added, changed, deleted or reverted here."""

    def may_revert(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
