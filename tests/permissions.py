"""Shared pieces of the permission-matrix tests: every page, visited as every role and anonymously."""

from collections.abc import Mapping, Sequence

import pytest
from django.urls import reverse

ROLES = ["anonymous", "norole", "frontdesk", "nurse", "physician", "administrator"]
OK, FORBIDDEN, LOGIN, ADMIN_LOGIN = 200, 403, "login", "admin-login"


def each_cell(matrix: Mapping[str, Sequence[object]], key: str = "page") -> pytest.MarkDecorator:
    """One test per cell of a matrix whose rows are in ROLES order: `key`, `role` and the `expected` outcome."""
    cells = [(name, role, expected) for name, row in matrix.items() for role, expected in zip(ROLES, row, strict=True)]
    return pytest.mark.parametrize((key, "role", "expected"), cells, ids=[f"{role}-{name}" for name, role, _ in cells])


def login_as(client, request, role: str) -> None:
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


def check(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected
