"""Staff accounts and roles in the admin site, for whoever holds the staff administration permission.

- Nobody grants superuser status through the web, and only a superuser changes a superuser's account (a password
  reset would otherwise be a way into it).
- Nobody changes their own roles or their own staff and active flags, nor resets their own password here.
- Permissions come from roles alone: Django's per-user permissions are not offered, and the roles themselves are
  the matrix in `clinic/roles.py`, set by migrations and read-only here.
- The read-access log is read-only: nobody adds, changes or deletes an entry, administrators included.
- API tokens are created here for integration accounts, their secret shown once on the page that follows the
  creation (never stored, never sent through a message or a log), and revoked here; never deleted.
- A password an administrator sets (a reset, or a new account's first) is replaced by the user at their next login
  (`clinic/passwords.py`), and each one is kept as a `PasswordReset` and in the account's history.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import AdminForm
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from clinic import services, tokens
from clinic.history_admin import HistoryAdmin, RecordAdmin, ViewOnlyAdmin
from clinic.models import AccessLog, ApiToken, PasswordReset
from clinic.paging import LargeTableAdmin
from clinic.roles import staff_user

STAFF_PERMISSION = "clinic.administer_staff"
# What the user's own account never changes from this page.
OWN_ACCESS = ["is_active", "is_staff", "groups"]

admin.site.unregister(User)
admin.site.unregister(Group)


class StaffAdministration:
    """Seen by whoever holds the staff administration permission, not by Django's per-model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(STAFF_PERMISSION)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(STAFF_PERMISSION)


class StaffPasswordForm(AdminPasswordChangeForm):  # type: ignore[type-arg]
    """A new password, always: an account is retired by unticking "active", not by removing its password."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields.pop("usable_password", None)
        self.fields["password1"].required = self.fields["password2"].required = True


@admin.register(User)
class StaffAdmin(StaffAdministration, HistoryAdmin, UserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Name", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "is_staff", "groups", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    filter_horizontal = ("groups",)
    list_display = ("username", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "groups")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(STAFF_PERMISSION)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not request.user.has_perm(STAFF_PERMISSION):
            return False
        return obj is None or not obj.is_superuser or request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Records name their staff: an account is retired (not active), never deleted.
        return False

    def may_revert(self, request: HttpRequest, obj: Any = None) -> bool:
        # An old version would bring back roles and flags past the rules of the change page.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = ["is_superuser", "last_login", "date_joined"]
        if obj is not None and obj.pk == request.user.pk:
            readonly += OWN_ACCESS
        return readonly

    def save_model(self, request: HttpRequest, obj: User, form: Form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            services.staff_password_mark_given(user=obj, given_by=staff_user(request))

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404("No such account.")
        if user.pk == request.user.pk:
            return redirect("password_change")
        if not self.has_change_permission(request, user):
            raise PermissionDenied("Only a superuser resets a superuser's password.")
        form = StaffPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.staff_password_reset(
                user=user,
                password=form.cleaned_data["password1"],
                reset_by=staff_user(request),
            )
            self.log_change(request, user, services.RESET_REASON)
            messages.success(request, f"{user} chooses a new password at their next login.")
            return redirect("admin:auth_user_change", user.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reset the password: {user.get_username()}",
            "adminForm": AdminForm(form, [(None, {"fields": list(form.base_fields)})], {}),  # type: ignore[arg-type]
            "form_url": form_url,
            "form": form,
            "is_popup": False,
            "add": True,
            "change": False,
            "has_delete_permission": False,
            "has_change_permission": True,
            "has_absolute_url": False,
            "opts": self.opts,
            "original": user,
            "save_as": False,
            "show_save": True,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/auth/user/change_password.html", context)


@admin.register(Group)
class RoleAdmin(StaffAdministration, RecordAdmin):
    """The roles are `clinic.roles.ROLE_PERMISSIONS`, written by migrations; read here, with their history."""

    list_display = ["name"]
    fields = ["name", "permissions"]


@admin.register(PasswordReset)
class PasswordResetAdmin(StaffAdministration, ViewOnlyAdmin, admin.ModelAdmin[PasswordReset]):
    """Who set whose password, and when the user replaced it: the audit of resets."""

    list_display = ["user", "reset_by", "reset_at", "changed_at"]
    list_select_related = ["user", "reset_by"]
    ordering = ["-reset_at"]


@admin.register(AccessLog)
class AccessLogAdmin(LargeTableAdmin, ViewOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "user", "kind", "patient_id", "object_id", "path", "ip")
    list_filter = ("kind",)
    list_select_related = ("user",)
    readonly_fields = ("at", "user", "ip", "user_agent", "kind", "patient_id", "object_id", "path")


class TokenState(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("usable", "In use"), ("revoked", "Revoked")]

    def queryset(self, request: HttpRequest, queryset: "QuerySet[ApiToken]") -> "QuerySet[ApiToken]":
        if self.value() == "usable":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


class ApiTokenForm(forms.ModelForm[ApiToken]):
    """A new token: what uses it and which integration account it acts as."""

    class Meta:
        model = ApiToken
        fields = ["name", "owner"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Integration accounts sign in with tokens only; the check in `tokens.check_owner` says why others cannot.
        if "owner" in self.fields:  # the change page shows a token's owner as text
            owners = User.objects.filter(is_active=True, is_superuser=False).order_by("username")
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def clean_owner(self) -> User:
        owner: User = self.cleaned_data["owner"]
        try:
            tokens.check_owner(owner)
        except ValidationError as error:
            raise ValidationError(error.message_dict["owner"]) from error
        return owner


@admin.register(ApiToken)
class ApiTokenAdmin(StaffAdministration, HistoryAdmin, admin.ModelAdmin[ApiToken]):
    """Tokens of the REST API: created for an integration account, shown once, revoked, never deleted."""

    form = ApiTokenForm
    list_display = ["name", "prefix", "owner", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = [TokenState]
    list_select_related = ["owner", "created_by"]
    search_fields = ["name", "prefix", "owner__username"]
    actions = ["revoke"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(STAFF_PERMISSION)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Changing a token is revoking it (the action); its name and owner stay as created.
        return request.user.has_perm(STAFF_PERMISSION)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def may_revert(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.readonly_fields if obj is None else ["name", "owner", *self.readonly_fields]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        return ["name", "owner"] if obj is None else ["name", "owner", *self.readonly_fields]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return
        created, secret = tokens.token_create(name=obj.name, owner=obj.owner, created_by=staff_user(request))
        obj.pk, obj.prefix = created.pk, created.prefix
        # Read once, by response_add, on the page that follows: never stored, never put in a message.
        obj.secret = secret  # type: ignore[attr-defined]

    def response_add(self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": f"API token created: {obj.name}",
            "token": obj,
            "secret": getattr(obj, "secret", ""),
            "opts": self.opts,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/clinic/apitoken/created.html", context)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: "QuerySet[ApiToken]") -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.token_revoke(token=token, by=staff_user(request))
            revoked += 1
        messages.success(
            request, f"Revoked {revoked} token{'s' if revoked != 1 else ''}; they are refused from now on."
        )
