from django.contrib import admin

from authorizations.models import AuthorizationRequirement
from clinic.admin_kit import UndeletableAdmin


@admin.register(AuthorizationRequirement)
class AuthorizationRequirementAdmin(UndeletableAdmin):
    list_display = ["payer", "family", "required", "source"]
    list_filter = ["payer", "required"]
