from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from clinic.roles import user_roles


def roles(request: HttpRequest) -> dict[str, Any]:
    # Lazy: pages that never show the role name pay no query for it.
    return {"user_roles": SimpleLazyObject(lambda: user_roles(request.user))}
