"""`{{ user|staff_name }}`: the pages name staff as the code does (`clinic.staff.staff_name`)."""

from typing import Any

from django import template
from django.contrib.auth.models import User

from clinic import staff

register = template.Library()


@register.filter
def staff_name(user: Any) -> str:
    # No one recorded (None), or no one signed in, reads as nothing, as a missing value does in a template.
    return staff.staff_name(user) if isinstance(user, User) else ""
