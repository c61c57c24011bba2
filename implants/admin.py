from django.contrib import admin

from clinic.admin_kit import UndeletableAdmin
from implants.models import TrialRule


@admin.register(TrialRule)
class TrialRuleAdmin(UndeletableAdmin):
    list_display = ["device", "min_relief_pct", "min_days", "source"]
