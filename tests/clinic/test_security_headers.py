"""Production headers: Django's deploy check passes, every page sends a Content-Security-Policy that the
templates keep (no inline script, no inline handler), and signed-in pages are never cached."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "clinic.settings",
    "DEBUG": "0",
    "SECRET_KEY": "x7#kq2!vLz9@pR4m$Wn8^tB3&cY6*hJ1(sD5)fG0-aE+uI=oP-t3stOnly-k7Qz",
    "ALLOWED_HOSTS": "clinic.example.org",
    "PATH": "/usr/bin:/bin",
}


def deploy_check(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=PRODUCTION | env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_deploy_check_passes_with_production_settings_and_no_warnings():
    result = deploy_check()
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deploy_check_passes_behind_a_proxy_too():
    result = deploy_check(PROXY_COUNT="1")
    assert result.returncode == 0, result.stderr


def test_the_deploy_check_warns_when_production_turns_https_off():
    result = deploy_check(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr


def policy(response: HttpResponse) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize("name", ["login", "home"])
def test_pages_send_a_policy_allowing_only_the_apps_own_scripts(client, frontdesk, name):
    if name != "login":
        client.force_login(frontdesk)
    csp = policy(client.get(reverse(name)))
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["style-src-elem"]
    assert "'unsafe-eval'" not in str(csp)


def template_files() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "templates"] + [
        Path(settings.BASE_DIR) / app / "templates" for app in ("clinic", "patients", "procedures", "scheduling")
    ]
    return sorted(path for root in roots if root.exists() for path in root.rglob("*.html"))


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
# onclick=, onchange=, … and htmx's hx-on (which evaluates its text as script).
INLINE_HANDLER = re.compile(r"""\s(?:on[a-z]+|hx-on[:\w-]*)\s*=\s*["']""", re.IGNORECASE)


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for path in template_files():
        text = path.read_text()
        for match in SCRIPT_TAG.finditer(text):
            attributes = match.group(1)
            # A data block (json_script) is never run; a script with src is one of our static files.
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                found.append(f"{path}: {match.group(0)}")
        found += [f"{path}: {m.group(0).strip()}" for m in INLINE_HANDLER.finditer(text)]
        if "javascript:" in text:
            found.append(f"{path}: javascript: URL")
    assert len(template_files()) > 20
    assert found == []


def test_a_chart_and_a_csv_export_are_never_cached(client, physician):
    patient = factories.patient()
    client.force_login(physician)
    chart = client.get(reverse("patients:chart", args=[patient.pk]))
    export = client.get(reverse("outcomes:export", args=["complications"]))
    assert chart.status_code == export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    for response in (chart, export):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_htmx_fragments_for_a_signed_in_user_are_never_cached_either(client, frontdesk):
    client.force_login(frontdesk)
    response = client.get(reverse("patients:list") + "?q=smith", HTTP_HX_REQUEST="true")
    assert "no-store" in response["Cache-Control"]
