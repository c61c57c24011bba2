"""Shared pieces of the permission-matrix tests: every page, visited as every role and anonymously."""

from django.urls import reverse

ROLES = ["anonymous", "norole", "frontdesk", "nurse", "physician", "administrator"]
OK, FORBIDDEN, LOGIN, ADMIN_LOGIN = 200, 403, "login", "admin-login"


def login_as(client, request, role: str) -> None:
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


def check(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert "/admin/login/" in response.url
    else:
        assert response.status_code == expected
